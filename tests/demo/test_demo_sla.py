"""The demo city has agreements, and its requests' clocks agree with their timelines."""

import os
from collections import Counter

from django.core.management import call_command

from staffdesk.requests.models import Request
from staffdesk.requests.sla.rebuild import sla_rebuild
from staffdesk.sla.models import Agreement


def test_demo_agreements_and_clocks(db):
    with open(os.devnull, "w") as quiet:
        call_command("demo", stdout=quiet)
    active = Agreement.objects.filter(status=Agreement.Status.ACTIVE)
    assert active.filter(is_organization_default=True).count() == 1
    assert set(active.values_list("provider__code", flat=True)) >= {
        "IT",
        "HR",
        "FIN",
        "PROC",
        "FAC",
        "LAW",
        "FLEET",
        "WATER",
    }
    calendar = active.first().calendar
    assert (calendar.time_zone, calendar.holiday_country, calendar.holiday_subdivision) == (
        "America/New_York",
        "US",
        "PA",
    )
    assert not Request.objects.filter(sla_agreement__isnull=True).exists()
    states = Counter(Request.objects.values_list("resolution_state", flat=True))
    states.update(Request.objects.values_list("response_state", flat=True))
    assert {"met", "breached", "paused"} <= set(states)
    assert states["running"] + states["at_risk"] > 0
    assert sla_rebuild(write=False).changed == []
