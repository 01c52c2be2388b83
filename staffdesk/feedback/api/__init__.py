"""The app's REST API: satisfaction surveys and the suggestion box, one router each."""

from staffdesk.feedback.api.suggestions import router as suggestions
from staffdesk.feedback.api.surveys import router as surveys

__all__ = ["suggestions", "surveys"]
