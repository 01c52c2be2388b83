"""The suggestion box: every write.

An anonymous suggestion is written without its author (see the models' docstring): nothing
here logs, notifies or stores who submitted it, and its author is made neither a follower
nor a voter (either would name them). What they get instead is the private follow link's
secret, returned once by `suggestion_submit` and kept only as a hash.

`vote_count` is the number of people who voted for a suggestion or for one merged into it
(the union: a person who voted for both counts once). Every write that changes it (vote,
unvote, merge, unmerge) recounts it with one COUNT DISTINCT while holding the row lock of
the suggestion counted, so concurrent votes cannot lose an update; a person's second vote is
refused under that lock, and by the unique constraint should two arrive at once.

The writes, by what they are about: `box` (suggesting, following, commenting, restricting),
`votes` (votes, merges), `responses` (the team's responses and their publication), `help`
("did it help?"); `common` holds what they share.
"""

from staffdesk.feedback.services.suggestions.box import (
    COMMENT_MAX,
    EXCERPT,
    SECRET_BYTES,
    Submitted,
    suggestion_comment,
    suggestion_follow,
    suggestion_restrict,
    suggestion_submit,
    suggestion_unfollow,
)
from staffdesk.feedback.services.suggestions.common import (
    HELP_DELAY,
    HELP_KIND,
    NEW_KIND,
    UPDATE_KIND,
    Status,
)
from staffdesk.feedback.services.suggestions.help import (
    HELP_BATCH,
    suggestion_help_answer,
    suggestion_help_due,
)
from staffdesk.feedback.services.suggestions.responses import (
    PUBLISH_MAX,
    suggestion_respond,
    suggestion_responses_publish,
)
from staffdesk.feedback.services.suggestions.votes import (
    suggestion_merge,
    suggestion_unmerge,
    suggestion_unvote,
    suggestion_vote,
)

__all__ = [
    "COMMENT_MAX",
    "EXCERPT",
    "HELP_BATCH",
    "HELP_DELAY",
    "HELP_KIND",
    "NEW_KIND",
    "PUBLISH_MAX",
    "SECRET_BYTES",
    "UPDATE_KIND",
    "Status",
    "Submitted",
    "suggestion_comment",
    "suggestion_follow",
    "suggestion_help_answer",
    "suggestion_help_due",
    "suggestion_merge",
    "suggestion_respond",
    "suggestion_responses_publish",
    "suggestion_restrict",
    "suggestion_submit",
    "suggestion_unfollow",
    "suggestion_unmerge",
    "suggestion_unvote",
    "suggestion_vote",
]
