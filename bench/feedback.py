"""Feedback under `make bench`: run by bench/run.py against the working copy, in-process
(the server's own time, without the network or the load generator).

    DATABASE_URL=... python bench/feedback.py --employee bench-employee --agent bench-agent \
        --now 2026-11-20T00:00:00+00:00 [--runs 3]

At the seeded surveys (about 300,000 ratings at a million requests), 100,000 suggestions and
a million votes (bench/seed/feedback.py, bench/seed/suggestions/), issue 16's targets:

1. board: `GET /you-said-we-did/` for the benchmark employee, and filtered to the department
   with the most suggestions done in the last twelve months; median of `max(20, 4 x runs)`
   calls after two warm-ups; target ≤ 50 ms each.
2. queue: `GET /suggestions/queue/?department=IT` for IT's lead and for the benchmark agent
   (an IT agent), the same way; target ≤ 50 ms each.
3. rating: `POST /api/v1/surveys/{id}/rating` (a first rating, 4 of 5 with a comment) of
   that many open surveys, each by the person asked, against `POST
   /api/v1/requests/{number}/replies` (a public reply) on as many open requests, each by its
   requester; the two alternate, so that the machine's other work weighs on both alike;
   target: the rating's median ≤ the reply's.
4. tick: `feedback_tick()` at `--now`, the end of the seeded history, where by construction
   nothing is due (no survey scheduled before it, every "did it help?" due by then asked),
   median of `max(100, 20 x runs)` calls after a warm-up; target ≤ 5 ms. Its two parts
   (`surveys_open_due`, `suggestion_help_due`) are timed alone, and the plans of their due
   queries recorded.

Every page and call also reports its query count. This changes the database (ratings,
replies, tokens): run it on a throwaway copy. Prints one JSON object as its last line;
`lines(result)` is its part of the printed report.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from bench.measures import spread, target

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.test import Client

    from staffdesk.directory.models import Person

HOST = "127.0.0.1"
PAGE_LIMIT_MS = 50.0
TICK_LIMIT_MS = 5.0
QUEUE_DEPARTMENT = "IT"  # the benchmark agent's
RATING = {"rating": 4, "comment": "Sorted quickly, thank you."}
REPLY = {"body": "Thanks, that answers my question; I will check tomorrow."}
WARM_UPS = 2


def queries_of(call: Callable[[], Any]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def timed_ms(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def signed_in(person: Person) -> Client:
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.force_login(person)
    return client


def page(client: Client, path: str, runs: int) -> dict:
    """A page's query count and median time, after warm-ups."""

    def call() -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")

    for _ in range(WARM_UPS):
        call()
    queries = queries_of(call)
    return {
        "path": path,
        "queries": queries,
        "ms": spread([timed_ms(call) for _ in range(max(20, 4 * runs))]),
    }


def board(employee: Person, runs: int) -> dict:
    from django.db.models import Count
    from django.utils import timezone

    from staffdesk.feedback.models import Suggestion, SuggestionStatus
    from staffdesk.feedback.selectors.suggestions import BOARD_DAYS

    since = timezone.now() - timedelta(days=BOARD_DAYS)
    done = Suggestion.objects.filter(status=SuggestionStatus.DONE, done_at__gte=since)
    busiest = (
        done.values("department_id", "department__code")
        .annotate(done=Count("pk"))
        .order_by("-done", "department_id")
        .first()
    )
    if busiest is None:
        raise SystemExit("the seed has no suggestion done in the last twelve months")
    client = signed_in(employee)
    department = page(client, f"/you-said-we-did/?department={busiest['department_id']}", runs)
    return {
        "employee": employee.username,
        "done_in_the_last_twelve_months": done.count(),
        "all": page(client, "/you-said-we-did/", runs),
        "department": {
            **department,
            "code": busiest["department__code"],
            "done_in_the_last_twelve_months": busiest["done"],
        },
    }


def queue(agent: Person, runs: int) -> dict:
    from staffdesk.directory.models import Department
    from staffdesk.feedback.models import Suggestion
    from staffdesk.feedback.models.suggestions import FINAL_STATUSES

    department = Department.objects.select_related("lead").get(code=QUEUE_DEPARTMENT)
    lead = department.lead
    if lead is None:
        raise SystemExit(f"{QUEUE_DEPARTMENT} has no lead")
    path = f"/suggestions/queue/?department={QUEUE_DEPARTMENT}"
    received = Suggestion.objects.filter(department=department)
    return {
        "department": QUEUE_DEPARTMENT,
        "suggestions": received.count(),
        "open": received.exclude(status__in=FINAL_STATUSES).count(),
        "lead": {**page(signed_in(lead), path, runs), "person": lead.username},
        "agent": {**page(signed_in(agent), path, runs), "person": agent.username},
    }


def _token(person: Person) -> str:
    from staffdesk.directory.services import api_token_create

    return f"Bearer {api_token_create(person=person, name='bench feedback')[1]}"


def _open_surveys(count: int, now: datetime) -> QuerySet:
    """Surveys that can still be rated: unanswered ones first, then answered ones (whose
    rating is changed), the most recently opened first."""
    from django.db.models import F

    from staffdesk.feedback.models import Survey

    return (
        Survey.objects.filter(
            status=Survey.Status.OPEN,
            closes_at__gt=now + timedelta(hours=1),
            person__is_active=True,
        )
        .select_related("person")
        .order_by(F("rating").asc(nulls_first=True), "-opened_at", "pk")[:count]
    )


def _open_requests(count: int) -> QuerySet:
    from staffdesk.requests.models import Request, Status

    # Not waiting on the requester: a reply there would move it on (another status change).
    return (
        Request.objects.filter(
            status__in=[Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS],
            on_behalf_of__isnull=True,
            requester__is_active=True,
        )
        .select_related("requester")
        .order_by("-created_at", "pk")[:count]
    )


def rating_and_reply(runs: int) -> dict:
    """Ratings of open surveys against public replies on open requests, alternating: each
    survey and request once while there are enough (at a million requests there are
    hundreds), else round again (a second rating of a survey changes it)."""
    from django.test import Client
    from django.utils import timezone

    count = WARM_UPS + max(20, 4 * runs) + 1  # the last pair counts the queries
    surveys = list(_open_surveys(count, timezone.now()))
    requests = list(_open_requests(count))
    if not surveys or not requests:
        raise SystemExit(
            f"the seed has {len(surveys)} open surveys and {len(requests)} open requests"
        )
    first_ratings = sum(1 for s in surveys if s.rating is None)
    surveys = [surveys[index % len(surveys)] for index in range(count)]
    requests = [requests[index % len(requests)] for index in range(count)]
    tokens = {
        person.pk: _token(person)
        for person in {s.person for s in surveys} | {r.requester for r in requests}
    }
    client = Client(HTTP_HOST=HOST)

    def post(path: str, person_id: int, body: dict, expected: int) -> Callable[[], None]:
        def call() -> None:
            response = client.post(
                path,
                data=json.dumps(body),
                content_type="application/json",
                HTTP_AUTHORIZATION=tokens[person_id],
            )
            if response.status_code != expected:
                raise SystemExit(
                    f"POST {path} answered {response.status_code}: {response.content!r}"
                )

        return call

    rate = [post(f"/api/v1/surveys/{s.pk}/rating", s.person_id, RATING, 200) for s in surveys]
    reply = [
        post(f"/api/v1/requests/{r.number}/replies", r.requester_id, REPLY, 201) for r in requests
    ]
    timings: dict[str, list[float]] = {"rating": [], "reply": []}
    for index in range(count - 1):
        for name, calls in (("rating", rate), ("reply", reply)):
            elapsed = timed_ms(calls[index])
            if index >= WARM_UPS:
                timings[name].append(elapsed)
    return {
        "rating": {
            "path": "/api/v1/surveys/{id}/rating",
            "surveys": len({s.pk for s in surveys}),
            "first_ratings": min(first_ratings, count),
            "queries": queries_of(rate[-1]),
            "ms": spread(timings["rating"]),
        },
        "reply": {
            "path": "/api/v1/requests/{number}/replies",
            "requests": len({r.pk for r in requests}),
            "queries": queries_of(reply[-1]),
            "ms": spread(timings["reply"]),
        },
    }


def _plan(queryset: QuerySet) -> str:
    return " | ".join(line.strip() for line in queryset.explain().splitlines() if line.strip())


def tick(now: datetime, runs: int) -> dict:
    from staffdesk.feedback.models import Suggestion, Survey
    from staffdesk.feedback.services.suggestions import suggestion_help_due
    from staffdesk.feedback.services.surveys import surveys_open_due
    from staffdesk.feedback.services.tick import feedback_tick

    calls = max(100, 20 * runs)
    report: dict = {"now": now.isoformat()}
    for name, function in (
        ("feedback_tick", feedback_tick),
        ("surveys_open_due", surveys_open_due),
        ("suggestion_help_due", suggestion_help_due),
    ):
        handled = function(now=now)  # warm-up: connection, imports
        queries = queries_of(partial(function, now=now))
        timings = []
        for _ in range(calls):
            started = time.perf_counter()
            handled += function(now=now)
            timings.append((time.perf_counter() - started) * 1000)
        report[name] = {"ms": spread(timings, 3), "queries": queries, "handled": handled}
    scheduled = Survey.objects.filter(status=Survey.Status.SCHEDULED)
    unasked = Suggestion.objects.filter(help_asked_at__isnull=True, help_due_at__isnull=False)
    report["plans"] = {
        "surveys_open_due": _plan(scheduled.filter(due_at__lte=now).order_by("due_at", "pk")[:200]),
        "suggestion_help_due": _plan(
            unasked.filter(help_due_at__lte=now).order_by("help_due_at", "id")[:100]
        ),
    }
    report["indexed"] = {"scheduled_surveys": scheduled.count(), "help_not_asked": unasked.count()}
    return report


def dataset() -> dict:
    from staffdesk.feedback.models import Follower, Suggestion, Survey, Vote

    return {
        "surveys": Survey.objects.count(),
        "ratings": Survey.objects.filter(rating__isnull=False).count(),
        "suggestions": Suggestion.objects.count(),
        "votes": Vote.objects.count(),
        "followers": Follower.objects.count(),
    }


def measure(*, employee: Person, agent: Person, now: datetime, runs: int) -> dict:
    """Every scenario, then the targets; the tick first, on the history as it was seeded."""
    result: dict = {"dataset": dataset(), "tick": tick(now, runs)}
    result["board"] = board(employee, runs)
    result["queue"] = queue(agent, runs)
    result.update(rating_and_reply(runs))
    shown, queued = result["board"], result["queue"]
    result["targets"] = [
        target(
            "board_ms",
            '"you said, we did" board, median server time',
            shown["all"]["ms"]["median"],
            PAGE_LIMIT_MS,
            "ms",
        ),
        target(
            "board_department_ms",
            f"the board filtered to {shown['department']['code']}, median server time",
            shown["department"]["ms"]["median"],
            PAGE_LIMIT_MS,
            "ms",
        ),
        target(
            "queue_lead_ms",
            f"{queued['department']}'s suggestion queue for its lead, median server time",
            queued["lead"]["ms"]["median"],
            PAGE_LIMIT_MS,
            "ms",
        ),
        target(
            "queue_agent_ms",
            f"{queued['department']}'s suggestion queue for an agent, median server time",
            queued["agent"]["ms"]["median"],
            PAGE_LIMIT_MS,
            "ms",
        ),
        target(
            "rating_ms",
            "submitting a rating (API), median, at most a public reply's",
            result["rating"]["ms"]["median"],
            result["reply"]["ms"]["median"],
            "ms",
        ),
        target(
            "tick_ms",
            "feedback_tick with nothing due, median",
            result["tick"]["feedback_tick"]["ms"]["median"],
            TICK_LIMIT_MS,
            "ms",
        ),
    ]
    return result


def _verdict(target: dict) -> str:
    return f"target ≤ {target['limit']:g} {target['unit']}: {'met' if target['met'] else 'NOT met'}"


def _figures(measured: dict) -> str:
    ms = measured["ms"]
    return (
        f"{ms['median']:.1f} ms median [{ms['min']:.1f}-{ms['max']:.1f}], p95 {ms['p95']:.1f} "
        f"ms, {measured['queries']} queries"
    )


def lines(result: dict) -> list[str]:
    """Issue 16's targets, each with its figures and met / NOT met (for bench/run.py)."""
    targets = {target["name"]: target for target in result["targets"]}
    data, shown, queued = result["dataset"], result["board"], result["queue"]
    ticked = result["tick"]
    tick_ms = ticked["feedback_tick"]["ms"]
    return [
        f"feedback (in-process on the same copy: the server's own time; {data['surveys']:,} "
        f"surveys, {data['ratings']:,} rated, {data['suggestions']:,} suggestions, "
        f"{data['votes']:,} votes)",
        f"  you said, we did ({shown['done_in_the_last_twelve_months']:,} done in twelve "
        f"months): {_figures(shown['all'])}; {_verdict(targets['board_ms'])}",
        f"  the board for {shown['department']['code']} "
        f"({shown['department']['done_in_the_last_twelve_months']:,} done): "
        f"{_figures(shown['department'])}; {_verdict(targets['board_department_ms'])}",
        f"  {queued['department']}'s suggestion queue ({queued['open']:,} open of "
        f"{queued['suggestions']:,}), lead: {_figures(queued['lead'])}; "
        f"{_verdict(targets['queue_lead_ms'])}",
        f"  {queued['department']}'s suggestion queue, agent: {_figures(queued['agent'])}; "
        f"{_verdict(targets['queue_agent_ms'])}",
        f"  a rating (API): {_figures(result['rating'])}; a public reply (API): "
        f"{_figures(result['reply'])}; {_verdict(targets['rating_ms'])}",
        f"  feedback_tick, nothing due: {tick_ms['median']:.3f} ms median "
        f"[{tick_ms['min']:.3f}-{tick_ms['max']:.3f}] of {tick_ms['runs']}, "
        f"{ticked['feedback_tick']['queries']} queries (surveys_open_due "
        f"{ticked['surveys_open_due']['ms']['median']:.3f} ms, suggestion_help_due "
        f"{ticked['suggestion_help_due']['ms']['median']:.3f} ms); {_verdict(targets['tick_ms'])}",
        *(f"  plan, {name}: {plan}" for name, plan in ticked["plans"].items()),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employee", required=True)
    parser.add_argument("--agent", required=True)
    parser.add_argument("--now", type=datetime.fromisoformat, required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "staffdesk.config.settings")
    import django

    django.setup()
    from staffdesk.directory.models import Person

    result = measure(
        employee=Person.objects.get(username=args.employee),
        agent=Person.objects.get(username=args.agent),
        now=args.now,
        runs=args.runs,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
