"""The signed-in person and their API token, read from the cache on most requests.

Every signed-in request needs its user, and every API call its token: both are kept in the shared
cache for a minute. Saving or deleting a user drops their entry at once (``apps.ready`` connects
the signal), so a password change, a deactivation or a new name is seen by the next request; so
does revoking a token. What changes a user without saving it (a bulk ``update()``) is seen within
the minute.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any, NamedTuple

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

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


class TokenEntry(NamedTuple):
    """What a request needs of a token and its owner besides the user itself."""

    user_id: int
    token_id: int
    last_used: Any
    expires_at: Any
    scope: str
    fingerprint: str
    for_staff: bool
    staff_member: bool
    totp: bool


def _aware(moment: Any) -> Any:
    if moment is not None and timezone.is_naive(moment):
        return moment.replace(tzinfo=UTC)  # SQLite hands a raw column back without a zone
    return moment


def token_owner(*, key_hash: str) -> TokenEntry | None:
    """An unrevoked token of an active user, with its owner's staff and two-factor state.

    Kept for a minute; revoking the token, and any change to its owner's memberships or
    authenticators, drops the entry (``forget_token``, ``forget_tokens_of``), so those take
    effect at the next request. The expiry and the password are checked on every request.
    """
    key = _token_key(key_hash)
    entry: TokenEntry | None = cache.get(key)
    if entry is None:
        user = queries.user_by_token_hash(key_hash=key_hash)
        if user is None:
            return None
        entry = TokenEntry(
            user_id=user.pk,
            token_id=user.token_id,  # type: ignore[attr-defined]
            last_used=_aware(user.token_last_used_at),  # type: ignore[attr-defined]
            expires_at=_aware(user.token_expires_at),  # type: ignore[attr-defined]
            scope=user.token_scope,  # type: ignore[attr-defined]
            fingerprint=user.token_fingerprint,  # type: ignore[attr-defined]
            for_staff=bool(user.token_for_staff),  # type: ignore[attr-defined]
            staff_member=bool(user.staff_member),  # type: ignore[attr-defined]
            totp=bool(user.totp),  # type: ignore[attr-defined]
        )
        cache.set(key, entry, TIMEOUT)
    return entry


def remember_token_use(*, key_hash: str, entry: TokenEntry) -> None:
    cache.set(_token_key(key_hash), entry, TIMEOUT)


def forget_token(*, key_hash: str) -> None:
    def forget() -> None:
        cache.delete(_token_key(key_hash))

    forget()
    transaction.on_commit(forget)


def forget_tokens_of(*, user_id: Any) -> None:
    """Drop the cached entries of every token of a person (their roles or second factor changed)."""
    hashes = list(queries.token_hashes_of(user_id=user_id))

    def forget() -> None:
        cache.delete_many([_token_key(key_hash) for key_hash in hashes])

    if hashes:
        forget()
        transaction.on_commit(forget)
