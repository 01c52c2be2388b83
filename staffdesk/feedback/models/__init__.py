"""Satisfaction surveys after resolutions, and the suggestion box."""

from staffdesk.feedback.models.suggestions import (
    Comment,
    Follower,
    HelpAnswer,
    Response,
    ResponseTarget,
    Suggestion,
    SuggestionStatus,
    Vote,
)
from staffdesk.feedback.models.surveys import Rating, Survey

__all__ = [
    "Comment",
    "Follower",
    "HelpAnswer",
    "Rating",
    "Response",
    "ResponseTarget",
    "Suggestion",
    "SuggestionStatus",
    "Survey",
    "Vote",
]
