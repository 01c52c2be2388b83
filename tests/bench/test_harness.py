"""The pure parts of `make bench` (bench/report.py, bench/servers.py) and its floors
(bench/floor/): shares of the floor, results files' names, the server choices, and the floor
applications answering, in-process and under every server choice. No figure is asserted."""

from __future__ import annotations

import http.client
import json
import os
import re
from importlib.metadata import version

import pytest

from bench.floor import settings as floor_settings
from bench.floor.hello import application as hello
from bench.floor.urls import DOCUMENT
from bench.report import announcement_lines, comparison, result_name, share_of_floor, table
from bench.servers import CORES, DEFAULT_SERVER, SERVERS, Server, server_choices


def _result(title, rps, p99=10.0):
    stats = {"median": rps, "min": rps, "max": rps}
    return {
        "title": title,
        "rps": stats,
        "p50_ms": {"median": 1.0, "min": 1.0, "max": 1.0},
        "p95_ms": {"median": 5.0, "min": 5.0, "max": 5.0},
        "p99_ms": {"median": p99, "min": p99, "max": p99},
        "errors": 0,
    }


def test_every_scenario_is_a_share_of_the_minimal_django_floor():
    shared = share_of_floor(
        {
            "floor_wsgi": _result("wsgi", 8000.0),
            "floor_django": _result("django", 4000.0),
            "me_api": _result("me", 1000.0),
        }
    )
    assert {name: result["share_of_floor"] for name, result in shared.items()} == {
        "floor_wsgi": 2.0,
        "floor_django": 1.0,
        "me_api": 0.25,
    }
    assert shared["me_api"]["rps"]["median"] == 1000.0  # the figures themselves are kept


def test_without_the_floor_there_is_no_share():
    shared = share_of_floor({"me_api": _result("me", 1000.0)})
    assert shared["me_api"]["share_of_floor"] is None


def test_results_files_name_the_server_only_when_it_is_not_the_default():
    common = {"stamp": "2026-12-03", "db": "sqlite"}
    # The default's names are the ones results files always had.
    assert result_name(**common, requests=1_000_000, quick=False, only=set()) == (
        "2026-12-03-sqlite.json"
    )
    assert result_name(**common, requests=100_000, quick=True, only=set()) == (
        "2026-12-03-sqlite-quick.json"
    )
    assert result_name(
        **common, requests=100_000, quick=True, only=set(), server=DEFAULT_SERVER
    ) == ("2026-12-03-sqlite-quick.json")
    assert result_name(**common, requests=100_000, quick=True, only=set(), server="granian") == (
        "2026-12-03-sqlite-quick-granian.json"
    )
    assert result_name(
        stamp="2026-12-03",
        db="postgres",
        requests=20_000,
        quick=False,
        only={"me_api", "floor_django"},
        server="gunicorn-gthread",
    ) == ("2026-12-03-postgres-20000-gunicorn-gthread-only-floor_django-me_api.json")


def test_bench_server_takes_one_or_several_known_servers():
    assert [choice.name for choice in server_choices("")] == [DEFAULT_SERVER]
    assert [choice.name for choice in server_choices("granian, gunicorn-sync,granian")] == [
        "granian",
        "gunicorn-sync",
    ]
    with pytest.raises(SystemExit, match="unknown uwsgi; choose from gunicorn-sync"):
        server_choices("gunicorn-sync,uwsgi")


def test_each_server_records_its_software_workers_and_threads():
    described = {name: choice.describe() for name, choice in SERVERS.items()}
    assert described["gunicorn-sync"] == {
        "name": "gunicorn-sync",
        "software": f"gunicorn {version('gunicorn')} (sync workers)",
        "workers": 2 * CORES + 1,
        "threads": 1,
    }
    assert (described["gunicorn-gthread"]["workers"], described["gunicorn-gthread"]["threads"]) == (
        CORES,
        2 * CORES,
    )
    assert described["granian"]["workers"] == CORES
    assert described["granian"]["software"] == f"granian {version('granian')} (WSGI)"
    assert (described["waitress"]["workers"], described["waitress"]["threads"]) == (1, 8)
    # The embedded default is measured as `staffdesk serve` itself.
    command = SERVERS["waitress"].command("staffdesk", 8123)
    assert command[1:3] == ["serve", "--no-worker"]


def _report(server, scenarios, load=1.5):
    return {
        "date": "2026-12-03T12:00:00+00:00",
        "machine": {"loadavg_before": [load, 1.0, 1.0]},
        "database": {"engine": "SQLite 3.40.1"},
        "dataset": {"requests": 100_000},
        "server": {**SERVERS[server].describe()},
        "load": {"tool": "wrk", "threads": 2, "connections": 16},
        "runs": 3,
        "duration_s": 5,
        "scenarios": share_of_floor(scenarios),
        "memory_mb": {"master": 25.0, "workers": [60.0], "max_worker": 60.0},
    }


def test_the_table_shows_each_scenario_as_a_share_of_the_floor():
    printed = table(
        _report(
            "gunicorn-gthread",
            {"floor_django": _result("floor", 4000.0), "me_api": _result("GET /me", 1000.0)},
        )
    )
    assert "gunicorn-gthread (gunicorn" in printed
    assert f"{CORES} workers x {2 * CORES} threads" in printed
    me = next(line for line in printed.splitlines() if line.startswith("GET /me"))
    assert "25.0 %" in me


def _announcements(report_ms: float) -> dict:
    """bench/announcements.py's result, as it prints it."""
    ms = {"median": report_ms, "p95": report_ms, "min": report_ms, "max": report_ms, "runs": 20}
    return {
        "home": {
            "queries": 8,
            "news_queries": 2,
            "queries_without_news": 6,
            "queries_with_no_announcement_in_the_database": 8,
            "queries_with_a_current_notice_on_a_service_filed_for": 9,
            "current_announcements_for_the_employee": 59,
            "ms": {**ms, "median": 17.8},
            "news_query_ms": {**ms, "median": 6.0},
            "banner_query_ms_agent": {**ms, "median": 5.2},
        },
        "report": {
            "audience": 30000,
            "viewed": 22802,
            "acknowledged": 21355,
            "queries": 11,
            "ms": ms,
        },
        "publish": {"queries": 10, "ms": {**ms, "median": 6.7, "max": 17.2, "runs": 3}},
        "fanout": {
            "audience": 30000,
            "notifications": 30000,
            "emails_pending": 30000,
            "ticks": 2,
            "seconds": 3.29,
            "cpu_seconds": 2.54,
            "worker_loop_at_most_s": 5.29,
        },
        "targets": [
            {"name": "home_queries", "measured": 8, "limit": 8, "unit": "queries", "met": True},
            {
                "name": "report_ms",
                "measured": report_ms,
                "limit": 100.0,
                "unit": "ms",
                "met": report_ms <= 100,
            },
            {"name": "publish_ms", "measured": 17.2, "limit": 1000.0, "unit": "ms", "met": True},
            {"name": "fanout_s", "measured": 3.29, "limit": 60.0, "unit": "s", "met": True},
        ],
    }


def test_the_table_says_which_announcements_targets_are_met():
    lines = announcement_lines(_announcements(report_ms=158.3))
    home, report, publish, fanout = lines[1:]
    assert home.endswith("target ≤ 8 queries: met")
    assert "8 queries, 6 without its news" in home
    assert report.endswith("target ≤ 100 ms: NOT met")
    assert "158.3 ms median" in report
    assert publish.endswith("target ≤ 1,000 ms: met")
    assert fanout.endswith("target ≤ 60 s: met")
    printed = table({**_report("gunicorn-sync", {}), "announcements": _announcements(80.0)})
    assert "target ≤ 100 ms: met" in printed


def test_comparison_puts_servers_side_by_side_and_reads_older_names():
    # A file from before the floors: its floor_api is today's me_api, without a share.
    older = _report("gunicorn-sync", {"floor_api": _result("floor: GET /api/v1/me", 290.0)})
    del older["server"]["name"]
    newer = _report(
        "granian",
        {"floor_django": _result("floor", 4000.0), "me_api": _result("GET /me", 1000.0, 42.0)},
    )
    lines = comparison([older, newer]).splitlines()
    assert "gunicorn-sync" in lines[1] and "granian" in lines[1]
    me = next(line for line in lines if "/me" in line)
    assert "290.0; 10.0 ms; -" in me
    assert "1000.0; 42.0 ms; 25.0 %" in me
    floor = next(line for line in lines if line.startswith("floor "))
    assert re.fullmatch(r"floor\s+-\s+4000\.0; 10\.0 ms; 100\.0 %", floor)  # older: never run


def test_the_floor_project_is_django_with_nothing_added():
    assert floor_settings.INSTALLED_APPS == []
    assert floor_settings.MIDDLEWARE == []
    assert floor_settings.DATABASES == {}


def test_the_floor_view_answers_its_json_through_django(client, settings):
    settings.ROOT_URLCONF = "bench.floor.urls"
    settings.MIDDLEWARE = floor_settings.MIDDLEWARE
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == DOCUMENT


def test_the_bare_wsgi_floor_answers_json_and_no_body_to_head():
    started = []
    body = hello({"REQUEST_METHOD": "GET"}, lambda status, headers: started.append(status))
    assert started == ["200 OK"]
    assert b"".join(body) == b'{"hello": "world"}'
    assert list(hello({"REQUEST_METHOD": "HEAD"}, lambda status, headers: None)) == []


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_every_server_serves_the_floor_and_stops_cleanly(server):
    served = Server(SERVERS[server], "floor_django", dict(os.environ))
    served.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
        for method in ("HEAD", "GET"):  # one keep-alive connection where the server keeps it
            connection.request(method, "/")
            response = connection.getresponse()
            body = response.read()
            assert response.status == 200
        assert json.loads(body) == DOCUMENT
        connection.close()
    finally:
        # Every process of the server (master and workers) gone after SIGTERM alone.
        assert served.stop(), f"{server} did not stop on SIGTERM"
    with pytest.raises(ProcessLookupError):
        os.killpg(served.process.pid, 0)
