"""The header's link to the inbox, with the number of unread notices."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from technopark.notices import queries

_UNREAD = "_technopark_notices_unread"


def unread_for(request: HttpRequest) -> int:
    """The signed-in person's unread notices, counted once per request (0 for nobody)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    if not hasattr(request, _UNREAD):
        # The session's user carries the count (accounts loads it in the same query); anyone
        # else (a token, another backend) pays one indexed COUNT.
        known = getattr(user, "unread_notices", None)
        setattr(request, _UNREAD, queries.unread_count(user) if known is None else known)
    return int(getattr(request, _UNREAD))


@lru_cache(maxsize=1)
def _inbox_url() -> str:
    return reverse("notices:inbox")


def inbox(request: HttpRequest) -> dict[str, Any]:
    """``inbox_url`` and ``inbox_unread`` (counted only when a template shows it)."""
    return {
        "inbox_url": _inbox_url(),
        "inbox_unread": lambda: unread_for(request),
    }
