"""Acceptance: who may do what on every web route that takes a request number, on every
route of announcements and service notices, and on every route of the feedback app
(satisfaction surveys and the suggestion box).

The routes come from the URL patterns, as the API's come from the OpenAPI document: a web
route added later with a `<number>` in its path fails `test_every_request_route_is_in_the_
matrix` until it is registered in WEB_ROUTES with the exact status each side gets; one with
an announcement, question or notice id (or any route of the announcements app) fails
`test_every_announcement_route_is_in_a_matrix` until it is in the matrix of its object; one
with a survey or suggestion id, a mail link's token or a private link's secret (or any route
of the feedback app) fails `test_every_feedback_route_is_in_a_matrix` likewise.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from staffdesk.announcements.drafts import Audience, Draft, NoticeDraft
from staffdesk.announcements.models import AudienceRule, ServiceNotice
from staffdesk.announcements.services.announcements import (
    announcement_create,
    announcement_publish,
)
from staffdesk.announcements.services.notices import notice_post, notice_resolve
from staffdesk.announcements.services.questions import question_ask
from staffdesk.announcements.services.tick import announcements_tick
from staffdesk.directory.services import department_set_lead
from staffdesk.requests.models import Watcher
from tests.api.test_visibility import (
    FEEDBACK_WORD,
    ROLES,
    SEES,
    SIDES,
    SUGGESTION_CASES,
    SUGGESTION_SIDES,
    FeedbackSuggestions,
    FeedbackSurveys,
    build_feedback_suggestions,
    build_feedback_surveys,
    expected,
    suggestion_expected,
)
from tests.factories import PersonFactory

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
OBJECT_PARAMETERS = {
    "number",
    "attachment_id",
    "announcement_id",
    "question_id",
    "notice_id",
    "survey_id",
    "suggestion_id",
}


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
        if parameters & OBJECT_PARAMETERS:
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


# --- Announcements and service notices -----------------------------------------------------
# Their own objects, with their own matrices: an announcement (its audience, its publishers,
# organization admins; anyone else gets 404 from every route), a question on it (its asker,
# the rest of the audience, the publishers) and a service notice (every employee sees it;
# the providing team and admins act on it). Each role runs a matrix's routes in this order
# on fresh objects.

ANNOUNCEMENT_ROLES = [*ROLES, "fin_lead"]
# What each role is to each announcement; a role absent from a case's row may not see it.
# Ada the admin works in Finance, so she is in Finance's audience too.
ANNOUNCEMENT_SIDES = {
    "published": {
        "requester": "audience",
        "colleague": "audience",
        "fin_lead": "publisher",
        "admin": "admin",
    },
    "draft": {"fin_lead": "publisher", "admin": "admin"},
}
ANNOUNCEMENT_SIDE_ORDER = {
    "published": ("audience", "publisher", "admin"),
    "draft": ("publisher", "admin"),
}
FUTURE = "2099-01-04T09:00"
EDIT_FORM = {
    "department": "{fin}",
    "title": "New expense policy",
    "body": "From January, receipts are scanned. Keep the paper copy for a month.",
    "departments": "{fin}",
    "ack_required": "on",
}
# (URL name, method, form, statuses for: published (audience, publisher, admin), draft
# (publisher, admin)). The published one asks to be acknowledged, the draft does not; both
# are Finance's, for Finance. Its audience may open it, acknowledge it and ask about it, not
# read who else did (the report is 404 for them) nor change it (403).
ANNOUNCEMENT_ROUTES = [
    ("announcements:detail", "GET", None, (200, 200, 200), (200, 200)),
    ("announcements:edit", "GET", None, (403, 200, 200), (200, 200)),
    ("announcements:report", "GET", None, (404, 200, 200), (200, 200)),
    ("announcements:report_csv", "GET", None, (404, 200, 200), (200, 200)),
    ("announcements:acknowledge", "POST", {"version": "1"}, (302, 302, 302), (409, 409)),
    (
        "announcements:ask",
        "POST",
        {"text": "Do scanned receipts count?", "visibility": "public"},
        (302, 302, 302),
        (409, 409),
    ),
    ("announcements:edit", "POST", EDIT_FORM, (403, 302, 302), (302, 302)),
    # A draft has nobody to remind; a published one cannot be scheduled again.
    ("announcements:remind", "POST", {}, (403, 302, 302), (409, 409)),
    ("announcements:schedule", "POST", {"publish_at": FUTURE}, (403, 409, 409), (302, 302)),
    ("announcements:unschedule", "POST", {}, (403, 409, 409), (302, 302)),
    ("announcements:publish", "POST", {}, (403, 409, 409), (302, 302)),
    ("announcements:archive", "POST", {}, (403, 302, 302), (302, 302)),
]

# Colin asks both questions on the published announcement; Rita, also in its audience, sees
# the public one only.
QUESTION_SIDES = {
    "public": {
        "requester": "audience",
        "colleague": "asker",
        "fin_lead": "publisher",
        "admin": "admin",
    },
    "private": {"colleague": "asker", "fin_lead": "publisher", "admin": "admin"},
}
QUESTION_SIDE_ORDER = {
    "public": ("audience", "asker", "publisher", "admin"),
    "private": ("asker", "publisher", "admin"),
}
# (URL name, method, form, statuses for: public (audience, asker, publisher, admin), private
# (asker, publisher, admin)). Only publishers answer and hide.
QUESTION_ROUTES = [
    ("announcements:answer", "POST", {"answer": "Yes."}, (403, 403, 302, 302), (403, 302, 302)),
    ("announcements:hide", "POST", {"reason": "Off topic"}, (403, 403, 302, 302), (403, 302, 302)),
]

# Every employee sees a notice; its team (IT's agents and lead) and admins change it.
NOTICE_TEAM = {"it_agent", "it_lead"}
NOTICE_SIDE_ORDER = ("employee", "team", "admin")
NOTICE_FORM = {
    "department": "{it}",
    "kind": "outage",
    "title": "Laptop ordering is down",
    "message": "The vendor's portal is down; orders wait until it is back.",
    "services": "{laptop}",
}
# (URL name, method, form, statuses for: current (employee, team, admin), resolved (employee,
# team, admin)). A resolved notice takes nobody as affected and cannot change (409).
NOTICE_ROUTES = [
    ("announcements:notice", "GET", None, (200, 200, 200), (200, 200, 200)),
    ("announcements:notice_edit", "GET", None, (403, 200, 200), (403, 200, 200)),
    (
        "announcements:affected",
        "POST",
        {"service": "it-laptop"},
        (302, 302, 302),
        (409, 409, 409),
    ),
    ("announcements:notice_edit", "POST", NOTICE_FORM, (403, 302, 302), (403, 409, 409)),
    (
        "announcements:notice_resolve",
        "POST",
        {"closing_message": "The portal is back."},
        (403, 302, 302),
        (403, 409, 409),
    ),
]

# The routes without an object: (URL name, method, form, {role: status}, status of the
# others). Leads publish for their own department only (IT's lead opens the editor but may
# not write for Finance: 403); any service team posts notices, for its own services only
# (HR's agent and Finance's lead may not post on IT's: 403).
PAGE_ROUTES = [
    ("announcements:list", "GET", None, {}, 200),
    ("announcements:new", "GET", None, {"fin_lead": 200, "it_lead": 200, "admin": 200}, 403),
    (
        "announcements:new",
        "POST",
        EDIT_FORM,
        {"fin_lead": 302, "admin": 302},
        403,
    ),
    ("announcements:status", "GET", None, {}, 200),
    (
        "announcements:notice_new",
        "GET",
        None,
        {"it_agent": 200, "it_lead": 200, "hr_agent": 200, "fin_lead": 200, "admin": 200},
        403,
    ),
    (
        "announcements:notice_new",
        "POST",
        NOTICE_FORM,
        {"it_agent": 302, "it_lead": 302, "admin": 302},
        403,
    ),
]


def test_every_announcement_route_is_in_a_matrix():
    routes = _named_routes()

    def taking(parameter: str) -> set[str]:
        return {name for name, parameters in routes if parameter in parameters}

    questions = {name for name, *_ in QUESTION_ROUTES}
    assert taking("question_id") == questions
    assert taking("announcement_id") - questions == {name for name, *_ in ANNOUNCEMENT_ROUTES}
    assert taking("notice_id") == {name for name, *_ in NOTICE_ROUTES}
    without_object = {
        name for name, parameters in routes if name.startswith("announcements:") and not parameters
    }
    assert without_object == {name for name, *_ in PAGE_ROUTES}


@pytest.fixture
def fin_lead(org):
    """Finance's lead, who publishes Finance's announcements."""
    lead = PersonFactory(username="fiona", first_name="Fiona", last_name="Lead", department=org.fin)
    department_set_lead(department=org.fin, lead=lead)
    return lead


@pytest.fixture
def announcements(org, fin_lead):
    """Finance's announcements to Finance: a required one, published (its audience told), and
    a draft."""
    to_finance = [Audience(kind=AudienceRule.Kind.DEPARTMENT, department=org.fin)]
    published = announcement_create(
        author=fin_lead,
        department=org.fin,
        draft=Draft(
            title="New expense policy",
            body="From January, receipts are scanned.",
            audience=to_finance,
            ack_required=True,
        ),
    )
    published = announcement_publish(actor=fin_lead, announcement=published)
    announcements_tick()
    draft = announcement_create(
        author=fin_lead,
        department=org.fin,
        draft=Draft(title="Budget calendar", body="The dates for next year.", audience=to_finance),
    )
    return {"published": published, "draft": draft}


@pytest.fixture
def questions(org, announcements):
    published = announcements["published"]
    return {
        visibility: question_ask(
            user=org.colleague,
            announcement=published,
            text=f"A {visibility} question",
            is_public=visibility == "public",
        )
        for visibility in ("public", "private")
    }


@pytest.fixture
def notices(org):
    """An IT outage on the laptop service, current, and one resolved."""

    def post(title: str) -> ServiceNotice:
        return notice_post(
            author=org.it_agent,
            department=org.it,
            draft=NoticeDraft(
                kind=ServiceNotice.Kind.OUTAGE,
                title=title,
                message="The vendor's portal is down.",
                services=[org.laptop],
            ),
        )

    resolved = post("Laptop ordering was down")
    notice_resolve(actor=org.it_agent, notice=resolved, closing_message="Back since noon.")
    return {"current": post("Laptop ordering is down"), "resolved": resolved}


def _send(browser: Client, method: str, path: str, form, values: dict[str, int]):
    data = {key: value.format(**values) for key, value in (form or {}).items()}
    if method == "GET":
        return browser.get(path, data)  # a GET's form is its query
    return browser.post(path, data)


def _values(org) -> dict[str, int]:
    return {"fin": org.fin.pk, "it": org.it.pk, "laptop": org.laptop.pk}


def _role(org, fin_lead, role: str):
    return fin_lead if role == "fin_lead" else getattr(org, role)


def _expected(sides, order, role: str, case: str, statuses: tuple[int, ...]) -> int:
    side = sides[case].get(role)
    return 404 if side is None else statuses[order[case].index(side)]


@pytest.mark.parametrize("role", ANNOUNCEMENT_ROLES)
@pytest.mark.parametrize("case", ["published", "draft"])
def test_announcement_routes_by_role(org, fin_lead, announcements, role, case):
    announcement = announcements[case]
    browser = Client()
    browser.force_login(_role(org, fin_lead, role))
    sees = role in ANNOUNCEMENT_SIDES[case]
    state, word = ("current", "expense") if case == "published" else ("drafts", "budget")
    for query in ("", word):  # the list, and its search
        listed = browser.get(reverse("announcements:list"), {"state": state, "q": query})
        assert (announcement.title in listed.content.decode()) == sees, query
    home = browser.get(reverse("home")).content.decode()
    assert (announcement.title in home) == (sees and case == "published")
    for name, method, form, published, draft in ANNOUNCEMENT_ROUTES:
        path = reverse(name, args=[announcement.pk])
        response = _send(browser, method, path, form, _values(org))
        statuses = published if case == "published" else draft
        want = _expected(ANNOUNCEMENT_SIDES, ANNOUNCEMENT_SIDE_ORDER, role, case, statuses)
        assert response.status_code == want, (name, method, response.status_code)


@pytest.mark.parametrize("role", ANNOUNCEMENT_ROLES)
@pytest.mark.parametrize("case", ["public", "private"])
def test_question_routes_by_role(org, fin_lead, questions, role, case):
    question = questions[case]
    browser = Client()
    browser.force_login(_role(org, fin_lead, role))
    page = browser.get(reverse("announcements:detail", args=[question.announcement_id]))
    sees_question = role in QUESTION_SIDES[case]
    assert (question.text in page.content.decode()) == sees_question
    for name, method, form, public, private in QUESTION_ROUTES:
        path = reverse(name, args=[question.announcement_id, question.pk])
        response = _send(browser, method, path, form, _values(org))
        statuses = public if case == "public" else private
        want = _expected(QUESTION_SIDES, QUESTION_SIDE_ORDER, role, case, statuses)
        assert response.status_code == want, (name, response.status_code)


@pytest.mark.parametrize("role", ANNOUNCEMENT_ROLES)
@pytest.mark.parametrize("case", ["current", "resolved"])
def test_notice_routes_by_role(org, fin_lead, notices, role, case):
    notice = notices[case]
    browser = Client()
    browser.force_login(_role(org, fin_lead, role))
    side = "team" if role in NOTICE_TEAM else "admin" if role == "admin" else "employee"
    for name, method, form, current, resolved in NOTICE_ROUTES:
        path = reverse(name, args=[notice.pk])
        response = _send(browser, method, path, form, _values(org))
        statuses = current if case == "current" else resolved
        assert response.status_code == statuses[NOTICE_SIDE_ORDER.index(side)], (
            name,
            method,
            response.status_code,
        )


@pytest.mark.parametrize("role", ANNOUNCEMENT_ROLES)
def test_announcement_pages_by_role(org, fin_lead, role):
    browser = Client()
    browser.force_login(_role(org, fin_lead, role))
    for name, method, form, statuses, others in PAGE_ROUTES:
        response = _send(browser, method, reverse(name), form, _values(org))
        assert response.status_code == statuses.get(role, others), (name, method)


def test_every_announcement_route_signs_in_first(client, org, announcements, questions, notices):
    """Anonymous: every route of the app is a redirect to the sign-in page, nothing else."""
    values = {
        "announcement_id": announcements["published"].pk,
        "question_id": questions["public"].pk,
        "notice_id": notices["current"].pk,
    }
    matrices = [*ANNOUNCEMENT_ROUTES, *QUESTION_ROUTES, *NOTICE_ROUTES]
    routes = [(name, method, form) for name, method, form, *_ in [*matrices, *PAGE_ROUTES]]
    for name, method, form in routes:
        parameters = dict(_named_routes())[name]
        path = reverse(name, kwargs={key: values[key] for key in parameters})
        response = _send(client, method, path, form, _values(org))
        assert response.status_code == 302, (name, method)
        assert response["Location"].startswith(reverse("login")), (name, response["Location"])


# --- Satisfaction surveys and the suggestion box -------------------------------------------
# A survey has the sides of its request (SIDES, expected()): its person (Rita), the
# providing team, organization admins unless the request is confidential; anyone else gets
# 404 from every route. (URL name, method, form, statuses for it: person, team, admin;
# hr_confidential: person, team.) The surveys are open and rated 2; a refused rating shows
# the page again under the refusal's status; a follow-up answers as the request page does.
SURVEY_ROUTES = [
    ("feedback:survey", "GET", None, (200, 200, 200), (200, 200)),
    ("feedback:survey", "POST", {"rating": "4", "comment": "Better."}, (302, 403, 403), (302, 403)),
    (
        "feedback:survey-follow-up",
        "POST",
        {"note": "Called Rita about it.", "reply": ""},
        (403, 302, 403),
        (403, 302),
    ),
]
# The mail link's page needs no sign-in: its secret vouches, for whoever holds it. (URL
# name, method, form, status) for every caller alike, in this order: it rates once, then
# says it was used (409).
SURVEY_LINK_ROUTES = [
    ("feedback:survey-token", "GET", None, 200),
    ("feedback:survey-token", "POST", {"rating": "5"}, 200),
    ("feedback:survey-token", "POST", {"rating": "4"}, 409),
    ("feedback:survey-token", "GET", None, 409),
]

# (URL name, method, form, statuses for open (author, employee, team, admin), restricted
# (author, team), done (author, voter, employee, team, admin)); see SUGGESTION_SIDES. Actions
# answer with a redirect to the page (302) or the page again under the refusal's status.
SUGGESTION_ROUTES = [
    ("feedback:suggestion", "GET", None, (200,) * 4, (200,) * 2, (200,) * 5),
    # Asked of its author and its voters four weeks after it is done; not asked yet: 409.
    (
        "feedback:suggestion-help",
        "POST",
        {"answer": "yes"},
        (409,) * 4,
        (409,) * 2,
        (302, 302, 403, 403, 403),
    ),
    (
        "feedback:suggestion-comment",
        "POST",
        {"body": "Me too."},
        (302,) * 4,
        (302,) * 2,
        (302,) * 5,
    ),
    ("feedback:suggestion-follow", "POST", {}, (302,) * 4, (302,) * 2, (302,) * 5),
    ("feedback:suggestion-unfollow", "POST", {}, (302,) * 4, (302,) * 2, (302,) * 5),
    # Voting is over once it is done; only one's own vote is withdrawn (none: 409).
    ("feedback:suggestion-vote", "POST", {}, (302,) * 4, (302,) * 2, (409,) * 5),
    (
        "feedback:suggestion-unvote",
        "POST",
        {},
        (302,) * 4,
        (302,) * 2,
        (409, 302, 409, 409, 409),
    ),
    # The owning team answers, merges and restricts; anyone else: 403. A done suggestion
    # takes no further status and is not merged; a restricted one is not merged (409).
    (
        "feedback:suggestion-respond",
        "POST",
        {"body": "We are looking into it.", "status": "under_review", "publish": "publish"},
        (403, 403, 302, 403),
        (403, 302),
        (403, 403, 403, 409, 403),
    ),
    (
        "feedback:suggestion-merge",
        "POST",
        {"into": "{target}"},
        (403, 403, 302, 403),
        (403, 409),
        (403, 403, 403, 409, 403),
    ),
    (
        "feedback:suggestion-unmerge",
        "POST",
        {},
        (403, 403, 302, 403),
        (403, 409),
        (403, 403, 403, 409, 403),
    ),
    (
        "feedback:suggestion-restrict",
        "POST",
        {"restricted": "on"},
        (403, 403, 302, 403),
        (403, 302),
        (403, 403, 403, 302, 403),
    ),
]
# The anonymous author's private link: signed in, whoever holds its secret is "the author
# (anonymous)"; (URL name, method, form, status) for every signed-in caller, in this order.
# "Did it help?" is not asked of an open suggestion (409).
SUGGESTION_LINK_ROUTES = [
    ("feedback:suggestion-private", "GET", None, 200),
    ("feedback:suggestion-private", "POST", {"action": "comment", "body": "Thank you."}, 302),
    ("feedback:suggestion-private", "POST", {"action": "help", "answer": "yes"}, 409),
]

FEEDBACK_TEAMS = {"it_agent", "it_lead", "hr_agent"}  # on a service team: IT's, HR's
# The routes without an object: (URL name, method, form, {role: status}, status of the
# others). The ratings list is the providing teams' and admins'; a queue, its team's (HR's
# agent opens HR's); IT's drafts are published by IT's team only.
FEEDBACK_PAGE_ROUTES = [
    ("feedback:surveys", "GET", None, {}, 200),
    ("feedback:ratings", "GET", None, {**dict.fromkeys(FEEDBACK_TEAMS, 200), "admin": 200}, 403),
    ("feedback:suggestions", "GET", None, {}, 200),
    ("feedback:suggestion-new", "GET", None, {}, 200),
    ("feedback:suggestion-similar", "GET", {"title": "laptops"}, {}, 200),
    ("feedback:suggestion-queue", "GET", None, dict.fromkeys(FEEDBACK_TEAMS, 200), 403),
    ("feedback:suggestion-queue-csv", "GET", None, dict.fromkeys(FEEDBACK_TEAMS, 200), 403),
    ("feedback:board", "GET", None, {}, 200),
    (
        "feedback:suggestion-new",
        "POST",
        {"department": "{it}", "title": "Brighter desk lamps", "body": "The lamps flicker."},
        {},
        302,
    ),
    (
        "feedback:suggestion-queue-publish",
        "POST",
        {"department": "{it}", "response_ids": "{draft}"},
        {"it_agent": 302, "it_lead": 302},
        403,
    ),
]
FEEDBACK_PARAMETERS = {"survey_id", "suggestion_id", "token", "secret"}


def test_every_feedback_route_is_in_a_matrix():
    routes = _named_routes()

    def taking(parameter: str) -> set[str]:
        return {name for name, parameters in routes if parameter in parameters}

    def names(matrix) -> set[str]:
        return {name for name, *_ in matrix}

    assert taking("survey_id") == names(SURVEY_ROUTES)
    assert taking("suggestion_id") == names(SUGGESTION_ROUTES)
    feedback = {name: parameters for name, parameters in routes if name.startswith("feedback:")}
    assert {name for name, found in feedback.items() if "token" in found} == names(
        SURVEY_LINK_ROUTES
    )
    assert {name for name, found in feedback.items() if "secret" in found} == names(
        SUGGESTION_LINK_ROUTES
    )
    assert {name for name, found in feedback.items() if not found} == names(FEEDBACK_PAGE_ROUTES)
    for name, parameters in feedback.items():
        assert len(parameters) <= 1 and parameters <= FEEDBACK_PARAMETERS, (name, parameters)


@pytest.fixture
def feedback_surveys(org) -> FeedbackSurveys:
    """Rita's rated surveys of an IT request and a confidential HR case, with their mail links
    (the API matrix's objects)."""
    return build_feedback_surveys(org)


@pytest.fixture
def feedback_suggestions(org) -> FeedbackSuggestions:
    """Open, restricted and done suggestions to IT, one to merge into, an anonymous one with
    its private link and a draft response (the API matrix's objects)."""
    return build_feedback_suggestions(org)


def _feedback_values(org, suggestions: FeedbackSuggestions) -> dict[str, int]:
    return {**_values(org), "target": suggestions.target.pk, "draft": suggestions.draft.pk}


def _browser(org, role: str) -> Client:
    browser = Client()
    if role != "anonymous":
        browser.force_login(getattr(org, role))
    return browser


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", ["it", "hr_confidential"])
def test_survey_routes_by_role(org, feedback_surveys: FeedbackSurveys, role, case):
    survey = feedback_surveys.surveys[case]
    browser = _browser(org, role)
    mine = browser.get(reverse("feedback:surveys")).content.decode()
    assert (survey.request.number in mine) == (role == "requester")
    ratings = browser.get(reverse("feedback:ratings"))
    if ratings.status_code == 200:  # a rating is listed for the team and admins who see it
        listed = survey.request.number in ratings.content.decode()
        assert listed == (role in SEES[case] and role != "requester")
    for name, method, form, it_statuses, hr_statuses in SURVEY_ROUTES:
        response = _send(browser, method, reverse(name, args=[survey.pk]), form, _values(org))
        want = expected(case, role, {"it": it_statuses, "hr_confidential": hr_statuses})
        assert response.status_code == want, (name, method, response.status_code)
        assert FEEDBACK_WORD not in response.content.decode() or role in SEES[case]


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
@pytest.mark.parametrize("case", ["it", "hr_confidential"])
def test_a_survey_link_works_for_whoever_holds_it(org, feedback_surveys, role, case):
    browser = _browser(org, role)
    path = reverse("feedback:survey-token", args=[feedback_surveys.links[case]])
    for name, method, form, status in SURVEY_LINK_ROUTES:
        response = _send(browser, method, path, form, _values(org))
        assert response.status_code == status, (name, method, response.status_code)
    survey = feedback_surveys.surveys[case]
    survey.refresh_from_db()
    assert survey.rating == 5  # the link's one rating, not the one refused after it


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", SUGGESTION_CASES)
def test_suggestion_routes_by_role(org, feedback_suggestions: FeedbackSuggestions, role, case):
    suggestion = feedback_suggestions.cases[case]
    browser = _browser(org, role)
    sees = role in SUGGESTION_SIDES[case]
    for query in ("", "shift laptops docking"):  # the list, and its search
        listed = browser.get(reverse("feedback:suggestions"), {"q": query, "status": ""})
        assert (suggestion.title in listed.content.decode()) == sees, query
    values = _feedback_values(org, feedback_suggestions)
    for name, method, form, *by_case in SUGGESTION_ROUTES:
        path = reverse(name, args=[suggestion.pk])
        response = _send(browser, method, path, form, values)
        want = suggestion_expected(case, role, by_case[SUGGESTION_CASES.index(case)])
        assert response.status_code == want, (name, method, response.status_code)
        assert FEEDBACK_WORD not in response.content.decode() or sees


@pytest.mark.parametrize("role", ROLES)
def test_a_private_link_opens_its_suggestion_to_whoever_holds_it(org, feedback_suggestions, role):
    browser = _browser(org, role)
    path = reverse("feedback:suggestion-private", args=[feedback_suggestions.secret])
    for name, method, form, status in SUGGESTION_LINK_ROUTES:
        response = _send(browser, method, path, form, _values(org))
        assert response.status_code == status, (name, method, response.status_code)
    wrong = reverse("feedback:suggestion-private", args=[feedback_suggestions.secret[:-2]])
    assert browser.get(wrong).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_feedback_pages_by_role(org, feedback_surveys, feedback_suggestions, role):
    browser = _browser(org, role)
    anonymous = feedback_suggestions.anonymous
    page = browser.get(reverse("feedback:suggestion", args=[anonymous.pk])).content.decode()
    assert anonymous.title in page
    if role != "unrelated":  # Una wrote it, anonymously: no page names her (but her own menu)
        assert org.unrelated.display_name not in page
    # IT's draft response is its team's until published.
    assert (feedback_suggestions.draft.body in page) == (role in {"it_agent", "it_lead"})
    restricted = feedback_suggestions.cases["restricted"]
    similar = browser.get(reverse("feedback:suggestion-similar"), {"title": "shift schedules"})
    assert (restricted.title in similar.content.decode()) == (
        role in SUGGESTION_SIDES["restricted"]
    )
    board = browser.get(reverse("feedback:board")).content.decode()
    assert feedback_suggestions.cases["done"].title in board
    values = _feedback_values(org, feedback_suggestions)
    for name, method, form, statuses, others in FEEDBACK_PAGE_ROUTES:
        response = _send(browser, method, reverse(name), form, values)
        assert response.status_code == statuses.get(role, others), (name, method)
        if name == "feedback:suggestion-queue-csv" and role in {"it_agent", "it_lead"}:
            exported = b"".join(response.streaming_content).decode()
            assert anonymous.title in exported and "anonymous" in exported
            assert org.unrelated.username not in exported


def test_every_feedback_route_signs_in_first(client, org, feedback_surveys, feedback_suggestions):
    """Anonymous: every route of the app but the mail link (its matrix above) is a redirect
    to the sign-in page, the private link's too."""
    kwargs = {
        "survey_id": feedback_surveys.surveys["it"].pk,
        "suggestion_id": feedback_suggestions.cases["open"].pk,
        "secret": feedback_suggestions.secret,
    }
    matrices = [
        *SURVEY_ROUTES,
        *SUGGESTION_ROUTES,
        *SUGGESTION_LINK_ROUTES,
        *FEEDBACK_PAGE_ROUTES,
    ]
    values = _feedback_values(org, feedback_suggestions)
    for name, method, form, *_ in matrices:
        parameters = dict(_named_routes())[name]
        path = reverse(name, kwargs={key: kwargs[key] for key in parameters})
        response = _send(client, method, path, form, values)
        assert response.status_code == 302, (name, method)
        assert response["Location"].startswith(reverse("login")), (name, response["Location"])
