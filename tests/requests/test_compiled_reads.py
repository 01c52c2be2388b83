"""The compiled request lists (the API's list, the queue's first page and its count) return
exactly what the ORM selectors return, for every kind of viewer and every filter, also when
one compiled statement serves several viewers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import LAPTOP_ANSWERS
from staffdesk.core.errors import NotFound
from staffdesk.requests import compiled_reads, selectors
from staffdesk.requests.compiled_reads import QueueRow
from staffdesk.requests.models import Status, Watcher
from staffdesk.requests.schemas import RequestPageOut
from staffdesk.requests.selectors import REQUEST_SORTS, RequestFilters
from staffdesk.requests.services import request_assign, request_submit

ROLES = [
    "requester",  # filed most of them
    "colleague",  # they were filed for, and watches one
    "unrelated",  # watches an IT request and (by a row written directly) a confidential case
    "it_agent",  # of the providing department
    "it_lead",
    "hr_agent",  # of another department, providing the confidential cases
    "admin",  # an organization admin on no team
    "anonymous",
]


@pytest.fixture
def filed(org):
    it = [
        request_submit(
            requester=org.requester,
            service=org.laptop,
            answers=LAPTOP_ANSWERS,
            subject=f"Toner cartridge {n}",
            description="The printer on floor 3" if n % 2 else "",
        )
        for n in range(5)
    ]
    for_colleague = request_submit(
        requester=org.it_agent,
        service=org.laptop,
        answers=LAPTOP_ANSWERS,
        subject="Laptop for Colin",
        on_behalf_of=org.colleague,
    )
    confidential = [
        request_submit(
            requester=org.requester,
            service=org.leave,
            answers={"reason": "Surgery"},
            subject=f"Leave toner {n}",
        )
        for n in range(2)
    ]
    request_assign(request=it[1], actor=org.it_lead, assignee=org.it_agent)
    Watcher.objects.create(request=it[2], person=org.unrelated)
    Watcher.objects.create(request=it[3], person=org.colleague)
    # Not something the services allow: the rule must still hide the case from its watcher.
    Watcher.objects.create(request=confidential[0], person=org.unrelated)
    return {"it": it, "for_colleague": for_colleague, "confidential": confidential}


def _viewer(org, role):
    return AnonymousUser() if role == "anonymous" else getattr(org, role)


def _filters(org, filed):
    return [
        RequestFilters(),
        RequestFilters(department="it"),
        RequestFilters(department="HR"),
        RequestFilters(status=(Status.NEW, Status.ACKNOWLEDGED), department="IT"),
        RequestFilters(service="it-laptop"),
        RequestFilters(text="toner"),
        RequestFilters(text="TONER cart*"),
        RequestFilters(text="printer floor"),
        RequestFilters(text="nothing-here"),
        RequestFilters(text=filed["it"][2].number.lower()),
        RequestFilters(text="   "),
        RequestFilters(assignee="me"),
        RequestFilters(assignee="none"),
        RequestFilters(assignee=str(org.it_agent.pk)),
        RequestFilters(requester="me"),
        RequestFilters(requester=str(org.requester.pk)),
        RequestFilters(priority=3),
        RequestFilters(priority=1, department="it"),
    ]


def _dump(page):
    return RequestPageOut.model_validate(
        {"items": page.items, "next_cursor": page.next_cursor}
    ).model_dump()


@pytest.mark.parametrize("limit", [50, 2])
def test_the_compiled_page_is_the_orm_page_for_every_viewer_and_filter(org, filed, limit):
    # The roles run one after another, so later ones reuse the statements earlier ones
    # compiled (the requester and the colleague, the IT agent and the lead share shapes).
    compared = 0
    for filters in _filters(org, filed):
        for role in ROLES:
            user = _viewer(org, role)
            cursor = None
            for _ in range(10):  # every page, through the cursors
                orm = selectors.request_page(user=user, filters=filters, cursor=cursor, limit=limit)
                fast = compiled_reads.request_page(
                    user=user, filters=filters, cursor=cursor, limit=limit
                )
                assert _dump(fast) == _dump(orm), (role, filters, cursor)
                compared += len(orm.items)
                cursor = orm.next_cursor
                if cursor is None:
                    break
    assert compared > 100


def test_each_viewer_gets_their_own_requests_from_a_shared_statement(org, filed):
    def numbers(role):
        page = compiled_reads.request_page(user=_viewer(org, role), filters=RequestFilters())
        return {item.number for item in page.items}

    it = {r.number for r in filed["it"]} | {filed["for_colleague"].number}
    confidential = {r.number for r in filed["confidential"]}
    assert numbers("requester") == {r.number for r in filed["it"]} | confidential
    assert numbers("colleague") == {filed["for_colleague"].number, filed["it"][3].number}
    assert numbers("unrelated") == {filed["it"][2].number}
    assert numbers("it_agent") == it
    assert numbers("hr_agent") == confidential
    assert numbers("admin") == it
    assert numbers("anonymous") == set()


def test_refused_filters_are_refused_as_by_the_orm(org, filed):
    from staffdesk.core.errors import ValidationFailed

    for filters in (
        RequestFilters(status=("sleeping",)),
        RequestFilters(assignee="nobody"),
        RequestFilters(priority=9),
    ):
        with pytest.raises(ValidationFailed) as orm:
            selectors.request_page(user=org.it_agent, filters=filters)
        with pytest.raises(ValidationFailed) as fast:
            compiled_reads.request_page(user=org.it_agent, filters=filters)
        assert fast.value.message == orm.value.message


@pytest.mark.parametrize("sort", list(REQUEST_SORTS))
def test_the_compiled_queue_is_the_orm_queue_for_every_viewer_and_filter(
    org, filed, sort, monkeypatch
):
    compared = 0
    for filters in _filters(org, filed):
        for role in ROLES:
            user = _viewer(org, role)
            orm = selectors.queue_page(user=user, filters=filters, sort=sort, limit=2)
            fast = compiled_reads.queue_page(user=user, filters=filters, sort=sort, limit=2)
            assert fast.items == [QueueRow.of(item) for item in orm.items], (role, filters)
            assert fast.next_cursor == orm.next_cursor
            assert compiled_reads.queue_total(user=user, filters=filters) == (
                selectors.queue_total(user=user, filters=filters)
            )
            compared += len(orm.items)
    assert compared > 50
    monkeypatch.setattr(selectors, "QUEUE_COUNT_CAP", 2)
    total = compiled_reads.queue_total(user=org.it_agent, filters=RequestFilters())
    assert total == selectors.queue_total(user=org.it_agent, filters=RequestFilters())
    assert total.more


RELATED = ("service", "department", "requester", "on_behalf_of", "assignee")


def _fields(instance):
    if instance is None:
        return None
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_compiled_request_is_the_orm_request_for_every_viewer(
    org, filed, agreement, django_assert_num_queries
):
    requests = [*filed["it"], filed["for_colleague"], *filed["confidential"]]
    seen = 0
    for role in ROLES:
        user = _viewer(org, role)
        for request in requests:
            for number in (request.number, request.number.lower()):
                try:
                    orm = selectors.access_request(user=user, number=number)
                except NotFound:
                    with pytest.raises(NotFound):
                        compiled_reads.access_request(user=user, number=number)
                    continue
                with django_assert_num_queries(1):
                    fast = compiled_reads.access_request(user=user, number=number)
                    # What the page reads comes with it: no query for a related object.
                    related = {name: _fields(getattr(fast, name)) for name in RELATED}
                    agreement_fields = _fields(fast.sla_agreement)
                    calendar = _fields(fast.sla_agreement and fast.sla_agreement.calendar)
                    requester_department = _fields(fast.requester_department)
                assert _fields(fast) == _fields(orm)
                assert related == {name: _fields(getattr(orm, name)) for name in RELATED}
                assert agreement_fields == _fields(orm.sla_agreement)
                assert calendar == _fields(orm.sla_agreement and orm.sla_agreement.calendar)
                assert requester_department == _fields(orm.requester_department)
                seen += 1
    assert seen > 20
    with pytest.raises(NotFound):
        compiled_reads.access_request(user=org.it_agent, number="IT-999999")


def _instances(objects):
    return [(_fields(item), type(item).__name__) for item in objects]


def test_the_compiled_request_page_reads_are_the_orm_reads_for_every_viewer(org, filed, tmp_path):
    """The timeline (with its files), the watchers, the requester's other open requests,
    the team, the form and the resolution codes: the request page's reads after the request."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from staffdesk.requests.services import attachment_add, request_add_note, request_reply

    def upload(name):
        return SimpleUploadedFile(name, b"hello", content_type="text/plain")

    busy = filed["it"][2]
    request_reply(request=busy, author=org.requester, body="Any news?")
    request_add_note(request=busy, author=org.it_agent, body="Waiting for stock")
    attachment_add(request=busy, uploader=org.requester, upload=upload("a.txt"), filename="a.txt")
    attachment_add(
        request=busy,
        uploader=org.it_agent,
        upload=upload("b.txt"),
        filename="b.txt",
        is_internal=True,
    )
    requests = [*filed["it"], filed["for_colleague"], *filed["confidential"]]
    compared = 0
    for role in ROLES:
        user = _viewer(org, role)
        for request in requests:
            orm_timeline = [
                (_fields(event), _fields(event.actor), _instances(event.attachments.all()))
                for event in selectors.request_timeline(user=user, request=request)
            ]
            fast_timeline = [
                (_fields(event), _fields(event.actor), _instances(files))
                for event, files in compiled_reads.request_timeline(user=user, request=request)
            ]
            assert fast_timeline == orm_timeline, (role, request.number)
            assert _instances(compiled_reads.request_events(user=user, request=request)) == (
                _instances(selectors.request_events(user=user, request=request))
            )
            orm_watchers = selectors.request_watchers(user=user, request=request)
            fast_watchers = compiled_reads.request_watchers(user=user, request=request)
            assert [(_fields(w), _fields(w.person)) for w in fast_watchers] == [
                (_fields(w), _fields(w.person)) for w in orm_watchers
            ]
            orm_others = selectors.requester_other_open(user=user, request=request)
            fast_others = compiled_reads.requester_other_open(user=user, request=request)
            assert [(_fields(r), _fields(r.department)) for r in fast_others] == [
                (_fields(r), _fields(r.department)) for r in orm_others
            ]
            compared += len(orm_timeline) + len(orm_watchers) + len(orm_others)
    assert compared > 100
    # The internal file is on the timeline of the team only.
    files = {
        role: {
            a.filename
            for _, attachments in compiled_reads.request_timeline(
                user=_viewer(org, role), request=busy
            )
            for a in attachments
        }
        for role in ("requester", "it_agent", "admin")
    }
    assert files == {"requester": {"a.txt"}, "it_agent": {"a.txt", "b.txt"}, "admin": {"a.txt"}}
    for request in requests:
        assert _instances(compiled_reads.team_agents(request=request)) == _instances(
            selectors.team_agents(request=request)
        )
        assert _instances(compiled_reads.form_fields(request=request)) == _instances(
            request.service.fields.all()
        )
        assert _instances(compiled_reads.resolution_codes(request=request)) == _instances(
            request.department.resolution_codes.filter(is_active=True)
        )
