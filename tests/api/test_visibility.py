"""Acceptance: who sees what, over every endpoint and page that returns request data, and
over every endpoint of satisfaction surveys and the suggestion box.

Every route under /api/v1/requests/{number} must be registered in ENDPOINTS (checked against
the OpenAPI document), so a new endpoint cannot forget the visibility rule unnoticed; every
endpoint of the feedback app (tagged surveys or suggestions, or taking a survey or suggestion
id) must be in SURVEY_ENDPOINTS, SUGGESTION_ENDPOINTS or FEEDBACK_PAGE_ENDPOINTS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest

from conftest import LAPTOP_ANSWERS
from staffdesk.core import clock
from staffdesk.feedback.models import Response, Suggestion, Survey
from staffdesk.feedback.services.suggestions import (
    suggestion_help_due,
    suggestion_respond,
    suggestion_restrict,
    suggestion_submit,
    suggestion_vote,
)
from staffdesk.feedback.services.surveys import survey_mail_links, survey_rate, surveys_open_due
from staffdesk.notifications.models import Notification
from staffdesk.requests.services import request_submit, request_transition

ROLES = ["requester", "colleague", "unrelated", "it_agent", "hr_agent", "it_lead", "admin"]
# What each role is to each case: the requester's side, the providing team, an organization
# admin; a role absent from a case's row may not see that request (404 everywhere).
SIDES = {
    "it": {"requester": "requester", "it_agent": "team", "it_lead": "team", "admin": "admin"},
    "hr_confidential": {"requester": "requester", "hr_agent": "team"},
}

# Who may see each kind of request.
SEES = {case: set(sides) for case, sides in SIDES.items()}
# Who may see the IT request's internal note and internal attachment: the IT team only.
SEES_INTERNAL = {"it_agent", "it_lead"}

# (method, path template, body, statuses) for each endpoint that reads or acts on one
# request, run in this order by each role. `statuses` is the exact answer for each side that
# may see the request, per case (it: requester, team, admin; hr_confidential: requester,
# team); a caller who may not see the request gets 404 from every one of them.
ENDPOINTS = [
    ("GET", "/requests/{number}", None, (200, 200, 200), (200, 200)),
    ("GET", "/requests/{number}/attachments", None, (200, 200, 200), (200, 200)),
    ("GET", "/requests/{number}/attachments/{attachment_id}", None, (200, 200, 200), (200, 200)),
    ("GET", "/requests/{number}/watchers", None, (200, 200, 200), (200, 200)),
    # Admins may read what is not confidential, not act on it; a confidential case has no
    # watchers (422).
    (
        "POST",
        "/requests/{number}/watchers",
        {"person_id": "{colleague_id}"},
        (201, 201, 403),
        (422, 422),
    ),
    ("DELETE", "/requests/{number}/watchers/{colleague_id}", None, (204, 204, 403), (204, 204)),
    ("POST", "/requests/{number}/replies", {"body": "hello"}, (201, 201, 201), (201, 201)),
    ("POST", "/requests/{number}/notes", {"body": "note"}, (403, 201, 403), (403, 201)),
    # The requester's side may only cancel: acknowledging is a move it cannot make (409).
    (
        "POST",
        "/requests/{number}/transition",
        {"status": "acknowledged"},
        (409, 200, 409),
        (409, 200),
    ),
    ("POST", "/requests/{number}/assign", {"assignee_id": None}, (403, 200, 403), (403, 200)),
    ("POST", "/requests/{number}/priority", {"priority": 1}, (403, 200, 403), (403, 200)),
    ("POST", "/requests/{number}/attachments", "file", (201, 201, 201), (201, 201)),
    ("GET", "/requests/{number}/escalations", None, (200, 200, 200), (200, 200)),
    # Only the requester's side escalates, and not before a target has passed (409).
    (
        "POST",
        "/requests/{number}/escalate",
        {"reason": "Nobody has answered."},
        (409, 403, 403),
        (409, 403),
    ),
]
SIDE_ORDER = {"it": ("requester", "team", "admin"), "hr_confidential": ("requester", "team")}


def expected(case: str, role: str, statuses: dict[str, tuple[int, ...]]) -> int:
    """The exact status a role gets from one route for one case (404 when it may not see)."""
    side = SIDES[case].get(role)
    if side is None:
        return 404
    return statuses[case][SIDE_ORDER[case].index(side)]


def _fill(template, **values):
    if isinstance(template, str):
        whole = re.fullmatch(r"\{(\w+)\}", template)
        return values[whole.group(1)] if whole else template.format(**values)
    if isinstance(template, dict):
        return {k: _fill(v, **values) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, **values) for v in template]
    return template


def test_every_request_route_is_in_the_matrix(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    routes = {
        (method.upper(), path.removeprefix("/api/v1").replace("{person_id}", "{colleague_id}"))
        for path, operations in paths.items()
        if "{number}" in path
        for method in operations
    }
    assert routes == {(method, path) for method, path, *_ in ENDPOINTS}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", ["it", "hr_confidential"])
def test_request_endpoints_by_role(org, api, cases, role, case):
    request, attachment = cases[case]
    client = api(getattr(org, role))
    values = {
        "number": request.number,
        "attachment_id": attachment.pk,
        "colleague_id": org.colleague.pk,
    }
    visible = role in SEES[case]
    for method, template, body, it_statuses, hr_statuses in ENDPOINTS:
        path = _fill(template, **values)
        if body == "file":
            response = client.post(path, files={"file": ("a.txt", b"data")})
        elif body is None:
            response = client.request(method, path)
        else:
            response = client.request(method, path, json=_fill(body, **values))
        want = expected(case, role, {"it": it_statuses, "hr_confidential": hr_statuses})
        assert response.status_code == want, (method, path, response.status_code, response.text)

    listed = {r["number"] for r in client.get("/requests", params={"limit": 200}).json()["items"]}
    searched = {
        r["number"] for r in client.get("/requests", params={"q": "flickers"}).json()["items"]
    }
    counts = client.get("/requests/counts", params={"q": "flickers"}).json()
    if visible:
        assert request.number in listed and request.number in searched
    else:
        assert request.number not in listed and request.number not in searched
    assert counts["total"] == len(searched)


@pytest.mark.parametrize("role", sorted(SEES["it"]))
def test_internal_notes_and_files_only_for_the_providing_team(org, api, cases, role):
    request, _ = cases["it"]
    client = api(getattr(org, role))
    detail = client.get(f"/requests/{request.number}").json()
    bodies = [event["body"] for event in detail["timeline"]]
    files = {a["filename"] for a in client.get(f"/requests/{request.number}/attachments").json()}
    download = client.get(f"/requests/{request.number}/attachments/{cases['internal_file'].pk}")
    if role in SEES_INTERNAL:
        assert "Secret vendor price" in bodies and "internal.txt" in files
        assert download.status_code == 200
    else:
        assert "Secret vendor price" not in bodies and "internal.txt" not in files
        assert download.status_code == 404


def test_downloads_are_attachments_never_rendered(org, api, cases):
    request, attachment = cases["it"]
    response = api(org.requester).get(f"/requests/{request.number}/attachments/{attachment.pk}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.content == b"flicker log"


def test_watcher_sees_ordinary_request_but_never_a_confidential_one(org, api, cases):
    it, _ = cases["it"]
    colleague = api(org.colleague)
    assert colleague.get(f"/requests/{it.number}").status_code == 404
    added = api(org.requester).post(
        f"/requests/{it.number}/watchers", json={"person_id": org.colleague.pk}
    )
    assert added.status_code == 201
    assert colleague.get(f"/requests/{it.number}").status_code == 200
    hr, _ = cases["hr_confidential"]
    refused = api(org.requester).post(
        f"/requests/{hr.number}/watchers", json={"person_id": org.colleague.pk}
    )
    assert refused.status_code == 422
    assert "confidential" in refused.json()["message"]


# --- Satisfaction surveys and the suggestion box -------------------------------------------
# A survey is its person's (Rita, the requester), its providing team's and, unless its
# request is confidential, organization admins': the sides of its request (SIDES,
# expected()). (method, path template, body, statuses for it: person, team, admin;
# hr_confidential: person, team), run in this order by each role; a caller who may not see
# the survey gets 404 from every one. The surveys are open and rated 2 (low).
SURVEY_ENDPOINTS = [
    ("GET", "/surveys/{survey_id}", None, (200, 200, 200), (200, 200)),
    # Only the person asked rates.
    (
        "POST",
        "/surveys/{survey_id}/rating",
        {"rating": 4, "comment": "Better now."},
        (200, 403, 403),
        (200, 403),
    ),
    # Only the providing team follows a rating up.
    (
        "POST",
        "/surveys/{survey_id}/follow-up",
        {"note": "Called Rita about it.", "reply": ""},
        (403, 200, 403),
        (403, 200),
    ),
]

# What each role is to each suggestion (all three are Rita's, to IT); a role absent from a
# case's row may not see that suggestion (404 everywhere). "restricted": visible to IT's team
# and its author only, so not to organization admins either. "done": Colin voted for it, and
# it was done long enough ago for "did it help?" to be asked of Rita and him.
SUGGESTION_SIDES = {
    "open": {
        "requester": "author",
        "colleague": "employee",
        "unrelated": "employee",
        "hr_agent": "employee",
        "it_agent": "team",
        "it_lead": "team",
        "admin": "admin",
    },
    "restricted": {"requester": "author", "it_agent": "team", "it_lead": "team"},
    "done": {
        "requester": "author",
        "colleague": "voter",
        "unrelated": "employee",
        "hr_agent": "employee",
        "it_agent": "team",
        "it_lead": "team",
        "admin": "admin",
    },
}
SUGGESTION_SIDE_ORDER = {
    "open": ("author", "employee", "team", "admin"),
    "restricted": ("author", "team"),
    "done": ("author", "voter", "employee", "team", "admin"),
}
SUGGESTION_CASES = list(SUGGESTION_SIDES)
RESPONSE_BODY = {"body": "We are looking into it.", "status": "under_review", "publish": True}
# (method, path template, body, statuses for open (author, employee, team, admin), restricted
# (author, team), done (author, voter, employee, team, admin)), run in this order by each role.
SUGGESTION_ENDPOINTS = [
    ("GET", "/suggestions/{suggestion_id}", None, (200,) * 4, (200,) * 2, (200,) * 5),
    ("GET", "/suggestions/{suggestion_id}/comments", None, (200,) * 4, (200,) * 2, (200,) * 5),
    # Asked of its author and its voters four weeks after it is done; not asked yet: 409.
    (
        "POST",
        "/suggestions/{suggestion_id}/help",
        {"answer": "yes"},
        (409,) * 4,
        (409,) * 2,
        (200, 200, 403, 403, 403),
    ),
    (
        "POST",
        "/suggestions/{suggestion_id}/comments",
        {"body": "Me too."},
        (201,) * 4,
        (201,) * 2,
        (201,) * 5,
    ),
    ("POST", "/suggestions/{suggestion_id}/follow", None, (200,) * 4, (200,) * 2, (200,) * 5),
    ("DELETE", "/suggestions/{suggestion_id}/follow", None, (200,) * 4, (200,) * 2, (200,) * 5),
    # Voting is over once it is done; only one's own vote is withdrawn (none: 409).
    ("POST", "/suggestions/{suggestion_id}/vote", None, (200,) * 4, (200,) * 2, (409,) * 5),
    (
        "DELETE",
        "/suggestions/{suggestion_id}/vote",
        None,
        (200,) * 4,
        (200,) * 2,
        (409, 200, 409, 409, 409),
    ),
    # The owning team answers, merges and restricts; anyone else: 403. A done suggestion
    # takes no further status and is not merged; a restricted one is not merged (409).
    (
        "POST",
        "/suggestions/{suggestion_id}/responses",
        RESPONSE_BODY,
        (403, 403, 201, 403),
        (403, 201),
        (403, 403, 403, 409, 403),
    ),
    (
        "POST",
        "/suggestions/{suggestion_id}/merge",
        {"into": "{target_id}"},
        (403, 403, 200, 403),
        (403, 409),
        (403, 403, 403, 409, 403),
    ),
    (
        "POST",
        "/suggestions/{suggestion_id}/unmerge",
        None,
        (403, 403, 200, 403),
        (403, 409),
        (403, 403, 403, 409, 403),
    ),
    (
        "POST",
        "/suggestions/{suggestion_id}/restrict",
        {"restricted": True},
        (403, 403, 200, 403),
        (403, 200),
        (403, 403, 403, 200, 403),
    ),
]

# The endpoints without one object: (method, path template, body, {role: status}, status of
# the others). The ratings list is the providing teams' and admins'; a department's drafts
# are published by its team only (HR's agent may not publish IT's: 403).
FEEDBACK_PAGE_ENDPOINTS = [
    ("GET", "/surveys", None, {}, 200),
    (
        "GET",
        "/ratings",
        None,
        {"it_agent": 200, "it_lead": 200, "hr_agent": 200, "admin": 200},
        403,
    ),
    ("GET", "/suggestions", None, {}, 200),
    ("GET", "/suggestions/similar?q=laptops", None, {}, 200),
    ("GET", "/suggestions/board", None, {}, 200),
    (
        "POST",
        "/suggestions",
        {"department": "IT", "title": "Brighter desk lamps", "body": "The lamps flicker."},
        {},
        201,
    ),
    (
        "POST",
        "/suggestions/responses/publish",
        {"department": "IT", "response_ids": ["{draft_id}"]},
        {"it_agent": 200, "it_lead": 200},
        403,
    ),
]

FEEDBACK_WORD = "Quillfeather"  # in the confidential case's rating and the restricted suggestion


@dataclass
class FeedbackSurveys:
    """Rita's surveys by case ("it", "hr_confidential"), and each one's mail link secret."""

    surveys: dict[str, Survey]
    links: dict[str, str]


@pytest.fixture
def feedback_surveys(org) -> FeedbackSurveys:
    return build_feedback_surveys(org)


def build_feedback_surveys(org) -> FeedbackSurveys:
    """Rita's surveys of an IT request and of a confidential HR case, each resolved ten days
    ago, opened by the worker (on different days, so each was mailed) and rated 2 of 5, not
    followed up yet; with the secret of each one's mail link, minted as the mail is sent."""
    now = clock.now()
    surveys: dict[str, Survey] = {}
    links: dict[str, str] = {}
    plans = [
        ("it", org.laptop, LAPTOP_ANSWERS, org.it_agent, now - timedelta(days=2), "Slow dock"),
        (
            "hr_confidential",
            org.leave,
            {"reason": "Surgery"},
            org.hr_agent,
            now - timedelta(hours=1),
            f"{FEEDBACK_WORD}: nobody called back",
        ),
    ]
    for case, service, answers, agent, opened, comment in plans:
        filed = now - timedelta(days=10)
        request = request_submit(
            requester=org.requester, service=service, answers=answers, now=filed
        )
        request_transition(
            request=request,
            actor=agent,
            to_status="resolved",
            note="Done.",
            now=filed + timedelta(hours=1),
        )
        assert surveys_open_due(now=opened) == 1
        survey = Survey.objects.get(request=request)
        invitation = Notification.objects.get(kind="survey", thread_key=f"survey-{survey.pk}")
        assert invitation.email_status == Notification.EmailStatus.PENDING
        found = re.search(r"/feedback/s/([^/]+)/", survey_mail_links(invitation))
        assert found, "the mail carries its links"
        links[case] = found.group(1)
        surveys[case] = survey_rate(
            survey=survey,
            person=org.requester,
            rating=2,
            comment=comment,
            now=opened + timedelta(minutes=10),
        )
    return FeedbackSurveys(surveys=surveys, links=links)


@dataclass
class FeedbackSuggestions:
    """The suggestions by case ("open", "restricted", "done"); the one to merge into; an
    anonymous one with its private link's secret and a draft response to it."""

    cases: dict[str, Suggestion]
    target: Suggestion
    anonymous: Suggestion
    secret: str
    draft: Response


@pytest.fixture
def feedback_suggestions(org) -> FeedbackSuggestions:
    return build_feedback_suggestions(org)


def build_feedback_suggestions(org) -> FeedbackSuggestions:
    """Suggestions to IT: Rita's open one, Colin's it may be merged into, Rita's restricted
    to IT's team and her, Rita's done one that Colin voted for ("did it help?" asked), and
    Una's anonymous one with a draft response of IT's."""
    now = clock.now()

    def submit(author, title: str, days: int, anonymous: bool = False):
        return suggestion_submit(
            author=author,
            department=org.it,
            title=title,
            body=f"{title}: it would save us time.",
            anonymous=anonymous,
            now=now - timedelta(days=days),
        )

    suggested = submit(org.requester, "Loaner laptops at the service desk", 20).suggestion
    target = submit(org.colleague, "Spare laptops while ours are repaired", 21).suggestion
    restricted = suggestion_restrict(
        suggestion=submit(org.requester, f"{FEEDBACK_WORD} shift schedules", 9).suggestion,
        actor=org.it_lead,
        restricted=True,
        now=now - timedelta(days=8),
    )
    done = submit(org.requester, "Label the docking stations", 60).suggestion
    suggestion_vote(suggestion=done, person=org.colleague, now=now - timedelta(days=59))
    suggestion_respond(
        suggestion=done,
        actor=org.it_lead,
        body="Every dock has a label now.",
        status="done",
        what_changed="Each dock is labelled with its desk number.",
        now=now - timedelta(days=50),
    )
    assert suggestion_help_due(now=now) == 2  # Rita and Colin
    anonymous = submit(org.unrelated, "Longer opening hours at the tech stop", 5, anonymous=True)
    draft = suggestion_respond(
        suggestion=anonymous.suggestion,
        actor=org.it_agent,
        body="We are asking the desk.",
        status="under_review",
        publish=False,
        now=now - timedelta(days=4),
    )
    return FeedbackSuggestions(
        cases={
            "open": suggested,
            "restricted": restricted,
            "done": Suggestion.objects.get(pk=done.pk),
        },
        target=target,
        anonymous=anonymous.suggestion,
        secret=anonymous.follow_secret,
        draft=draft,
    )


def suggestion_expected(case: str, role: str, statuses: tuple[int, ...]) -> int:
    """The exact status a role gets from one suggestion route (404 when it may not see it)."""
    side = SUGGESTION_SIDES[case].get(role)
    return 404 if side is None else statuses[SUGGESTION_SIDE_ORDER[case].index(side)]


def _feedback_values(surveys: FeedbackSurveys, suggestions: FeedbackSuggestions) -> dict:
    return {
        "survey_id": surveys.surveys["it"].pk,
        "suggestion_id": suggestions.cases["open"].pk,
        "target_id": suggestions.target.pk,
        "draft_id": suggestions.draft.pk,
    }


def _call(client, method: str, path: str, body):
    return (
        client.request(method, path, json=body)
        if body is not None
        else client.request(method, path)
    )


def test_every_feedback_endpoint_is_in_a_matrix(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    routes = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in paths.items()
        for method, operation in operations.items()
        if {"surveys", "suggestions"} & set(operation.get("tags", []))
        or "{survey_id}" in path
        or "{suggestion_id}" in path
    }
    matrices = [*SURVEY_ENDPOINTS, *SUGGESTION_ENDPOINTS, *FEEDBACK_PAGE_ENDPOINTS]
    assert routes == {(method, path.split("?")[0]) for method, path, *_ in matrices}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", ["it", "hr_confidential"])
def test_survey_endpoints_by_role(org, api, feedback_surveys, role, case):
    survey = feedback_surveys.surveys[case]
    client = api(getattr(org, role))
    listed = {s["id"] for s in client.get("/surveys", params={"limit": 200}).json()["items"]}
    assert (survey.pk in listed) == (role in SEES[case])
    for method, template, body, it_statuses, hr_statuses in SURVEY_ENDPOINTS:
        path = template.format(survey_id=survey.pk)
        response = _call(client, method, path, body)
        want = expected(case, role, {"it": it_statuses, "hr_confidential": hr_statuses})
        assert response.status_code == want, (method, path, response.status_code, response.text)
        assert FEEDBACK_WORD not in response.text or role in SEES[case]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", SUGGESTION_CASES)
def test_suggestion_endpoints_by_role(org, api, feedback_suggestions, role, case):
    suggestion = feedback_suggestions.cases[case]
    client = api(getattr(org, role))
    sees = role in SUGGESTION_SIDES[case]
    listed = {s["id"] for s in client.get("/suggestions", params={"limit": 100}).json()["items"]}
    similar = {s["id"] for s in client.get("/suggestions/similar", params={"q": "shift"}).json()}
    assert (suggestion.pk in listed) == sees
    if case == "restricted":
        assert (suggestion.pk in similar) == sees
    values = {"suggestion_id": suggestion.pk, "target_id": feedback_suggestions.target.pk}
    for method, template, body, *by_case in SUGGESTION_ENDPOINTS:
        path = _fill(template, **values)
        response = _call(client, method, path, _fill(body, **values))
        want = suggestion_expected(case, role, by_case[SUGGESTION_CASES.index(case)])
        assert response.status_code == want, (method, path, response.status_code, response.text)
        assert FEEDBACK_WORD not in response.text or sees


@pytest.mark.parametrize("role", ROLES)
def test_feedback_lists_by_role(org, api, feedback_surveys, feedback_suggestions, role):
    """What the lists show each role, then the endpoints without an object, in order."""
    client = api(getattr(org, role))
    ratings = client.get("/ratings", params={"limit": 200})
    if ratings.status_code == 200:
        shown = {s["id"] for s in ratings.json()["items"]}
        for case, survey in feedback_surveys.surveys.items():
            # A rating is in the list of the teams and admins who may see its survey.
            assert (survey.pk in shown) == (role in SEES[case] and role != "requester"), case
    anonymous = client.get(f"/suggestions/{feedback_suggestions.anonymous.pk}").json()
    assert anonymous["author"] is None and anonymous["anonymous"] is True
    board = client.get("/suggestions/board").json()
    assert [item["id"] for item in board["items"]] == [feedback_suggestions.cases["done"].pk]
    values = _feedback_values(feedback_surveys, feedback_suggestions)
    for method, template, body, statuses, others in FEEDBACK_PAGE_ENDPOINTS:
        response = _call(client, method, _fill(template, **values), _fill(body, **values))
        want = statuses.get(role, others)
        assert response.status_code == want, (method, template, response.status_code, response.text)


def test_every_feedback_endpoint_needs_a_token(org, api, feedback_surveys, feedback_suggestions):
    anonymous = api(None)
    values = _feedback_values(feedback_surveys, feedback_suggestions)
    for method, template, body, *_ in [
        *SURVEY_ENDPOINTS,
        *SUGGESTION_ENDPOINTS,
        *FEEDBACK_PAGE_ENDPOINTS,
    ]:
        response = _call(anonymous, method, _fill(template, **values), _fill(body, **values))
        assert response.status_code == 401, (method, template, response.status_code)
