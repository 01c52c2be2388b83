"""The scale-out run (`BENCH_ONLY=scaleout`, PostgreSQL): two web servers and two workers.

bench/run.py calls `scaleout` after its other scenarios, on a fresh copy of the seeded
database. The run:

1. drains the backlog the seeded history leaves due (it ends at the seed day's midnight,
   so an SLA check or escalation that fell due since then is waiting): worker ticks in one
   process until a tick finds nothing to do, timed and reported apart from the load;
2. serves the copy with two gunicorn masters on two ports (`run.Server`, the same settings
   as every other scenario) and starts two `staffdesk worker` processes;
3. schedules work to fall due while the load runs, spread evenly over it: `DUE_PER_SECOND`
   open requests per second get an SLA check (`next_check_at`) and as many an escalation
   evaluation with their ledger emptied (as if their department had just adopted its
   policy, so their levels fire again);
4. loads both ports at once for the run's length, each with half the connections: on each
   port one wrk files requests (the create scenario's body, so every filing is an
   escalation evaluation due at once) and one reads (queue and detail API in turn);
5. lets the workers run `GRACE_TICKS` more intervals, stops them and checks the ticks kept
   up and did nothing twice.

How late the work was done is recorded by the database itself: a trigger installed on the
copy only (`TRACE_SQL`) writes one row whenever a request's `next_check_at` or
`next_escalation_at` that had passed is moved on (its due time, the moment of the write and
the transaction, and when that transaction began: the claim), and one per ledger row
inserted. The lag of a piece of work is the moment it was written minus the moment it fell
due; the wait for a claim, part of it, is the moment its transaction began minus the same.
The mails the workers send go to files (Django's file backend) and are counted by their
Message-ID.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg

from bench.run import (
    CACHE,
    CONNECTIONS,
    OPEN,
    STAFFDESK,
    WRK_THREADS,
    Config,
    Database,
    Scenario,
    check_once,
    ensure_wrk,
    log,
    run,
    sample_numbers,
    token_for,
    wrk_once,
)
from bench.servers import Server, ServerChoice

SCALEOUT = "scaleout"  # the BENCH_ONLY name of this run
SERVERS = 2
WORKER_PROCESSES = 2
# Each of the two clocks: this many requests fall due per second of load.
DUE_PER_SECOND = 20
MIN_SECONDS = 30  # enough ticks for the lag to mean something, even in quick mode
GRACE_TICKS = 2  # intervals the workers keep running after the load
DRAIN_LIMIT_S = 3600

TRACE_SQL = """
CREATE TABLE bench_tick_trace (
    request_id bigint NOT NULL,
    clock text NOT NULL,
    due_at timestamptz NOT NULL,
    done_at timestamptz NOT NULL,
    txid bigint NOT NULL,
    claimed_at timestamptz NOT NULL
);
CREATE TABLE bench_fired_trace (
    request_id bigint NOT NULL,
    level_id bigint NOT NULL,
    fired_at timestamptz NOT NULL,
    txid bigint NOT NULL
);
CREATE FUNCTION bench_trace_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.next_check_at <= clock_timestamp()
       AND NEW.next_check_at IS DISTINCT FROM OLD.next_check_at THEN
        INSERT INTO bench_tick_trace
        VALUES (OLD.id, 'sla', OLD.next_check_at, clock_timestamp(), txid_current(), now());
    END IF;
    IF OLD.next_escalation_at <= clock_timestamp()
       AND NEW.next_escalation_at IS DISTINCT FROM OLD.next_escalation_at THEN
        INSERT INTO bench_tick_trace
        VALUES (OLD.id, 'escalation', OLD.next_escalation_at, clock_timestamp(), txid_current(),
                now());
    END IF;
    RETURN NEW;
END $$;
CREATE FUNCTION bench_trace_fired() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO bench_fired_trace VALUES (NEW.request_id, NEW.level_id, NEW.fired_at, txid_current());
    RETURN NEW;
END $$;
CREATE TRIGGER bench_trace_due BEFORE UPDATE ON requests_request
    FOR EACH ROW EXECUTE FUNCTION bench_trace_due();
CREATE TRIGGER bench_trace_fired AFTER INSERT ON escalation_escalation
    FOR EACH ROW EXECUTE FUNCTION bench_trace_fired();
"""

# One tick after another until one finds nothing, in one process: the backlog's drain.
DRAIN_SCRIPT = """
import json, time
from staffdesk.config import worker
totals, ticks, started = {}, 0, time.monotonic()
while time.monotonic() - started < %(limit)d:
    handled = worker.tick()
    ticks += 1
    for name, count in handled.items():
        totals[name] = totals.get(name, 0) + count
    if not any(handled.values()):
        break
print(json.dumps({"ticks": ticks, "seconds": round(time.monotonic() - started, 3),
                  "handled": totals}))
"""


def selected(config: Config) -> bool:
    """Named in BENCH_ONLY, or every scenario on PostgreSQL."""
    if SCALEOUT in config.only:
        if config.db != "postgres":
            raise SystemExit(
                "BENCH_ONLY=scaleout runs on PostgreSQL (BENCH_DB=postgres): SQLite has one "
                "writer at a time, which is not a shape to scale out"
            )
        return True
    return not config.only and config.db == "postgres"


# --- the pure parts: lag, duplicates, sums, logs and mail ---------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (`share` in 0-100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 100))  # ceil, at least the first
    return ordered[int(rank) - 1]


def lag_summary(lags: Sequence[float], interval: float) -> dict:
    """How late each piece of work was done, in seconds, against the tick interval."""
    if not lags:
        return {"count": 0, "p50_s": None, "p99_s": None, "max_s": None, "over_interval": 0}
    return {
        "count": len(lags),
        "p50_s": round(statistics.median(lags), 3),
        "p99_s": round(percentile(lags, 99), 3),
        "max_s": round(max(lags), 3),
        "over_interval": sum(1 for lag in lags if lag > interval),
    }


def lags(pairs: Iterable[tuple[datetime, datetime]]) -> list[float]:
    """Seconds from due to done of each (due, done) pair."""
    return [(done - due).total_seconds() for due, done in pairs]


@dataclass(frozen=True)
class Traced:
    """One row of the trace: a passed due time of a request moved on by a transaction."""

    request_id: int
    clock: str
    due_at: datetime
    done_at: datetime
    txid: int
    claimed_at: datetime | None = None  # when the transaction began


def first_per_transaction(rows: Iterable[Traced]) -> list[Traced]:
    """One row per request, clock and transaction, the first written: an escalation action
    that refreshes the request's clocks moves its `next_escalation_at` twice in one
    transaction, which is one piece of work."""
    first: dict[tuple[int, str, int], Traced] = {}
    for row in sorted(rows, key=lambda r: r.done_at):
        first.setdefault((row.request_id, row.clock, row.txid), row)
    return list(first.values())


def duplicates(keys: Iterable[Hashable]) -> int:
    """How many rows repeat a key an earlier row had: 0 when nothing was done twice."""
    counts = Counter(keys)
    return sum(count - 1 for count in counts.values())


def sum_loads(results: Sequence[dict]) -> dict:
    """wrk results of processes that ran at the same time, together: throughput, requests
    and errors add up; a percentile cannot be summed, so the worst process's is given."""
    errors: Counter[str] = Counter()
    for result in results:
        errors.update(result["errors"])
    return {
        "rps": round(sum(result["rps"] for result in results), 2),
        "requests": sum(result["requests"] for result in results),
        "errors": sum(errors.values()),
        "errors_by_kind": dict(errors),
        "worst_p50_ms": max(result["p50_ms"] for result in results),
        "worst_p99_ms": max(result["p99_ms"] for result in results),
    }


TICK_LINE = re.compile(r" INFO staffdesk\.worker worker: (?P<counts>.+)$")
LEVELS = ("WARNING", "ERROR", "CRITICAL")


def worker_log_summary(text: str) -> dict:
    """What a worker's log says: the items its ticks handled per task (its INFO lines) and
    its warnings and errors (count and the first few lines)."""
    handled: Counter[str] = Counter()
    problems: list[str] = []
    for line in text.splitlines():
        match = TICK_LINE.search(line)
        if match:
            for part in match["counts"].split(", "):
                name, _, count = part.rpartition(" ")
                if count.isdigit():
                    handled[name] += int(count)
        elif any(f" {level} " in line for level in LEVELS) or line.startswith("Traceback"):
            problems.append(line)
    return {"handled": dict(handled), "problems": len(problems), "first_problems": problems[:5]}


MAIL_SEPARATOR = "-" * 79  # what Django's file backend writes after each message


def message_ids(text: str) -> list[str]:
    """The Message-ID of each mail in a file of Django's file e-mail backend (read in its
    headers, which end at the first blank line)."""
    found = []
    for message in text.split(f"\n{MAIL_SEPARATOR}\n"):
        headers = message.lstrip("\n").split("\n\n", 1)[0]
        found += re.findall(r"^Message-ID: *(\S+)", headers, flags=re.MULTILINE | re.IGNORECASE)
    return found


# --- the run --------------------------------------------------------------------------


def _pg_url(env: dict) -> str:
    return env["DATABASE_URL"]


def _query(url: str, sql: str, params: dict | None = None) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(sql.encode(), params)
        return cursor.fetchall() if cursor.description else []


def drain(env: dict) -> dict:
    """Ticks until one finds nothing to do (bench/run.py's env, the worker's settings)."""
    script = DRAIN_SCRIPT % {"limit": DRAIN_LIMIT_S}
    due = _query(
        _pg_url(env),
        "SELECT count(*) FILTER (WHERE next_check_at <= now()), "
        "count(*) FILTER (WHERE next_escalation_at <= now()) FROM requests_request",
    )[0]
    out = run([STAFFDESK, "shell", "-c", script], env=env, capture=True)
    return {"due_sla": due[0], "due_escalation": due[1]} | json.loads(out.strip().splitlines()[-1])


def schedule_due(url: str, *, start: float, seconds: float, per_second: int) -> dict:
    """Make `per_second` open requests per second of the load fall due on each clock, spread
    evenly from `start` (epoch seconds) over `seconds`; the escalation ones with their ledger
    emptied, so that their levels fire again."""
    count = int(per_second * seconds)
    statuses = OPEN.split(",")
    chosen = _query(
        url,
        "SELECT id FROM requests_request WHERE status = ANY(%(statuses)s) ORDER BY id DESC "
        "LIMIT %(limit)s",
        {"statuses": statuses, "limit": 2 * count},
    )
    ids = [row[0] for row in chosen]
    sla, escalation = ids[0::2], ids[1::2]
    step = seconds / max(1, count)
    with psycopg.connect(url) as connection:
        for column, group in (("next_check_at", sla), ("next_escalation_at", escalation)):
            update = (
                f"UPDATE requests_request r SET {column} = to_timestamp(%(start)s "  # noqa: S608 - a column of ours
                "+ (n.ordinality - 1) * %(step)s) FROM unnest(%(ids)s::bigint[]) "
                "WITH ORDINALITY AS n(id, ordinality) WHERE r.id = n.id"
            )
            connection.execute(
                update.encode(),
                {"start": start, "step": step, "ids": group},
            )
        cleared = connection.execute(
            "DELETE FROM escalation_escalation WHERE request_id = ANY(%(ids)s)",
            {"ids": escalation},
        ).rowcount
    return {"sla": len(sla), "escalation": len(escalation), "ledger_rows_cleared": cleared}


class Worker:
    """`staffdesk worker` in a process of its own, its log in a file."""

    def __init__(self, env: dict, logfile: Path, interval: float) -> None:
        self.logfile = logfile
        self.args = [STAFFDESK, "worker", "--interval", str(interval)]
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.logfile.open("w") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own command
                self.args, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )

    def stop(self) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def scenarios_for(constants: dict, tokens: dict[str, str], numbers: list[str]) -> list[Scenario]:
    """A port's two loads, each with a quarter of the connections: filing and reading."""
    body = json.dumps(
        {
            "service": constants["BENCH_SERVICE"],
            "subject": "Replacement laptop",
            "description": "The screen of my laptop flickers; a replacement please.",
            "answers": {"location": "City Hall, floor 2", "category": "standard", "quantity": 1},
            "priority": 3,
        }
    )
    queue = f"/api/v1/requests?department=IT&status={OPEN}&limit=50"
    reads = [path for number in numbers for path in (queue, f"/api/v1/requests/{number}")]
    share = max(1, CONNECTIONS // (2 * SERVERS))
    return [
        Scenario(
            "create_api",
            "create (API)",
            ["/api/v1/requests"],
            auth=f"Bearer {tokens['employee']}",
            method="POST",
            body=body,
            connections=share,
        ),
        Scenario(
            "reads_api",
            "queue and detail (API)",
            reads,
            auth=f"Bearer {tokens['agent']}",
            connections=share,
        ),
    ]


def trace_report(url: str, *, start: datetime, interval: float) -> dict:
    """The lag of the work that fell due during the load, and whether any was done twice."""
    rows = [
        Traced(*row)
        for row in _query(
            url, "SELECT request_id, clock, due_at, done_at, txid, claimed_at FROM bench_tick_trace"
        )
    ]
    work = first_per_transaction(rows)
    # Due from the start of the load to the end of the workers' grace after it.
    during = [row for row in work if row.due_at >= start]
    by_tx = {(row.request_id, row.txid): row for row in work if row.clock == "escalation"}
    fired = _query(
        url,
        "SELECT request_id, level_id, fired_at, txid FROM bench_fired_trace "
        "WHERE fired_at >= %(start)s",
        {"start": start},
    )
    fired_pairs = [
        (by_tx[(request_id, txid)].due_at, by_tx[(request_id, txid)].done_at)
        for request_id, _, _, txid in fired
        if (request_id, txid) in by_tx
    ]
    mail = _query(
        url,
        "SELECT created_at, email_sent_at FROM notifications_notification "
        "WHERE created_at >= %(start)s AND email_sent_at IS NOT NULL",
        {"start": start},
    )
    return {
        "sla_refreshes": lag_summary(
            lags((r.due_at, r.done_at) for r in during if r.clock == "sla"), interval
        ),
        "escalation_evaluations": lag_summary(
            lags((r.due_at, r.done_at) for r in during if r.clock == "escalation"), interval
        ),
        "escalation_levels_fired": lag_summary(lags(fired_pairs), interval)
        | {"untraced": len(fired) - len(fired_pairs)},
        # The part of the lag spent waiting for a tick to claim the work (the rest is the
        # tick's own work on the batch): at most one interval by the worker's cadence.
        "claim_wait": {
            clock: lag_summary(
                lags((r.due_at, r.claimed_at) for r in during if r.clock == clock and r.claimed_at),
                interval,
            )
            for clock in ("sla", "escalation")
        },
        # Outbox rows are due when written: the tick that fired a level mails it, unless
        # another worker's email task gets there first.
        "mail_delivered": lag_summary(lags(mail), interval),
        "done_twice": {
            "sla_refreshes": duplicates((r.request_id, r.due_at) for r in work if r.clock == "sla"),
            "escalation_evaluations": duplicates(
                (r.request_id, r.due_at) for r in work if r.clock == "escalation"
            ),
        },
    }


def ledger_report(url: str, *, start: datetime, mail_dir: Path) -> dict:
    """Rows written since `start`: the ledger against distinct (request, level), the timeline
    entries of fired levels, the notifications (outbox rows) against distinct (recipient,
    subject), and the mails sent against distinct Message-IDs."""
    ledger = _query(
        url,
        "SELECT request_id, level_id FROM escalation_escalation WHERE fired_at >= %(start)s",
        {"start": start},
    )
    events = _query(
        url,
        "SELECT request_id, data->>'level' FROM requests_requestevent "
        "WHERE kind = 'escalation' AND created_at >= %(start)s",
        {"start": start},
    )
    notifications = _query(
        url,
        "SELECT recipient_id, subject, email_status, email_attempts "
        "FROM notifications_notification WHERE created_at >= %(start)s",
        {"start": start},
    )
    statuses = Counter(row[2] for row in notifications)
    # The copy starts with no notifications (the seed writes none): every row marked sent
    # was mailed by this run, the drain and warm-up included, as was every mail on file.
    marked_sent = _query(
        url, "SELECT count(*) FROM notifications_notification WHERE email_status = 'sent'"
    )[0][0]
    sent_ids = [mid for path in sorted(mail_dir.iterdir()) for mid in message_ids(path.read_text())]
    return {
        "ledger_rows": len(ledger),
        "ledger_duplicates": duplicates(ledger),
        "timeline_entries": len(events),
        "timeline_duplicates": duplicates(events),
        "notification_rows": len(notifications),
        "notification_duplicates": duplicates((row[0], row[1]) for row in notifications),
        "notification_status": dict(statuses),
        "notifications_retried": sum(1 for row in notifications if row[3] > 1),
        "mails_sent": len(sent_ids),
        "rows_marked_sent": marked_sent,
        "mail_duplicates": duplicates(sent_ids),
    }


def still_due(url: str, end: datetime) -> dict:
    row = _query(
        url,
        "SELECT count(*) FILTER (WHERE next_check_at <= %(end)s), "
        "count(*) FILTER (WHERE next_escalation_at <= %(end)s) FROM requests_request",
        {"end": end},
    )[0]
    pending = _query(
        url,
        "SELECT count(*) FROM notifications_notification "
        "WHERE email_status = 'pending' AND email_next_attempt_at <= %(end)s",
        {"end": end},
    )[0][0]
    return {"sla": row[0], "escalation": row[1], "mail": pending}


def scaleout(config: Config, database: Database, constants: dict, choice: ServerChoice) -> dict:
    """The whole run on a fresh working copy; the report's `scaleout` entry."""
    wrk = ensure_wrk()
    interval = float(os.environ.get("STAFFDESK_WORKER_INTERVAL_SECONDS") or 2.0)
    seconds = max(config.duration, MIN_SECONDS)
    mail_dir = Path(tempfile.mkdtemp(prefix="staffdesk-bench-mail-"))
    logs = Path(tempfile.mkdtemp(prefix="staffdesk-bench-workers-"))
    env = database.env(database.working_copy())
    env["EMAIL_URL"] = f"filemail:///{mail_dir}"
    url = _pg_url(env)
    servers = [
        Server(choice, "staffdesk", env, CACHE / f"server-scaleout-{index + 1}.log")
        for index in range(SERVERS)
    ]
    workers = [
        Worker({**env, "LOG_LEVEL": "INFO"}, logs / f"worker-{index + 1}.log", interval)
        for index in range(WORKER_PROCESSES)
    ]
    try:
        try:
            _query(url, TRACE_SQL)
            log("scaleout: draining the backlog the seeded history leaves due")
            backlog = drain(env)
            log(
                f"scaleout: {backlog['ticks']} ticks in {backlog['seconds']:.1f} s drained "
                f"{backlog['handled']}"
            )
            numbers = sample_numbers(env)
            for server in servers:
                server.start()
            log(f"scaleout: {choice.label()} on " + ", ".join(s.base for s in servers))
            password = constants["PASSWORD"]
            tokens = {
                "agent": token_for(servers[0].base, constants["BENCH_AGENT"], password),
                "employee": token_for(servers[0].base, constants["BENCH_EMPLOYEE"], password),
            }
            loads = {server.base: scenarios_for(constants, tokens, numbers) for server in servers}
            for base, scenarios in loads.items():
                for scenario in scenarios:
                    check_once(base, scenario)
                    wrk_once(wrk, base, scenario, 2)  # warm-up: connections, caches
            for worker in workers:
                worker.start()
            time.sleep(interval)  # both workers booted and ticking
            start_epoch = time.time() + 1
            scheduled = schedule_due(
                url, start=start_epoch, seconds=seconds, per_second=DUE_PER_SECOND
            )
            log(
                f"scaleout: {seconds} s of load on {SERVERS} ports with {WORKER_PROCESSES} workers "
                f"every {interval} s; due during it: {scheduled['sla']} SLA checks, "
                f"{scheduled['escalation']} escalations"
            )
            load_before = os.getloadavg()
            start = _query(url, "SELECT now()")[0][0]
            jobs = [(base, s) for base, scenarios in loads.items() for s in scenarios]
            with ThreadPoolExecutor(len(jobs)) as pool:
                futures = [pool.submit(wrk_once, wrk, base, s, seconds) for base, s in jobs]
                results = [future.result() for future in futures]
            end = _query(url, "SELECT now()")[0][0]
            load_after = os.getloadavg()
            time.sleep(GRACE_TICKS * interval)
        finally:
            codes = [worker.stop() for worker in workers]
            for server in servers:
                server.stop()
        report: dict = {
            "servers": SERVERS,
            "server": choice.describe(),
            "worker_processes": WORKER_PROCESSES,
            "interval_s": interval,
            "seconds": seconds,
            # Other work on the machine shares its cores with the servers and the workers.
            "loadavg": {
                "before": [round(value, 2) for value in load_before],
                "after": [round(value, 2) for value in load_after],
            },
            "backlog": backlog,
            "scheduled_due": scheduled,
            "load": load_report(jobs, results),
            "lag": trace_report(url, start=start, interval=interval),
            "still_due": still_due(url, end),
            "written": ledger_report(url, start=start, mail_dir=mail_dir),
            "workers": [
                worker_log_summary(worker.logfile.read_text()) | {"exit_code": code}
                for worker, code in zip(workers, codes, strict=True)
            ],
        }
        report["checks"] = checks(report)
        if not report["checks"]["workers_without_errors"]:
            report["worker_logs"] = str(logs)  # kept, to read
    finally:
        database.drop_working_copy()
        shutil.rmtree(mail_dir, ignore_errors=True)
    if "worker_logs" not in report:
        shutil.rmtree(logs, ignore_errors=True)
    return report


def load_report(jobs: list[tuple[str, Scenario]], results: list[dict]) -> dict:
    per_port: dict[str, dict] = {}
    for (base, scenario), result in zip(jobs, results, strict=True):
        per_port.setdefault(base, {})[scenario.name] = result
    for runs in per_port.values():
        runs["sum"] = sum_loads([runs[name] for name in list(runs)])
    return {
        "wrk": {"threads": WRK_THREADS, "connections_each": jobs[0][1].connections},
        "per_port": per_port,
        "create_api": sum_loads(
            [r for (_, s), r in zip(jobs, results, strict=True) if s.name == "create_api"]
        ),
        "reads_api": sum_loads(
            [r for (_, s), r in zip(jobs, results, strict=True) if s.name == "reads_api"]
        ),
        "total": sum_loads(results),
    }


def checks(report: dict) -> dict[str, bool]:
    """The run's pass marks: no errors, due work done within one interval, nothing twice."""
    interval = report["interval_s"]
    lag = report["lag"]
    written = report["written"]
    timed = ("sla_refreshes", "escalation_evaluations", "escalation_levels_fired")
    return {
        "no_http_errors": report["load"]["total"]["errors"] == 0,
        "within_one_interval": all(
            lag[name]["max_s"] is None or lag[name]["max_s"] <= interval for name in timed
        ),
        # The outbox is mailed 50 rows per tick and worker (`notification_deliver_due`): a
        # burst of escalations leaves mail for the next ticks, reported but not a failure.
        "nothing_left_due": not (report["still_due"]["sla"] or report["still_due"]["escalation"]),
        "nothing_done_twice": not any(lag["done_twice"].values())
        and not any(written[key] for key in written if key.endswith("_duplicates"))
        and written["mails_sent"] == written["rows_marked_sent"],
        "workers_without_errors": all(
            worker["problems"] == 0 and worker["exit_code"] == 0 for worker in report["workers"]
        ),
    }


def lines(report: dict) -> list[str]:
    """The run in the printed table's words."""
    load, lag, written = report["load"], report["lag"], report["written"]
    backlog = report["backlog"]
    out = [
        f"scale-out: {report['servers']} x {report['server']['name']} "
        f"({report['server']['workers']} workers each), {report['worker_processes']} staffdesk workers every "
        f"{report['interval_s']} s, {report['seconds']} s of load (load average "
        f"{report['loadavg']['before'][0]} before, {report['loadavg']['after'][0]} after)",
        f"  backlog before the load: {backlog['due_sla']} SLA checks and "
        f"{backlog['due_escalation']} escalations due, drained in {backlog['ticks']} ticks, "
        f"{backlog['seconds']:.1f} s ({backlog['handled']})",
    ]
    for base, runs in load["per_port"].items():
        for name, result in runs.items():
            p99 = result.get("p99_ms", result.get("worst_p99_ms"))
            errors = result["errors"] if name == "sum" else sum(result["errors"].values())
            out.append(
                f"  {base:<24} {name:<11} {result['rps']:>9.1f} req/s  p99 {p99:>7.1f} ms  "
                f"errors {errors}"
            )
    for name in ("create_api", "reads_api", "total"):
        total = load[name]
        out.append(
            f"  {'both ports':<24} {name:<11} {total['rps']:>9.1f} req/s  worst p99 "
            f"{total['worst_p99_ms']:>7.1f} ms  errors {total['errors']}"
        )
    timed = [
        (name, lag[name])
        for name in ("sla_refreshes", "escalation_evaluations", "escalation_levels_fired")
    ]
    timed += [(f"claim wait, {clock}", entry) for clock, entry in lag["claim_wait"].items()]
    for name, entry in [*timed, ("mail_delivered", lag["mail_delivered"])]:
        out.append(
            f"  lag, {name:<24} {entry['count']:>6} done; p50 {entry['p50_s']} s, p99 "
            f"{entry['p99_s']} s, max {entry['max_s']} s; {entry['over_interval']} over the interval"
        )
    out += [
        f"  written during the load: ledger {written['ledger_rows']} (duplicates "
        f"{written['ledger_duplicates']}), timeline {written['timeline_entries']} "
        f"({written['timeline_duplicates']}), outbox {written['notification_rows']} "
        f"({written['notification_duplicates']}), mails {written['mails_sent']} of "
        f"{written['rows_marked_sent']} rows marked sent "
        f"({written['mail_duplicates']}); done twice {lag['done_twice']}; still due "
        f"{report['still_due']}",
        "  workers: "
        + "; ".join(
            f"{w['handled']} handled, {w['problems']} warnings/errors, exit {w['exit_code']}"
            for w in report["workers"]
        ),
        "  checks: "
        + ", ".join(f"{name} {'yes' if ok else 'NO'}" for name, ok in report["checks"].items()),
    ]
    return out
