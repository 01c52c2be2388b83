"""`make bench`: seed (once, cached), serve, load with wrk, report.

    python -m bench.run     (from the repository's root; `make bench` runs it so)

Configured by the environment (the Makefile passes its variables through):

    BENCH_DB        sqlite (default) or postgres
    BENCH_REQUESTS  requests in the dataset (default 1,000,000; 100,000 with BENCH_QUICK=1)
    BENCH_QUICK     1: 100k requests, 5 s runs (the whole thing in a few minutes)
    BENCH_SEED      the bench-seed seed (default 1)
    BENCH_RUNS      measured runs per scenario (default 3; the median is reported)
    BENCH_DURATION  seconds per run (default 30, 5 in quick mode)
    BENCH_ONLY      comma-separated scenario names to run (default: all); `ticks` names the
                    worker-tick scenarios (bench/tick.py), which run after the HTTP ones;
                    `announcements` the in-process announcements scenarios
                    (bench/announcements.py), after the ticks; `feedback` the in-process
                    feedback scenarios (bench/feedback.py), after those; `scaleout` the
                    PostgreSQL scale-out run (bench/scaleout.py), which runs last
    BENCH_PROFILE   a scenario name: record it with py-spy into bench/results/ (one extra run)
    BENCH_PG_URL    the PostgreSQL server (default postgres://postgres@127.0.0.1:5432)
    BENCH_SERVER    gunicorn-sync (default), gunicorn-gthread, granian or waitress, or several
                    comma-separated: each serves every scenario in turn (bench/servers.py),
                    writes its own results file, and a table compares them at the end

Each server serves, one after the other: the bare WSGI floor, the minimal Django floor
(bench/floor/), then staffdesk. Every scenario is also reported as a share of the minimal
Django floor's throughput on the same server (`share_of_floor`).

The seeded database is a cache (bench/cache/<n>.sqlite3, or the PostgreSQL database
bench_<n>) with a marker of what it holds (a .json beside the file; the database's comment).
Each run works on a throwaway copy of it, so the requests the create scenario files never
leak into the next run. All traffic stays on 127.0.0.1.

After the HTTP scenarios, bench/tick.py times the worker's ticks on the same copy at the end
of the seeded history (the `history_end` of the marker): sla_tick and escalation_tick with
nothing due, one escalation_tick over 10,000 due requests, and the business-time arithmetic
of filing a request. Then bench/announcements.py measures issue 15's targets in-process on
it: the home page's queries with the news, the read-receipt report of an announcement to
everyone, publishing to 30,000 people and the fan-out of their notifications. Then
bench/feedback.py measures issue 16's: the "you said, we did" board and a department's
suggestion queue, a rating against a public reply, and the feedback tick with nothing due.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from bench import feedback
from bench.report import comparison, result_name, share_of_floor, table
from bench.servers import DEFAULT_SERVER, HOST, Server, ServerChoice, server_choices

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
CACHE = BENCH / "cache"
RESULTS = BENCH / "results"
BIN = Path(sys.executable).parent
STAFFDESK = str(BIN / "staffdesk")
CONNECTIONS = 16
WRK_THREADS = 2
OPEN = "new,acknowledged,in_progress,waiting_on_requester"
TICKS = "ticks"  # the BENCH_ONLY name of the worker-tick scenarios
ANNOUNCEMENTS = "announcements"  # ... and of the in-process announcements scenarios
FEEDBACK = "feedback"  # ... and of the in-process feedback scenarios
DUE_REQUESTS = 10_000


def log(message: str) -> None:
    print(f"[bench {datetime.now().astimezone():%H:%M:%S}] {message}", flush=True)


def run(args: list[str], *, env: dict | None = None, capture: bool = False) -> str:
    result = subprocess.run(  # noqa: S603 - our own commands
        args, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else ""


@dataclass
class Config:
    db: str
    requests: int
    seed: int
    quick: bool
    runs: int
    duration: int
    only: set[str]
    profile: str
    pg_url: str
    servers: list[ServerChoice]

    @classmethod
    def from_env(cls) -> Config:
        quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
        db = os.environ.get("BENCH_DB", "") or "sqlite"
        if db not in ("sqlite", "postgres"):
            raise SystemExit(f"BENCH_DB must be sqlite or postgres, not {db!r}")
        requests = int(os.environ.get("BENCH_REQUESTS", "") or (100_000 if quick else 1_000_000))
        return cls(
            db=db,
            requests=requests,
            seed=int(os.environ.get("BENCH_SEED", "") or 1),
            quick=quick,
            runs=int(os.environ.get("BENCH_RUNS", "") or 3),
            duration=int(os.environ.get("BENCH_DURATION", "") or (5 if quick else 30)),
            only={name for name in os.environ.get("BENCH_ONLY", "").split(",") if name},
            profile=os.environ.get("BENCH_PROFILE", ""),
            pg_url=(
                os.environ.get("BENCH_PG_URL", "") or "postgres://postgres@127.0.0.1:5432"
            ).rstrip("/"),
            servers=server_choices(os.environ.get("BENCH_SERVER", "")),
        )


# --- setup ----------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk is missing: installing Debian's package")
    apt = ["apt-get", "install", "-y", "-q", "wrk"]
    if os.geteuid() != 0:
        apt = ["sudo", *apt]
    try:
        run(apt)
    except subprocess.CalledProcessError:
        run([*apt[:-4], "update", "-q"] if apt[0] == "sudo" else ["apt-get", "update", "-q"])
        run(apt)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed")
    return found


def seeder_env(base: dict) -> dict:
    """`base` for the seeder: the product's settings plus the bench app (`bench.settings`),
    with this repository on the path for `bench` itself (the product's package is installed
    without it)."""
    path = os.pathsep.join(p for p in (str(ROOT), base.get("PYTHONPATH", "")) if p)
    return {**base, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": path}


def seed_constants() -> dict:
    """The generator's version and well-known accounts, read from the seeder."""
    script = (
        "import json, django\n"
        "django.setup()\n"
        "from bench import seed as b\n"
        "print(json.dumps({name: getattr(b, name) for name in ('GENERATOR_VERSION', "
        "'BENCH_AGENT', 'BENCH_EMPLOYEE', 'BENCH_SERVICE', 'PASSWORD', 'SEARCH_WORD')}))\n"
    )
    env = seeder_env({**os.environ, "STAFFDESK_VAR_DIR": str(CACHE / "var")})
    out = run([str(BIN / "python"), "-c", script], env=env, capture=True)
    return json.loads(out.strip().splitlines()[-1])


class Database:
    """The cached, seeded database of one variant and the throwaway copy a run uses."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.name = f"bench_{config.requests}"

    def env(self, url: str) -> dict:
        return {
            **os.environ,
            "DATABASE_URL": url,
            "STAFFDESK_VAR_DIR": str(CACHE / "var"),
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
        }

    # SQLite
    @property
    def cache_file(self) -> Path:
        return CACHE / f"{self.config.requests}.sqlite3"

    @property
    def marker_file(self) -> Path:
        return CACHE / f"{self.config.requests}.sqlite3.json"

    # PostgreSQL
    def pg(self, database: str) -> str:
        return f"{self.config.pg_url}/{database}"

    def _pg_args(self) -> list[str]:
        parts = urlsplit(self.config.pg_url)
        args = ["-h", parts.hostname or HOST, "-p", str(parts.port or 5432)]
        return [*args, "-U", parts.username or "postgres"]

    def _psql(self, sql: str, database: str = "postgres") -> str:
        return run(["psql", *self._pg_args(), "-d", database, "-tAc", sql], capture=True).strip()

    def cached_marker(self) -> dict | None:
        try:
            if self.config.db == "sqlite":
                if not self.cache_file.exists():
                    return None
                return json.loads(self.marker_file.read_text())
            comment = self._psql(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "  # noqa: S608
                f"WHERE datname = '{self.name}'"  # bench_<integer>: nothing to inject
            )
            return json.loads(comment) if comment else None
        except (OSError, ValueError):
            return None

    def cache_url(self) -> str:
        if self.config.db == "sqlite":
            return f"sqlite:///{self.cache_file}"
        return self.pg(self.name)

    def prepare(self, marker: dict) -> tuple[dict, float | None]:
        """Seed the cache unless it already holds this dataset; returns the cache's marker
        (`marker` and the end of the seeded history) and the seed time."""
        CACHE.mkdir(parents=True, exist_ok=True)
        seconds = None
        cached = self.cached_marker() or {}
        if {key: cached.get(key) for key in marker} != marker or "history_end" not in cached:
            log(f"seeding {self.config.db} with {self.config.requests:,} requests (not cached)")
            # The history ends at today's midnight (UTC); recorded, since the ticks run there.
            today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
            cached = {**marker, "history_end": today.isoformat()}
            if self.config.db == "sqlite":
                for suffix in ("", "-wal", "-shm", ".json"):
                    Path(f"{self.cache_file}{suffix}").unlink(missing_ok=True)
            else:
                run(["dropdb", *self._pg_args(), "--if-exists", self.name])
                run(["createdb", *self._pg_args(), self.name])
            env = self.env(self.cache_url())
            run([STAFFDESK, "migrate", "--no-input", "-v", "0"], env=env)
            started = time.monotonic()
            run(
                [
                    STAFFDESK,
                    "bench-seed",
                    "--requests",
                    str(self.config.requests),
                    "--seed",
                    str(self.config.seed),
                    "--now",
                    cached["history_end"],
                ],
                env=seeder_env(env),
            )
            seconds = time.monotonic() - started
            if self.config.db == "sqlite":
                self.marker_file.write_text(json.dumps(cached))
            else:
                self._psql(f"COMMENT ON DATABASE {self.name} IS '{json.dumps(cached)}'")
        else:
            log(f"reusing the cached {self.config.db} database ({self.config.requests:,} requests)")
        # New migrations (other apps growing) apply to the cache as they would in production.
        run([STAFFDESK, "migrate", "--no-input", "-v", "0"], env=self.env(self.cache_url()))
        return cached, seconds

    def working_copy(self) -> str:
        """A fresh copy of the cache for this run; returns its DATABASE_URL."""
        if self.config.db == "sqlite":
            with sqlite3.connect(self.cache_file) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            copy = CACHE / f"{self.config.requests}-run.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(self.cache_file, copy)
            return f"sqlite:///{copy}"
        database = f"{self.name}_run"
        run(["dropdb", *self._pg_args(), "--if-exists", database])
        run(["createdb", *self._pg_args(), "-T", self.name, database])
        return self.pg(database)

    def drop_working_copy(self) -> None:
        if self.config.db == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{CACHE / f'{self.config.requests}-run.sqlite3'}{suffix}").unlink(
                    missing_ok=True
                )
        else:
            run(["dropdb", *self._pg_args(), "--if-exists", f"{self.name}_run"])

    def server_version(self) -> str:
        if self.config.db == "sqlite":
            return f"SQLite {sqlite3.sqlite_version}"
        return "PostgreSQL " + self._psql("SHOW server_version").split()[0]


# --- the server (bench/servers.py) ------------------------------------------------


def peak_memory_mb(pids: list[int]) -> dict[str, float]:
    """VmHWM (peak resident set) of each process, in MB."""
    peaks = {}
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks[str(pid)] = round(int(line.split()[1]) / 1024, 1)
        except OSError:
            continue
    return peaks


# --- sign-ins and fixtures ------------------------------------------------------------


def token_for(base: str, username: str, password: str) -> str:
    response = httpx.post(
        f"{base}/api/v1/me/tokens",
        auth=(username, password),
        json={"name": "bench"},
        timeout=60,
    )
    response.raise_for_status()
    return response.json()["token"]


def session_cookie(base: str, username: str, password: str) -> str:
    """Sign in through the real form, as a browser would; returns the Cookie header value."""
    with httpx.Client(base_url=base, timeout=60) as client:
        client.get("/signin/").raise_for_status()
        csrf = client.cookies["csrftoken"]
        response = client.post(
            "/signin/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": csrf},
        )
        if response.status_code != 302 or "sessionid" not in client.cookies:
            raise SystemExit(f"signing in as {username} failed ({response.status_code})")
        return f"csrftoken={csrf}; sessionid={client.cookies['sessionid']}"


def sample_numbers(env: dict, count: int = 100) -> list[str]:
    """IT request numbers spread over the whole history, for the detail scenarios."""
    script = (
        "import json\n"
        "from staffdesk.requests.models import Request\n"
        "numbers = list(Request.objects.filter(department__code='IT')"
        ".order_by('id').values_list('number', flat=True))\n"
        f"step = max(1, len(numbers) // {count})\n"
        "print(json.dumps(numbers[::step]))\n"
    )
    out = run([STAFFDESK, "shell", "-c", script], env=env, capture=True)
    return json.loads(out.strip().splitlines()[-1])[:count]


# --- load -----------------------------------------------------------------------------


@dataclass
class Scenario:
    name: str
    title: str
    paths: list[str]
    auth: str = ""
    cookie: str = ""
    method: str = "GET"
    body: str = ""
    connections: int = CONNECTIONS
    runs: list[dict] = field(default_factory=list)


def wrk_once(wrk: str, base: str, scenario: Scenario, seconds: int) -> dict:
    env = {
        **os.environ,
        "BENCH_METHOD": scenario.method,
        "BENCH_PATHS": "|".join(scenario.paths),
        "BENCH_AUTH": scenario.auth,
        "BENCH_COOKIE": scenario.cookie,
        "BENCH_BODY": scenario.body,
    }
    out = run(
        [
            wrk,
            "-t",
            str(min(WRK_THREADS, scenario.connections)),
            "-c",
            str(scenario.connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(BENCH / "scenario.lua"),
            f"{base}/",
        ],
        env=env,
        capture=True,
    )
    for line in out.splitlines():
        if line.startswith('{"bench"'):
            result = json.loads(line)
            result.pop("bench")
            return result
    raise SystemExit(f"wrk printed no result for {scenario.name}:\n{out}")


def check_once(base: str, scenario: Scenario) -> None:
    """One request before the load, so a scenario that answers 4xx fails loudly, not fast."""
    headers = {}
    if scenario.auth:
        headers["Authorization"] = scenario.auth
    if scenario.cookie:
        headers["Cookie"] = scenario.cookie
    if scenario.method == "POST":
        headers["Content-Type"] = "application/json"
    response = httpx.request(
        scenario.method,
        base + scenario.paths[0],
        headers=headers,
        content=scenario.body or None,
        timeout=60,
    )
    if response.status_code >= 300:
        raise SystemExit(
            f"{scenario.name}: {scenario.method} {scenario.paths[0]} answered "
            f"{response.status_code}: {response.text[:300]}"
        )


def summarise(runs: list[dict]) -> dict:
    def stats(key: str) -> dict:
        values = [run[key] for run in runs]
        return {
            "median": round(statistics.median(values), 2),
            "min": round(min(values), 2),
            "max": round(max(values), 2),
        }

    errors = sum(sum(run["errors"].values()) for run in runs)
    return {key: stats(key) for key in ("rps", "p50_ms", "p95_ms", "p99_ms")} | {
        "errors": errors,
        "requests": sum(run["requests"] for run in runs),
    }


def profile(server: Server, wrk: str, scenario: Scenario, seconds: int, stamp: str) -> dict:
    """Record the scenario with py-spy across every worker while wrk drives it.

    The samples are kept as folded stacks (`<stamp>-profile-<scenario>.folded.gz`, one line
    per distinct stack with its count, the workers merged; any flame-graph tool draws them)
    and summarised by layer, so the report says where a request's time goes.
    """
    raw = RESULTS / f"{stamp}-profile-{scenario.name}.raw"
    target = RESULTS / f"{stamp}-profile-{scenario.name}.folded.gz"
    recorder = subprocess.Popen(  # noqa: S603 - our own tools
        [
            str(BIN / "py-spy"),
            "record",
            "--pid",
            str(server.pids()[0]),
            "--subprocesses",
            "--duration",
            str(seconds),
            "--rate",
            "250",
            "--nonblocking",
            "--format",
            "raw",
            "--output",
            str(raw),
        ],
    )
    time.sleep(1)
    wrk_once(wrk, server.base, scenario, seconds)
    recorder.wait(timeout=seconds + 60)
    merge_workers(raw, target)
    raw.unlink()
    return {"scenario": scenario.name, "folded": str(target.relative_to(ROOT))} | where_time_goes(
        target
    )


# The layers of a request, by the files of their frames (first match wins).
LAYERS = (
    (
        "database driver (SQL sent, rows read and converted)",
        ("django/db/backends/", "sqlite3", "psycopg"),
    ),
    ("ORM: building and compiling queries", ("django/db/models/sql/", "django/db/models/expr")),
    ("ORM: rows into model instances", ("django/db/models/",)),
    ("templates and their filters", ("django/template/", "django/forms/")),
    ("API schemas and JSON (ninja, pydantic)", ("ninja/", "pydantic", "json/")),
    ("staffdesk code", ("staffdesk/",)),
    (
        "request handling, middleware, auth",
        (
            "django/core/",
            "django/middleware/",
            "django/contrib/",
            "django/http/",
            "gunicorn/",
            "axes/",
            "whitenoise/",
            "django_htmx/",
            "django/urls/",
        ),
    ),
)


def merge_workers(raw: Path, target: Path) -> None:
    """py-spy's stacks without their leading `process <pid>:…` frames, counts merged, gzipped
    (the raw file of 30 s is ~35 MB)."""
    counts: dict[str, int] = {}
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = [frame for frame in stack.split(";") if not frame.startswith("process ")]
        key = ";".join(frames)
        counts[key] = counts.get(key, 0) + int(count)
    with gzip.open(target, "wt") as out:
        out.writelines(f"{stack} {count}\n" for stack, count in sorted(counts.items()))


def where_time_goes(folded: Path) -> dict:
    """Share of the samples per layer: each sample goes to the layer of the innermost frame
    that belongs to one (a date filter's helpers in django/utils count as templates)."""
    counts: dict[str, int] = {}
    total = 0
    with gzip.open(folded, "rt") as lines:
        stacks = [line.rstrip("\n").rpartition(" ") for line in lines]
    for stack, _, count in stacks:
        if not count.isdigit():
            continue
        layer = next(
            (
                name
                for frame in reversed(stack.split(";"))
                for name, marks in LAYERS
                if any(mark in frame for mark in marks)
            ),
            "other",
        )
        counts[layer] = counts.get(layer, 0) + int(count)
        total += int(count)
    shares = {name: round(100 * n / total, 1) for name, n in counts.items()} if total else {}
    return {"samples": total, "share_percent": dict(sorted(shares.items(), key=lambda i: -i[1]))}


def commit() -> str:
    try:
        return run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture=True).strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


STAFFDESK_SCENARIOS = {
    "home_html",
    "board_html",
    "create_api",
    "queue_api",
    "queue_html",
    "detail_api",
    "detail_html",
    "search_api",
    "search_api_c1",
    "me_api",
}
# The floors (bench/floor/), each its own application on the same server: a minimal Django
# project's JSON view, the one every scenario is reported against, and a bare WSGI callable.
FLOOR_SCENARIOS = {
    "floor_wsgi": "floor: bare WSGI hello-world",
    "floor_django": "floor: minimal Django, one JSON view",
}
HTTP_SCENARIOS = STAFFDESK_SCENARIOS | set(FLOOR_SCENARIOS)


@dataclass
class HttpResults:
    scenarios: list[Scenario]
    peaks: dict[str, float]
    pids: list[int]
    profiled: dict | None


def staffdesk_scenarios(base: str, constants: dict, numbers: list[str]) -> list[Scenario]:
    """staffdesk's scenarios, with the tokens and the session they need from the server."""
    password, search_word = constants["PASSWORD"], constants["SEARCH_WORD"]
    agent_token = token_for(base, constants["BENCH_AGENT"], password)
    employee_token = token_for(base, constants["BENCH_EMPLOYEE"], password)
    cookie = session_cookie(base, constants["BENCH_AGENT"], password)
    employee_cookie = session_cookie(base, constants["BENCH_EMPLOYEE"], password)
    body = json.dumps(
        {
            "service": constants["BENCH_SERVICE"],
            "subject": "Replacement laptop",
            "description": "The screen of my laptop flickers; a replacement please.",
            "answers": {
                "location": "City Hall, floor 2",
                "category": "standard",
                "quantity": 1,
            },
            "priority": 3,
        }
    )
    bearer = f"Bearer {agent_token}"
    return [
        # First: the requests create_api files are the employee's own, which the home page
        # lists (the first 20) and reads for the notices of the services filed for.
        Scenario(
            "home_html",
            "home page with news (HTML, employee)",
            ["/"],
            cookie=employee_cookie,
        ),
        Scenario(
            "board_html",
            '"you said, we did" board (HTML, employee)',
            ["/you-said-we-did/"],
            cookie=employee_cookie,
        ),
        Scenario(
            "create_api",
            "create (API, 3-field form)",
            ["/api/v1/requests"],
            auth=f"Bearer {employee_token}",
            method="POST",
            body=body,
        ),
        Scenario(
            "queue_api",
            "queue first page (API, 50)",
            [f"/api/v1/requests?department=IT&status={OPEN}&limit=50"],
            auth=bearer,
        ),
        Scenario(
            "queue_html",
            "queue first page (HTML)",
            ["/requests/queue/?department=IT"],
            cookie=cookie,
        ),
        Scenario(
            "detail_api",
            "request detail (API)",
            [f"/api/v1/requests/{number}" for number in numbers],
            auth=bearer,
        ),
        Scenario(
            "detail_html",
            "request detail (HTML)",
            [f"/requests/{number}" for number in numbers],
            cookie=cookie,
        ),
        Scenario(
            "search_api",
            f"search '{search_word}' (API, agent)",
            [f"/api/v1/requests?q={search_word}&limit=50"],
            auth=bearer,
        ),
        # What one person searching sees when the server is not saturated: at 16
        # connections the latency above is mostly the queue in front of the workers.
        Scenario(
            "search_api_c1",
            f"search '{search_word}' (API, agent, 1 at a time)",
            [f"/api/v1/requests?q={search_word}&limit=50"],
            auth=bearer,
            connections=1,
        ),
        # The cheapest authenticated call: token check, one small read, JSON. Its distance
        # from floor_django is staffdesk's own cost per request.
        Scenario("me_api", "GET /api/v1/me (API)", ["/api/v1/me"], auth=bearer),
    ]


def head_keeps_the_connection(base: str) -> None:
    """HEAD then GET on one keep-alive connection through a real client: a body sent after
    a HEAD response would be read as the next response's status line. Refuses the server
    otherwise (issue 11, fixed in staffdesk.config.wsgi; checked under every server)."""
    connection = http.client.HTTPConnection(HOST, int(base.rsplit(":", 1)[1]), timeout=30)
    try:
        for method in ("HEAD", "GET", "HEAD", "GET"):
            connection.request(method, "/signin/")
            response = connection.getresponse()
            body = response.read()
            if response.status != 200 or (method == "HEAD") != (body == b""):
                raise SystemExit(
                    f"{method} /signin/ after a HEAD on one connection answered "
                    f"{response.status} with {len(body)} bytes"
                )
    except (http.client.HTTPException, OSError) as error:
        raise SystemExit(
            f"HEAD on a keep-alive connection broke the next request: {error}"
        ) from error
    finally:
        connection.close()


def measure(config: Config, wrk: str, base: str, scenarios: list[Scenario]) -> None:
    for scenario in scenarios:
        check_once(base, scenario)
        wrk_once(wrk, base, scenario, 2)  # warm-up: connections, caches
        for index in range(config.runs):
            result = wrk_once(wrk, base, scenario, config.duration)
            scenario.runs.append(result)
            log(
                f"{scenario.name} run {index + 1}/{config.runs}: {result['rps']:.1f} req/s, "
                f"p95 {result['p95_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms"
            )


def http_scenarios(
    config: Config, choice: ServerChoice, env: dict, constants: dict, wrk: str, prefix: str
) -> HttpResults:
    """Serve each application with `choice` and load its selected scenarios with wrk: the
    floors first, each on its own server, then staffdesk on the copy."""

    def selected(name: str) -> bool:
        return not config.only or name in config.only

    results = HttpResults([], {}, [], None)

    def profile_if_asked(server: Server, scenarios: list[Scenario]) -> None:
        chosen = next((s for s in scenarios if s.name == config.profile), None)
        if chosen is not None:
            log(f"profiling {chosen.name} with py-spy")
            results.profiled = profile(server, wrk, chosen, config.duration, prefix)

    for name, title in FLOOR_SCENARIOS.items():
        if not selected(name):
            continue
        server = Server(choice, name, env, CACHE / f"server-{choice.name}-{name}.log")
        log(f"starting {choice.label()} on {server.base} for {name}")
        server.start()
        try:
            scenarios = [Scenario(name, title, ["/"])]
            measure(config, wrk, server.base, scenarios)
            profile_if_asked(server, scenarios)
        finally:
            clean = server.stop()
        if not clean:
            log(f"{choice.name} serving {name} did not stop on SIGTERM within 30 s: killed")
        results.scenarios += scenarios
    if any(selected(name) for name in STAFFDESK_SCENARIOS):
        numbers = sample_numbers(env)
        server = Server(choice, "staffdesk", env, CACHE / f"server-{choice.name}-staffdesk.log")
        log(f"starting {choice.label()} on {server.base} for staffdesk against {config.db}")
        server.start()
        try:
            head_keeps_the_connection(server.base)
            scenarios = [
                s for s in staffdesk_scenarios(server.base, constants, numbers) if selected(s.name)
            ]
            measure(config, wrk, server.base, scenarios)
            profile_if_asked(server, scenarios)
            results.pids = server.pids()
            results.peaks = peak_memory_mb(results.pids)
        finally:
            clean = server.stop()
        if not clean:
            log(f"{choice.name} serving staffdesk did not stop on SIGTERM within 30 s: killed")
        results.scenarios += scenarios
    if config.profile and results.profiled is None:
        raise SystemExit(f"BENCH_PROFILE: no scenario {config.profile!r} was run")
    return results


def tick_scenarios(config: Config, env: dict, history_end: str) -> dict:
    """bench/tick.py on the copy (after the HTTP scenarios: the due scenario changes it)."""
    runs = max(config.runs, 5)
    log(f"worker ticks at the end of the seeded history ({history_end}), {runs} runs")
    out = run(
        [
            str(BIN / "python"),
            str(BENCH / "tick.py"),
            "--now",
            history_end,
            "--runs",
            str(runs),
            "--due",
            str(DUE_REQUESTS),
        ],
        # The repository's root on the path: the script imports bench.measures.
        env={**seeder_env(env), "DJANGO_SETTINGS_MODULE": "staffdesk.config.settings"},
        capture=True,
    )
    return json.loads(out.strip().splitlines()[-1])


def announcement_scenarios(config: Config, env: dict, constants: dict) -> dict:
    """bench/announcements.py on the copy (after the ticks: it publishes to everyone)."""
    log("announcements: the home page's queries, the report, publishing, the fan-out")
    out = run(
        [
            str(BIN / "python"),
            str(BENCH / "announcements.py"),
            "--employee",
            constants["BENCH_EMPLOYEE"],
            "--agent",
            constants["BENCH_AGENT"],
            "--runs",
            str(config.runs),
        ],
        # The repository's root on the path: the script imports bench.measures.
        env={**seeder_env(env), "DJANGO_SETTINGS_MODULE": "staffdesk.config.settings"},
        capture=True,
    )
    return json.loads(out.strip().splitlines()[-1])


def feedback_scenarios(config: Config, env: dict, constants: dict, history_end: str) -> dict:
    """bench/feedback.py on the copy (after the announcements; it rates surveys and replies)."""
    log("feedback: the board, the suggestion queue, a rating against a reply, the tick")
    out = run(
        [
            str(BIN / "python"),
            str(BENCH / "feedback.py"),
            "--employee",
            constants["BENCH_EMPLOYEE"],
            "--agent",
            constants["BENCH_AGENT"],
            "--now",
            history_end,
            "--runs",
            str(config.runs),
        ],
        # The repository's root on the path: the script imports bench.measures.
        env={**seeder_env(env), "DJANGO_SETTINGS_MODULE": "staffdesk.config.settings"},
        capture=True,
    )
    return json.loads(out.strip().splitlines()[-1])


def build_report(
    *,
    config: Config,
    choice: ServerChoice,
    database: Database,
    cached: dict,
    seed_seconds: float | None,
    load_before: tuple[float, float, float],
    served: HttpResults,
    ticks: dict | None,
    announcements: dict | None = None,
    feedback: dict | None = None,
) -> dict:
    workers = [served.peaks[str(pid)] for pid in served.pids[1:] if str(pid) in served.peaks]
    scenarios = {
        s.name: {
            "title": s.title,
            "connections": s.connections,
            **summarise(s.runs),
            "runs": s.runs,
        }
        for s in served.scenarios
    }
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "kernel": platform.release(),
            "loadavg_before": [round(value, 2) for value in load_before],
        },
        "database": {"engine": database.server_version(), "kind": config.db},
        "dataset": cached,
        "seed_seconds": seed_seconds,
        "server": choice.describe(),
        "load": {"tool": "wrk", "threads": WRK_THREADS, "connections": CONNECTIONS},
        "quick": config.quick,
        "runs": config.runs,
        "duration_s": config.duration,
        "scenarios": share_of_floor(scenarios),
        "memory_mb": {
            "master": served.peaks.get(str(served.pids[0])) if served.pids else None,
            "workers": workers,
            "max_worker": max(workers, default=None),
        },
        "ticks": ticks,
        "announcements": announcements,
        "feedback": feedback,
        "profile": served.profiled,
    }


def main() -> None:
    config = Config.from_env()
    run_http = not config.only or bool(config.only & HTTP_SCENARIOS)
    run_ticks = not config.only or TICKS in config.only
    run_announcements = not config.only or ANNOUNCEMENTS in config.only
    run_feedback = not config.only or FEEDBACK in config.only
    wrk = ensure_wrk() if run_http else ""
    RESULTS.mkdir(parents=True, exist_ok=True)
    database = Database(config)
    constants = seed_constants()
    marker = {
        "requests": config.requests,
        "seed": config.seed,
        "generator": constants["GENERATOR_VERSION"],
    }
    cached, seed_seconds = database.prepare(marker)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    reports = []
    for index, choice in enumerate(config.servers):
        # Each server gets its own fresh copy: the requests one server's create scenario
        # filed do not weigh on the next.
        env = database.env(database.working_copy())
        # Other work on the machine skews every figure; the report says how busy it was.
        load_before = os.getloadavg()
        served = HttpResults([], {}, [], None)
        ticks = announcements = feedback_results = None
        prefix = stamp if choice.name == DEFAULT_SERVER else f"{stamp}-{choice.name}"
        try:
            if run_http:
                served = http_scenarios(config, choice, env, constants, wrk, prefix)
            # The ticks do not depend on the server: measured once, with the first.
            if run_ticks and index == 0:
                ticks = tick_scenarios(config, env, cached["history_end"])
            if run_announcements and index == 0:
                announcements = announcement_scenarios(config, env, constants)
            if run_feedback and index == 0:
                feedback_results = feedback_scenarios(config, env, constants, cached["history_end"])
        finally:
            database.drop_working_copy()
        # The scale-out run (bench/scaleout.py) takes its own copy, two servers and two workers.
        from bench import scaleout

        scaled = (
            scaleout.scaleout(config, database, constants, choice)
            if scaleout.selected(config)
            else None
        )
        report = build_report(
            config=config,
            choice=choice,
            database=database,
            cached=cached,
            seed_seconds=seed_seconds if index == 0 else None,
            load_before=load_before,
            served=served,
            ticks=ticks,
            announcements=announcements,
            feedback=feedback_results,
        )
        name = result_name(
            stamp=stamp,
            db=config.db,
            requests=config.requests,
            quick=config.quick,
            only=config.only,
            server=choice.name,
        )
        report["scaleout"] = scaled
        target = RESULTS / name
        target.write_text(json.dumps(report, indent=2) + "\n")
        print()
        print(table(report))
        if feedback_results:
            print("\n" + "\n".join(feedback.lines(feedback_results)))
        if scaled:
            print("\n" + "\n".join(scaleout.lines(scaled)))
        print(f"\nwritten to {target.relative_to(ROOT)}")
        reports.append(report)
    if len(reports) > 1 and run_http:
        print()
        print(comparison(reports))


if __name__ == "__main__":
    main()
