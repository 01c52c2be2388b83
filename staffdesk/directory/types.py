"""Who is acting: the types of the user every read and write is done for."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from staffdesk.core.http import HtmxHttpRequest
from staffdesk.directory.models import Person

# The user a selector or `visible_to` reads for. Anonymous users reach them too (Open311
# calls without a personal key read as nobody), and they see only what anybody may.
Viewer: TypeAlias = Person | AnonymousUser


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request from a signed-in person: views behind `login_required` and API endpoints
    behind the API's authentication, where `request.user` is always a `Person`."""

    user: Person
