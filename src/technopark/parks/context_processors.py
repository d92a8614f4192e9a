from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from technopark.parks import queries


def park(request: HttpRequest) -> dict[str, Any]:
    """The active park, the visitor's access there, and (lazily) the parks for the switcher."""
    user = getattr(request, "user", None)
    return {
        "park": getattr(request, "park", None),
        "access": getattr(request, "access", None),
        "htmx_enabled": settings.TECHNOPARK_HTMX,
        "switcher_parks": SimpleLazyObject(
            lambda: queries.parks_for_switcher(user=user) if user is not None else []
        ),
    }
