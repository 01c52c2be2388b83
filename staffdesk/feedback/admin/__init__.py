"""The Django admin of surveys and suggestions (every page through `visible_to`, core.admin)."""

from staffdesk.feedback.admin import suggestions, surveys

__all__ = ["suggestions", "surveys"]
