"""The settings module: environment-driven, secure in production, SQLite tuned for one writer."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # A clean environment: none of ours, and not the browser tests' async switch either.
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TECHNOPARK_", "DATABASE", "DJANGO_ALLOW_ASYNC"))
    }
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_the_production_environment(tmp_path):
    key_file = tmp_path / "secret"
    key_file.write_text(secrets.token_urlsafe(64))
    audit_key_file = tmp_path / "audit"
    audit_key_file.write_text(secrets.token_urlsafe(48))
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "TECHNOPARK_PRODUCTION": "1",
            "TECHNOPARK_SECRET_KEY_FILE": str(key_file),
            "TECHNOPARK_AUDIT_KEY_FILE": str(audit_key_file),
            "TECHNOPARK_ALLOWED_HOSTS": "park.example.org",
            "TECHNOPARK_VAR_DIR": str(tmp_path / "var"),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _manage(
        "check",
        env={
            "TECHNOPARK_PRODUCTION": "1",
            "TECHNOPARK_ALLOWED_HOSTS": "park.example.org",
            "TECHNOPARK_VAR_DIR": str(tmp_path / "var"),
        },
    )
    assert result.returncode != 0
    assert "TECHNOPARK_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_an_audit_key(tmp_path):
    env = {
        "TECHNOPARK_PRODUCTION": "1",
        "TECHNOPARK_SECRET_KEY": secrets.token_urlsafe(64),
        "TECHNOPARK_ALLOWED_HOSTS": "park.example.org",
        "TECHNOPARK_VAR_DIR": str(tmp_path / "var"),
    }
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "TECHNOPARK_AUDIT_KEY" in result.stderr
    # Nor with a short key, or the secret key again.
    for weak in ("short", env["TECHNOPARK_SECRET_KEY"]):
        result = _manage("check", env={**env, "TECHNOPARK_AUDIT_KEY": weak})
        assert result.returncode != 0
        assert "TECHNOPARK_AUDIT_KEY must be" in result.stderr


def test_demo_writes_a_secret_key_under_var_once(tmp_path):
    var = tmp_path / "var"
    for _ in range(2):
        result = _manage("check", env={"TECHNOPARK_VAR_DIR": str(var)})
        assert result.returncode == 0, result.stderr
    key = (var / "secret_key").read_text()
    assert len(key) > 50
    assert oct((var / "secret_key").stat().st_mode)[-3:] == "600"


def test_sqlite_runs_in_wal_with_immediate_transactions():
    if connection.vendor != "sqlite":
        assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
        return
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
