"""The spaces pages' cache: calendar and free-slot results, never stale.

Bookings change far more often than the rest of a park, so spaces keep a version token of their
own per park (beside the park's, ``parks.caching``): every write to resources, hours, closures or
bookings renews it (``spaces_changed``), now and again when the transaction commits, and each
cached piece is keyed by both tokens. Companies' pages stay cached while people book.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from technopark.parks.caching import park_version
from technopark.parks.models import Park

T = TypeVar("T")

TIMEOUT = 600


def _key(park_id: int) -> str:
    return f"tp:spaces-version:{park_id}"


def spaces_version(park: Park) -> str:
    token: str | None = getattr(park, "_spaces_version", None)
    if token is None:
        key = _key(park.pk)
        token = cache.get(key)
        if token is None:
            cache.add(key, uuid.uuid4().hex, None)
            token = cache.get(key)
        park._spaces_version = token  # type: ignore[attr-defined]
    return str(token)


def spaces_changed(*, park_id: int) -> None:
    """Retire the park's cached spaces pieces: now, and when the current transaction commits."""

    def renew() -> None:
        cache.set(_key(park_id), uuid.uuid4().hex, None)

    renew()
    transaction.on_commit(renew)


def cached(*, park: Park, name: str, variant: Any, build: Callable[[], T]) -> T:
    parts = repr((park.slug, translation.get_language(), variant))
    digest = hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()
    key = f"tp:{name}:{park.pk}:{park_version(park)}:{spaces_version(park)}:{digest}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value
