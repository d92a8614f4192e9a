"""Park scoping: which park a request works in, and the manager that filters by it.

The park middleware activates the park named in the URL for the length of a request. While a park is
active, the default manager of every park-owned model filters by it, so a row of another park cannot
be fetched by mistake: it is simply not found (404). Code that must see every park (the national
roll-up, the admin, management commands) uses the ``all_parks`` manager and says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from technopark.parks.models import Park

_active_park: ContextVar[Park | None] = ContextVar("technopark_active_park", default=None)


def active_park() -> Park | None:
    return _active_park.get()


@contextmanager
def park_scope(park: Park | None) -> Iterator[None]:
    """Make ``park`` the active park inside the block (``None`` lifts the scope)."""
    token = _active_park.set(park)
    try:
        yield
    finally:
        _active_park.reset(token)


class ParkScopedManager(models.Manager):
    """Filters by the active park when there is one."""

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()
        park = active_park()
        if park is not None:
            queryset = queryset.filter(park=park)
        return queryset


class ParkOwned(models.Model):
    """Base of every park-owned table: it carries ``park`` and is scoped by default."""

    park = models.ForeignKey("parks.Park", on_delete=models.CASCADE, related_name="+")

    objects = ParkScopedManager()
    all_parks: models.Manager[Any] = models.Manager()

    class Meta:
        abstract = True
        base_manager_name = "all_parks"
