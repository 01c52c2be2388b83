"""The requester's Escalate button on the request page: one more action of that page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from staffdesk.core.http import allow_methods
from staffdesk.directory.types import AuthenticatedHttpRequest
from staffdesk.escalation import services
from staffdesk.escalation.forms import EscalateForm
from staffdesk.requests.forms import parse
from staffdesk.requests.models import Request
from staffdesk.requests.views.detail import act_on_request


@allow_methods("POST")
@login_required
def request_escalate(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    def escalate(item: Request) -> str:
        reason = parse(EscalateForm, request.POST)["reason"]
        fired = services.request_escalate(request=item, actor=request.user, reason=reason)
        return f"Escalated to level {fired.level.position} ({fired.level.name})."

    return act_on_request(request, number, "escalate", escalate)
