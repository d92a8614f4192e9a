"""``{% isolated_include %}``: a small template rendered with the given values only, kept per
process for each language and set of values; and one masked CSRF token per response."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from technopark.core.fragments import CSRF_SLOT, csrf_value, fill_slots
from technopark.core.templatetags.fragments import _isolated

MENU = "selection/calls/_manage_nav.html"


def _render(source: str, **context: Any) -> str:
    return Template("{% load fragments %}" + source).render(Context(context))


def test_the_menu_gets_only_the_values_it_is_given() -> None:
    _isolated.cache_clear()
    html = _render(
        f'{{% isolated_include "{MENU}" park_slug=slug call_id=call_id %}}',
        slug="yakutia",
        call_id=7,
        # Whatever else the page holds does not reach the menu.
        park={"slug": "kolyma"},
        call={"pk": 99},
    )
    assert "/yakutia/" in html and "/7/" in html
    assert "kolyma" not in html and "/99/" not in html
    # Another call is another entry; the same call again is read from the process.
    _render(f'{{% isolated_include "{MENU}" park_slug="yakutia" call_id=8 %}}')
    _render(f'{{% isolated_include "{MENU}" park_slug="yakutia" call_id=7 %}}')
    info = _isolated.cache_info()
    assert (info.misses, info.hits) == (2, 1)


def test_each_language_is_kept_apart() -> None:
    source = f'{{% isolated_include "{MENU}" park_slug="yakutia" call_id=1 %}}'
    with translation.override("ru"):
        russian = _render(source)
    with translation.override("en"):
        english = _render(source)
    assert "Критерии" in russian and "Criteria" not in russian
    assert "Criteria" in english


def test_values_that_are_not_plain_are_refused() -> None:
    with pytest.raises(TypeError):
        _render(f'{{% isolated_include "{MENU}" park_slug=park call_id=1 %}}', park=object())


def test_one_masked_token_per_response() -> None:
    request = RequestFactory().get("/")
    first = csrf_value(request)
    assert csrf_value(request) == first
    html = fill_slots(f"<form>{CSRF_SLOT}</form><form>{CSRF_SLOT}</form>", request)
    assert re.findall(r'value="([^"]+)"', html) == [first, first]
    assert csrf_value(RequestFactory().get("/")) != first  # another response, another mask
