"""Every write of the escalation app: the tick, the requester's escalation, policies."""

from staffdesk.escalation.services.policies import policy_requests_recheck
from staffdesk.escalation.services.requester import request_escalate
from staffdesk.escalation.services.tick import escalation_evaluate, escalation_tick

__all__ = ["escalation_evaluate", "escalation_tick", "policy_requests_recheck", "request_escalate"]
