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

Each provider declares the cache topics it reads, with a decorator on the function::

    @agenda.reads("selection", "companies")
    def provider(park, user, access, now): ...

and ``add_provider`` refuses a provider that declares none (fail closed). The test suite checks
that the tables a provider's queries read belong to the topics it declares
(``tests/parks/test_agenda_topics.py``).

The agenda is cached twice over. The whole agenda is a declared fragment per person
(``AGENDA``) whose topics are every topic, so a cached visit costs one token read and one value
read, and any write in the park retires it. It is then rebuilt from one cached *part* per
provider (``PARTS``): the part's topics are what the provider declares (and "memberships", since
the visitor's roles decide what each provider shows), so after a write only the providers that
read what it changed run; the others' lines come from the cache (a part is read with
``Fragment.get`` nested in the whole's build: seven small reads, about a millisecond with the file
cache). Both depend on the park's local day (what is due today); the whole is the short-lived one,
so that a line the clock alone changes (a review becoming overdue) shows as soon as with one
fragment, and the header's count (``known_count``) is summed from the parts while the whole is
gone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils import timezone

from technopark.core.fragments import TIMEOUT, TOPICS, Fragment
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

# What the agenda shows depends on these predicates of the visitor's access (and on the visitor).
_VARIES_ON: tuple[Callable[[Any], bool], ...] = (rules.is_member, rules.is_staff)
# Some lines change with the clock alone (a review becomes overdue, a call closes). The whole
# agenda may be assembled from parts kept earlier, so the two lifetimes add up to a fragment's
# usual one: what the clock changes shows within ``TIMEOUT`` seconds, as with one fragment. The
# whole is the short-lived one: assembling it from cached parts costs about a millisecond.
WHOLE_TIMEOUT = TIMEOUT // 5
PART_TIMEOUT = TIMEOUT - WHOLE_TIMEOUT

P = TypeVar("P", bound=Provider)

_READS = "agenda_topics"  # the attribute ``reads`` puts on a provider

_providers: dict[str, Provider] = {}


@dataclass(frozen=True)
class AgendaPart(Fragment):
    """The cached lines of one provider: a fragment only ever read inside ``AGENDA``'s build,
    so it is not among the pages' fragments (``core.fragments.FRAGMENTS``): it reads nothing
    from the address and is checked through ``AGENDA``'s samples."""

    def __post_init__(self) -> None:
        unknown = set(self.topics) - TOPICS
        if unknown or not self.topics:
            raise ValueError(f"Unknown or no cache topics: {sorted(unknown)}")


#: Each provider's cached part, by the provider's name.
PARTS: dict[str, AgendaPart] = {}


def reads(*topics: str) -> Callable[[P], P]:
    """Declare the cache topics whose data a provider reads (its part is renewed by theirs)."""
    unknown = set(topics) - TOPICS
    if unknown or not topics:
        raise ValueError(f"Unknown or no cache topics: {sorted(unknown)}")

    def declare(provider: P) -> P:
        setattr(provider, _READS, tuple(sorted(set(topics))))
        return provider

    return declare


def topics_read(provider: Provider) -> tuple[str, ...]:
    """The topics ``provider`` declares (empty when it declares none)."""
    return tuple(getattr(provider, _READS, ()))


def add_provider(name: str, provider: Provider) -> None:
    """Register (or replace) the provider of an app; called from ``AppConfig.ready()``. The
    provider must declare the topics it reads (``@agenda.reads(...)``): one that does not is
    refused, since its lines would never be renewed."""
    declared = topics_read(provider)
    if not declared:
        raise ImproperlyConfigured(
            f"The agenda provider {name!r} declares no cache topics: "
            "decorate it with @agenda.reads(...)."
        )
    _providers[name] = provider
    PARTS[name] = AgendaPart(
        f"park-agenda:{name}",
        # The visitor's roles (memberships) decide what every provider shows.
        topics=tuple(sorted({*declared, "memberships"})),
        varies_on=_VARIES_ON,
        per_user=True,
        local_day=True,
        timeout=PART_TIMEOUT,
    )


def _shown(provider: Provider, park: Park, access: ParkAccess, moment: datetime) -> list[Item]:
    return [item for item in provider(park, access.user, access, moment) if item.count]


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
            items.extend(_shown(provider, park, access, moment))
    return sorted(items, key=_order)


def _from_parts(request: HttpRequest, *, park: Park, access: ParkAccess) -> list[Item]:
    """``agenda`` with each provider's lines taken from its cached part: only the providers
    whose topics were renewed since the part was kept run."""
    if not access.is_authenticated:
        return []
    moment = timezone.now()
    items: list[Item] = []
    with park_scope(park):
        for name, provider in _providers.items():
            build = partial(_shown, provider, park, access, moment)
            items.extend(PARTS[name].get(request, build=build, park=park, access=access))
    return sorted(items, key=_order)


AGENDA = Fragment(
    "park-agenda",
    topics=tuple(sorted(TOPICS)),
    varies_on=_VARIES_ON,
    per_user=True,
    local_day=True,
    timeout=WHOLE_TIMEOUT,
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
        build=lambda: _from_parts(request, park=chosen_park, access=chosen_access),
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
        # The whole is short-lived: when it has gone but every part is still kept, it is put
        # together again from them (no provider runs), so the next page reads one entry, not
        # one per provider. Its key is taken before the parts are read, as ``Fragment.get``
        # does, so a write in between leaves it under a token nobody asks for.
        try:
            items = AGENDA.get(
                request,
                build=lambda: _kept_parts(request, park=park, access=access),
                park=park,
                access=access,
            )
        except _PartMissing:
            return None
    return sum(item.count for item in items)


class _PartMissing(Exception):
    """A provider's part is not in the cache: the header shows no count rather than run it."""


def _kept_parts(request: HttpRequest, *, park: Park, access: ParkAccess) -> list[Item]:
    items = _peek_parts(request, park=park, access=access)
    if items is None:
        raise _PartMissing
    return sorted(items, key=_order)  # as ``_from_parts`` puts them


def _peek_parts(request: HttpRequest, *, park: Park, access: ParkAccess) -> list[Item] | None:
    """The agenda when every provider's part is in the cache (None otherwise): never builds."""
    items: list[Item] = []
    for part in PARTS.values():
        lines = part.peek(request, park=park, access=access)
        if lines is None:
            return None
        items.extend(lines)
    return items
