"""The park row, the visitor's roles there and their park switcher, read from the page cache.

The park row (read on every park page) is cached by slug until an administrator edits it; the
visitor's roles under the park's ``memberships`` token (``core.fragments``), which every
membership change renews, the admin's included; the switcher per person until their memberships
change. Page content itself is cached as declared fragments (``core.fragments``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from technopark.core.fragments import TIMEOUT, page_cache, topic_tokens
from technopark.parks import queries
from technopark.parks.models import Park

PARK_TIMEOUT = 300


def _park_key(slug: str) -> str:
    return f"tp:park:{slug}"


def park_by_slug(*, slug: str) -> Park | None:
    """The park at ``/<slug>/``, from the cache when it was read in the last few minutes."""
    park: Park | None = page_cache().get(_park_key(slug))
    if park is None:
        park = queries.park_by_slug(slug=slug)
        if park is not None:
            page_cache().set(_park_key(slug), park, PARK_TIMEOUT)
    return park


def forget_park(*, slugs: list[str]) -> None:
    """Drop the cached park rows after an administrator changed a park (slug, name, privacy…)."""
    page_cache().delete_many([_park_key(slug) for slug in slugs])


def roles_in_park(*, park: Park, user: Any) -> list[tuple[str, str]]:
    """The visitor's (role, status) pairs in the park, cached under its memberships token."""
    (token,) = topic_tokens(park.pk, ("memberships",))
    key = f"tp:roles:{park.pk}:{user.pk}:{token}"
    rows: list[tuple[str, str]] | None = page_cache().get(key)
    if rows is None:
        rows = queries.roles_in_park(park=park, user=user)
        page_cache().set(key, rows, TIMEOUT)
    return rows


def switcher_cache_key(*, user_id: int | None, language: str) -> str:
    return f"tp:switcher:{user_id or 'anonymous'}:{language}"


def forget_switcher(*, user_id: int) -> None:
    """Drop a person's park switcher after their memberships changed."""
    page_cache().delete_many(
        [switcher_cache_key(user_id=user_id, language=code) for code, _name in settings.LANGUAGES]
    )
