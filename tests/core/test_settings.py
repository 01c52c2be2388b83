"""Configuration comes from the environment, and production settings pass Django's deploy check."""

import os
import subprocess
import sys
from pathlib import Path

STAFFDESK = str(Path(sys.executable).parent / "staffdesk")


def _run(tmp_path, *args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    full_env.update(STAFFDESK_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [STAFFDESK, *args], env=full_env, capture_output=True, text=True, timeout=120
    )


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    result = _run(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 20 + "production-secret-key-with-enough-entropy-3f9a7c1e",
        DEBUG="false",
        STAFFDESK_HTTPS="true",
        ALLOWED_HOSTS="desk.city.example",
        STAFFDESK_BASE_URL="https://desk.city.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_a_secret_key_one_is_generated_once_and_kept(tmp_path):
    assert _run(tmp_path, "check").returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert _run(tmp_path, "check").returncode == 0
    assert (tmp_path / "secret_key").read_text() == key
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    result = _run(
        tmp_path,
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], "
        "c.execute('PRAGMA busy_timeout').fetchone()[0], "
        "connection.settings_dict['OPTIONS']['transaction_mode'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["wal", "20000", "IMMEDIATE"]


def test_email_url_configures_smtp(tmp_path):
    result = _run(
        tmp_path,
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS)",
        EMAIL_URL="smtp+tls://mailer:pw@mail.city.example:587",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.city.example",
        "587",
        "True",
    ]


def _make_dry_run(target: str) -> str:
    """What `make <target>` would run on a machine without the virtualenv."""
    result = subprocess.run(
        ["make", "-n", target, "VENV=/nonexistent/venv"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_installs_only_what_running_needs():
    run = _make_dry_run("run")
    assert "pip install -q -e ." in run
    assert "[dev]" not in run
    assert "collectstatic" in run
    assert "[dev]" in _make_dry_run("test")


def test_the_default_time_zone_is_the_demo_organizations(tmp_path):
    result = _run(
        tmp_path, "shell", "-c", "from django.conf import settings; print(settings.TIME_ZONE)"
    )
    assert result.stdout.strip().splitlines()[-1] == "America/New_York", result.stderr


def test_server_side_cursors_can_be_turned_off_for_a_transaction_pooler(tmp_path):
    # Behind PgBouncer in transaction mode `sla-rebuild`'s cursor would be looked for on
    # another server connection ("portal ... does not exist"); docs/deploy.md.
    script = (
        "from django.db import connection; "
        "print(connection.settings_dict['DISABLE_SERVER_SIDE_CURSORS'])"
    )
    default = _run(tmp_path, "shell", "-c", script)
    pooled = _run(tmp_path, "shell", "-c", script, DISABLE_SERVER_SIDE_CURSORS="true")
    assert default.returncode == 0 and pooled.returncode == 0, default.stderr + pooled.stderr
    assert default.stdout.strip().splitlines()[-1] == "False"
    assert pooled.stdout.strip().splitlines()[-1] == "True"
