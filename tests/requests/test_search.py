"""Full-text search over requests, through the one selector every list uses."""

import pytest

from conftest import LAPTOP_ANSWERS
from staffdesk.requests.models import Request
from staffdesk.requests.selectors import RequestFilters, request_list
from staffdesk.requests.services import request_submit


def _file(org, subject, description="", requester=None):
    return request_submit(
        requester=requester or org.requester,
        service=org.laptop,
        answers=LAPTOP_ANSWERS,
        subject=subject,
        description=description,
    )


def found(user, text) -> set[str]:
    return set(
        request_list(user=user, filters=RequestFilters(text=text)).values_list("subject", flat=True)
    )


@pytest.fixture
def filed(org):
    _file(org, "Toner cartridge for the 3rd floor printer")
    _file(org, "Laptop will not start", "The screen stays black since the TONER ran out? No.")
    _file(org, "Monitor flickers", "Café on the keyboard")
    _file(org, "Secret toner budget", requester=org.colleague)


def test_every_word_must_match_whatever_the_case(org, filed):
    assert found(org.requester, "toner") == {
        "Toner cartridge for the 3rd floor printer",
        "Laptop will not start",
    }
    assert found(org.requester, "CARTRIDGE toner") == {"Toner cartridge for the 3rd floor printer"}
    assert found(org.requester, "toner flickers") == set()
    assert found(org.requester, "tone") == set()  # whole words unless asked otherwise


def test_a_star_asks_for_a_prefix(org, filed):
    assert found(org.requester, "TONE* cart*") == {"Toner cartridge for the 3rd floor printer"}
    assert found(org.requester, "flick*") == {"Monitor flickers"}
    assert found(org.requester, "*oner") == set()  # prefixes, not any substring


def test_search_stays_inside_what_the_user_may_see(org, filed):
    assert "Secret toner budget" not in found(org.requester, "toner")
    assert "Secret toner budget" in found(org.it_agent, "toner")
    assert found(org.unrelated, "toner") == set()


def test_punctuation_and_search_syntax_are_plain_words(org, filed):
    assert found(org.requester, '"toner" (printer -3rd') == {
        "Toner cartridge for the 3rd floor printer"
    }
    assert found(org.requester, "toner OR monitor") == set()  # OR is a word like any other
    assert found(org.requester, "café") == {"Monitor flickers"}
    assert found(org.requester, "   ") == found(org.requester, "")


def test_a_request_number_finds_that_request(org, filed):
    number = Request.objects.get(subject="Monitor flickers").number
    assert found(org.requester, number.lower()) == {"Monitor flickers"}


def test_edits_and_deletions_reach_the_index(org, filed):
    item = Request.objects.get(subject="Monitor flickers")
    Request.objects.filter(pk=item.pk).update(subject="Docking station", description="")
    assert found(org.requester, "flickers") == set()
    assert found(org.requester, "docking") == {"Docking station"}
    item.delete()
    assert found(org.requester, "docking") == set()
