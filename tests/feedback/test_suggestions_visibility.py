"""Who sees a suggestion its department marked "visible to us and the author only": the
owning team and its named author, as for a confidential case; nobody else, organization
admins included, on any surface.

Every web route and API route of one suggestion is registered in WEB or API below (checked
against the URL patterns and the OpenAPI document), so a new route cannot forget the rule
unnoticed: for everyone else the restricted suggestion is a 404 on each of them.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, reverse

from staffdesk.feedback.models import Suggestion
from staffdesk.feedback.selectors.suggestions import board, similar_suggestions, suggestion_list
from staffdesk.feedback.services.suggestions import (
    UPDATE_KIND,
    suggestion_respond,
    suggestion_restrict,
    suggestion_vote,
)
from staffdesk.feedback.urls import suggestions as suggestion_urls
from tests.api.test_visibility import ROLES
from tests.feedback.suggestion_helpers import done, signed_in, suggest, told

SIDES = {"requester": "author", "it_agent": "team", "it_lead": "team"}
TITLE = "Overtime rules in my unit"

# (method, URL name, form, statuses for: author, team), run in this order by each role.
WEB = [
    ("GET", "feedback:suggestion", None, (200, 200)),
    ("POST", "feedback:suggestion-vote", {}, (302, 302)),
    ("POST", "feedback:suggestion-unvote", {}, (302, 302)),
    ("POST", "feedback:suggestion-follow", {}, (302, 302)),
    ("POST", "feedback:suggestion-unfollow", {}, (302, 302)),
    ("POST", "feedback:suggestion-comment", {"body": "More detail."}, (302, 302)),
    ("POST", "feedback:suggestion-respond", {"body": "Noted.", "publish": "publish"}, (403, 302)),
    # A restricted suggestion is not merged (its title would show on the other).
    ("POST", "feedback:suggestion-merge", {"into": "{other}"}, (403, 409)),
    ("POST", "feedback:suggestion-unmerge", {}, (403, 409)),
    ("POST", "feedback:suggestion-restrict", {"restricted": "on"}, (403, 302)),
    # "Did it help?" is asked of none of them yet.
    ("POST", "feedback:suggestion-help", {"answer": "yes"}, (409, 409)),
]

# (method, path, body, statuses for: author, team).
API = [
    ("GET", "/suggestions/{id}", None, (200, 200)),
    ("POST", "/suggestions/{id}/vote", None, (200, 200)),
    ("DELETE", "/suggestions/{id}/vote", None, (200, 200)),
    ("POST", "/suggestions/{id}/follow", None, (200, 200)),
    ("DELETE", "/suggestions/{id}/follow", None, (200, 200)),
    ("GET", "/suggestions/{id}/comments", None, (200, 200)),
    ("POST", "/suggestions/{id}/comments", {"body": "More detail."}, (201, 201)),
    ("POST", "/suggestions/{id}/responses", {"body": "Noted."}, (403, 201)),
    ("POST", "/suggestions/{id}/merge", {"into": "{other}"}, (403, 409)),
    ("POST", "/suggestions/{id}/unmerge", None, (403, 409)),
    ("POST", "/suggestions/{id}/restrict", {"restricted": True}, (403, 200)),
    ("POST", "/suggestions/{id}/help", {"answer": "yes"}, (409, 409)),
]


@pytest.fixture
def restricted(org):
    """Rita's suggestion to IT, which IT's team marked for itself and her only; and an
    ordinary one of IT's to merge into."""
    suggestion = suggest(org.requester, to=org.it, title=TITLE).suggestion
    suggestion_vote(suggestion=suggestion, person=org.colleague)  # before it was restricted
    suggestion_restrict(suggestion=suggestion, actor=org.it_lead, restricted=True)
    other = suggest(org.colleague, to=org.it, title="Printer on floor 3").suggestion
    return suggestion, other


def _expected(role: str, statuses: tuple[int, int]) -> int:
    side = SIDES.get(role)
    return 404 if side is None else statuses[("author", "team").index(side)]


def test_every_route_of_a_suggestion_is_in_the_matrix(client, db):
    web = {
        f"feedback:{pattern.name}"
        for pattern in suggestion_urls.urlpatterns
        if isinstance(pattern, URLPattern) and "suggestion_id" in str(pattern.pattern)
    }
    assert web == {name for _, name, _, _ in WEB}
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    api = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in paths.items()
        if "{suggestion_id}" in path
        for method in operations
    }
    assert api == {(method, path.replace("{id}", "{suggestion_id}")) for method, path, _, _ in API}


@pytest.mark.parametrize("role", ROLES)
def test_web_routes_by_role(org, restricted, role):
    suggestion, other = restricted
    browser = signed_in(getattr(org, role))
    for method, name, form, statuses in WEB:
        path = reverse(name, args=[suggestion.pk])
        if method == "GET":
            answer = browser.get(path)
        else:
            data = {key: value.format(other=other.pk) for key, value in form.items()}
            answer = browser.post(path, data)
        assert answer.status_code == _expected(role, statuses), (name, answer.status_code)
        if answer.status_code == 404:
            assert TITLE not in answer.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_api_routes_by_role(org, restricted, api, role):
    suggestion, other = restricted
    client = api(getattr(org, role))
    for method, path, body, statuses in API:
        if isinstance(body, dict):
            body = {k: other.pk if v == "{other}" else v for k, v in body.items()}
        answer = client.request(method, path.format(id=suggestion.pk), json=body)
        assert answer.status_code == _expected(role, statuses), (method, path, answer.text)
    listed = client.get("/suggestions").json()["items"]
    assert (suggestion.pk in [item["id"] for item in listed]) == (role in SIDES)


@pytest.mark.parametrize("role", ROLES)
def test_lists_search_and_the_board_leave_it_out(org, restricted, role):
    suggestion, _ = restricted
    done(suggestion, org.it_agent)
    person = getattr(org, role)
    sees = role in SIDES
    assert suggestion_list(user=person).filter(pk=suggestion.pk).exists() == sees
    assert (suggestion in similar_suggestions(user=person, text="overtime")) == sees
    assert (suggestion.pk in [i.suggestion.pk for i in board(user=person).items]) == sees
    page = signed_in(person).get(reverse("feedback:suggestions")).content.decode()
    assert (TITLE in page) == sees


def test_the_admin_neither_lists_nor_opens_it(org, restricted):
    suggestion, other = restricted
    browser = signed_in(org.admin)
    listed = browser.get(reverse("admin:feedback_suggestion_changelist")).content.decode()
    assert other.title in listed and TITLE not in listed
    change = browser.get(reverse("admin:feedback_suggestion_change", args=[suggestion.pk]))
    assert change.status_code == 404


def test_followers_who_no_longer_see_it_are_not_told(org, restricted):
    suggestion, _ = restricted
    suggestion_respond(
        suggestion=suggestion, actor=org.it_agent, body="We will talk.", status="under_review"
    )
    # Colin voted (and so followed) before it was restricted: he sees it no more.
    assert told(suggestion, UPDATE_KIND) == ["rita"]


def test_an_anonymous_restricted_one_is_its_team_s_and_the_link_s(org):
    submitted = suggest(org.requester, to=org.it, title=TITLE, anonymous=True)
    suggestion_restrict(suggestion=submitted.suggestion, actor=org.it_agent, restricted=True)
    # No named author: not even its author sees it as a person, only through the link.
    assert (
        signed_in(org.requester)
        .get(reverse("feedback:suggestion", args=[submitted.suggestion.pk]))
        .status_code
        == 404
    )
    link = reverse("feedback:suggestion-private", args=[submitted.follow_secret])
    assert TITLE in signed_in(org.requester).get(link).content.decode()
    assert (
        signed_in(org.it_agent)
        .get(reverse("feedback:suggestion", args=[submitted.suggestion.pk]))
        .status_code
        == 200
    )
    assert Suggestion.objects.visible_to(org.admin).filter(pk=submitted.suggestion.pk).count() == 0
