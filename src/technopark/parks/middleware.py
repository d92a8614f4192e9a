"""Resolve ``/<park-slug>/…`` to a park, load the visitor's roles there, and scope queries to it.

Every request starts with scoping on and no park (``scopes_enabled``), whatever surrounded the
handler, so a page outside a park fails closed on a park-owned table; a park page then works
inside ``park_scope(park)`` until the response is built."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.core.scopes import park_scope, scopes_enabled
from technopark.parks import caching
from technopark.parks.rules import access_for, can_view_park

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")


class ParkMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.park = None  # type: ignore[attr-defined]
        request.access = access_for(request.user, None)  # type: ignore[attr-defined]
        with scopes_enabled():
            try:
                return self.get_response(request)
            finally:
                scope = getattr(request, "_park_scope", None)
                if scope is not None:
                    scope.__exit__(None, None, None)
                    timezone.deactivate()

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        slug = kwargs.get("park_slug")
        if slug is None:
            return None
        # Only a well-formed slug reaches the database (a NUL byte, say, would make PostgreSQL fail).
        park = caching.park_by_slug(slug=slug) if _SLUG.fullmatch(slug) else None
        access = access_for(request.user, park)
        # A view reached by a secret link (an iCal feed: calendar apps send no cookie) is its own
        # key: it answers for a private park too, and checks the secret itself.
        secret_link = getattr(view, "park_secret_link", False)
        if park is None or not (secret_link or can_view_park(access)):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Not found.")}, status=404)
            raise Http404(_("No such park."))
        request.park = park  # type: ignore[attr-defined]
        request.access = access  # type: ignore[attr-defined]
        scope = park_scope(park)
        scope.__enter__()
        request._park_scope = scope  # type: ignore[attr-defined]
        timezone.activate(park.time_zone)
        return None
