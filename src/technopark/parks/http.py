"""What every park page and endpoint asks of the request: the park and the visitor's access (as
``ParkMiddleware`` resolved them), a permission check, whether htmx wants only a fragment, and
the cached list page the company list, the register and the grant ledger share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe

from technopark.parks.caching import cached_for_park
from technopark.parks.models import Park
from technopark.parks.rules import ParkAccess


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


def wants_partial(request: HttpRequest) -> bool:
    """An htmx request for a fragment only (a history restore needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def cached_list_page(
    request: HttpRequest,
    *,
    park: Park,
    name: str,
    known_parameters: frozenset[str],
    variant: Any,
    build: Callable[[], str],
    template: str,
    slot: str,
) -> HttpResponse:
    """A list page whose content (``build``) is cached under the park's data version and
    ``variant`` (which must hold everything the content depends on, ``wants_partial`` included).
    Parameters the page does not know are answered but not worth a cache entry. An htmx request
    gets the content alone; a full page gets it in ``template`` as ``slot``."""
    if set(request.GET) <= known_parameters:
        content = cached_for_park(park=park, name=name, variant=variant, build=build)
    else:
        content = build()
    if wants_partial(request):
        response = HttpResponse(content)
    else:
        body = mark_safe(content)  # noqa: S308 - our template's output, escaped when rendered
        response = render(request, template, {slot: body})
    patch_vary_headers(response, ("HX-Request",))
    return response


def query_without_page(request: HttpRequest) -> str:
    """The list's query string without its page (``?q=…&stage=…``), for an export link."""
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else ""
