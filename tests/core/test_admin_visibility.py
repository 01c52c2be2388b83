"""Acceptance: the Django admin obeys `visible_to(user)` on every page of every ModelAdmin.

An organization admin outside HR and IT opens every registered admin (so one added later
cannot forget): its changelist, its search for the case's number and words, every object's
change, history and delete pages (with their inlines). Nothing of a confidential HR case (nor
of its satisfaction survey), of IT's internal note or of a suggestion IT restricted to its
team and author appears anywhere, and what the admin may not see is a 404. No page shows a
mail link's or a private follow link's hash, and no page that shows an anonymous suggestion
names its author.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse

from conftest import LAPTOP_ANSWERS
from staffdesk.announcements.drafts import Audience, Draft, NoticeDraft
from staffdesk.announcements.models import (
    Acknowledgement,
    Affected,
    AudienceRule,
    Broadcast,
    Question,
    Receipt,
    ServiceNotice,
)
from staffdesk.announcements.services.announcements import (
    announcement_acknowledge,
    announcement_create,
    announcement_publish,
    announcement_remind,
    announcement_update,
)
from staffdesk.announcements.services.notices import (
    notice_affected,
    notice_post,
    notice_resolve,
)
from staffdesk.announcements.services.questions import (
    question_answer,
    question_ask,
    question_hide,
)
from staffdesk.announcements.services.tick import announcements_tick
from staffdesk.core import clock
from staffdesk.core.admin import VisibleAdminMixin
from staffdesk.escalation.models import Escalation
from staffdesk.escalation.triggers import WatchedClock
from staffdesk.feedback.models import ResponseTarget, Suggestion, Survey
from staffdesk.feedback.services.suggestions import (
    suggestion_comment,
    suggestion_respond,
    suggestion_restrict,
    suggestion_submit,
    suggestion_vote,
)
from staffdesk.feedback.services.surveys import (
    survey_follow_up,
    survey_mail_links,
    survey_rate,
    survey_rate_by_token,
    surveys_open_due,
)
from staffdesk.notifications.models import Notification
from staffdesk.open311.models import Submission
from staffdesk.requests.models import RequestEvent
from staffdesk.requests.services import (
    request_add_note,
    request_reply,
    request_submit,
    request_transition,
)
from staffdesk.requests.services.filing import request_submit_with_files
from tests.factories import LevelFactory, PersonFactory

CASE_WORD = "Quillfeather"  # in the confidential case's subject, answers and reply
NOTE_WORD = "Marrowbone"  # in IT's internal note on an ordinary request
RESTRICTED_WORD = "Brackenridge"  # in IT's restricted suggestion, its response and comment
# What the admin shows of neither hash (the values are in the fixture's words too).
HASH_FIELDS = ["token_hash", "Token hash", "follow_secret_hash", "Follow secret hash"]


@pytest.fixture
def secrets(org, hr_notice):
    """A confidential HR case with a reply, a media URL and an escalation, filed despite a
    service notice, and an ordinary IT request with an internal note; returns the strings
    none of it may leak through."""
    case = request_submit_with_files(
        requester=org.requester,
        service=org.leave,
        subject=f"{CASE_WORD} leave",
        answers={"reason": f"{CASE_WORD} family matter"},
        notice=hr_notice,
    )
    assert case.notice_id == hr_notice.pk
    request_reply(request=case, author=org.hr_agent, body=f"{CASE_WORD}: approved from Monday.")
    Submission.objects.create(request=case, media_url=f"https://photos.example/{CASE_WORD}.jpg")
    level = LevelFactory(policy__name="HR ladder", policy__department=org.hr)
    Escalation.objects.create(
        request=case,
        clock=WatchedClock.RESOLUTION,
        level=level,
        source=Escalation.Source.REQUESTER,
        actor=org.requester,
        reason=f"{CASE_WORD} is urgent",
    )
    ordinary = request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
    request_add_note(request=ordinary, author=org.it_agent, body=f"{NOTE_WORD}: vendor is late.")
    request_reply(request=ordinary, author=org.it_agent, body="Your laptop ships Friday.")
    # The fixture holds what the test looks for: the words are in the database.
    assert Notification.objects.filter(body__contains=CASE_WORD).exists()
    assert RequestEvent.objects.filter(body__contains=NOTE_WORD, is_internal=True).exists()
    return {"case": case, "ordinary": ordinary, "words": [case.number, CASE_WORD, NOTE_WORD]}


@pytest.fixture
def hr_notice(org):
    """HR's notice on the leave service, which someone is affected by."""
    notice = notice_post(
        author=org.hr_agent,
        department=org.hr,
        draft=NoticeDraft(
            kind=ServiceNotice.Kind.DEGRADED,
            title="Leave approvals are slow",
            message="The approvals inbox is behind by two days.",
            services=[org.leave],
        ),
    )
    notice_affected(user=org.colleague, notice=notice, service=org.leave)
    return notice


@pytest.fixture
def news(org, hr_notice):
    """An announcement from HR to HR with every row it leads to: its audience rule, two
    versions, a receipt, an acknowledgement, questions (public, private, answered, hidden),
    the publishing and reminding broadcasts; and a resolved notice with its broadcast.
    Organization admins publish for every department, so they may see all of it: what these
    add to the walk is every page of the new admins opened, with nothing of the case."""
    to_hr = [Audience(kind=AudienceRule.Kind.DEPARTMENT, department=org.hr)]
    draft = Draft(title="Leave year", body="The leave year starts in April.", audience=to_hr)
    created = announcement_create(
        author=org.admin, department=org.hr, draft=replace(draft, ack_required=True)
    )
    published = announcement_publish(actor=org.admin, announcement=created)
    announcements_tick()
    announcement_acknowledge(user=org.hr_agent, announcement=published)
    published = announcement_update(
        editor=org.admin,
        announcement=published,
        draft=replace(draft, body="The leave year starts on 1 April.", ack_required=True),
    )
    asked = [
        question_ask(user=org.hr_agent, announcement=published, text=text, is_public=public)
        for text, public in [("Does it move?", True), ("May I carry days over?", False)]
    ]
    question_answer(actor=org.admin, question=asked[1], answer="Up to five.")
    question_hide(actor=org.admin, question=asked[0], reason="Answered in the text.")
    announcements_tick()
    announcement_remind(actor=org.admin, announcement=published)
    announcements_tick()
    notice_resolve(actor=org.hr_agent, notice=hr_notice, closing_message="Caught up.")
    announcements_tick()
    return published


@pytest.fixture
def feedback(org):
    """Rita's surveys of a confidential HR case (rated 1 with the case's word, followed up by
    HR) and of an ordinary IT request (rated through its mail link), both links minted; IT's
    suggestion restricted to its team and Rita, with a response and a comment; an anonymous
    one by Wendeline with comments (one by her, as the author) and a vote; IT's response
    target. Returns the strings none of the hidden part may leak through, the anonymous
    suggestion and its author."""
    now = clock.now()
    filed = now - timedelta(days=10)
    case = request_submit(
        requester=org.requester,
        service=org.leave,
        subject=f"{CASE_WORD} leave, rated",
        answers={"reason": f"{CASE_WORD} surgery"},
        now=filed,
    )
    ordinary = request_submit(
        requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS, now=filed
    )
    surveys = {}
    # Opened a day apart, so each was mailed: each has a link.
    for request, agent, opened in [(ordinary, org.it_agent, 2), (case, org.hr_agent, 1)]:
        request_transition(
            request=request,
            actor=agent,
            to_status="resolved",
            note="Done.",
            now=filed + timedelta(hours=1),
        )
        assert surveys_open_due(now=now - timedelta(days=opened)) == 1
        survey = Survey.objects.get(request=request)
        invitation = Notification.objects.get(kind="survey", thread_key=f"survey-{survey.pk}")
        mail = survey_mail_links(invitation)
        found = re.search(r"/feedback/s/([^/]+)/", mail)
        assert found, mail
        surveys[request.pk] = (survey, found.group(1))
    hidden, _ = surveys[case.pk]
    survey_rate(
        survey=hidden, person=org.requester, rating=1, comment=f"{CASE_WORD}: nobody called"
    )
    survey_follow_up(survey=hidden, actor=org.hr_agent, note=f"{CASE_WORD}: called her back.")
    _, link = surveys[ordinary.pk]
    survey_rate_by_token(secret=link, rating=2, comment="Slow dock")
    hashes = list(Survey.objects.values_list("token_hash", flat=True))
    assert all(hashes) and len(hashes) == 2

    restricted = suggestion_submit(
        author=org.requester,
        department=org.it,
        title=f"The {RESTRICTED_WORD} rota",
        body=f"The {RESTRICTED_WORD} rota is unfair to the night shift.",
    ).suggestion
    restricted = suggestion_restrict(suggestion=restricted, actor=org.it_lead, restricted=True)
    suggestion_respond(
        suggestion=restricted,
        actor=org.it_lead,
        body=f"We will talk about the {RESTRICTED_WORD} rota this week.",
        status="under_review",
    )
    suggestion_comment(suggestion=restricted, author=org.requester, body=f"{RESTRICTED_WORD}!")
    author = PersonFactory(
        username="wendeline", first_name="Wendeline", last_name="Aubergine", department=org.water
    )
    anonymous = suggestion_submit(
        author=author,
        department=org.it,
        title="Quieter printers on the second floor",
        body="The printers by the stairs are loud all day.",
        anonymous=True,
    )
    suggestion_comment(
        suggestion=anonymous.suggestion, author=None, by_anonymous_author=True, body="Still loud."
    )
    suggestion_comment(suggestion=anonymous.suggestion, author=org.colleague, body="Agreed.")
    suggestion_vote(suggestion=anonymous.suggestion, person=org.colleague)
    ResponseTarget.objects.create(department=org.it, business_days=5)
    secret_hash = Suggestion.objects.get(pk=anonymous.suggestion.pk).follow_secret_hash
    assert secret_hash
    return {
        "words": [case.number, RESTRICTED_WORD, secret_hash, *hashes, *HASH_FIELDS],
        "anonymous": anonymous.suggestion,
        "author": author,
    }


def _registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _assert_hides(response, words, where: str, searched: str = "") -> None:
    # 403: a read-only admin's delete page, which shows nothing.
    assert response.status_code in (200, 403, 404), (where, response.status_code)
    page = response.content.decode()
    if searched:  # the search box and its links repeat what was searched for
        page = re.sub(rf'(value="|q=|q%3D){re.escape(searched)}', "", page)
    for word in words:
        assert word not in page, f"{where} shows {word!r}"


def test_every_admin_and_inline_is_restricted():
    for model, model_admin in _registered():
        assert isinstance(model_admin, VisibleAdminMixin), model._meta.label
        for inline in model_admin.inlines:
            assert issubclass(inline, VisibleAdminMixin), (model._meta.label, inline.__name__)


def _assert_anonymous(response, feedback, where: str) -> None:
    """A page that shows the anonymous suggestion does not name its author."""
    page = response.content.decode()
    if feedback["anonymous"].title in page:
        author = feedback["author"]
        for name in (author.display_name, author.username, author.email):
            assert name not in page, f"{where} names the anonymous author ({name})"


@pytest.mark.parametrize("label", [model._meta.label for model, _ in _registered()])
def test_an_admin_outside_the_team_sees_nothing_of_the_case_or_the_note(
    client, org, secrets, news, feedback, label
):
    model, model_admin = next(item for item in _registered() if item[0]._meta.label == label)
    client.force_login(org.admin)
    words = [*secrets["words"], *feedback["words"]]

    changelist = _url(model, "changelist")
    response = client.get(changelist)
    _assert_hides(response, words, f"{label} changelist")
    _assert_anonymous(response, feedback, f"{label} changelist")
    if model_admin.search_fields:
        for word in [*words, feedback["author"].username]:
            response = client.get(changelist, {"q": word})
            _assert_hides(response, words, f"{label} search {word}", searched=word)
            # The anonymous author's name finds nothing of what they wrote.
            if word == feedback["author"].username:
                page = response.content.decode()
                assert feedback["anonymous"].title not in page, f"{label} search {word}"

    visible = set(model_admin.get_queryset(_request_of(org.admin)).values_list("pk", flat=True))
    for obj in model._default_manager.all():
        for view in ("change", "history", "delete"):
            response = client.get(_url(model, view, obj.pk))
            where = f"{label} {view} page of {obj.pk}"
            if obj.pk in visible:
                _assert_hides(response, words, where)
                _assert_anonymous(response, feedback, where)
            else:
                assert response.status_code == 404, where


def test_the_admin_opens_what_it_may_see(client, org, secrets, news, feedback):
    """The pages above are the real pages: the ordinary request and its public reply show,
    and the feedback the admin may see."""
    client.force_login(org.admin)
    surveys = client.get(_url(Survey, "changelist")).content.decode()
    assert "1 survey" in surveys
    shown = Survey.objects.get(confidential=False)
    assert "Slow dock" in client.get(_url(Survey, "change", shown.pk)).content.decode()
    suggestions = client.get(_url(Suggestion, "changelist")).content.decode()
    anonymous = feedback["anonymous"]
    assert anonymous.title in suggestions and "anonymous" in suggestions
    page = client.get(_url(Suggestion, "change", anonymous.pk)).content.decode()
    assert "Still loud." in page and "the author (anonymous)" in page and "Agreed." in page
    targets = client.get(_url(ResponseTarget, "changelist")).content.decode()
    assert "Information Technology" in targets
    # The new admins' pages and inlines show their rows (the walk above opened every one).
    page = client.get(_url(type(news), "change", news.pk)).content.decode()
    assert "Leave year" in page and "Human Resources" in page
    for model in (Question, Receipt, Acknowledgement, Broadcast, Affected):
        assert model.objects.exists(), model
        changelist = client.get(_url(model, "changelist")).content.decode()
        assert "Leave" in changelist, model  # the announcement's or the notice's title
    ordinary = secrets["ordinary"]
    listing = client.get(_url(type(ordinary), "changelist"), {"q": ordinary.number})
    assert ordinary.number in listing.content.decode()
    page = client.get(_url(type(ordinary), "change", ordinary.pk)).content.decode()
    assert "Your laptop ships Friday." in page
    # The requester's notification of that public reply is shared with admins; the HR
    # reply's is not (the case is confidential).
    notifications = client.get(_url(Notification, "changelist")).content.decode()
    assert "New reply" in notifications
    # Shared with admins is not addressed to them: their inbox, web and API, is their own.
    shared = Notification.objects.get(
        shared_with_admins=True, recipient=org.requester, kind="request_reply"
    )
    assert (
        reverse("notifications:open", args=[shared.pk])
        not in client.get(reverse("notifications:list")).content.decode()
    )
    assert client.post(reverse("notifications:read", args=[shared.pk])).status_code == 404
    assert not Notification.objects.filter(body__contains=CASE_WORD, shared_with_admins=True)


def test_the_case_is_not_found_by_a_filter(client, org, secrets):
    client.force_login(org.admin)
    case = secrets["case"]
    listing = client.get(_url(Submission, "changelist"), {"request__id__exact": case.pk})
    _assert_hides(listing, secrets["words"], "submission filtered by the case")


def _request_of(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request
