"""The base of every park-owned table: it carries ``park`` and fails closed by default.

``objects`` is ``core.scopes.ParkScopedManager``: it filters by the active park and raises
``ScopeError`` when no park scope is active (see ``technopark.core.scopes``). ``all_parks`` is the
explicit, greppable unscoped manager, for queries with their own ``park=`` filter and for code that
spans parks. The base manager (forward foreign keys, ``refresh_from_db``, saving, deleting) is
``all_parks``, so following ``booking.resource`` works anywhere.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import models

from technopark.core.scopes import ParkScopedManager, scopes_disabled


class ParkOwned(models.Model):
    """Base of every park-owned table: it carries ``park`` and is scoped by default."""

    park = models.ForeignKey("parks.Park", on_delete=models.CASCADE, related_name="+")

    objects = ParkScopedManager()
    all_parks: models.Manager[Any] = models.Manager()

    class Meta:
        abstract = True
        base_manager_name = "all_parks"

    # Django checks unique fields and constraints through the default manager; a constraint
    # holds over the whole table, not one park, so ``full_clean`` checks it against every row
    # (and works in a task or a script as well as in a page).
    def validate_unique(self, exclude: Collection[str] | None = None) -> None:
        with scopes_disabled():
            super().validate_unique(exclude)

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        with scopes_disabled():
            super().validate_constraints(exclude)
