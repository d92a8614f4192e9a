"""No address answers 5xx, whatever its query parameters and path ids hold.

Nothing here is a hand-written list of pages or parameters:

- **the pages** are found by crawling the demo park as several roles from the park's home page,
  following every link of the site (one address per URL pattern is kept);
- **the parameters** are every parameter a declared fragment reads (``core.fragments.FRAGMENTS``)
  and every name a view, query or form reads from an address (``request.GET.get("…")``,
  ``param_value(request.GET, "…", …)``, ``params.get("…")`` in the apps' source);
- **the path ids** are every ``<id:…>`` of every URL pattern of the site (the resolver), and
  every path and query parameter of the API (its OpenAPI document).

Each is sent malformed values (a superscript digit, a number beyond 64 bits, a negative one,
NUL, an impossible date, year 1 and 9999, a long string) and the answer must be below 500.
"""

from __future__ import annotations

import json
import re
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

import technopark
from technopark.core.fragments import FRAGMENTS
from technopark.parks.models import Park
from tests.security.conftest import demo_client

ROLES = ("manager", "founder", "anonymous")
HUGE = "99999999999999999999999"
MALFORMED = ("²", HUGE, "-1", "\x00", "9999-99-99", "0001-01-01", "9999-12-31", "x" * 300)
# Reading a parameter by name in the apps' code: the view's own reads and the filters' from_params.
_READS = re.compile(
    r"""(?:request\.(?:GET|POST)\.get(?:list)?\(|param_value\(\s*(?:request\.GET|request\.POST|params),\s*|params\.get\(|request\.GET\[)\s*["']([a-z_]+)["']"""
)
_LINK = re.compile(r"""href="(/[^"#]*)\"""")


def declared_parameters() -> set[str]:
    names = {name for fragment in FRAGMENTS.values() for name in fragment.params}
    root = Path(technopark.__file__).parent
    for source in root.rglob("*.py"):
        if "migrations" in source.parts:
            continue
        names.update(_READS.findall(source.read_text()))
    return names - {"csrfmiddlewaretoken", "next"}


def test_the_parameters_are_found_in_the_code() -> None:
    names = declared_parameters()
    # the values the issue named, and the filters of several pages, read in several ways
    assert {"direction", "site", "cohort", "resource", "participant", "year", "quarter"} <= names
    assert {"page", "q", "status", "date", "day", "start", "capacity"} <= names


def _pattern_of(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.route


def crawl(park: Park, roles: tuple[str, ...]) -> list[tuple[str, str]]:
    """One address per URL pattern, reachable by following links from the park's home as one of
    ``roles`` (the first that reaches it): ``[(role, address)]``."""
    found: dict[tuple[str, str], str] = {}
    reached: set[str] = set()  # a pattern is read once, by the first role whose links lead there
    for role in roles:
        client = demo_client(role)
        queue = deque([f"/{park.slug}/", "/account/"])
        while queue:
            address = queue.popleft()
            route = _pattern_of(address)
            if route is None or route in reached or "logout" in route:
                continue
            reached.add(route)
            found[(role, route)] = address
            response = client.get(address)
            assert response.status_code < 500, (role, address, response.status_code)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                for link in _LINK.findall(response.content.decode()):
                    if link.startswith((f"/{park.slug}/", "/account/")):
                        queue.append(link.replace("&amp;", "&"))
    return [(role, address) for (role, _route), address in found.items()]


def _id_routes() -> list[str]:
    """Every URL pattern of the site (outside the admin and the API) with the path ids in it."""
    routes: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not route.startswith(("admin/", "api/")):
                    walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and ("<id:" in route or "<int:" in route):
                routes.append(route)

    walk(get_resolver().url_patterns, "")
    return routes


@pytest.mark.django_db
def test_malformed_query_values_never_answer_5xx(seeded: Park) -> None:
    names = sorted(declared_parameters())
    pages = crawl(seeded, ROLES)
    assert len({_pattern_of(address) for _role, address in pages}) >= 40  # it reached the site
    failures: list[str] = []
    clients = {role: demo_client(role) for role in ROLES}
    for role, address in pages:
        base = address.split("?")[0]
        for value in MALFORMED:
            query = urlencode(dict.fromkeys(names, value))
            response = clients[role].get(f"{base}?{query}")
            if response.status_code >= 500:
                failures.append(f"{role} {base} ={value!r}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_ids_beyond_64_bits_in_paths_are_404(seeded: Park) -> None:
    client = demo_client("manager")
    failures: list[str] = []
    routes = _id_routes()
    assert len(routes) >= 40
    # Django's <int:…> takes any run of digits: every id in an address is an <id:…>
    assert not [route for route in routes if "<int:" in route]
    for route in routes:
        for huge in (HUGE, str(2**63), "0"):
            path = "/" + re.sub(r"<id:\w+>", huge, route)
            path = path.replace("<slug:park_slug>", seeded.slug)
            path = re.sub(r"<[^>]+>", "x", path)
            response = client.get(path)
            if response.status_code != 404:
                failures.append(f"{path}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_the_api_refuses_malformed_parameters_by_name(seeded: Park) -> None:
    """Every path and query parameter of every GET operation in the OpenAPI document."""
    document = json.loads(Client().get("/api/v1/openapi.json").content)
    client = demo_client("manager")
    failures: list[str] = []
    checked = 0
    for template, operations in document["paths"].items():
        if "get" not in operations:
            continue
        parameters = operations["get"].get("parameters", [])
        query_names = [p["name"] for p in parameters if p["in"] == "query"]
        for value in MALFORMED:
            path = template.replace("{slug}", seeded.slug)
            path = re.sub(r"\{\w+\}", quote(value), path)
            query = urlencode(dict.fromkeys(query_names, value))
            response = client.get(f"{path}?{query}" if query else path)
            checked += 1
            if response.status_code >= 500:
                failures.append(f"{template} ={value!r}: {response.status_code}")
            elif response.status_code == 422:
                assert json.loads(response.content)["detail"], template  # each refusal named
    assert checked >= 100
    assert not failures, "\n".join(failures)


def test_a_path_id_parses_only_ascii_digits_within_64_bits() -> None:
    from technopark.core.converters import IdConverter

    converter = IdConverter()
    assert converter.to_python("42") == 42
    assert converter.to_python(str(2**63 - 1)) == 2**63 - 1
    for raw in (str(2**63), "0", HUGE):
        with pytest.raises(ValueError):
            converter.to_python(raw)
    assert not re.fullmatch(converter.regex, "²")
