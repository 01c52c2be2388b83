"""Every write to requests: filing, the workflow, the conversation, attachments, watchers."""

from staffdesk.requests.services.attachments import attachment_add, attachment_upload_check
from staffdesk.requests.services.conversation import (
    request_add_note,
    request_reply,
    watcher_add,
    watcher_remove,
)
from staffdesk.requests.services.questions import request_ask
from staffdesk.requests.services.routing import route_assignee
from staffdesk.requests.services.submit import (
    Filed,
    Location,
    request_file,
    request_submit,
    request_submit_prepare,
)
from staffdesk.requests.services.workflow import (
    allowed_transitions,
    request_assign,
    request_set_priority,
    request_transition,
)

__all__ = [
    "Filed",
    "Location",
    "allowed_transitions",
    "attachment_add",
    "attachment_upload_check",
    "request_add_note",
    "request_ask",
    "request_assign",
    "request_file",
    "request_reply",
    "request_set_priority",
    "request_submit",
    "request_submit_prepare",
    "request_transition",
    "route_assignee",
    "watcher_add",
    "watcher_remove",
]
