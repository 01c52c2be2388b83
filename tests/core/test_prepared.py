"""Prepared reads: the ORM's SQL and converters, compiled once, run with new values."""

import pytest

from staffdesk.core.prepared import PreparedRead
from staffdesk.directory.models import Person


def test_a_prepared_read_returns_what_the_queryset_returns(org):
    def build(username):
        return Person.objects.filter(username=username).values_list(
            "pk", "date_joined", "is_active", "start_date"
        )

    read = PreparedRead(build, username="<a username>")
    for person in (org.requester, org.admin):
        assert read.rows(username=person.username) == [tuple(r) for r in build(person.username)]
        assert read.rows(username=person.username)[0][1].tzinfo is not None
    assert read.rows(username="nobody") == []


def test_a_prepared_read_runs_one_counted_query_with_the_new_value(org, django_assert_num_queries):
    read = PreparedRead(
        lambda username: Person.objects.filter(username=username).values_list("pk"),
        username="<a username>",
    )
    read.rows(username="rita")  # compiled on first use
    with django_assert_num_queries(1):
        assert read.rows(username="colin") == [(org.colleague.pk,)]


def test_a_sample_must_land_exactly_once_among_the_parameters(db):
    twice = PreparedRead(
        lambda name: Person.objects.filter(first_name=name, last_name=name).values_list("pk"),
        name="<a name>",
    )
    with pytest.raises(ValueError, match="must appear once"):
        twice.rows(name="Rita")
