"""The admin writes through the same path as the services: ``TopicAdmin`` retires what the
park's cached fragments show of its ``topics`` on every save, delete and bulk delete.

Edits in the admin bypass the services, so a ModelAdmin over data that cached pages show either
inherits ``TopicAdmin`` (and names its topics) or is read-only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from technopark.core.fragments import writes

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin


class TopicAdmin(_ModelAdmin):
    """A ModelAdmin whose writes renew the park's tokens of ``topics``."""

    topics: tuple[str, ...] = ()

    def park_id_of(self, obj: Any) -> int:
        """The park whose pages show ``obj`` (its ``park_id`` unless said otherwise)."""
        return int(obj.park_id)

    def _wrote(self, park_ids: set[int]) -> None:
        for park_id in park_ids:
            writes(*self.topics, park_id=park_id)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._wrote({self.park_id_of(obj)})

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        self._wrote({self.park_id_of(form.instance)})

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        park_id = self.park_id_of(obj)
        super().delete_model(request, obj)
        self._wrote({park_id})

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        park_ids = {self.park_id_of(obj) for obj in queryset}
        super().delete_queryset(request, queryset)
        self._wrote(park_ids)
