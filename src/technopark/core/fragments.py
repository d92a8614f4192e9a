"""Declared cache fragments: page parts that many people read between two writes, never stale.

A fragment is declared once, next to the view that shows it::

    COMPANY_LIST = Fragment(
        "company-list",
        topics=("companies", "parks"),           # the data it shows
        varies_on=(rules.can_create_company,),   # predicates of the visitor's access it shows
        params={"q": Text(), "page": Integer(high=10_000)},  # what it reads from the address
        partial=True,                            # htmx asks for the results alone
    )

and rendered with ``COMPANY_LIST.get(request, build=...)`` (or ``.respond(...)`` for a page whose
content sits in a frame). The fragment computes its own cache key: the park, the language, the
current token of each topic, the results of its predicates, its parsed parameters, the local day
or the visitor where it says it depends on them, and the ``args`` the view passes (path ids).
Nothing else of the visitor can reach the key, so what is cached for one visitor is what any
other visitor with the same permissions sees. Per-visitor bits (the CSRF token) are never
cached: a fragment's template writes ``{% csrf_slot %}`` and ``fill_slots`` puts the visitor's
token in after the cache.

An address with a parameter the fragment does not declare, or a value its parser refuses, is
answered but never cached (a fragment that declares no parameters reads none, so the address
does not matter to it). Free text (a search) mints at most ``FREE_TEXT_ENTRIES`` entries per
fragment, park and data version: past that, searches are answered uncached, so nobody can flood
the cache with distinct strings.

**Topics.** A service that writes data a fragment may show says so inside its transaction:
``writes("companies", park_id=company.park_id)``. That renews the park's token for the topic at
once and again when the transaction commits: the first renewal keeps what is read inside the
transaction from being cached under the old token, the second retires a token under which a
request may have cached what it read just before the commit. An evicted token is replaced by a new
one, never an old one. The test suite checks that every service writing a topic's tables declares
the topic (``tests/core/test_declared_writes.py``).

The page cache is the ``pages`` cache alias; sessions and security counters (login rate limits)
live in ``default``, which page caching never fills.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from technopark.core.localtime import local_today
from technopark.core.params import Param

T = TypeVar("T")

PAGES = "pages"
TIMEOUT = 600
FREE_TEXT_ENTRIES = 200

#: What cached fragments may depend on. A new topic is added here, with the services that write it.
TOPICS = frozenset(
    {
        "parks",  # the park, its sites and directions
        "memberships",  # who holds which role in the park
        "companies",  # companies, their teams and stage history
        "selection",  # calls, submitted applications, reviews, council decisions
        "residency",  # resident statuses and quarterly reports
        "programmes",  # programmes, cohorts, participants, sessions, demo days
        "grants",  # awards, milestones, tranches and money movements
        "spaces",  # resources, hours, closures, bookings
        "engineering",  # services and prices, service requests, quotes
        "network",  # profiles, needs, introductions, pairings, sessions, matching runs
    }
)

CSRF_SLOT = "<!--tp:slot:csrf-->"

FRAGMENTS: dict[str, Fragment] = {}

_write_listeners: list[Callable[[tuple[str, ...]], None]] = []


def page_cache() -> BaseCache:
    """The cache of pages and their tokens (never the one that holds sessions or rate limits)."""
    return caches[PAGES]


def _token_key(park_id: int, topic: str) -> str:
    return f"tp:topic:{park_id}:{topic}"


#: The token that every write in a park renews, whatever its topics: a fragment that depends on
#: every topic (the agenda and the header's count of it) reads this one token, not eight.
EVERY_TOPIC = "*"


def _check_topics(topics: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(topics)
    unknown = set(chosen) - TOPICS
    if unknown or not chosen:
        raise ValueError(f"Unknown or no cache topics: {sorted(unknown)}")
    return chosen


def writes(*topics: str, park_id: int) -> None:
    """Retire what the park's fragments show of ``topics``: now, and again on commit.

    Called by services inside the transaction that writes the data."""
    chosen = _check_topics(topics)
    for listener in _write_listeners:
        listener(chosen)
    keys = [_token_key(park_id, topic) for topic in (*chosen, EVERY_TOPIC)]

    def renew() -> None:
        page_cache().set_many({key: uuid.uuid4().hex for key in keys}, None)

    renew()
    transaction.on_commit(renew)


def topic_tokens(park_id: int, topics: Iterable[str]) -> tuple[str, ...]:
    """The park's current token of each topic (one cache round trip when all are present).

    Asked for every topic, it answers the one token that every write renews (``EVERY_TOPIC``):
    a key made of it changes exactly when a key made of the eight would."""
    store = page_cache()
    chosen = tuple(topics)
    if len(chosen) == len(TOPICS) and set(chosen) == TOPICS:
        chosen = (EVERY_TOPIC,)
    keys = [_token_key(park_id, topic) for topic in chosen]
    found = store.get_many(keys)
    for key in keys:
        if key not in found:
            store.add(key, uuid.uuid4().hex, None)
            found[key] = store.get(key)  # whoever added first
    return tuple(str(found[key]) for key in keys)


def add_write_listener(listener: Callable[[tuple[str, ...]], None]) -> None:
    """Be told of every ``writes`` call (the test suite checks declared writes with it)."""
    _write_listeners.append(listener)


def remove_write_listener(listener: Callable[[tuple[str, ...]], None]) -> None:
    _write_listeners.remove(listener)


_MASKED = "_technopark_csrf_masked"


def csrf_value(request: HttpRequest) -> str:
    """The visitor's CSRF token, masked once per response: every form of a page (the header's,
    the slots of its fragments) carries the same value instead of masking it again each time."""
    value = getattr(request, _MASKED, None)
    if value is None:
        value = get_token(request)
        setattr(request, _MASKED, value)
    return str(value)


def fill_slots(html: str, request: HttpRequest) -> str:
    """Put the visitor's own bits into a fragment taken from the cache."""
    if CSRF_SLOT in html:
        field_html = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_value(request)
        )
        html = html.replace(CSRF_SLOT, field_html)
    return html


def wants_partial(request: HttpRequest) -> bool:
    """An htmx request for a fragment only (a history restore needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def _park_and_access(request: HttpRequest) -> tuple[Any, Any]:
    park = getattr(request, "park", None)
    if park is None:
        raise LookupError("A fragment is rendered inside a park's request only.")
    return park, getattr(request, "access", None)


@dataclass(frozen=True)
class Fragment:
    """A cached part of a page or an API answer; see the module's docstring."""

    name: str
    topics: tuple[str, ...]
    varies_on: tuple[Callable[[Any], bool], ...] = ()
    params: Mapping[str, Param] = field(default_factory=dict)
    partial: bool = False
    per_user: bool = False
    local_day: bool = False
    timeout: int = TIMEOUT

    def __post_init__(self) -> None:
        _check_topics(self.topics)
        if self.name in FRAGMENTS:
            raise ValueError(f"The fragment {self.name!r} is declared twice.")
        FRAGMENTS[self.name] = self

    def _parsed(
        self, request: HttpRequest, params: Mapping[str, Any] | None
    ) -> tuple[tuple[tuple[str, Any], ...], bool] | None:
        """The declared parameters' values and whether free text is among them; None when the
        address holds anything the fragment does not declare or cannot parse."""
        values: list[tuple[str, Any]] = []
        free_text = False
        if params is None and not self.params:  # it reads nothing from the address
            return (), False
        if params is None:
            for name in request.GET:
                param = self.params.get(name)
                raw = request.GET.getlist(name)
                if param is None or len(raw) != 1:
                    return None
                if raw[0] != "":  # an empty field of a filter form is kept as it is
                    try:
                        param.parse(raw[0])
                    except ValueError:
                        return None
                # The raw text in the address's order, not the parsed value, is kept: the content
                # may repeat the address (links to the next page, to the export).
                values.append((name, raw[0]))
                free_text = free_text or (param.free_text and raw[0] != "")
            return tuple(values), free_text
        for name, value in params.items():  # already typed by the API's schema
            param = self.params.get(name)
            if param is None:
                return None
            if value in (None, ""):
                continue
            values.append((name, value))
            free_text = free_text or param.free_text
        return tuple(sorted(values, key=lambda pair: pair[0])), free_text

    def key(
        self,
        request: HttpRequest,
        *,
        args: tuple[Any, ...] = (),
        params: Mapping[str, Any] | None = None,
        park: Any = None,
        access: Any = None,
    ) -> tuple[str, str | None] | None:
        """The cache key of this request's variant and, when it holds free text, the key that
        counts the entries free text minted; None when the request must be answered uncached.

        ``park`` and ``access`` name the park when the page is outside one (a page across parks
        shows each park's fragment); by default they are the request's."""
        parsed = self._parsed(request, params)
        if parsed is None:
            return None
        values, free_text = parsed
        if park is None:
            park, access = _park_and_access(request)
        tokens = topic_tokens(park.pk, self.topics)
        variant: tuple[Any, ...] = (
            self.name,
            park.slug,
            translation.get_language(),
            tokens,
            tuple(bool(predicate(access)) for predicate in self.varies_on),
            values,
            args,
            wants_partial(request) if self.partial else None,
            request.user.pk if self.per_user else None,
            local_today(park.time_zone) if self.local_day else None,
        )
        digest = hashlib.blake2b(repr(variant).encode(), digest_size=16).hexdigest()
        budget = None
        if free_text:
            generation = hashlib.blake2b(repr(tokens).encode(), digest_size=8).hexdigest()
            budget = f"tp:budget:{self.name}:{park.pk}:{generation}"
        return f"tp:fragment:{self.name}:{park.pk}:{digest}", budget

    def get(
        self,
        request: HttpRequest,
        *,
        build: Callable[[], T],
        args: tuple[Any, ...] = (),
        params: Mapping[str, Any] | None = None,
        park: Any = None,
        access: Any = None,
    ) -> T:
        """The fragment for this request: from the cache, or built by ``build`` and kept.

        ``args`` are what the view adds to the key (path ids, derived values such as the
        visitor's companies), ``params`` the API's typed query (pages read ``request.GET``),
        ``park`` and ``access`` another park than the request's (see ``key``)."""
        if not getattr(settings, "TECHNOPARK_PAGE_FRAGMENTS", True):
            return build()
        found = self.key(request, args=args, params=params, park=park, access=access)
        if found is None:
            return build()
        key, budget = found
        store = page_cache()
        entry = store.get(key)
        if entry is not None:
            value: T = entry[0]
            return value
        value = build()
        if budget is not None and not self._within_free_text_budget(budget):
            return value
        store.set(key, (value,), self.timeout)
        return value

    def peek(self, request: HttpRequest, *, park: Any = None, access: Any = None) -> Any:
        """What is cached for this request's variant, or None: never builds (a header's count
        shows what is known without running the fragment's queries). It reads the cache even
        while fragments are switched off: a page then shows the same with and without them."""
        found = self.key(request, park=park, access=access)
        if found is None:
            return None
        entry = page_cache().get(found[0])
        return None if entry is None else entry[0]

    def _within_free_text_budget(self, budget_key: str) -> bool:
        """Count one more entry minted by free text under these tokens; False past the budget."""
        store = page_cache()
        store.add(budget_key, 0, self.timeout)
        try:
            used = store.incr(budget_key)
        except ValueError:  # expired between add and incr: count afresh
            store.add(budget_key, 1, self.timeout)
            used = 1
        return used <= FREE_TEXT_ENTRIES

    def respond(
        self,
        request: HttpRequest,
        *,
        build: Callable[[], str],
        template: str,
        slot: str,
        args: tuple[Any, ...] = (),
        context: Mapping[str, Any] | None = None,
    ) -> HttpResponse:
        """A page whose content is this fragment: htmx gets the content alone, a full request
        the content in ``template`` as ``slot`` (with ``context`` beside it)."""
        content = fill_slots(self.get(request, build=build, args=args), request)
        if self.partial and wants_partial(request):
            response = HttpResponse(content)
        else:
            body = mark_safe(content)  # noqa: S308 - our own template's output, escaped there
            response = render(request, template, {**(context or {}), slot: body})
        if self.partial:
            patch_vary_headers(response, ("HX-Request",))
        return response
