"""The servers `make bench` can serve with (`BENCH_SERVER`), and one served process.

Every choice serves the same three applications (staffdesk and the two floors of
`bench/floor/`) with the same settings, so that a scenario's figures under two servers, and
a scenario against its floor under one server, compare like for like. Worker and thread
counts follow each server's own documentation for the machine's cores:

- `gunicorn-sync` (the default, what production runs): `2 x cores + 1` sync workers, one
  request at a time each (gunicorn's "Design" page);
- `gunicorn-gthread`: `cores` workers of `2 x cores` threads (the settings reference puts
  both in the 2-4 x cores range; fewer processes, threads for the time spent waiting on the
  database);
- `granian`: the WSGI interface, `cores` workers (its README: "matching the amount of CPU
  cores for the workers is generally the best starting point") and its own default for the
  blocking threads (spawned on demand, up to half its backpressure);
- `waitress`: `staffdesk serve --no-worker` itself, the embedded default (one process,
  8 threads), and `waitress-serve` with the same 8 threads for the floors.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
CORES = os.cpu_count() or 1
DEFAULT_SERVER = "gunicorn-sync"

# The applications a server can be asked to serve: WSGI target, settings module, and the
# path that answers 200 once it is ready.
APPS = {
    "staffdesk": ("staffdesk.config.wsgi:application", "staffdesk.config.settings", "/signin/"),
    "floor_django": ("bench.floor.wsgi:application", "bench.floor.settings", "/"),
    "floor_wsgi": ("bench.floor.hello:application", "bench.floor.settings", "/"),
}


@dataclass(frozen=True)
class ServerChoice:
    """One `BENCH_SERVER` value: the server, its processes and its threads per process."""

    name: str
    package: str
    kind: str
    workers: int
    threads: int | None  # per worker; None: the server's own default
    threads_note: str = ""

    def describe(self) -> dict:
        """What the results JSON records of the server."""
        return {
            "name": self.name,
            "software": f"{self.package} {version(self.package)} ({self.kind})",
            "workers": self.workers,
            "threads": self.threads,
            **({"threads_note": self.threads_note} if self.threads_note else {}),
        }

    def label(self) -> str:
        """How the table heads name it: `gunicorn-gthread (2 workers x 4 threads)`."""
        threads = (
            f"{self.threads} thread{'s' * (self.threads != 1)}"
            if self.threads
            else ("default threads")
        )
        return f"{self.name} ({self.workers} worker{'s' * (self.workers != 1)} x {threads})"

    def command(self, app: str, port: int) -> list[str]:
        target = APPS[app][0]
        if self.package == "gunicorn":
            args = [str(BIN / "gunicorn"), target, "--workers", str(self.workers)]
            if self.threads and self.threads > 1:
                args += ["--worker-class", "gthread", "--threads", str(self.threads)]
            # Long enough for the slowest first page on a cold cache; a real deployment
            # keeps gunicorn's default of 30 s.
            return [*args, "--bind", f"{HOST}:{port}", "--log-level", "warning", "--timeout", "120"]
        if self.package == "granian":
            return [
                str(BIN / "granian"),
                "--interface",
                "wsgi",
                "--host",
                HOST,
                "--port",
                str(port),
                "--workers",
                str(self.workers),
                "--log-level",
                "warning",
                target,
            ]
        threads = str(self.threads)
        if app == "staffdesk":
            return [
                str(BIN / "staffdesk"),
                "serve",
                "--no-worker",
                "--host",
                HOST,
                "--port",
                str(port),
                "--threads",
                threads,
            ]
        return [
            str(BIN / "waitress-serve"),
            f"--listen={HOST}:{port}",
            f"--threads={threads}",
            target,
        ]


SERVERS = {
    choice.name: choice
    for choice in (
        ServerChoice("gunicorn-sync", "gunicorn", "sync workers", 2 * CORES + 1, 1),
        ServerChoice("gunicorn-gthread", "gunicorn", "gthread workers", CORES, 2 * CORES),
        ServerChoice(
            "granian",
            "granian",
            "WSGI",
            CORES,
            None,
            "granian's default blocking threads (on demand, up to backpressure / 2)",
        ),
        ServerChoice("waitress", "waitress", "staffdesk serve", 1, 8),
    )
}


def server_choices(value: str) -> list[ServerChoice]:
    """`BENCH_SERVER`: one name or several, comma-separated, in the order given."""
    names = [name.strip() for name in value.split(",") if name.strip()] or [DEFAULT_SERVER]
    unknown = [name for name in names if name not in SERVERS]
    if unknown:
        raise SystemExit(
            f"BENCH_SERVER: unknown {', '.join(unknown)}; choose from {', '.join(SERVERS)}"
        )
    return [SERVERS[name] for name in dict.fromkeys(names)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """One application served by one server choice, on a free loopback port."""

    def __init__(self, choice: ServerChoice, app: str, env: dict, log: Path | None = None) -> None:
        self.choice = choice
        self.app = app
        # The server's own output (waitress warns of every queued request under load, granian
        # of its thread count): in `log` when given, so the bench's lines stay readable.
        self.log = log
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        path = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
        self.env = {
            **env,
            "DJANGO_SETTINGS_MODULE": APPS[app][1],
            "PYTHONPATH": path,
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
            "ALLOWED_HOSTS": HOST,
            "STAFFDESK_BASE_URL": self.base,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        output = self.log.open("w") if self.log else None
        try:
            self.process = subprocess.Popen(  # noqa: S603 - our own server
                self.choice.command(self.app, self.port),
                env=self.env,
                cwd=ROOT,
                start_new_session=True,
                stdout=output,
                stderr=subprocess.STDOUT if output else None,
            )
        finally:
            if output:
                output.close()
        ready = self.base + APPS[self.app][2]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(ready, timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                raise SystemExit(
                    f"{self.choice.name} exited before it served {self.app}{self._tail()}"
                )
            time.sleep(0.3)
        self.stop()
        raise SystemExit(f"{self.choice.name} did not answer within 60 s{self._tail()}")

    def _tail(self) -> str:
        if not self.log or not self.log.exists():
            return ""
        lines = self.log.read_text(errors="replace").splitlines()[-20:]
        return f"; the end of {self.log}:\n" + "\n".join(lines)

    def pids(self) -> list[int]:
        """The server's process, then its children (the workers)."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        workers = [int(pid) for pid in children.read_text().split()] if children.exists() else []
        return [self.process.pid, *workers]

    def stop(self) -> bool:
        """SIGTERM to the server's process group; True when every process of it exited by
        itself within 30 s (the rest are killed)."""
        if not self.process:
            return True
        group = self.process.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            self.process.poll()
            try:
                os.killpg(group, 0)  # anyone of the group left?
            except ProcessLookupError:
                self.process.wait()
                return True
            time.sleep(0.1)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        self.process.wait()
        return False
