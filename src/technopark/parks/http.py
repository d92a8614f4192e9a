"""What every park page and endpoint asks of the request: the park and the visitor's access (as
``ParkMiddleware`` resolved them), a permission check and whether htmx wants only a fragment
(``core.fragments.wants_partial``, re-exported for the views)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from technopark.core.fragments import wants_partial
from technopark.parks.models import Park
from technopark.parks.rules import ParkAccess

__all__ = ["access_of", "park_of", "query_without_page", "require", "wants_partial"]


def park_of(request: HttpRequest) -> Park:
    """The park named by the ``park_slug`` in the path (the middleware already 404ed the rest)."""
    park = getattr(request, "park", None)
    if park is None:  # pragma: no cover - only if the park middleware were not installed
        raise Http404
    return park


def access_of(request: HttpRequest) -> ParkAccess:
    access: ParkAccess = request.access  # type: ignore[attr-defined]
    return access


def require(allowed: bool) -> None:
    """Refuse unless ``allowed``: a 403 page, or ``{"detail": "You may not do this."}`` in the API."""
    if not allowed:
        raise PermissionDenied


def query_without_page(request: HttpRequest) -> str:
    """The list's query string without its page (``?q=…&stage=…``), for an export link."""
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else ""
