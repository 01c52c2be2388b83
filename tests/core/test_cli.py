"""The console command as a new administrator meets it: help under the names people type,
and a clear instruction (not a traceback) on a database that was never migrated."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

STAFFDESK = str(Path(sys.executable).parent / "staffdesk")


def _run(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # A fresh SQLite file under var_dir: nothing migrated, whatever database the suite uses.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(STAFFDESK_VAR_DIR=str(var_dir), LOG_LEVEL="WARNING")
    return subprocess.run([STAFFDESK, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("spelling", ["sla-rebuild", "sla_rebuild"])
def test_help_accepts_the_spelling_that_runs_the_command(tmp_path, spelling):
    result = _run(tmp_path, "help", spelling)
    assert result.returncode == 0, result.stderr
    assert "usage: staffdesk sla_rebuild" in result.stdout
    assert "--check" in result.stdout


@pytest.mark.parametrize(
    "command",
    [
        ["sla-rebuild", "--check"],
        ["demo", "--if-empty"],
        ["worker", "--once"],
        ["serve", "--port", "0", "--no-worker"],
        ["createsuperuser", "--noinput", "--username", "root", "--email", "root@city.example"],
    ],
    ids=lambda command: command[0],
)
def test_a_database_never_migrated_is_told_in_words(tmp_path, command):
    result = _run(tmp_path, *command)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "run `staffdesk migrate` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_after_migrate_the_same_command_runs(tmp_path):
    assert _run(tmp_path, "migrate", "--no-input", "-v", "0").returncode == 0
    result = _run(tmp_path, "sla-rebuild", "--check")
    assert result.returncode == 0, result.stderr
