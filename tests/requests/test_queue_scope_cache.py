"""The queue's filter choices are kept per process, and a change to what they list shows at once."""

from __future__ import annotations

from staffdesk.directory.models import Membership
from staffdesk.requests.selectors import queue_scope
from tests.factories import PersonFactory


def test_a_new_team_member_and_a_renamed_service_show_in_the_next_scope(org):
    before = queue_scope(user=org.it_agent)
    assert queue_scope(user=org.it_agent) is before  # kept
    newcomer = PersonFactory(username="newcomer", department=org.it)
    Membership.objects.create(person=newcomer, department=org.it)
    org.laptop.name = "Laptops and docks"
    org.laptop.save()
    after = queue_scope(user=org.it_agent)
    assert newcomer in after.members and newcomer not in before.members
    assert "Laptops and docks" in {service.name for service in after.services}
