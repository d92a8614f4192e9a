"""Park scopes that fail closed (the shape of pretalx's ``django_scopes``).

Every park-owned table is read through a scoped default manager (``Model.objects``): inside
``park_scope(park)`` it sees that park's rows only; inside ``scopes_disabled()`` it sees every park;
anywhere else it **raises** ``ScopeError`` instead of quietly returning every park's rows. The
park middleware opens the scope of the park named by the URL for the length of a request. Code that
spans parks (the national view, the admin, commands, tasks, demo seeding) says
``scopes_disabled()`` where a reader can see it.

The scope is decided when a queryset is made (``get_queryset``), as in ``django_scopes``: a
queryset built inside a scope keeps its park filter wherever it is evaluated.

``Model.all_parks`` stays the explicit, greppable unscoped manager: it is for queries that carry
their own ``park=`` filter, or that span parks on purpose.

``core`` imports no domain app, so the active park is typed as a plain model here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models

__all__ = [
    "ParkScopedManager",
    "ScopeError",
    "active_park",
    "in_park",
    "park_scope",
    "scopes_disabled",
    "scopes_enabled",
]


class ScopeError(Exception):
    """A park-owned table was read through its scoped manager with no park scope active."""


@dataclass(frozen=True)
class _Scope:
    park: models.Model | None = None
    disabled: bool = False


# No scope and scoping enabled: the default manager fails closed until someone chooses.
_scope: ContextVar[_Scope] = ContextVar(
    "technopark_park_scope",
    default=_Scope(),  # noqa: B039 - a frozen dataclass: the default is never mutated
)


def active_park() -> models.Model | None:
    """The park whose scope is active, or ``None`` (no scope, or scopes disabled)."""
    return _scope.get().park


@contextmanager
def park_scope(park: models.Model) -> Iterator[None]:
    """Work inside ``park``: scoped managers see its rows only (this also ends a surrounding
    ``scopes_disabled()`` for the length of the block)."""
    if park is None:  # a typing slip would otherwise lift the scope silently
        raise ValueError("park_scope() needs a park; use scopes_disabled() to span parks")
    token = _scope.set(_Scope(park=park))
    try:
        yield
    finally:
        _scope.reset(token)


@contextmanager
def scopes_disabled() -> Iterator[None]:
    """Span parks on purpose: scoped managers see every park's rows inside the block. Also a
    decorator (``@scopes_disabled()``) for a command's ``handle`` or a task that spans parks."""
    token = _scope.set(_Scope(disabled=True))
    try:
        yield
    finally:
        _scope.reset(token)


@contextmanager
def scopes_enabled() -> Iterator[None]:
    """No park and scoping on: scoped managers raise inside the block. The park middleware
    starts every request here, whatever the caller had around it."""
    token = _scope.set(_Scope())
    try:
        yield
    finally:
        _scope.reset(token)


class _InPark(Protocol):
    @property
    def park_id(self) -> int: ...


class _ParkAccess(Protocol):
    @property
    def park(self) -> models.Model | None: ...


def in_park(park_or_access: models.Model | _ParkAccess | None, obj: _InPark | None) -> bool:
    """Whether ``obj`` (a park-owned row) belongs to the park: a ``Park``, or the park of a
    ``ParkAccess``. The one same-park check of rules and services alike.

    False for no park or no object, so a record of another park reads as not found (404), never
    as forbidden (403). It compares ids and loads nothing: pass the row that carries ``park``
    (``participant.cohort``). It lives in ``core`` rather than ``parks.rules`` so that every
    layer (services and queries too) may call it.
    """
    if park_or_access is None or isinstance(park_or_access, models.Model):
        park = park_or_access
    else:
        park = park_or_access.park
    return park is not None and obj is not None and obj.park_id == park.pk


class ParkScopedManager(models.Manager[Any]):
    """The default manager of park-owned tables: filters by the active park, raises without one.

    Reverse and many-to-many related managers are built from the default manager's class, so
    ``company.directions.all()`` is scoped too; forward foreign keys (``booking.resource``) read
    through the base manager (``all_parks``) and keep working anywhere.
    """

    def get_queryset(self) -> models.QuerySet[Any]:
        queryset = super().get_queryset()
        scope = _scope.get()
        if scope.disabled:
            return queryset
        if scope.park is None:
            raise ScopeError(
                f"{self.model.__name__} was read with no park scope: enter park_scope(park), "
                "or say scopes_disabled() for code that spans parks, or use "
                f"{self.model.__name__}.all_parks with an explicit park= filter."
            )
        return queryset.filter(park=scope.park)
