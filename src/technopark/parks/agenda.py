"""What waits for a person in a park ("Waiting for you"), handed in by the apps that know it.

parks is the base app and imports no other, yet a member's home lists the reports they owe, the
reviews they are to write, the tranches waiting for a second approval. Each app that has
something waiting registers a *provider* from its ``AppConfig.ready()``, in its own
``<app>/agenda.py``::

    agenda.add_provider("selection", provider)

A provider is ``(park, user, access, now) -> list[Item]``: it asks its app's rules whether the
visitor holds the role at all (and then runs no query when not), counts with one aggregate per
kind of item (never one query per row), and gives each item the address of the page where the
person acts. Labels are in the reader's language: the agenda is cached per language.

The agenda is cached as a declared fragment per person (``AGENDA``): every topic a provider
reads is among its topics, so a write anywhere in the park renews it; it also depends on the
park's local day (what is due today).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from technopark.core.fragments import TOPICS, Fragment
from technopark.core.scopes import park_scope
from technopark.parks import rules
from technopark.parks.models import Park
from technopark.parks.rules import ParkAccess

# How pressing an item is (codes, also the CSS modifier of the row), in the order shown.
OVERDUE = "overdue"  # past its date: act now
DUE = "due"  # waits for the person's action
INFO = "info"  # something to know or attend, nothing to do yet
URGENCIES = (OVERDUE, DUE, INFO)


@dataclass(frozen=True)
class Item:
    """One line of the agenda: what waits, how many, and where to act."""

    kind: str  # a stable code, "<app>.<what>" (tests and styles read it, people never do)
    label: str  # already translated, counted ("3 reviews to write")
    count: int
    url: str
    urgency: str = DUE
    when: date | datetime | None = None  # the nearest date, when there is one

    @property
    def is_overdue(self) -> bool:
        return self.urgency == OVERDUE


_SHOWN = "_technopark_agenda"  # the request's own park's agenda, once the page has read it

Provider = Callable[[Park, Any, ParkAccess, datetime], list[Item]]

_providers: dict[str, Provider] = {}


def add_provider(name: str, provider: Provider) -> None:
    """Register (or replace) the provider of an app; called from ``AppConfig.ready()``."""
    _providers[name] = provider


def _order(item: Item) -> tuple[int, str, str]:
    when = item.when.isoformat() if item.when is not None else "9999"
    return (URGENCIES.index(item.urgency), when, item.kind)


def agenda(*, park: Park, access: ParkAccess, now: datetime | None = None) -> list[Item]:
    """What waits for the visitor in ``park``: the most pressing first. Empty for anyone who
    is not signed in; providers decide by role what else they show."""
    if not access.is_authenticated:
        return []
    moment = now or timezone.now()
    items: list[Item] = []
    with park_scope(park):
        for provider in _providers.values():
            items.extend(item for item in provider(park, access.user, access, moment) if item.count)
    return sorted(items, key=_order)


AGENDA = Fragment(
    "park-agenda",
    topics=tuple(sorted(TOPICS)),
    varies_on=(rules.is_member, rules.is_staff),
    per_user=True,
    local_day=True,
)


def cached_agenda(
    request: HttpRequest, *, park: Park | None = None, access: ParkAccess | None = None
) -> list[Item]:
    """The visitor's agenda in the request's park (or in ``park``, seen with ``access``, for a
    page across parks), from the cache while nothing it shows has changed."""
    if park is None or access is None:
        park, access = request.park, request.access  # type: ignore[attr-defined]
    chosen_park, chosen_access = park, access
    items: list[Item] = AGENDA.get(
        request,
        build=lambda: agenda(park=chosen_park, access=chosen_access),
        park=chosen_park,
        access=chosen_access,
    )
    if chosen_park == getattr(request, "park", None):
        setattr(request, _SHOWN, items)  # the header counts what the page shows
    return items


def known_count(request: HttpRequest) -> int | None:
    """The number of items waiting in the request's park when the agenda is in the cache
    (None otherwise): the header shows it without running any provider."""
    park, access = getattr(request, "park", None), getattr(request, "access", None)
    if park is None or access is None or not rules.is_member(access):
        return None
    items = getattr(request, _SHOWN, None)
    if items is None:
        items = AGENDA.peek(request, park=park, access=access)
    return None if items is None else sum(item.count for item in items)
