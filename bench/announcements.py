"""Announcements under `make bench`: run by bench/run.py against the working copy, in-process
(the server's own time, without the network or the load generator).

    DATABASE_URL=... python bench/announcements.py --employee bench-employee [--runs 3]

At the seeded 30,000 people and 1,000 announcements (bench/seed/announcements.py), the four
performance targets of issue 15:

1. home: the queries of `/` for the benchmark employee (a Finance employee on no team), and
   of them those that read the announcements app's tables (its news and its notices). The
   page without them is the home page's cost before issue 15; the target is at most 2 more.
   Also counted: the same page with no announcement in the database (deleted in a
   transaction rolled back), and with a current notice on a service the employee filed for
   in the last 30 days (its services are one more query). Timed alone: the news query
   (`news_for`) and the banner's, which every other HTML page runs (`pending_acknowledgements`,
   for the benchmark agent). Its req/s is the `home_html` HTTP scenario's (bench/run.py).
2. report: `GET /news/<id>/report` by a publisher of the current required announcement to
   everyone that has the most acknowledgements, median of `max(20, 4 x runs)` calls after
   two warm-ups; target ≤ 100 ms.
3. publish: `POST /news/<id>/publish` of `--publishes` drafts to everyone (required, so every
   person is mailed), each timed; target: the slowest ≤ 1 s.
4. fan-out: `announcements_tick()` called until the first of those broadcasts is finished
   (the others deleted first, so that no tick works on them); target ≤ 60 s of ticks. In
   the worker loop each tick also gives the email task up to DELIVERY_SECONDS, which the
   report adds as `worker_loop_at_most_s`.

This changes the database (drafts, publications, 30,000 notifications): run it on a
throwaway copy. Prints one JSON object as its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bench.measures import spread, target

if TYPE_CHECKING:
    from django.test import Client

    from staffdesk.announcements.models import Announcement
    from staffdesk.directory.models import Person

HOST = "127.0.0.1"
NEWS_TABLES = '"announcements_'  # how the SQL of the app's tables starts, quoted
HOME_LIMIT = 2  # queries more than the home page without the news
REPORT_LIMIT_MS = 100.0
PUBLISH_LIMIT_MS = 1_000.0
FANOUT_LIMIT_S = 60.0
MAX_TICKS = 1_000


def client_for(person: Person) -> Client:
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.force_login(person)
    return client


def queries_of(call: Callable[[], Any]) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return [query["sql"] for query in captured.captured_queries]


def timed_ms(call: Callable[[], Any], runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def get_ok(client: Client, path: str) -> Callable[[], None]:
    def call() -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")

    return call


def query_ms(user: Person, read: Callable[..., Any], runs: int) -> dict:
    """Median time of one of the news reads for `user`, its per-request memo forgotten."""
    from staffdesk.announcements.selectors import forget_pending

    def call() -> None:
        forget_pending(user)
        read(user=user)

    call()
    return spread(timed_ms(call, max(20, 4 * runs)))


def home(employee: Person, agent: Person, runs: int) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from staffdesk.announcements.models import Announcement, ServiceNotice, audience_q
    from staffdesk.announcements.selectors import news_for, pending_acknowledgements
    from staffdesk.requests.models import Request

    client = client_for(employee)
    page = get_ok(client, "/")
    page()  # warm-up: connection, templates, caches
    page()
    queries = queries_of(page)
    news = [sql for sql in queries if NEWS_TABLES in sql]
    timings = timed_ms(page, max(20, 4 * runs))
    now = timezone.now()
    shown = news_for(user=employee, now=now)
    current = Announcement.objects.current(now).filter(audience_q(employee)).count()

    with transaction.atomic():
        Announcement.objects.all().delete()
        without = len(queries_of(page))
        transaction.set_rollback(True)

    with_notice = None
    mine = Request.objects.filter(requester=employee).order_by("-created_at")
    newest = mine.first()
    if newest is not None:
        with transaction.atomic():
            recent = mine.filter(created_at__gte=now - timedelta(days=30))
            if not recent.exists():
                Request.objects.filter(pk=newest.pk).update(created_at=now)
            service_ids = set(recent.values_list("service_id", flat=True))
            notice = ServiceNotice.objects.create(
                department_id=newest.department_id,
                kind=ServiceNotice.Kind.OUTAGE,
                title="The service is down",
                message="We are on it.",
                starts_at=now - timedelta(minutes=5),
                author=employee,
            )
            notice.services.set(service_ids)
            with_notice = len(queries_of(page))
            transaction.set_rollback(True)
    return {
        "queries": len(queries),
        "news_queries": len(news),
        "queries_without_news": len(queries) - len(news),
        "queries_with_no_announcement_in_the_database": without,
        "queries_with_a_current_notice_on_a_service_filed_for": with_notice,
        "news_sql": [sql[:160] for sql in news],
        "ms": spread(timings),
        "news_query_ms": query_ms(employee, news_for, runs),
        "banner_query_ms_agent": query_ms(agent, pending_acknowledgements, runs),
        "current_announcements_for_the_employee": current,
        "shown": len(shown.items),
        "pending": len(shown.pending),
    }


def report(runs: int) -> dict:
    from django.db.models import Count
    from django.utils import timezone

    from staffdesk.announcements.models import Announcement, AudienceRule
    from staffdesk.announcements.selectors import audience_of

    chosen = (
        Announcement.objects.current(timezone.now())
        .filter(audience__kind=AudienceRule.Kind.EVERYONE, ack_required=True)
        .annotate(acknowledged=Count("acknowledgements", distinct=True))
        .select_related("department__lead")
        .order_by("-acknowledged", "pk")
        .first()
    )
    if chosen is None or chosen.department.lead is None:
        raise SystemExit("the seed has no current required announcement to everyone")
    publisher = chosen.department.lead
    path = f"/news/{chosen.pk}/report"
    page = get_ok(client_for(publisher), path)
    page()
    page()
    queries = len(queries_of(page))
    timings = timed_ms(page, max(20, 4 * runs))
    return {
        "announcement": chosen.pk,
        "path": path,
        "publisher": publisher.username,
        "audience": audience_of(chosen).count(),
        "viewed": chosen.receipts.filter(viewed_at__isnull=False).count(),
        "acknowledged": chosen.acknowledged,
        "queries": queries,
        "ms": spread(timings),
    }


def drafts_to_everyone(count: int) -> tuple[Person, list[Announcement]]:
    from staffdesk.announcements.drafts import Audience, Draft
    from staffdesk.announcements.models import AudienceRule
    from staffdesk.announcements.services.announcements import announcement_create
    from staffdesk.directory.models import Department

    department = Department.objects.select_related("lead").get(code="HR")
    author = department.lead
    assert author is not None  # every seeded department has one
    made = [
        announcement_create(
            author=author,
            department=department,
            draft=Draft(
                title=f"Benchmark announcement {n + 1} to everyone",
                body="**Everyone** reads this: the benchmark publishes it to 30,000 people.",
                audience=[Audience(kind=AudienceRule.Kind.EVERYONE)],
                ack_required=True,
            ),
        )
        for n in range(count)
    ]
    return author, made


def publish(count: int) -> tuple[dict, list[Announcement]]:
    from staffdesk.announcements.models import Announcement

    author, drafts = drafts_to_everyone(count + 1)
    client = client_for(author)

    def post(announcement: Announcement) -> Callable[[], None]:
        def call() -> None:
            response = client.post(f"/news/{announcement.pk}/publish")
            if response.status_code != 302:
                raise SystemExit(f"publishing answered {response.status_code}")

        return call

    timings = [timed_ms(post(draft), 1)[0] for draft in drafts[:count]]
    queries = len(queries_of(post(drafts[count])))
    published = list(Announcement.objects.filter(pk__in=[d.pk for d in drafts]).order_by("pk"))
    assert {a.status for a in published} == {Announcement.Status.PUBLISHED}
    return {"publisher": author.username, "queries": queries, "ms": spread(timings)}, published


def fanout(announcement: Announcement) -> dict:
    from staffdesk.announcements.models import Broadcast
    from staffdesk.announcements.selectors import audience_of
    from staffdesk.announcements.services.tick import announcements_tick
    from staffdesk.notifications.models import Notification
    from staffdesk.notifications.services import DELIVERY_SECONDS

    Broadcast.objects.filter(finished_at__isnull=True).exclude(announcement=announcement).delete()
    broadcast = Broadcast.objects.get(announcement=announcement)
    ticks, told = 0, 0
    started, cpu = time.perf_counter(), time.process_time()
    while broadcast.finished_at is None:
        if ticks == MAX_TICKS:
            raise SystemExit(f"the fan-out did not finish in {MAX_TICKS} ticks")
        told += announcements_tick()
        ticks += 1
        broadcast.refresh_from_db(fields=["finished_at"])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    broadcast.refresh_from_db()
    notifications = Notification.objects.filter(thread_key=f"announcement-{announcement.pk}")
    return {
        "audience": audience_of(announcement).count(),
        "notified": broadcast.notified,
        "notifications": notifications.count(),
        "emails_pending": notifications.filter(email_status="pending").count(),
        "told_by_the_ticks": told,
        "ticks": ticks,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),  # this process only
        "worker_loop_at_most_s": round(seconds + (ticks - 1) * DELIVERY_SECONDS, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employee", required=True)
    parser.add_argument("--agent", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--publishes", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "staffdesk.config.settings")
    import django

    django.setup()
    from staffdesk.directory.models import Person

    employee = Person.objects.get(username=args.employee)
    agent = Person.objects.get(username=args.agent)
    result: dict = {"home": home(employee, agent, args.runs), "report": report(args.runs)}
    result["publish"], published = publish(args.publishes)
    result["fanout"] = fanout(published[0])
    shown = result["home"]
    result["targets"] = [
        target(
            "home_queries",
            "home page with news: queries, at most the page without them + 2",
            shown["queries"],
            shown["queries_without_news"] + HOME_LIMIT,
            "queries",
        ),
        target(
            "report_ms",
            "read-receipt report of an announcement to everyone, median server time",
            result["report"]["ms"]["median"],
            REPORT_LIMIT_MS,
            "ms",
        ),
        target(
            "publish_ms",
            "publishing to everyone, the slowest POST",
            result["publish"]["ms"]["max"],
            PUBLISH_LIMIT_MS,
            "ms",
        ),
        target(
            "fanout_s",
            f"fan-out to {result['fanout']['audience']:,}: announcements_tick until finished",
            result["fanout"]["seconds"],
            FANOUT_LIMIT_S,
            "s",
        ),
    ]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
