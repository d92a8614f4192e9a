"""The demo park, seeded once for the package: a park with every kind of record, so that pages
and exports show real rows (each test's own writes are rolled back)."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from technopark.accounts.models import User
from technopark.parks.models import Park

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="package")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("seed_demo", stdout=StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def seeded(demo: None, db: Any) -> Park:
    return Park.objects.get(slug="yakutia")


def demo_client(role: str) -> Client:
    """A client signed in as the demo's ``role`` (``"anonymous"``: nobody)."""
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(User.objects.get(email=f"{role}@demo.technopark"))
    return client
