"""The park and the visitor's access, as the park middleware resolved them for an API request."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from technopark.parks.models import Park
from technopark.parks.rules import ParkAccess


def park_of(request: HttpRequest) -> Park:
    """The park named by the ``park_slug`` in the path (the middleware already 404ed the rest)."""
    park = getattr(request, "park", None)
    if park is None:  # pragma: no cover - only if the park middleware were not installed
        raise Http404
    return park


def access_of(request: HttpRequest) -> ParkAccess:
    return request.access  # type: ignore[attr-defined]
