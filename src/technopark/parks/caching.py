"""Rendered pieces of a park's pages, cached under the park's data version.

A key carries the park, its ``data_version`` (moved by every write that changes what the pages
show, in the same transaction: ``parks.services.park_data_changed``), the visitor's language and
whatever else the piece depends on. A write therefore never serves a stale piece: the next request
reads the new version with the park row it loads anyway and renders afresh. Old entries simply
expire.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from technopark.parks.models import Park

T = TypeVar("T")

TIMEOUT = 600


def park_cache_key(*, park: Park, name: str, variant: Any) -> str:
    parts = repr((park.slug, translation.get_language(), variant))
    digest = hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()
    return f"tp:{name}:{park.pk}:{park.data_version}:{digest}"


def cached_for_park(*, park: Park, name: str, variant: Any, build: Callable[[], T]) -> T:
    """The piece ``name`` of ``park`` for ``variant``, built by ``build`` when not cached yet."""
    key = park_cache_key(park=park, name=name, variant=variant)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value


def switcher_cache_key(*, user_id: int | None, language: str) -> str:
    return f"tp:switcher:{user_id or 'anonymous'}:{language}"


def forget_switcher(*, user_id: int) -> None:
    """Drop a person's park switcher after their memberships changed."""
    cache.delete_many(
        [switcher_cache_key(user_id=user_id, language=code) for code, _name in settings.LANGUAGES]
    )
