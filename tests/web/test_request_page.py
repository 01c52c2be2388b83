"""The request page and its actions, through Django's test client (with and without htmx)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import LAPTOP_ANSWERS
from staffdesk.requests.models import Attachment, Request, RequestEvent, Status, Watcher
from staffdesk.requests.services import (
    attachment_add,
    request_add_note,
    request_reply,
    request_set_priority,
    request_submit,
    request_transition,
    watcher_add,
)
from tests.factories import PersonFactory

NOTE = "Supplier invoice unpaid; chase purchasing."
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def filed(org) -> Request:
    return request_submit(
        requester=org.requester,
        service=org.laptop,
        answers={**LAPTOP_ANSWERS, "needed_by": "2026-03-02T09:30:00+00:00"},
        description="For the new analyst.",
    )


def _url(item: Request, name: str = "detail") -> str:
    return reverse(f"requests:{name}", kwargs={"number": item.number})


def _text(response) -> str:
    """What a person reads: the HTML without tags, entities decoded, whitespace folded."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _get(client, person, item):
    client.force_login(person)
    return client.get(_url(item))


def _post(client, person, item, name, data=None, **extra):
    client.force_login(person)
    return client.post(_url(item, name), data or {}, **extra)


def _snapshot(item: Request) -> tuple:
    """Everything an action could write about a request."""
    item.refresh_from_db()
    return (
        item.status,
        item.priority,
        item.assignee_id,
        RequestEvent.objects.filter(request=item).count(),
        Attachment.objects.filter(request=item).count(),
        Watcher.objects.filter(request=item).count(),
    )


def _file(name="notes.txt", content=b"hello"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


# --- What the page shows ----------------------------------------------------------------


def test_page_shows_the_request_with_answers_under_their_labels(client, org, filed):
    response = _get(client, org.requester, filed)
    assert response.status_code == 200
    text = _text(response)
    assert f"{filed.number}: New laptop" in text
    assert re.search(rf"<h1[^>]*>\s*{filed.number}: New laptop\s*</h1>", response.content.decode())
    for shown in (
        "New laptop",
        "Information Technology",
        "Rita Requester",
        "Finance",
        "Pete Point",
        "P3 medium",
        "For the new analyst.",
    ):
        assert shown in text
    assert 'Model Standard 14" Quantity 1 Needed by 2 Mar 2026, 04:30 EST' in text
    assert "standard" not in text.lower().replace('standard 14"', "")
    assert "needed_by" not in text
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', response.content.decode())


def test_who_is_on_it_is_the_queue_when_unassigned_and_shows_on_behalf_of(client, org):
    org.laptop.point_person = org.laptop.backup = None
    org.laptop.save()
    item = request_submit(
        requester=org.it_agent,
        service=org.laptop,
        answers=LAPTOP_ANSWERS,
        on_behalf_of=org.colleague,
    )
    text = _text(_get(client, org.colleague, item))
    assert "Who is on it Information Technology queue" in text
    assert "Alex Agent, on behalf of Colin Colleague" in text
    assert "Requester\u2019s department Finance" in text


def test_internal_note_is_shown_to_the_team_only(client, org, filed):
    watcher_add(request=filed, actor=org.requester, person=org.colleague)
    request_add_note(request=filed, author=org.it_point, body=NOTE)
    attachment_add(
        request=filed,
        uploader=org.it_point,
        upload=_file("quote.txt"),
        filename="quote.txt",
        is_internal=True,
    )
    for outsider in (org.requester, org.colleague):
        text = _text(_get(client, outsider, filed))
        assert NOTE not in text
        assert "quote.txt" not in text
        assert "internal" not in text.lower()
    for team in (org.it_point, org.it_lead):
        text = _text(_get(client, team, filed))
        assert (
            "Internal note — not visible to the requester Pete Point wrote a note for the team"
            in text
        )
        assert NOTE in text
        assert "Internal file — not visible to the requester" in text and "quote.txt" in text
    assert '<li id="event-' in _get(client, org.it_point, filed).content.decode()
    assert 'class="internal"' in _get(client, org.it_point, filed).content.decode()


def test_timeline_tells_changes_in_words(client, org, filed):
    request_transition(request=filed, actor=org.it_point, to_status="acknowledged")
    request_set_priority(request=filed, actor=org.it_point, priority=1)
    request_reply(request=filed, author=org.it_point, body="On its way.")
    attachment_add(request=filed, uploader=org.requester, upload=_file(), filename="notes.txt")
    watcher_add(request=filed, actor=org.requester, person=org.colleague)
    text = _text(_get(client, org.requester, filed))
    assert "Pete Point changed the status: New → Acknowledged" in text
    assert "Pete Point changed the priority: P3 medium → P1 critical" in text
    assert "Pete Point replied" in text and "On its way." in text
    assert "staffdesk assigned it to Pete Point" in text
    assert "Rita Requester added a file" in text and "notes.txt (5 bytes)" in text
    assert "Rita Requester added Colin Colleague as a watcher" in text
    attachment = Attachment.objects.get(request=filed)
    assert (
        f'href="{_url(filed)}/attachments/{attachment.pk}"'
        in _get(client, org.requester, filed).content.decode()
    )


def test_buttons_are_exactly_the_allowed_moves_in_words(client, org, filed):
    def buttons(person):
        html = _get(client, person, filed).content.decode()
        return re.findall(
            r'<button type="submit" name="status" value="(\w+)"[^>]*>([^<]+)</button>', html
        )

    assert buttons(org.requester) == [("cancelled", "Yes, cancel the request")]
    assert buttons(org.it_point) == [
        ("acknowledged", "Acknowledge"),
        ("in_progress", "Start work"),
        ("resolved", "Resolve"),
        ("cancelled", "Yes, cancel the request"),
    ]
    request_transition(request=filed, actor=org.it_point, to_status="in_progress")
    request_transition(request=filed, actor=org.it_point, to_status="resolved")
    assert buttons(org.requester) == [("closed", "Close"), ("in_progress", "Reopen")]
    assert buttons(org.it_agent) == [
        ("closed", "Close"),
        ("in_progress", "Reopen"),
    ]
    watcher_add(request=filed, actor=org.requester, person=org.colleague)
    assert buttons(org.colleague) == []


def _options(response, select_id: str) -> list[str]:
    """The option texts of one select of the page, in order."""
    html = response.content.decode()
    select = re.search(rf'<select id="{select_id}".*?</select>', html, flags=re.S)
    return re.findall(r">([^<]+)</option>", select.group(0)) if select else []


def test_team_sees_handling_and_the_requester_does_not(client, org, filed):
    page = _get(client, org.it_point, filed)
    assert _options(page, "assignee") == [
        "Unassigned (Information Technology queue)",
        "Alex Agent",
        "Bea Backup",
        "Lee Lead",
        "Pete Point",
    ]
    assert _options(page, "priority") == ["P1 critical", "P2 high", "P3 medium", "P4 low"]
    assert "Assign to me" not in _text(page)  # it is already his
    assert "Assign to me" in _text(_get(client, org.it_agent, filed))
    requester_page = _get(client, org.requester, filed)
    assert _options(requester_page, "assignee") == _options(requester_page, "priority") == []
    assert "Handling" not in _text(requester_page)
    assert "Add a note for the team" not in _text(requester_page)


# --- Actions: happy paths -----------------------------------------------------------------


def test_reply_with_files_then_redirects_with_a_message(client, org, filed):
    response = _post(
        client,
        org.requester,
        filed,
        "reply",
        {"body": "Any news?", "files": [_file("a.txt", b"aaa"), _file("b.txt", b"bb")]},
    )
    assert response.status_code == 302 and response.url == _url(filed)
    reply = RequestEvent.objects.get(request=filed, kind="reply")
    assert reply.body == "Any news?" and not reply.is_internal
    assert sorted(a.filename for a in reply.attachments.all()) == ["a.txt", "b.txt"]
    page = client.get(response.url)
    assert "Reply sent." in _text(page)
    assert "a.txt (3 bytes)" in _text(page)


def test_note_with_internal_files(client, org, filed):
    response = _post(
        client, org.it_point, filed, "note", {"body": NOTE, "files": [_file("quote.txt")]}
    )
    assert response.status_code == 302
    note = RequestEvent.objects.get(request=filed, kind="note")
    assert note.is_internal and note.body == NOTE
    assert [(a.filename, a.is_internal) for a in note.attachments.all()] == [("quote.txt", True)]
    assert "Internal note added." in _text(client.get(response.url))


def test_upload_files(client, org, filed):
    response = _post(
        client,
        org.requester,
        filed,
        "attachment_upload",
        {"files": [_file("one.txt"), _file("two.txt")]},
    )
    assert response.status_code == 302
    assert sorted(Attachment.objects.filter(request=filed).values_list("filename", flat=True)) == [
        "one.txt",
        "two.txt",
    ]
    assert not Attachment.objects.filter(request=filed, is_internal=True).exists()
    assert "Added 2 files." in _text(client.get(response.url))


def test_agent_moves_assigns_and_sets_priority(client, org, filed):
    assert (
        _post(client, org.it_point, filed, "transition", {"status": "acknowledged"}).status_code
        == 302
    )
    assert f"{filed.number} is now acknowledged." in _text(client.get(_url(filed)))
    assert (
        _post(client, org.it_point, filed, "assign", {"assignee": org.it_backup.pk}).status_code
        == 302
    )
    assert "Assigned to Bea Backup." in _text(client.get(_url(filed)))
    _post(client, org.it_agent, filed, "assign", {"assignee": org.it_agent.pk})
    assert Request.objects.get(pk=filed.pk).assignee == org.it_agent
    _post(client, org.it_agent, filed, "assign", {"assignee": ""})
    assert Request.objects.get(pk=filed.pk).assignee is None
    assert "Unassigned: back in the Information Technology queue." in _text(client.get(_url(filed)))
    assert _post(client, org.it_agent, filed, "priority", {"priority": "1"}).status_code == 302
    assert "Priority set to P1 critical." in _text(client.get(_url(filed)))
    filed.refresh_from_db()
    assert (filed.status, filed.priority) == (Status.ACKNOWLEDGED, 1)
    kinds = list(RequestEvent.objects.filter(request=filed).values_list("kind", flat=True))
    assert kinds[-5:] == ["status", "assignment", "assignment", "assignment", "priority"]


def test_requester_cancels_closes_and_reopens(client, org, filed):
    request_transition(request=filed, actor=org.it_point, to_status="resolved")
    _post(client, org.requester, filed, "transition", {"status": "in_progress"})
    assert Request.objects.get(pk=filed.pk).status == Status.IN_PROGRESS
    request_transition(request=filed, actor=org.it_point, to_status="resolved")
    _post(client, org.requester, filed, "transition", {"status": "closed"})
    assert Request.objects.get(pk=filed.pk).status == Status.CLOSED
    text = _text(client.get(_url(filed)))
    assert "is closed; it takes no more replies or files" in text


def test_watchers_added_and_removed(client, org, filed):
    response = _post(client, org.requester, filed, "watcher_add", {"person_id": org.colleague.pk})
    assert response.status_code == 302
    assert "Colin Colleague now watches" in _text(client.get(_url(filed)))
    assert _get(client, org.colleague, filed).status_code == 200
    # A watcher may leave, the team may remove anyone.
    assert "Stop watching" in _text(_get(client, org.colleague, filed))
    _post(client, org.colleague, filed, "watcher_remove", {"person_id": org.colleague.pk})
    assert not Watcher.objects.filter(request=filed).exists()
    _post(client, org.it_point, filed, "watcher_add", {"person_id": org.colleague.pk})
    _post(client, org.it_point, filed, "watcher_remove", {"person_id": org.colleague.pk})
    assert not Watcher.objects.filter(request=filed).exists()


def test_a_watcher_is_added_by_typing_a_name_username_or_email(client, org, filed):
    # A typed name, not a list of the whole department: departments have thousands of people.
    page = _get(client, org.requester, filed).content.decode()
    assert 'name="person"' in page and '<select id="watcher"' not in page
    _post(client, org.requester, filed, "watcher_add", {"person": "colin"})
    _post(client, org.requester, filed, "watcher_add", {"person": "una@city.example"})
    _post(client, org.requester, filed, "watcher_add", {"person": "Ada Admin"})
    watchers = set(filed.watchers.values_list("person__username", flat=True))
    assert watchers == {"colin", "una", "ada"}
    before = _snapshot(filed)
    nobody = _post(client, org.requester, filed, "watcher_add", {"person": "zelda"})
    assert (
        nobody.status_code == 422 and "Nobody matches &#x27;zelda&#x27;" in nobody.content.decode()
    )
    several = _post(client, org.requester, filed, "watcher_add", {"person": "a"})
    assert several.status_code == 422 and "Several people match" in several.content.decode()
    assert _snapshot(filed) == before


# --- Actions: refusals write nothing --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("note", lambda org: {"body": NOTE}, "Only agents of Information Technology can add"),
        (
            "note",
            lambda org: {"body": NOTE, "files": [_file()]},
            "Only the providing team can add internal attachments.",
        ),
        ("assign", lambda org: {"assignee": org.it_agent.pk}, "can assign"),
        ("priority", lambda org: {"priority": "1"}, "can change the priority of"),
    ],
)
def test_requester_may_not_do_team_work(client, org, filed, name, data, message):
    before = _snapshot(filed)
    response = _post(client, org.requester, filed, name, data(org))
    assert response.status_code == 403
    assert message in _text(response)
    assert _snapshot(filed) == before


def test_forbidden_move_names_the_allowed_ones(client, org, filed):
    before = _snapshot(filed)
    response = _post(client, org.requester, filed, "transition", {"status": "resolved"})
    assert response.status_code == 409
    assert "cannot go from new to resolved; allowed for you now: cancelled" in _text(response)
    assert _snapshot(filed) == before


@pytest.mark.parametrize(
    ("name", "data", "status", "message"),
    [
        ("reply", {"body": "   "}, 422, "Write something first."),
        ("reply", {"body": ""}, 422, "Write something first."),
        ("transition", {"status": "bogus"}, 422, "Unknown status 'bogus'"),
        ("transition", {}, 422, "Check the form: Status: This field is required."),
        ("priority", {"priority": "9"}, 422, "priority must be 1 (critical)"),
        ("priority", {"priority": "high"}, 422, "Check the form: Priority"),
        ("attachment_upload", {}, 422, "Choose at least one file."),
        ("watcher_add", {"person_id": "x"}, 422, "Check the form: Person"),
    ],
)
def test_bad_input_is_refused_with_its_message(client, org, filed, name, data, status, message):
    before = _snapshot(filed)
    response = _post(client, org.it_point, filed, name, data)
    assert response.status_code == status
    assert message in _text(response)
    assert _snapshot(filed) == before


def test_refused_reply_keeps_the_text_and_stores_no_file(client, org, filed, settings, tmp_path):
    settings.STAFFDESK_MAX_ATTACHMENT_BYTES = 10
    before = _snapshot(filed)
    response = _post(
        client,
        org.requester,
        filed,
        "reply",
        {
            "body": "Here are the quotes",
            "files": [_file("ok.txt", b"1"), _file("big.txt", b"x" * 11)],
        },
    )
    assert response.status_code == 422
    assert "The file is too large" in _text(response)
    assert ">Here are the quotes</textarea>" in response.content.decode()
    assert _snapshot(filed) == before
    media = tmp_path / "media"
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_empty_reply_with_a_file_stores_nothing(client, org, filed, tmp_path):
    before = _snapshot(filed)
    response = _post(client, org.requester, filed, "reply", {"body": "", "files": [_file()]})
    assert response.status_code == 422
    assert "Write something first." in _text(response)
    assert 'id="reply-body-errors"' in response.content.decode()
    assert _snapshot(filed) == before
    media = tmp_path / "media"
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_assigning_outside_the_team_is_refused(client, org, filed):
    before = _snapshot(filed)
    response = _post(client, org.it_point, filed, "assign", {"assignee": org.colleague.pk})
    assert response.status_code == 422
    assert "Colin Colleague is not an active agent of Information Technology." in _text(response)
    assert _snapshot(filed) == before


def test_watchers_refusals(client, org, filed):
    watcher_add(request=filed, actor=org.requester, person=org.colleague)
    before = _snapshot(filed)
    # A watcher is not the requester's side: they may leave, not add others.
    response = _post(client, org.colleague, filed, "watcher_add", {"person_id": org.unrelated.pk})
    assert response.status_code == 403
    assert "Add a watcher" not in _text(response)
    response = _post(
        client, org.colleague, filed, "watcher_remove", {"person_id": org.requester.pk}
    )
    assert response.status_code == 404  # not a watcher
    assert _snapshot(filed) == before


def test_confidential_request_takes_no_watchers(client, org):
    leave = request_submit(
        requester=org.requester, service=org.leave, answers={"reason": "Surgery"}
    )
    page = _text(_get(client, org.requester, leave))
    assert "Confidential requests cannot have watchers." in page
    assert "Reason Surgery" in page
    before = _snapshot(leave)
    response = _post(client, org.requester, leave, "watcher_add", {"person_id": org.colleague.pk})
    assert response.status_code == 422
    assert f"{leave.number} is confidential; it cannot have watchers." in _text(response)
    assert _snapshot(leave) == before


ACTIONS = {
    "reply": lambda org: {"body": "hi"},
    "note": lambda org: {"body": "hi"},
    "attachment_upload": lambda org: {"files": [_file()]},
    "transition": lambda org: {"status": "cancelled"},
    "assign": lambda org: {"assignee": ""},
    "priority": lambda org: {"priority": "1"},
    "watcher_add": lambda org: {"person_id": org.colleague.pk},
    "watcher_remove": lambda org: {"person_id": org.colleague.pk},
}


@pytest.mark.parametrize("who", ["unrelated", "hr_agent", "unknown number"])
def test_invisible_or_unknown_request_is_404_for_the_page_and_every_action(client, org, filed, who):
    person = org.requester if who == "unknown number" else getattr(org, who)
    number = "IT-999999" if who == "unknown number" else filed.number
    watcher_add(request=filed, actor=org.requester, person=org.colleague)
    client.force_login(person)
    assert client.get(reverse("requests:detail", kwargs={"number": number})).status_code == 404
    before = _snapshot(filed)
    for name, data in ACTIONS.items():
        url = reverse(f"requests:{name}", kwargs={"number": number})
        assert client.post(url, data(org)).status_code == 404, name
        assert client.post(url, data(org), **HTMX).status_code == 404, name
    assert _snapshot(filed) == before


def test_confidential_case_is_404_to_other_teams_and_admins(client, org):
    leave = request_submit(
        requester=org.requester, service=org.leave, answers={"reason": "Surgery"}
    )
    for person in (org.it_point, org.admin):
        assert _get(client, person, leave).status_code == 404
        assert _post(client, person, leave, "reply", {"body": "hi"}).status_code == 404
    assert _get(client, org.hr_agent, leave).status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client, filed):
    response = client.get(_url(filed))
    assert response.status_code == 302 and "/signin/" in response.url
    response = client.post(_url(filed, "reply"), {"body": "hi"})
    assert response.status_code == 302 and "/signin/" in response.url
    assert not RequestEvent.objects.filter(request=filed, kind="reply").exists()


def test_actions_refuse_get(client, org, filed):
    client.force_login(org.it_point)
    assert client.get(_url(filed, "reply")).status_code == 405


# --- htmx ----------------------------------------------------------------------------------


def test_htmx_gets_the_section_only(client, org, filed):
    client.force_login(org.requester)
    response = client.get(_url(filed), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<nav" not in html
    assert html.lstrip().startswith('<div id="request-page"')
    assert filed.number in html


def test_htmx_action_answers_with_the_section_and_its_message(client, org, filed):
    response = _post(client, org.it_point, filed, "transition", {"status": "acknowledged"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f"{filed.number} is now acknowledged." in _text(response)
    assert "Pete Point changed the status: New → Acknowledged" in _text(response)
    # The message was shown in the section; the next page does not repeat it.
    assert "is now acknowledged." not in _text(client.get(_url(filed)))


def test_htmx_refusal_is_a_4xx_section_with_the_message(client, org, filed):
    before = _snapshot(filed)
    response = _post(client, org.requester, filed, "priority", {"priority": "1"}, **HTMX)
    assert response.status_code == 403
    assert "<html" not in response.content.decode()
    assert "Only agents of Information Technology can change the priority" in _text(response)
    response = _post(client, org.requester, filed, "reply", {"body": " "}, **HTMX)
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert _snapshot(filed) == before


# --- Cost ----------------------------------------------------------------------------------


def test_page_costs_the_same_few_queries_with_a_long_timeline(
    client, org, filed, django_assert_max_num_queries
):
    for i in range(10):
        person = PersonFactory(
            username=f"watcher{i}", first_name=f"Watcher{i}", last_name="Person", department=org.fin
        )
        watcher_add(request=filed, actor=org.requester, person=person)
    moves = ["acknowledged", "in_progress", "waiting_on_requester", "in_progress"]
    for i in range(7):
        request_reply(request=filed, author=org.it_point, body=f"reply {i}")
        request_add_note(request=filed, author=org.it_agent, body=f"note {i}")
        attachment_add(
            request=filed, uploader=org.requester, upload=_file(f"f{i}.txt"), filename=f"f{i}.txt"
        )
        request_set_priority(request=filed, actor=org.it_point, priority=1 + i % 4)
    for status in moves:
        request_transition(request=filed, actor=org.it_point, to_status=status)
    assert RequestEvent.objects.filter(request=filed).count() >= 40
    for person in (org.requester, org.it_point):
        client.force_login(person)
        client.get(_url(filed))  # a first visit settles the session
        # 12: the team's page also lists the department's resolution codes (for resolving)
        # and the requester's other open requests; every page reads the banner of
        # announcements to acknowledge.
        with django_assert_max_num_queries(12):
            response = client.get(_url(filed))
        assert response.status_code == 200
        assert "f6.txt" in _text(response) and "Watcher9 Person" in _text(response)
