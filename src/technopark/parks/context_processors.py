from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from technopark.core.fragments import page_cache
from technopark.parks import agenda, queries, rules
from technopark.parks.caching import switcher_cache_key
from technopark.parks.navigation import nav_links


@lru_cache(maxsize=1024)
def _park_urls(slug: str, language: str) -> dict[str, str]:
    # Reversed once per park and language, not on every page (the header shows them all).
    return {
        "home": reverse("parks:home", kwargs={"park_slug": slug}),
        "companies": reverse("companies:list", kwargs={"park_slug": slug}),
        "people": reverse("people:members", kwargs={"park_slug": slug}),
        "settings": reverse("parks:settings", kwargs={"park_slug": slug}),
    }


@lru_cache(maxsize=1)
def _static_urls() -> dict[str, str]:
    # The hashed names of the manifest storage, looked up once per process, not on every page.
    return {
        "css": static("technopark/site.css"),
        "js": static("technopark/site.js"),
        "favicon": static("technopark/favicon.svg"),
        "htmx": static("htmx/htmx.min.js") if settings.TECHNOPARK_HTMX else "",
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


# Each language offered in its own name, whatever the page's language is.
_LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}


@lru_cache(maxsize=8)
def _other_languages(current: str) -> list[tuple[str, str]]:
    return [
        (code, _LANGUAGE_NAMES.get(code, code))
        for code, _name in settings.LANGUAGES
        if code != current
    ]


def _switcher(user: Any) -> list[tuple[str, str, str]]:
    """(slug, address, name) of the parks in the header's switcher, cached a minute per person.

    It is navigation, not permission: a park that was just left may linger for that minute and
    opening it is then refused as usual. Membership changes clear the entry at once
    (``parks.services``).
    """
    if user is None:
        return []
    language = get_language()
    key = switcher_cache_key(user_id=user.pk if user.is_authenticated else None, language=language)
    rows = page_cache().get(key)
    if rows is None:
        rows = [
            (p.slug, _park_urls(p.slug, language)["home"], p.display_name)
            for p in queries.parks_for_switcher(user=user)
        ]
        page_cache().set(key, rows, 60)
    return rows


@lru_cache(maxsize=1)
def _me_url() -> str:
    return reverse("me")


def _waiting(request: HttpRequest) -> dict[str, Any]:
    """The header's link home: in a park where the visitor is a member, to that park's home
    with the number of items waiting when the agenda is cached (no query); elsewhere to the
    personal page across parks."""
    current = getattr(request, "park", None)
    count = agenda.known_count(request)
    if current is not None and count is not None:
        return {"url": _park_urls(current.slug, get_language())["home"] + "#agenda", "count": count}
    access = getattr(request, "access", None)
    if current is not None and access is not None and rules.is_member(access):
        return {"url": _park_urls(current.slug, get_language())["home"] + "#agenda", "count": None}
    return {"url": _me_url(), "count": None, "across_parks": True}


def park(request: HttpRequest) -> dict[str, Any]:
    """The active park, the visitor's access there, and (lazily) the parks for the switcher."""
    user = getattr(request, "user", None)
    current = getattr(request, "park", None)
    return {
        "park": current,
        "site_urls": _site_urls(),
        "static_urls": _static_urls(),
        "park_urls": _park_urls(current.slug, get_language()) if current is not None else {},
        "access": getattr(request, "access", None),
        "htmx_enabled": settings.TECHNOPARK_HTMX,
        "switcher_parks": SimpleLazyObject(lambda: _switcher(user)),
        "other_languages": _other_languages(get_language()),
        "waiting": SimpleLazyObject(lambda: _waiting(request)),
        "nav_links": SimpleLazyObject(
            lambda: nav_links(
                getattr(request, "access", None),
                get_language(),
                getattr(request, "resolver_match", None),
            )
        ),
    }
