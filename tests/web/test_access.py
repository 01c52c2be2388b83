"""Acceptance: who may do what on every web route that takes a request number.

The routes come from the URL patterns, as the API's come from the OpenAPI document: a web
route added later with a `<number>` in its path fails `test_every_request_route_is_in_the_
matrix` until it is registered in WEB_ROUTES with the exact status each side gets.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from staffdesk.requests.models import Watcher
from tests.api.test_visibility import ROLES, SIDES, expected

# (URL name, method, form, statuses for it: requester, team, admin, for hr_confidential:
# requester, team), run in this order by each role; a role that may not see the request gets
# 404 from every one. Actions answer with a redirect to the page (302) or the page again
# under the refusal's status.
WEB_ROUTES = [
    ("requests:detail", "GET", None, (200, 200, 200), (200, 200)),
    ("requests:attachment", "GET", None, (200, 200, 200), (200, 200)),
    ("requests:reply", "POST", {"body": "hello"}, (302, 302, 302), (302, 302)),
    ("requests:note", "POST", {"body": "note"}, (403, 302, 403), (403, 302)),
    ("requests:transition", "POST", {"status": "acknowledged"}, (409, 302, 409), (409, 302)),
    ("requests:assign", "POST", {"assignee": ""}, (403, 302, 403), (403, 302)),
    ("requests:priority", "POST", {"priority": "1"}, (403, 302, 403), (403, 302)),
    ("requests:watcher_add", "POST", {"person": "colin"}, (302, 302, 403), (422, 422)),
    # The colleague watches the IT request (added below); a confidential case has none.
    ("requests:watcher_remove", "POST", {"person_id": "{colleague}"}, (302, 302, 403), (404, 404)),
    ("requests:attachment_upload", "POST", "files", (302, 302, 302), (302, 302)),
    ("escalation:escalate", "POST", {"reason": "Nobody answered."}, (409, 403, 403), (409, 403)),
]
# The path parameters of the objects the matrix knows; a route with another is a new kind of
# object, to be given its own matrix.
OBJECT_PARAMETERS = {"number", "attachment_id"}


def _named_routes():
    """(URL name, parameter names) of every URL pattern of the site."""

    def walk(patterns, namespace: str):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{namespace}{entry.name}", set(entry.pattern.regex.groupindex)

    # The REST API's routes have their matrix, generated from its OpenAPI document.
    return [
        (name, parameters)
        for name, parameters in walk(get_resolver().url_patterns, "")
        if not name.startswith("api-")
    ]


def test_every_request_route_is_in_the_matrix():
    taking_a_number = {name for name, parameters in _named_routes() if "number" in parameters}
    assert taking_a_number == {name for name, *_ in WEB_ROUTES}
    for name, parameters in _named_routes():
        if "number" in parameters:
            assert parameters <= OBJECT_PARAMETERS, (name, parameters)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", ["it", "hr_confidential"])
def test_web_routes_by_role(org, cases, role, case):
    request, attachment = cases[case]
    browser = Client()
    browser.force_login(getattr(org, role))
    for name, method, form, it_statuses, hr_statuses in WEB_ROUTES:
        args = (
            [request.number, attachment.pk] if name == "requests:attachment" else [request.number]
        )
        path = reverse(name, args=args)
        if name == "requests:watcher_remove" and case == "it" and role in SIDES[case]:
            Watcher.objects.get_or_create(request=request, person=org.colleague)
        if method == "GET":
            response = browser.get(path)
        elif form == "files":
            response = browser.post(path, {"files": SimpleUploadedFile("a.txt", b"data")})
        else:
            data = {key: value.format(colleague=org.colleague.pk) for key, value in form.items()}
            response = browser.post(path, data)
        want = expected(case, role, {"it": it_statuses, "hr_confidential": hr_statuses})
        assert response.status_code == want, (name, response.status_code)
    home = browser.get("/").content.decode()
    assert (request.number in home) == (role == "requester")
