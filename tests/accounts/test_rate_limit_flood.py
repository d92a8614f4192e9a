"""Login rate limits live in a cache that page caching cannot fill: flooding the page cache
never wipes the counters, so after five wrong passwords for an address the sixth attempt is
refused ("Too many failed login attempts"), even with the right password."""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from django.test import Client

from technopark.core.fragments import page_cache
from tests.factories import UserFactory

TOO_MANY = "Too many failed login attempts"


def _sign_in(client: Client, email: str, password: str) -> str:
    response = client.post("/accounts/login/", {"login": email, "password": password})
    return response.content.decode() if response.status_code == 200 else ""


def test_a_flooded_page_cache_keeps_the_login_rate_limit(db: Any, settings: Any) -> None:
    person = UserFactory(email="target@example.org")
    client = Client()
    answers = [_sign_in(client, person.email, "not-the-password") for _ in range(5)]
    assert all(TOO_MANY not in answer for answer in answers)
    # Far more page entries than the page cache holds: it culls, and only its own entries.
    limit = settings.CACHES["pages"]["OPTIONS"]["MAX_ENTRIES"]
    store = page_cache()
    for n in range(limit * 3):
        store.set(f"tp:fragment:flood:{n}", ("x" * 100,), 600)
    assert store.get("tp:fragment:flood:0") is None  # the flood did evict pages
    refused = _sign_in(client, person.email, "correct-horse-battery")
    assert TOO_MANY in refused
    assert "_auth_user_id" not in client.session


def test_the_page_cache_is_not_the_default_cache(settings: Any) -> None:
    assert settings.CACHES["pages"] != settings.CACHES["default"]
    assert page_cache() is not caches["default"]
