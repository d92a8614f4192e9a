"""Fifty requests for one slot at once, through the API: shared by the PostgreSQL test (in the
test process) and the SQLite test (``python -m tests.spaces.race <db file>`` in a fresh process
on a file database, because an in-memory database cannot be shared by independent connections).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any

CLIENTS = 50


def book_at_once(
    *, park_slug: str, resource_id: int, secrets: list[str], starts_at: datetime
) -> list[tuple[int, Any]]:
    """One API request per token, all at once; each thread has its own test client and so its
    own database connection. An exception is reported as a ``(0, repr)`` result."""
    from django.test import Client

    from tests.concurrency import race

    body = json.dumps(
        {
            "resource": resource_id,
            "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(hours=1)).isoformat(),
        }
    )

    def one(secret: str) -> tuple[int, Any]:
        response = Client().post(
            f"/api/v1/parks/{park_slug}/spaces/bookings",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )
        try:
            payload: Any = json.loads(response.content)
        except ValueError:
            payload = response.content[:300].decode(errors="replace")
        return response.status_code, payload

    outcome = race(*(partial(one, secret) for secret in secrets), timeout=60)
    return outcome.values + [(0, repr(error)) for error in outcome.errors]


def setup_world(slug: str = "race") -> tuple[Any, Any, list[str], datetime]:
    """A park, a site in Yakutsk, one room, and a staff member's token per client."""
    import zoneinfo

    from django.utils import timezone

    from technopark.accounts import services as account_services
    from technopark.accounts.models import User
    from technopark.parks.models import Membership, Park, Role, Site
    from technopark.spaces import services

    park = Park.objects.create(slug=slug, name="Гонка", region="14")
    site = Site.all_parks.create(
        park=park, name="Корпус", address="Якутск", time_zone="Asia/Yakutsk"
    )
    room = services.resource_create(site=site, name="Переговорная", resource_type="room")
    secrets = []
    for n in range(CLIENTS):
        user = User.objects.create_user(email=f"racer{n}@example.org", password=None)
        Membership.all_parks.create(park=park, user=user, role=Role.MANAGER)
        secrets.append(account_services.api_token_create(user=user, name="race", scope="write")[1])
    zone = zoneinfo.ZoneInfo("Asia/Yakutsk")
    day = timezone.localtime(timezone.now(), zone).date() + timedelta(days=1)
    return park, room, secrets, datetime.combine(day, time(10), zone)


def main(path: str) -> None:  # pragma: no cover - runs in a subprocess
    import os

    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "technopark.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", run_syncdb=True, verbosity=0)
    park, room, secrets, starts_at = setup_world()
    results = book_at_once(
        park_slug=park.slug, resource_id=room.pk, secrets=secrets, starts_at=starts_at
    )
    from technopark.spaces.models import Booking

    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "options": {
                    k: v
                    for k, v in connection.settings_dict["OPTIONS"].items()
                    if k == "transaction_mode"
                },
                "results": results,
                "bookings": Booking.all_parks.filter(resource=room).count(),
            }
        )
    )


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1])
