"""The home page, the catalog pages and the service form, through Django's test client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.html import Element, parse_html

from conftest import LAPTOP_ANSWERS
from staffdesk.catalog.models import FormField, Service
from staffdesk.directory.models import Membership
from staffdesk.notifications.models import Notification
from staffdesk.requests.models import Attachment, Request, Status
from staffdesk.requests.services import request_submit, request_transition
from tests.factories import FormFieldFactory, MembershipFactory, PersonFactory, ServiceFactory

Datatype = FormField.Datatype


# --- reading pages ---------------------------------------------------------------------------


def _walk(node) -> Iterator[Element]:
    if isinstance(node, Element):
        yield node
        for child in node.children:
            yield from _walk(child)


def _text(node) -> str:
    if isinstance(node, str):
        return node
    return " ".join(_text(child) for child in node.children)


class Page:
    """A rendered page, searched the way a reader would: by id, label and text."""

    def __init__(self, response):
        self.response = response
        self.root = parse_html(response.content.decode())

    def all(self, tag: str, **attrs: str) -> list[Element]:
        wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
        return [
            element
            for element in _walk(self.root)
            if element.name == tag
            and all(dict(element.attributes).get(k) == v for k, v in wanted.items())
        ]

    def one(self, tag: str, **attrs: str) -> Element:
        found = self.all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    def by_id(self, element_id: str) -> Element:
        found = [e for e in _walk(self.root) if dict(e.attributes).get("id") == element_id]
        assert len(found) == 1, f"expected one element #{element_id}, found {len(found)}"
        return found[0]

    def label_for(self, element_id: str) -> str:
        """The text of the one label of this input."""
        return " ".join(_text(self.one("label", **{"for": element_id})).split())

    def described_by(self, element: Element) -> str:
        ids = (dict(element.attributes).get("aria-describedby") or "").split()
        return " ".join(" ".join(_text(self.by_id(i)).split()) for i in ids)

    @property
    def text(self) -> str:
        return " ".join(_text(self.root).split())


def _attr(element: Element, name: str):
    return dict(element.attributes).get(name, "<absent>")


def _has(element: Element, name: str) -> bool:
    return name in dict(element.attributes)


def _get(client, path: str) -> Page:
    response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    return Page(response)


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def desk_kit(org) -> Service:
    """An IT service whose form has one question of every datatype."""
    kit = ServiceFactory(
        department=org.it,
        code="it-desk-kit",
        name="Desk kit",
        group="Hardware",
        description="Keyboard, screens and the rest.",
        point_person=org.it_point,
        backup=org.it_backup,
    )
    questions = [
        ("asset_tag", "Asset tag", Datatype.STRING, True, "On the sticker under the desk."),
        ("quantity", "Quantity", Datatype.NUMBER, True, ""),
        ("needed_by", "Needed by", Datatype.DATETIME, False, ""),
        ("notes", "Notes", Datatype.TEXT, False, "Anything the installer should know."),
        ("colour", "Colour", Datatype.SINGLEVALUELIST, False, ""),
        ("extras", "Extras", Datatype.MULTIVALUELIST, False, "Pick any."),
    ]
    choices = {
        "colour": [{"key": "black", "name": "Black"}, {"key": "white", "name": "White"}],
        "extras": [
            {"key": "dock", "name": "Docking station"},
            {"key": "mouse", "name": "Mouse"},
            {"key": "bag", "name": "Bag"},
        ],
    }
    for order, (code, label, datatype, required, description) in enumerate(questions):
        FormFieldFactory(
            service=kit,
            code=code,
            label=label,
            datatype=datatype,
            required=required,
            description=description,
            order=order,
            values=choices.get(code, []),
        )
    return kit


@pytest.fixture
def guest_wifi(org) -> Service:
    return ServiceFactory(
        department=org.it,
        code="it-guest-wifi",
        name="Guest Wi-Fi",
        description="The guest password is on the board by reception.",
        fulfilment=Service.Fulfilment.INFORMATION,
        point_person=org.it_agent,
    )


def _nothing_written() -> None:
    assert Request.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert Notification.objects.count() == 0


# --- home and search ------------------------------------------------------------------------


def test_home_shows_the_search_box_and_my_open_requests(org, client):
    mine = request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
    queued_service = ServiceFactory(department=org.it, name="Printer toner")
    queued = request_submit(requester=org.requester, service=queued_service, answers={})
    done = request_submit(requester=org.requester, service=queued_service, answers={})
    request_transition(request=done, actor=org.requester, to_status=Status.CANCELLED)
    someone_elses = request_submit(
        requester=org.colleague, service=org.laptop, answers=LAPTOP_ANSWERS
    )
    client.force_login(org.requester)

    page = _get(client, "/")

    assert _text(page.one("h1")).strip() == "What do you need?"
    search = page.by_id("q")
    assert page.label_for("q") == "Search services"
    assert _attr(search, "hx-get") == "/"
    assert _attr(search, "hx-trigger") == "input changed delay:250ms, search"
    assert _attr(page.by_id("service-results"), "aria-live") == "polite"
    rows = {_text(row.children[0]).strip(): " ".join(_text(row).split()) for row in page.all("tr")}
    assert rows[mine.number] == f"{mine.number} New laptop New Pete Point"
    assert rows[queued.number] == f"{queued.number} Printer toner New Information Technology queue"
    assert done.number not in rows
    assert someone_elses.number not in rows
    assert page.all("a", href=f"/requests/{mine.number}")


def test_search_finds_services_by_keyword_and_department_name(org, client):
    client.force_login(org.requester)

    by_keyword = _get(client, "/?q=notebook")
    link = by_keyword.one("a", href="/requests/new/it-laptop")
    assert _text(link).strip() == "New laptop"
    assert "Information Technology · Point person: Pete Point" in by_keyword.text
    assert "Leave of absence" not in by_keyword.text

    by_department = _get(client, "/?q=human")
    assert by_department.all("a", href="/requests/new/hr-leave")
    assert "New laptop" not in by_department.text

    nothing = _get(client, "/?q=zeppelin")
    assert "No service matches “zeppelin”" in nothing.text


def test_search_as_you_type_gets_only_the_results(org, client):
    request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
    client.force_login(org.requester)

    response = client.get("/", {"q": "laptop"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "My open requests" not in html
    assert 'href="/requests/new/it-laptop"' in html
    assert "HX-Request" in response["Vary"]


def test_pages_need_a_signed_in_person(org, client):
    for path in ["/", "/catalog/", "/catalog/IT/", "/requests/new/it-laptop"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/signin/")


# --- catalog and departments -------------------------------------------------------------------


def test_catalog_groups_services_by_department_then_group(org, client, desk_kit):
    ServiceFactory(department=org.it, name="Old fax", is_active=False)
    client.force_login(org.requester)

    page = _get(client, "/catalog/")

    departments = [_text(h).strip() for h in page.all("h2")]
    assert departments == ["Human Resources", "Information Technology"]
    assert page.all("a", href="/catalog/IT/") and page.all("a", href="/catalog/HR/")
    assert [_text(h).strip() for h in page.all("h3")] == ["General", "Hardware"]
    assert page.all("a", href="/requests/new/it-desk-kit")
    assert page.all("a", href="/requests/new/hr-leave")
    assert "Leave of absence Confidential" in page.text
    assert "Old fax" not in page.text


def test_department_page_says_who_handles_what(org, client, guest_wifi):
    client.force_login(org.requester)

    page = _get(client, "/catalog/it/")

    assert _text(page.one("h1")).split()[:2] == ["Information", "Technology"]
    assert "Lead Lee Lead" in page.text
    rows = [" ".join(_text(row).split()) for row in page.all("tr")]
    assert "New laptop Hardware Pete Point Bea Backup" in rows
    assert "Guest Wi-Fi Information only General Alex Agent None named" in rows

    hr = _get(client, "/catalog/HR/")
    assert "Leave of absence Confidential" in hr.text
    assert client.get("/catalog/NOPE/").status_code == 404


# --- the service page and its form ------------------------------------------------------------


def test_service_page_tells_what_it_is_and_who_handles_it(org, client):
    client.force_login(org.requester)

    page = _get(client, "/requests/new/it-laptop")

    assert _text(page.one("h1")).strip() == "New laptop"
    assert "A laptop for a new or existing employee." in page.text
    assert "Point person Pete Point" in page.text
    assert "Backup Bea Backup" in page.text
    assert page.label_for("answer-model") == "Model (required)"
    assert page.label_for("subject") == "Subject"
    # How urgent it is for the employee, in words; the team sets the priority.
    assert "How urgent is it for you?" in page.text and "P1 critical" not in page.text
    assert [
        page.label_for(f"urgency-{value}") for value in ("blocking", "slowing", "whenever")
    ] == [
        "It stops my work",
        "It slows my work down",
        "Whenever you can",
    ]
    assert _has(page.by_id("urgency-slowing"), "checked")
    assert "up to 10.0 MB per file" in page.described_by(page.by_id("attachments"))
    assert _has(page.by_id("attachments"), "multiple")


def test_form_renders_every_datatype_with_its_label_and_help(org, client, desk_kit):
    client.force_login(org.requester)

    page = _get(client, "/requests/new/it-desk-kit")

    tag = page.by_id("answer-asset_tag")
    assert (tag.name, _attr(tag, "type")) == ("input", "text")
    assert page.label_for("answer-asset_tag") == "Asset tag (required)"
    assert page.described_by(tag) == "On the sticker under the desk."
    quantity = page.by_id("answer-quantity")
    assert (_attr(quantity, "type"), _attr(quantity, "inputmode")) == ("text", "decimal")
    assert page.label_for("answer-quantity") == "Quantity (required)"
    assert _attr(page.by_id("answer-needed_by"), "type") == "datetime-local"
    assert page.label_for("answer-needed_by") == "Needed by"
    assert page.by_id("answer-notes").name == "textarea"
    assert page.described_by(page.by_id("answer-notes")) == "Anything the installer should know."
    colour = page.by_id("answer-colour")
    assert colour.name == "select"
    options = [(_attr(o, "value"), _text(o).strip()) for o in _walk(colour) if o.name == "option"]
    assert options == [("", "Not specified"), ("black", "Black"), ("white", "White")]
    extras = page.one("fieldset", **{"aria-describedby": "answer-extras-help"})
    legends = [" ".join(_text(e).split()) for e in _walk(extras) if e.name == "legend"]
    assert legends == ["Extras"]
    boxes = [e for e in _walk(extras) if e.name == "input"]
    assert [(_attr(b, "type"), _attr(b, "value")) for b in boxes] == [
        ("checkbox", "dock"),
        ("checkbox", "mouse"),
        ("checkbox", "bag"),
    ]
    assert [page.label_for(_attr(b, "id")) for b in boxes] == ["Docking station", "Mouse", "Bag"]
    assert page.described_by(extras) == "Pick any."
    # The server, not the browser, says what is missing.
    assert not any(_has(e, "required") for e in page.all("input"))


def test_refused_answers_come_back_beside_their_fields_with_the_rest_kept(org, client, desk_kit):
    client.force_login(org.requester)

    response = client.post(
        "/requests/new/it-desk-kit",
        {
            "answers.asset_tag": "",
            "answers.quantity": "two",
            "answers.needed_by": "2026-03-01T09:30",
            "answers.notes": "Second floor, room 204.",
            "answers.colour": "white",
            "answers.extras": ["dock", "bag"],
            "subject": "Kit for Sam",
            "description": "Sam starts on Monday.",
            "urgency": "blocking",
        },
    )

    assert response.status_code == 422
    page = Page(response)
    assert "Asset tag: this answer is required" in page.described_by(page.by_id("answer-asset_tag"))
    quantity = page.by_id("answer-quantity")
    assert "Quantity: must be a number, not 'two'" in page.described_by(quantity)
    assert _attr(quantity, "aria-invalid") == "true"
    assert _attr(quantity, "value") == "two"
    assert _attr(page.by_id("answer-needed_by"), "value") == "2026-03-01T09:30"
    assert _text(page.by_id("answer-notes")).strip() == "Second floor, room 204."
    assert _has(page.one("option", value="white"), "selected")
    checked = [_attr(b, "value") for b in page.all("input", type="checkbox") if _has(b, "checked")]
    assert checked == ["dock", "bag"]
    assert _attr(page.by_id("subject"), "value") == "Kit for Sam"
    assert _text(page.by_id("description")).strip() == "Sam starts on Monday."
    assert _has(page.by_id("urgency-blocking"), "checked")
    summary = page.one("div", role="alert")
    links = {_attr(a, "href"): _text(a).strip() for a in _walk(summary) if a.name == "a"}
    assert links == {
        "#answer-asset_tag": "Asset tag: this answer is required",
        "#answer-quantity": "Quantity: must be a number, not 'two'",
    }
    _nothing_written()


def test_a_filed_request_leads_to_its_page(org, client):
    client.force_login(org.requester)

    response = client.post(
        "/requests/new/it-laptop",
        {"answers.model": "power", "answers.quantity": "2", "answers.needed_by": ""},
        follow=True,
    )

    created = Request.objects.get()
    assert response.redirect_chain == [(f"/requests/{created.number}", 302)]
    assert (created.requester, created.assignee, created.channel) == (
        org.requester,
        org.it_point,
        "web",
    )
    assert created.answers == {"model": "power", "quantity": 2}
    assert (created.subject, created.priority) == ("New laptop", 3)
    assert created.on_behalf_of is None
    assert f"Request {created.number} filed; Pete Point is on it." in Page(response).text


def test_files_are_attached_to_the_new_request(org, client):
    client.force_login(org.requester)
    files = [
        SimpleUploadedFile("quote.txt", b"Two laptops, 1,200 each."),
        SimpleUploadedFile("approval.txt", b"Approved by Lee."),
    ]

    response = client.post(
        "/requests/new/it-laptop",
        {"answers.model": "standard", "answers.quantity": "1", "attachments": files},
    )

    assert response.status_code == 302
    created = Request.objects.get()
    assert sorted(created.attachments.values_list("filename", "size")) == [
        ("approval.txt", 16),
        ("quote.txt", 24),
    ]


def test_an_oversized_file_files_nothing(org, client, settings, tmp_path):
    settings.STAFFDESK_MAX_ATTACHMENT_BYTES = 20
    client.force_login(org.requester)

    response = client.post(
        "/requests/new/it-laptop",
        {
            "answers.model": "power",
            "answers.quantity": "1",
            "attachments": [
                SimpleUploadedFile("small.txt", b"fits"),
                SimpleUploadedFile("big.txt", b"x" * 21),
            ],
        },
    )

    assert response.status_code == 422
    page = Page(response)
    assert "big.txt: 21 bytes; the limit is 20 bytes" in page.described_by(
        page.by_id("attachments")
    )
    assert "small.txt" not in page.described_by(page.by_id("attachments"))
    assert _has(page.one("option", value="power"), "selected")
    _nothing_written()
    media = Path(tmp_path / "media")
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_on_behalf_of_is_offered_only_to_those_who_may_file_for_others(org, client):
    fin_lead = PersonFactory(username="fay", first_name="Fay", last_name="Lead", department=org.fin)
    MembershipFactory(person=fin_lead, department=org.fin, role=Membership.Role.LEAD)

    def offered(person, service_code: str) -> list[str] | None:
        client.force_login(person)
        page = _get(client, f"/requests/new/{service_code}")
        selects = page.all("select", id="on-behalf-of")
        if not selects:
            return None
        assert page.label_for("on-behalf-of") == "On behalf of"
        return [
            _text(o).split(" · ")[0].strip() for o in selects[0].children if isinstance(o, Element)
        ]

    assert offered(org.requester, "it-laptop") is None
    assert offered(org.it_agent, "hr-leave") is None
    everyone_but_alex = offered(org.it_agent, "it-laptop")
    assert everyone_but_alex[0] == "Myself (Alex Agent)"
    assert {"Rita Requester", "Una Unrelated", "Hana HR"} <= set(everyone_but_alex)
    assert "Alex Agent" not in everyone_but_alex
    assert {"Rita Requester", "Una Unrelated"} <= set(offered(org.admin, "hr-leave"))
    assert offered(fin_lead, "it-laptop") == [
        "Myself (Fay Lead)",
        "Ada Admin",
        "Colin Colleague",
        "Rita Requester",
    ]

    client.force_login(fin_lead)
    response = client.post(
        "/requests/new/it-laptop",
        {"answers.model": "standard", "answers.quantity": "1", "on_behalf_of": org.requester.pk},
    )
    assert response.status_code == 302
    assert Request.objects.get().on_behalf_of == org.requester


def test_a_forged_on_behalf_of_from_an_employee_is_refused(org, client):
    client.force_login(org.requester)

    response = client.post(
        "/requests/new/it-laptop",
        {"answers.model": "standard", "answers.quantity": "1", "on_behalf_of": org.colleague.pk},
    )

    assert response.status_code == 403
    assert "you may not file for someone else" in _text(Page(response).one("div", role="alert"))
    _nothing_written()
    response = client.post(
        "/requests/new/it-laptop",
        {"answers.model": "standard", "answers.quantity": "1", "on_behalf_of": "999999"},
    )
    assert response.status_code == 422
    _nothing_written()


def test_an_information_only_service_has_no_form(org, client, guest_wifi):
    client.force_login(org.requester)

    page = _get(client, "/requests/new/it-guest-wifi")

    assert "The guest password is on the board by reception." in page.text
    assert "information only" in page.text
    assert not page.all("form", enctype="multipart/form-data")
    assert "File the request" not in page.text

    response = client.post("/requests/new/it-guest-wifi", {"subject": "Password?"})
    assert response.status_code == 422
    assert "Guest Wi-Fi is information only" in _text(Page(response).one("div", role="alert"))
    _nothing_written()


def test_unknown_and_withdrawn_services_are_not_found(org, client):
    ServiceFactory(department=org.it, code="it-fax", name="Fax line", is_active=False)
    client.force_login(org.requester)

    assert client.get("/requests/new/no-such-service").status_code == 404
    assert client.get("/requests/new/it-fax").status_code == 404
    assert client.post("/requests/new/it-fax", {}).status_code == 404


# --- query counts ------------------------------------------------------------------------------


@pytest.fixture
def busy_org(org):
    """45 more services over five departments, and 35 open requests of Rita's."""
    for number in range(45):
        department = [org.it, org.hr, org.fin, org.water, org.it][number % 5]
        service = ServiceFactory(
            department=department,
            name=f"Laptop accessory {number}",
            keywords="laptop",
            group=f"Group {number % 3}",
            point_person=org.it_point,
            backup=org.it_backup,
        )
        FormFieldFactory(service=service, code="what", datatype=Datatype.STRING)
    for _ in range(35):
        request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
    return org


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?q=laptop",
        "/catalog/",
        "/catalog/IT/",
        "/requests/new/it-laptop",
    ],
)
@pytest.mark.parametrize("who", ["requester", "admin", "it_agent"])
def test_pages_take_a_few_queries_however_many_rows(
    busy_org, client, path, who, django_assert_max_num_queries
):
    client.force_login(getattr(busy_org, who))
    # 10: the home page's search also reads the notices of the services it finds (badges).
    with django_assert_max_num_queries(10):
        response = client.get(path)
    assert response.status_code == 200
