"""What a park's pages show, cached, and never stale.

Every park has a *version token* in the cache: a random string that every write changing what the
park's pages show renews (``parks.services.park_data_changed``), once inside the writing
transaction and once more when it commits. A cached piece is keyed by the park, its current token,
the visitor's language and whatever else it depends on, so after a write the next request finds
nothing under the new token and renders afresh; old pieces simply expire. The second renewal
retires a token under which a request may have cached what it read just before the commit.
A token that the cache has evicted is replaced by a new one, never by an old one.

The park row itself (read on every park page) and the visitor's roles there are cached the same
way: the park until an administrator edits it, the roles under the park's token (membership
changes renew it).

The cache must be shared by every process that serves the park: Redis (``REDIS_URL``), the file
cache that production uses without Redis, or local memory for a single process (the demo, tests).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from technopark.parks import queries
from technopark.parks.models import Park

T = TypeVar("T")

TIMEOUT = 600
PARK_TIMEOUT = 300


def _version_key(park_id: int) -> str:
    return f"tp:version:{park_id}"


def park_version(park: Park) -> str:
    """The park's current version token (asked once per request: kept on the instance)."""
    token: str | None = getattr(park, "_version_token", None)
    if token is None:
        key = _version_key(park.pk)
        token = cache.get(key)
        if token is None:
            cache.add(key, uuid.uuid4().hex, None)
            token = cache.get(key)  # whoever added first
        park._version_token = token  # type: ignore[attr-defined]
    return str(token)


def renew_park_version(*, park_id: int) -> None:
    """Retire the park's cached pieces: now, and again when the current transaction commits."""

    def renew() -> None:
        cache.set(_version_key(park_id), uuid.uuid4().hex, None)

    renew()
    transaction.on_commit(renew)


def park_cache_key(*, park: Park, name: str, variant: Any) -> str:
    parts = repr((park.slug, translation.get_language(), variant))
    digest = hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()
    return f"tp:{name}:{park.pk}:{park_version(park)}:{digest}"


def cached_for_park(*, park: Park, name: str, variant: Any, build: Callable[[], T]) -> T:
    """The piece ``name`` of ``park`` for ``variant``, built by ``build`` when not cached yet."""
    key = park_cache_key(park=park, name=name, variant=variant)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value


def _park_key(slug: str) -> str:
    return f"tp:park:{slug}"


def park_by_slug(*, slug: str) -> Park | None:
    """The park at ``/<slug>/``, from the cache when it was read in the last few minutes."""
    park: Park | None = cache.get(_park_key(slug))
    if park is None:
        park = queries.park_by_slug(slug=slug)
        if park is not None:
            cache.set(_park_key(slug), park, PARK_TIMEOUT)
    return park


def forget_park(*, slugs: list[str]) -> None:
    """Drop the cached park rows after an administrator changed a park (slug, name, privacy…)."""
    cache.delete_many([_park_key(slug) for slug in slugs])


def roles_in_park(*, park: Park, user: Any) -> list[tuple[str, str]]:
    """The visitor's (role, status) pairs in the park, cached under the park's version token."""
    key = f"tp:roles:{park.pk}:{user.pk}:{park_version(park)}"
    rows: list[tuple[str, str]] | None = cache.get(key)
    if rows is None:
        rows = queries.roles_in_park(park=park, user=user)
        cache.set(key, rows, TIMEOUT)
    return rows


def switcher_cache_key(*, user_id: int | None, language: str) -> str:
    return f"tp:switcher:{user_id or 'anonymous'}:{language}"


def forget_switcher(*, user_id: int) -> None:
    """Drop a person's park switcher after their memberships changed."""
    cache.delete_many(
        [switcher_cache_key(user_id=user_id, language=code) for code, _name in settings.LANGUAGES]
    )
