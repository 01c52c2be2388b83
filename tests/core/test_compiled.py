"""Compiled reads: the ORM's SQL and converters, compiled once per shape, run with new values."""

import pytest

from staffdesk.core.compiled import run_compiled
from staffdesk.directory.models import Person


def by_username(slots):
    return Person.objects.filter(username=slots.text("username")).values_list(
        "pk", "date_joined", "is_active", "start_date"
    )


def test_a_compiled_read_returns_what_the_queryset_returns(org):
    for person in (org.requester, org.admin):
        rows = run_compiled("test-by-username", by_username, {"username": person.username})
        expected = Person.objects.filter(username=person.username).values_list(
            "pk", "date_joined", "is_active", "start_date"
        )
        assert rows == [tuple(row) for row in expected]
        assert rows[0][1].tzinfo is not None
    assert run_compiled("test-by-username", by_username, {"username": "nobody"}) == []


def test_a_compiled_read_runs_one_query_with_the_new_value(org, django_assert_num_queries):
    run_compiled("test-by-username", by_username, {"username": "rita"})  # compiled on first use
    with django_assert_num_queries(1):
        rows = run_compiled("test-by-username", by_username, {"username": org.colleague.username})
    assert [row[0] for row in rows] == [org.colleague.pk]


def test_a_placeholder_the_builder_changed_is_an_error_not_a_wrong_answer(db):
    def lowered(slots):
        return Person.objects.filter(username=slots.text("username").lower()).values_list("pk")

    with pytest.raises(RuntimeError, match="placeholders"):
        run_compiled("test-lowered", lowered, {"username": "rita"})
