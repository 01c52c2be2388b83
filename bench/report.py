"""The report of `make bench`: shares of the floor, results files' names, the printed tables.

Pure functions of the results dicts (bench/run.py writes them, bench/compare.py reads them),
tested in tests/bench/test_report.py.
"""

from __future__ import annotations

from bench.servers import DEFAULT_SERVER

FLOOR = "floor_django"  # the scenario every other one is reported against
# Scenario names of older results files, for comparisons with them.
RENAMED = {"floor_api": "me_api"}


def share_of_floor(scenarios: dict[str, dict]) -> dict[str, dict]:
    """Each scenario with `share_of_floor`: its median throughput over `floor_django`'s on the
    same server in the same run (None when the floor was not run)."""
    floor = scenarios.get(FLOOR, {}).get("rps", {}).get("median")
    return {
        name: {
            **result,
            "share_of_floor": round(result["rps"]["median"] / floor, 4) if floor else None,
        }
        for name, result in scenarios.items()
    }


def result_name(
    *,
    stamp: str,
    db: str,
    requests: int,
    quick: bool,
    only: set[str],
    server: str = DEFAULT_SERVER,
) -> str:
    """`<date>-<db>[-quick|-<N>][-<server>][-only-<names>].json`: the server only when it is
    not the default, so the default's files keep the names they always had."""
    if requests == 1_000_000 and not quick:
        size = ""
    elif quick and requests == 100_000:
        size = "-quick"
    else:
        size = f"-{requests}"
    chosen = "" if server == DEFAULT_SERVER else f"-{server}"
    selected = "-only-" + "-".join(sorted(only)) if only else ""
    return f"{stamp}-{db}{size}{chosen}{selected}.json"


def server_of(report: dict) -> str:
    """The server's name (files from before BENCH_SERVER ran the default)."""
    return report.get("server", {}).get("name", DEFAULT_SERVER)


def _cell(stats: dict, digits: int = 1) -> str:
    return f"{stats['median']:.{digits}f} [{stats['min']:.{digits}f}-{stats['max']:.{digits}f}]"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


def table(report: dict) -> str:
    lines = [
        f"staffdesk bench: {report['database']['engine']}, "
        f"{report['dataset']['requests']:,} requests",
        "",
    ]
    if report["scenarios"]:
        server, load = report["server"], report["load"]
        threads = server.get("threads")
        per_worker = "1 thread" if threads == 1 else f"{threads or 'default'} threads"
        lines[0] += (
            f", {server.get('name', DEFAULT_SERVER)} ({server['software']}, "
            f"{server['workers']} worker{'s' * (server['workers'] != 1)} x {per_worker}), wrk -t{load['threads']} "
            f"-c{load['connections']}, {report['runs']} runs of {report['duration_s']} s per "
            "scenario; median [min-max]; load average before "
            + " ".join(str(value) for value in report["machine"]["loadavg_before"])
        )
        header = (
            f"{'scenario':<42} {'req/s':>22} {'of floor':>9} {'p50 ms':>22} {'p95 ms':>22} "
            f"{'p99 ms':>22} {'err':>4}"
        )
        lines += [header, "-" * len(header)]
        for result in report["scenarios"].values():
            lines.append(
                f"{result['title']:<42} {_cell(result['rps']):>22} "
                f"{_share(result.get('share_of_floor')):>9} "
                f"{_cell(result['p50_ms']):>22} {_cell(result['p95_ms']):>22} "
                f"{_cell(result['p99_ms']):>22} {result['errors']:>4}"
            )
        lines.append(f"'of floor': median req/s as a share of {FLOOR}'s on the same server")
        memory = report["memory_mb"]
        if memory.get("master") is not None:
            workers = memory["workers"]
            lines += [
                "",
                f"peak resident memory of staffdesk's server (VmHWM): main process "
                f"{memory['master']} MB"
                + (
                    ", workers "
                    + ", ".join(f"{mb} MB" for mb in workers)
                    + f" (max {memory['max_worker']} MB)"
                    if workers
                    else ""
                ),
            ]
    if report.get("profile"):
        profiled = report["profile"]
        lines += [
            "",
            f"py-spy profile of {profiled['scenario']} ({profiled['samples']:,} samples, "
            f"{profiled['folded']}), by innermost frame:",
            *(f"  {share:5.1f} %  {layer}" for layer, share in profiled["share_percent"].items()),
        ]
    if report.get("seed_seconds") is not None:
        lines.append(f"seeded in {report['seed_seconds']:.1f} s")
    if report.get("ticks"):
        lines += ["", *tick_lines(report["ticks"])]
    if report.get("announcements"):
        lines += ["", *announcement_lines(report["announcements"])]
    return "\n".join(lines)


def comparison(reports: list[dict]) -> str:
    """One table, a column per report (server): median req/s, p99 and share of the floor of
    every scenario any of them ran."""
    names: dict[str, str] = {}
    columns = []
    for report in reports:
        scenarios = {
            RENAMED.get(name, name): result for name, result in report["scenarios"].items()
        }
        for name, result in scenarios.items():
            names.setdefault(name, result["title"])
        columns.append(scenarios)
    heads = [
        f"{server_of(report)} ({report['date'][:16]}, load {report['machine']['loadavg_before'][0]})"
        for report in reports
    ]
    width = max(32, *(len(head) for head in heads))
    lines = [
        "median req/s; p99 ms; share of floor_django on the same server",
        f"{'scenario':<42} " + " ".join(f"{head:>{width}}" for head in heads),
    ]
    lines.append("-" * len(lines[-1]))
    for name, title in names.items():
        cells = []
        for scenarios in columns:
            result = scenarios.get(name)
            cells.append(
                "-"
                if result is None
                else f"{result['rps']['median']:.1f}; {result['p99_ms']['median']:.1f} ms; "
                f"{_share(result.get('share_of_floor'))}"
            )
        lines.append(f"{title:<42} " + " ".join(f"{cell:>{width}}" for cell in cells))
    return "\n".join(lines)


def tick_lines(ticks: dict) -> list[str]:
    idle, due, arithmetic = ticks["idle"], ticks.get("due"), ticks["arithmetic"]
    indexed = idle["indexed"]
    lines = [
        f"worker ticks at the end of the seeded history ({ticks['now']}); "
        f"median [min-max] of {len(idle['sla_tick']['ms']['runs'])} runs",
        f"  {'sla_tick, nothing due':<34} {_cell(idle['sla_tick']['ms'], 2):>22} ms, "
        f"{idle['sla_tick']['queries']} queries; {indexed['next_check_at']:,} requests in "
        "its index",
        f"  {'escalation_tick, nothing due':<34} {_cell(idle['escalation_tick']['ms'], 2):>22} ms, "
        f"{idle['escalation_tick']['queries']} queries; {indexed['next_escalation_at']:,} "
        f"requests in its index ({indexed['open']:,} open)",
    ]
    if due:
        lines.append(
            f"  {due['requests_due']:,} requests due: one escalation_tick took "
            f"{due['seconds']:.2f} s ({due['cpu_seconds']:.2f} s of CPU in the worker) and "
            f"fired {due['fired']:,} levels (ledger "
            f"{due['ledger_rows']:,}, timeline {due['timeline_rows']:,}, outbox "
            f"{due['notification_rows']:,} rows; {due['per_10k_escalations_s']} s per 10,000 "
            f"levels); a second tick fired {due['fired_by_a_second_tick']}"
        )
    lines.append(
        f"  business-time arithmetic of a filing: sla_state "
        f"{_cell(arithmetic['sla_state_at_filing_us'])} µs, add_business_time "
        f"{_cell(arithmetic['add_business_time_us'])} µs per call ({arithmetic['calendar']})"
    )
    plans = [f"  plan, {name}: {idle[name]['plan']}" for name in ("sla_tick", "escalation_tick")]
    return lines + plans


def _verdict(target: dict) -> str:
    limit = f"{target['limit']:,.0f}" if target["limit"] >= 1000 else f"{target['limit']:g}"
    return f"target ≤ {limit} {target['unit']}: {'met' if target['met'] else 'NOT met'}"


def announcement_lines(news: dict) -> list[str]:
    """Issue 15's targets (bench/announcements.py), each with its figure and met / NOT met."""
    targets = {target["name"]: target for target in news["targets"]}
    home, report, publish, fanout = news["home"], news["report"], news["publish"], news["fanout"]
    with_notice = home["queries_with_a_current_notice_on_a_service_filed_for"]
    ms = report["ms"]
    return [
        "announcements (in-process on the same copy: the server's own time)",
        f"  home page with news: {home['queries']} queries, {home['queries_without_news']} "
        f"without its news and notices ({home['news_queries']} read them); "
        f"{home['queries_with_no_announcement_in_the_database']} with no announcement in the "
        "database"
        + (f", {with_notice} with a current notice on a service filed for" if with_notice else "")
        + f"; {home['current_announcements_for_the_employee']} current announcements for the "
        f"employee; {home['ms']['median']:.1f} ms median in-process, of which the news query "
        f"{home['news_query_ms']['median']:.1f} ms (the banner's on every other page, for the "
        f"agent: {home['banner_query_ms_agent']['median']:.1f} ms); "
        f"{_verdict(targets['home_queries'])}",
        f"  read-receipt report of an announcement to everyone ({report['audience']:,} in the "
        f"audience, {report['viewed']:,} viewed, {report['acknowledged']:,} acknowledged): "
        f"{ms['median']:.1f} ms median [{ms['min']:.1f}-{ms['max']:.1f}], p95 {ms['p95']:.1f} "
        f"ms, {report['queries']} queries; {_verdict(targets['report_ms'])}",
        f"  publishing to everyone: {publish['ms']['median']:.1f} ms median, slowest "
        f"{publish['ms']['max']:.1f} ms of {publish['ms']['runs']}, {publish['queries']} "
        f"queries; {_verdict(targets['publish_ms'])}",
        f"  fan-out to {fanout['audience']:,}: {fanout['seconds']:.2f} s of announcements_tick "
        f"in {fanout['ticks']} ticks ({fanout['cpu_seconds']:.2f} s of CPU in the worker; "
        f"{fanout['notifications']:,} notifications, {fanout['emails_pending']:,} mails queued; "
        f"at most {fanout['worker_loop_at_most_s']:.1f} s in the worker loop, with the email "
        f"task's turns); {_verdict(targets['fanout_s'])}",
    ]
