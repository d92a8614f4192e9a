from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from technopark.parks import queries


@lru_cache(maxsize=1024)
def _park_urls(slug: str, language: str) -> dict[str, str]:
    # Reversed once per park and language, not on every page (the header shows them all).
    return {
        "home": reverse("parks:home", kwargs={"park_slug": slug}),
        "companies": reverse("companies:list", kwargs={"park_slug": slug}),
        "people": reverse("people:members", kwargs={"park_slug": slug}),
    }


@lru_cache(maxsize=1)
def _site_urls() -> dict[str, str]:
    return {
        name.replace(":", "_").replace("-", "_").replace(".", "_"): reverse(name)
        for name in (
            "home",
            "set_language",
            "accounts:profile",
            "account_logout",
            "account_login",
            "api-1.0.0:openapi-view",
        )
    }


def park(request: HttpRequest) -> dict[str, Any]:
    """The active park, the visitor's access there, and (lazily) the parks for the switcher."""
    user = getattr(request, "user", None)
    current = getattr(request, "park", None)
    return {
        "park": current,
        "site_urls": _site_urls(),
        "park_urls": _park_urls(current.slug, get_language()) if current is not None else {},
        "access": getattr(request, "access", None),
        "htmx_enabled": settings.TECHNOPARK_HTMX,
        "switcher_parks": SimpleLazyObject(
            lambda: queries.parks_for_switcher(user=user) if user is not None else []
        ),
    }
