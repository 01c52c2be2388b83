"""Shortcuts the survey tests share: moments in a January week, requests filed and resolved
through the services, the worker's opening and mailing, the mail's links, and the rows a
refused rating must leave as they were.

Run as a module it is a worker process for the exactly-once test:

    python -m tests.feedback.survey_helpers --ready FILE --go FILE [--batch-size N]

connects, creates --ready, waits for --go to exist, then opens due surveys (as the worker's
tick does, tick after tick with a pause) until none is left scheduled; its last line is JSON:
how many it opened.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

NY = ZoneInfo("America/New_York")
LINK = re.compile(
    r"^(?P<label>[A-Za-z ]+): (?P<url>\S+/feedback/s/[^/\s]+/\?rating=(?P<rating>\d))\s*$", re.M
)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in January 2027, New York time (Monday 11 to Friday 15 is a working week)."""
    return datetime(2027, 1, day, hour, minute, tzinfo=NY)


def file_laptop(org, *, now, requester=None, on_behalf_of=None, subject="Docking station flickers"):
    from conftest import LAPTOP_ANSWERS
    from staffdesk.requests.services import request_submit

    return request_submit(
        requester=requester or org.requester,
        service=org.laptop,
        answers=LAPTOP_ANSWERS,
        subject=subject,
        on_behalf_of=on_behalf_of,
        now=now,
    )


def finance_lead(org):
    """Fiona, Finance's lead, who may file for her people."""
    from staffdesk.directory.services import department_set_lead
    from tests.factories import PersonFactory

    lead = PersonFactory(username="fiona", first_name="Fiona", last_name="Lead", department=org.fin)
    department_set_lead(department=org.fin, lead=lead)
    return lead


def resolve(request, *, by, now, note="Replaced the dock."):
    from staffdesk.requests.services import request_transition

    return request_transition(request=request, actor=by, to_status="resolved", note=note, now=now)


def reopen(request, *, by, now):
    from staffdesk.requests.services import request_transition

    return request_transition(request=request, actor=by, to_status="in_progress", now=now)


def open_surveys(now) -> int:
    from staffdesk.feedback.services.surveys import surveys_open_due

    return surveys_open_due(now=now)


def resolved_with_open_survey(org, *, resolved_at=None, **filing):
    """An IT request of Rita's resolved by Alex, its survey opened by the worker; the request
    and Rita's survey."""
    resolved_at = resolved_at or at(11, 10)
    item = file_laptop(org, now=resolved_at.replace(hour=9), **filing)
    resolve(item, by=org.it_agent, now=resolved_at)
    assert open_surveys(resolved_at.replace(hour=resolved_at.hour + 2)) >= 1
    return item, survey_of(org.requester, item)


def survey_of(person, request):
    """The person's survey of the request's latest resolution."""
    from staffdesk.feedback.models import Survey

    return Survey.objects.filter(person=person, request=request).order_by("-resolved_at").first()


def invitations(person):
    """The survey notifications of a person, oldest first."""
    from staffdesk.feedback.services.surveys import KIND
    from staffdesk.notifications.models import Notification

    return list(Notification.objects.filter(recipient=person, kind=KIND).order_by("id"))


def deliver(now) -> int:
    from staffdesk.notifications.services import notification_deliver_due

    return notification_deliver_due(now=now)


def survey_mails(smtp_server, person) -> list[EmailMessage]:
    """The survey mails the test SMTP server received for a person."""
    return [
        m
        for m in smtp_server.messages
        if m["To"] == person.email and m["Subject"].startswith("How did we do?")
    ]


def links(message: EmailMessage) -> dict[int, str]:
    """{rating: link} of a survey mail, as its five lines give them."""
    body = message.get_content()
    found = {int(m["rating"]): m["url"] for m in LINK.finditer(body)}
    assert sorted(found) == [1, 2, 3, 4, 5], body
    return found


def token_of(link: str) -> str:
    match = re.search(r"/feedback/s/([^/]+)/", link)
    assert match
    return match.group(1)


def path_of(link: str) -> str:
    """A link's path and query, for the test client."""
    return link[link.index("/feedback/") :]


def snapshot() -> dict[str, object]:
    """What a refused rating or follow-up must leave as it was."""
    from staffdesk.feedback.models import Survey
    from staffdesk.notifications.models import Notification
    from staffdesk.requests.models import RequestEvent

    return {
        "surveys": list(
            Survey.objects.order_by("pk").values_list(
                "pk", "status", "rating", "comment", "rated_at", "token_hash", "followed_up_at"
            )
        ),
        "notifications": Notification.objects.count(),
        "events": RequestEvent.objects.count(),
    }


def signed_in(client, person):
    client.logout()
    client.force_login(person)
    return client


# --- A worker process for the exactly-once test --------------------------------------------


def _wait_for(path: Path, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{path} did not appear within {seconds} s")
        time.sleep(0.005)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ready", type=Path, required=True)
    parser.add_argument("--go", type=Path, required=True)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--pause", type=float, default=0.01)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "staffdesk.config.settings")
    import django

    django.setup()
    from django.db import connection

    from staffdesk.feedback.models import Survey
    from staffdesk.feedback.services.surveys import surveys_open_due

    connection.ensure_connection()
    args.ready.touch()
    _wait_for(args.go)
    opened = ticks = 0
    deadline = time.monotonic() + 120
    while Survey.objects.filter(status=Survey.Status.SCHEDULED).exists():
        if time.monotonic() > deadline:
            raise SystemExit("surveys still scheduled after 120 s")
        opened += surveys_open_due(batch_size=args.batch_size)
        ticks += 1
        time.sleep(args.pause)
    print(json.dumps({"opened": opened, "ticks": ticks}), flush=True)


if __name__ == "__main__":
    main()
