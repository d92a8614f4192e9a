"""``/healthz``, ``/readyz``, and the 503 a visitor gets when the database is gone.

The database-gone tests start a real gunicorn with a database that cannot be reached (a SQLite
file in a directory that does not exist; a PostgreSQL port nobody listens on) and ask it over
HTTP: the probe says which check failed, pages and the API answer 503 with ``Retry-After``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from technopark.core import health

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_names_every_check(client, django_assert_max_num_queries):
    client.get("/readyz")  # the migration check runs once per process
    with django_assert_max_num_queries(2):
        response = client.get("/readyz/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "migrations", "tasks"}
    assert all(check["ok"] and check["ms"] >= 0 for check in body["checks"].values())
    assert "Set-Cookie" not in response.headers


@pytest.mark.django_db
def test_readyz_fails_when_the_cache_does_not_keep_values(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["cache"] == {
        "ok": False,
        "error": "RuntimeError",
        "ms": body["checks"]["cache"]["ms"],
    }
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_readyz_fails_while_a_migration_is_not_applied(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    last = recorder.migration_qs.filter(app="residency").order_by("-id").first()
    assert last is not None
    last.delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["ok"] is False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 — http only
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(
    params=[
        "sqlite:////nonexistent-technopark-dir/db.sqlite3",
        "postgres://postgres@127.0.0.1:9/technopark",
    ],
    ids=["sqlite", "postgres"],
)
def server_without_database(request, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": request.param,
        "TECHNOPARK_DEBUG": "0",
        "TECHNOPARK_ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(  # noqa: S603 — our own command line
        [
            sys.executable,
            "-m",
            "gunicorn",
            "technopark.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if _get(f"{base}/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(
            f"gunicorn did not start: {process.stderr.read().decode() if process.stderr else ''}"
        )
    yield base
    process.terminate()
    process.wait(timeout=10)


def test_without_a_database_the_probes_and_pages_say_so(server_without_database):
    base = server_without_database
    status, _, body = _get(f"{base}/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})

    status, _, body = _get(f"{base}/readyz")
    assert status == 503
    checks = json.loads(body)["checks"]
    assert checks["database"]["ok"] is False
    assert checks["database"]["error"] == "OperationalError"
    assert checks["cache"]["ok"] is True

    status, headers, body = _get(f"{base}/", {"Accept-Language": "ru"})
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "временно недоступна" in body.decode()

    status, headers, body = _get(f"{base}/yakutia/residents/", {"Accept-Language": "en"})
    assert status == 503
    assert "briefly unavailable" in body.decode()

    status, headers, body = _get(f"{base}/api/v1/parks")
    assert status == 503
    assert headers["Content-Type"].startswith("application/json")
    assert headers["Retry-After"] == "30"
    assert "detail" in json.loads(body)


@pytest.mark.django_db(transaction=True)
def test_a_query_error_on_a_reachable_database_stays_a_500():
    from django.db import DatabaseError, OperationalError, connection

    with pytest.raises(DatabaseError) as raised, connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_here")
    # SQLite calls a missing table an operational error, PostgreSQL a programming error; a
    # deadlock is operational on both: none of them means the database is gone.
    assert health.database_unavailable(raised.value) is False
    assert health.database_unavailable(OperationalError("deadlock detected")) is False
    assert health.database_unavailable(ValueError("x")) is False
