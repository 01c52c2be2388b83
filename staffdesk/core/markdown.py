"""Markdown that people write, rendered to HTML that is safe to show to everyone else.

markdown-it-py renders CommonMark with raw HTML turned off (it is shown as text); nh3 then
keeps only the tags and attributes a formatted text needs. No script, no event handler, no
`style`, no htmx or other attribute survives, and links keep only http, https and mailto
(a `javascript:` or `data:` link loses its target). Links open as ordinary links with
`rel="noopener noreferrer nofollow"`.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_RENDERER = MarkdownIt(
    "commonmark", {"html": False, "linkify": False, "typographer": False}
).enable(["table", "strikethrough"])

TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render(text: str) -> str:
    """`text` (Markdown) as sanitised HTML."""
    return nh3.clean(
        _RENDERER.render(text),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
