"""No double booking, ever: fifty requests for one slot at once give one booking and 49 clear
conflicts — on PostgreSQL (the exclusion constraint) and on SQLite (an IMMEDIATE transaction)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction

from technopark.spaces.models import Booking
from tests.spaces.race import CLIENTS, book_at_once, setup_world

ROOT = Path(__file__).resolve().parents[2]


def _assert_one_winner(results, bookings: int) -> None:
    codes = sorted(code for code, _ in results)
    assert len(results) == CLIENTS
    assert codes.count(201) == 1, results
    assert codes.count(409) == CLIENTS - 1, results
    assert bookings == 1
    for code, body in results:
        if code == 409:
            # A clear answer: which resource, which time, in the site's zone (in the visitor's
            # language: the SQLite race runs in a subprocess that speaks the default, Russian).
            assert "Переговорная" in body["detail"]
            assert "already booked" in body["detail"] or "уже забронирован" in body["detail"]
            assert "10:00–11:00" in body["detail"] and "Asia/Yakutsk" not in body["detail"]
            assert "Yakutsk" in body["detail"] or "кутск" in body["detail"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_requests_on_postgresql(settings):
    assert connection.vendor == "postgresql"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    park, room, secrets, starts_at = setup_world()
    results = book_at_once(
        park_slug=park.slug, resource_id=room.pk, secrets=secrets, starts_at=starts_at
    )
    _assert_one_winner(results, Booking.all_parks.filter(resource=room).count())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_itself_refuses_an_overlap_on_postgresql():
    """Even a write that skips the service cannot double-book: the exclusion constraint."""
    park, room, _secrets, starts_at = setup_world()
    from technopark.accounts.models import User

    user = User.objects.first()
    fields = dict(park=park, resource=room, booked_by=user, ends_at=starts_at.replace(hour=12))
    Booking.all_parks.create(starts_at=starts_at, **fields)
    with pytest.raises(IntegrityError, match="spaces_booking_no_overlap"), transaction.atomic():
        Booking.all_parks.create(starts_at=starts_at.replace(hour=11), **fields)
    # Inactive bookings do not count.
    Booking.all_parks.create(starts_at=starts_at.replace(hour=11), status="cancelled", **fields)


def test_fifty_parallel_requests_on_sqlite(tmp_path):
    database = tmp_path / "race.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "technopark.settings",
    }
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "tests.spaces.race", str(database)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    outcome = json.loads(completed.stdout.strip().splitlines()[-1])
    assert outcome["vendor"] == "sqlite"
    assert outcome["options"] == {"transaction_mode": "IMMEDIATE"}
    _assert_one_winner(outcome["results"], outcome["bookings"])
