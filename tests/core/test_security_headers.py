"""Security headers: the Content-Security-Policy on every HTML page, Permissions-Policy and
Referrer-Policy everywhere, and nothing of a signed-in person kept by a cache."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from technopark.accounts.models import GlobalRole
from technopark.accounts.services import api_token_create
from technopark.api.middleware import API_PATH_PREFIX
from technopark.core import headers
from tests.factories import UserFactory

PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    """Every address of the site whose only parameter is the park's slug."""
    found: list[str] = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found.extend(_routes(entry.url_patterns, route))
        elif isinstance(entry, URLPattern):
            names = [m.group(2) for m in PARAMETER.finditer(route)]
            if route.startswith("^") or any(name != "park_slug" for name in names):
                continue
            found.append("/" + PARAMETER.sub("yakutia", route).replace("\\", ""))
    return sorted(set(found))


def _policy(response: Any) -> dict[str, list[str]]:
    policy: dict[str, list[str]] = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


def _assert_strict(response: Any, path: str) -> None:
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"], path
    script = policy["script-src"]
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, path
    assert [v for v in script if not v.startswith("'nonce-")] == ["'self'"], path
    assert "'unsafe-inline'" not in policy["style-src"], path
    assert policy["object-src"] == ["'none'"], path
    assert policy["base-uri"] == ["'none'"], path
    assert policy["frame-ancestors"] == ["'none'"], path
    assert policy["form-action"] == ["'self'"], path
    assert policy["img-src"] == ["'self'", "data:"], path


@pytest.mark.parametrize("role", ["anonymous", "founder", "manager"])
def test_every_html_page_carries_a_strict_csp(world, client_for, role):
    client = client_for(role)
    paths = [*_routes(get_resolver().url_patterns), "/yakutia/companies/99999999/", "/nowhere/"]
    html = 0
    for path in paths:
        response = client.get(path)
        assert response.status_code < 500, path
        if response["Content-Type"].startswith("text/html"):
            html += 1
            _assert_strict(response, path)
    assert html > 20  # the walk found the site's pages


def test_the_admin_and_the_api_docs_carry_the_csp(world, client):
    client.force_login(
        UserFactory(
            email="root@example.org",
            global_role=GlobalRole.PLATFORM_ADMIN,
            is_staff=True,
            is_superuser=True,
        )
    )
    for path in ("/admin/", "/admin/parks/park/", "/api/v1/docs"):
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_strict(response, path)


def test_htmx_is_configured_for_the_csp(world, client):
    html = client.get("/yakutia/").content.decode()
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html
    css = finders.find("technopark/site.css")
    assert ".htmx-indicator" in Path(css).read_text(encoding="utf-8")


def test_permissions_and_referrer_policy_on_every_answer(world, client_for):
    for client, path in (
        (client_for("anonymous"), "/yakutia/"),
        (client_for("founder"), "/yakutia/companies/"),
        (client_for("anonymous"), "/api/v1/parks"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in response["Permissions-Policy"], path
        assert response["Referrer-Policy"] == "same-origin", path
        assert response["X-Frame-Options"] == "DENY", path
        assert response["X-Content-Type-Options"] == "nosniff", path


def test_signed_in_pages_are_private_and_not_stored(world, client_for):
    for role in ("founder", "manager", "observer"):
        for path in ("/yakutia/", "/yakutia/companies/", "/account/tokens/"):
            response = client_for(role).get(path)
            assert response.status_code == 200, (role, path)
            assert response["Cache-Control"] == "private, no-store", (role, path)


def test_anonymous_public_pages_keep_their_caching(world, client_for):
    response = client_for("anonymous").get("/yakutia/")
    assert response.status_code == 200
    assert "Cache-Control" not in response
    assert "Authorization" not in response.get("Vary", "")


def test_api_answers_are_private_and_vary_on_the_token(world):
    _token, secret = api_token_create(user=world.users["founder"], name="script")
    answers = [
        Client().get("/api/v1/parks"),
        Client().get("/api/v1/me"),  # 401
        Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}"),
        Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer tp_not-a-token"),  # refused early
    ]
    assert [a.status_code for a in answers] == [200, 401, 200, 401]
    for answer in answers:
        assert answer["Cache-Control"] == "private, no-store"
        assert "Authorization" in answer["Vary"]


def test_a_private_answer_loses_a_longer_lived_cache_header(world, client_for):
    # A view that caches for an anonymous visitor still answers a signed-in one privately.
    response = client_for("founder").get("/yakutia/")
    assert "max-age" not in response["Cache-Control"]
    assert "Expires" not in response


def test_static_files_keep_their_caching_for_signed_in_people(world, client_for, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from the sources, as runserver does
    response = client_for("founder").get("/static/technopark/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_api_prefix_is_the_apis(settings):
    assert headers.API_PATH_PREFIX == API_PATH_PREFIX


SOURCE = Path(__file__).resolve().parents[2] / "src" / "technopark"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\shx-on[:-]|\son[a-z]+=", re.I)


def test_no_template_has_inline_script_style_or_safe_filter():
    """The policy allows neither; a template that needs one must use a static file instead (a
    nonce would go stale inside a cached fragment). ``|safe`` would trust what a person typed."""
    offenders = []
    for template in SOURCE.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_STYLE, re.compile(r"\|\s*safe\b|autoescape off")):
            offenders += [
                f"{template.relative_to(SOURCE)}: {m.group(0)}" for m in pattern.finditer(text)
            ]
    assert offenders == []
