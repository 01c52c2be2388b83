"""A question's limits (numbers, dates, lengths, people) are checked by the one answers
validation, so the web form, the REST API and Open311 refuse the same answers the same way."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from django.test.html import parse_html

from conftest import LAPTOP_ANSWERS
from staffdesk.catalog.answers import answers_validate
from staffdesk.catalog.models import FormField
from staffdesk.core.errors import ValidationFailed
from staffdesk.directory.services import api_token_create
from staffdesk.requests.models import Request
from staffdesk.requests.selectors import request_answers
from staffdesk.requests.services import request_submit
from tests.factories import FormFieldFactory

D = FormField.Datatype
NOW = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)


@pytest.fixture
def limited(org) -> list[FormField]:
    """The laptop form with limits: 1 to 20 whole laptops, needed within 60 days, a short
    note, and the person the laptop is for."""
    quantity = org.laptop.fields.get(code="quantity")
    quantity.min_value, quantity.max_value, quantity.whole_number = 1, 20, True
    quantity.save()
    needed_by = org.laptop.fields.get(code="needed_by")
    needed_by.not_in_past, needed_by.within_days = True, 60
    needed_by.save()
    FormFieldFactory(
        service=org.laptop, code="note", label="Note", datatype=D.STRING, max_length=40, order=4
    )
    FormFieldFactory(
        service=org.laptop, code="for_whom", label="For whom", datatype=D.PERSON, order=5
    )
    return list(org.laptop.fields.all())


def _refusal(fields, answers, user=None) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as refused:
        answers_validate(fields=fields, answers={**LAPTOP_ANSWERS, **answers}, user=user, now=NOW)
    return refused.value.errors


@pytest.mark.parametrize(
    ("answers", "key", "message"),
    [
        (
            {"quantity": "-3"},
            "answers.quantity",
            "Quantity: must be a whole number from 1 to 20, not -3",
        ),
        (
            {"quantity": 21},
            "answers.quantity",
            "Quantity: must be a whole number from 1 to 20, not 21",
        ),
        (
            {"quantity": "2.5"},
            "answers.quantity",
            "Quantity: must be a whole number from 1 to 20, not 2.5",
        ),
        (
            {"needed_by": "2020-06-01T09:00"},
            "answers.needed_by",
            "Needed by: must not be in the past, not 2020-06-01 09:00",
        ),
        (
            {"needed_by": "2027-06-01T09:00"},
            "answers.needed_by",
            "Needed by: must be at most 60 days ahead (by 2027-02-01), not 2027-06-01 09:00",
        ),
        ({"note": "x" * 41}, "answers.note", "Note: must be at most 40 characters (got 41)"),
        (
            {"for_whom": "nobody-here"},
            "answers.for_whom",
            "For whom: nobody matches 'nobody-here'.",
        ),
        (
            {"for_whom": 999_999},
            "answers.for_whom",
            "For whom: nobody with id 999999 is in the directory",
        ),
    ],
)
def test_an_answer_beyond_its_limit_is_refused_naming_the_field_and_the_limit(
    org, limited, answers, key, message
):
    assert _refusal(limited, answers, user=org.requester) == {key: [message]}


def test_answers_within_the_limits_are_kept_and_a_person_is_stored_by_id(org, limited):
    cleaned = answers_validate(
        fields=limited,
        answers={
            **LAPTOP_ANSWERS,
            "quantity": "20",
            "needed_by": "2026-12-10T09:00",
            "note": "x" * 40,
            "for_whom": "colin",
        },
        user=org.requester,
        now=NOW,
    )
    assert cleaned["quantity"] == 20
    assert cleaned["for_whom"] == org.colleague.pk
    by_email = answers_validate(
        fields=limited,
        answers={**LAPTOP_ANSWERS, "for_whom": org.colleague.email.upper()},
        user=org.requester,
        now=NOW,
    )
    assert by_email["for_whom"] == org.colleague.pk
    by_id = answers_validate(
        fields=limited,
        answers={**LAPTOP_ANSWERS, "for_whom": org.colleague.pk},
        user=org.requester,
        now=NOW,
    )
    assert by_id["for_whom"] == org.colleague.pk


def test_a_former_employee_is_not_a_person_answer(org, limited):
    org.colleague.is_active = False
    org.colleague.save()
    errors = _refusal(limited, {"for_whom": org.colleague.pk}, user=org.admin)
    assert errors == {"answers.for_whom": ["For whom: Colin Colleague is a former employee"]}


def test_the_request_page_shows_the_person_by_name(org, limited, client):
    filed = request_submit(
        requester=org.requester,
        service=org.laptop,
        answers={**LAPTOP_ANSWERS, "for_whom": "colin"},
    )
    assert filed.answers["for_whom"] == org.colleague.pk
    answers = {answer.label: answer.text for answer in request_answers(request=filed)}
    assert answers["For whom"] == "Colin Colleague"


# --- the filing page ---------------------------------------------------------------------


def test_the_form_states_each_limit_and_gives_the_browser_its_attributes(org, limited, client):
    client.force_login(org.requester)
    page = client.get(f"/requests/new/{org.laptop.code}").content.decode()
    assert "A whole number from 1 to 20." in page
    assert "A date and time from now to 60 days ahead." in page
    assert "At most 40 characters." in page
    assert "A person: their username or email." in page
    html = parse_html(page)
    quantity = html.count(
        parse_html(
            '<div id="answer-quantity-help" class="form-text">A whole number from 1 to 20.</div>'
        )
    )
    assert quantity == 1
    assert 'maxlength="40"' in page
    assert 'inputmode="numeric"' in page
    assert 'type="datetime-local"' in page and ' min="20' in page and ' max="20' in page
    assert 'list="answer-for_whom-people"' in page
    assert '<datalist id="answer-for_whom-people"></datalist>' in page


def test_a_refused_limit_comes_back_on_the_form_with_everything_typed(org, limited, client):
    client.force_login(org.requester)
    response = client.post(
        f"/requests/new/{org.laptop.code}",
        {
            "answers.model": "power",
            "answers.quantity": "-3",
            "answers.needed_by": "2020-06-01T09:00",
            "answers.for_whom": "colin",
            "subject": "Laptops for the new crew",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Quantity: must be a whole number from 1 to 20, not -3" in page
    assert "Needed by: must not be in the past, not 2020-06-01 09:00" in page
    assert 'value="-3"' in page and 'value="colin"' in page
    assert 'value="Laptops for the new crew"' in page
    assert not Request.objects.exists()


def test_a_person_is_filed_by_username_without_javascript(org, limited, client):
    client.force_login(org.requester)
    response = client.post(
        f"/requests/new/{org.laptop.code}",
        {"answers.model": "power", "answers.quantity": "2", "answers.for_whom": "colin"},
    )
    assert response.status_code == 302, response.content.decode()
    filed = Request.objects.get()
    assert filed.answers["for_whom"] == org.colleague.pk
    page = client.get(f"/requests/{filed.number}").content.decode()
    assert "Colin Colleague" in page


def test_the_people_suggestions_are_the_people_search(org, client):
    client.force_login(org.requester)
    response = client.get(
        "/people/options", {"input": "answers.for_whom", "answers.for_whom": "col"}
    )
    assert response.status_code == 200
    assert parse_html(response.content.decode()) == parse_html(
        '<option value="colin">Colin Colleague · Finance</option>'
    )
    assert client.get("/people/options", {"q": "c"}).content.strip() == b""


# --- the API and Open311 ---------------------------------------------------------------


def test_the_api_refuses_a_limit_with_a_422_naming_field_and_limit(org, limited, api):
    response = api(org.requester).post(
        "/requests", json={"service": "it-laptop", "answers": {"model": "standard", "quantity": -3}}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "answers.quantity": ["Quantity: must be a whole number from 1 to 20, not -3"]
    }


def test_the_api_form_carries_the_limits(org, limited, api):
    form = api(org.requester).get("/services/it-laptop").json()["form"]
    quantity = next(field for field in form if field["code"] == "quantity")
    assert (quantity["min_value"], quantity["max_value"], quantity["whole_number"]) == (1, 20, True)
    assert quantity["limits"] == "A whole number from 1 to 20"
    for_whom = next(field for field in form if field["code"] == "for_whom")
    assert for_whom["datatype"] == "person"


def test_open311_keeps_the_datatype_and_describes_the_limit(org, limited, client):
    definition = client.get("/open311/v2/services/it-laptop.json").json()
    attributes = {attribute["code"]: attribute for attribute in definition["attributes"]}
    assert attributes["quantity"]["datatype"] == "number"
    assert attributes["quantity"]["datatype_description"] == "A whole number from 1 to 20"
    assert attributes["needed_by"]["datatype_description"] == (
        "A date and time from now to 60 days ahead"
    )
    assert attributes["note"]["datatype_description"] == "At most 40 characters"
    # GeoReport v2 has no person datatype: a string, the username or email.
    assert attributes["for_whom"]["datatype"] == "string"
    assert attributes["for_whom"]["datatype_description"] == "A person: their username or email"


def test_open311_refuses_a_limit_naming_the_field_and_the_limit(org, limited, client):
    _, key = api_token_create(person=org.requester, name="311 app")
    response = client.post(
        "/open311/v2/requests.json",
        urlencode(
            {
                "api_key": key,
                "service_code": "it-laptop",
                "attribute[model]": "standard",
                "attribute[quantity]": "-3",
                "description": "Laptops",
            }
        ),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    descriptions = [error["description"] for error in response.json()]
    assert any(
        "Quantity: must be a whole number from 1 to 20, not -3" in text for text in descriptions
    )
    assert not Request.objects.exists()
