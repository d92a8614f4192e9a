"""The signed-in person and their API token, read from the cache on most requests.

Every signed-in request needs its user, and every API call its token: both are kept in the shared
cache for a minute. Saving or deleting a user drops their entry at once (``apps.ready`` connects
the signal), so a password change, a deactivation or a new name is seen by the next request; so
does revoking a token. What changes a user without saving it (a bulk ``update()``) is seen within
the minute.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction

from technopark.accounts import queries
from technopark.accounts.models import User

TIMEOUT = 60


def _user_key(user_id: Any) -> str:
    return f"tp:user:{user_id}"


def _token_key(key_hash: str) -> str:
    return f"tp:token:{key_hash}"


def user_by_id(*, user_id: Any) -> User | None:
    key = _user_key(user_id)
    user: User | None = cache.get(key)
    if user is None:
        user = queries.user_by_id(user_id=user_id)
        if user is not None:
            cache.set(key, user, TIMEOUT)
    return user


def forget_user(*, user_id: Any) -> None:
    """Drop the cached user now and again once the transaction commits."""

    def forget() -> None:
        cache.delete(_user_key(user_id))

    forget()
    transaction.on_commit(forget)


def token_owner(*, key_hash: str) -> tuple[int, int, Any] | None:
    """(user id, token id, last used) of an unrevoked token of an active user, or None."""
    key = _token_key(key_hash)
    entry: tuple[int, int, Any] | None = cache.get(key)
    if entry is None:
        user = queries.user_by_token_hash(key_hash=key_hash)
        if user is None:
            return None
        entry = (user.pk, user.token_id, user.token_last_used_at)  # type: ignore[attr-defined]
        cache.set(key, entry, TIMEOUT)
    return entry


def remember_token_use(*, key_hash: str, entry: tuple[int, int, Any]) -> None:
    cache.set(_token_key(key_hash), entry, TIMEOUT)


def forget_token(*, key_hash: str) -> None:
    def forget() -> None:
        cache.delete(_token_key(key_hash))

    forget()
    transaction.on_commit(forget)
