"""Template tags of cached fragments.

``{% csrf_slot %}``: where a cached fragment's form takes the visitor's own CSRF token. A fragment
is cached for every visitor with the same permissions, so it never holds a token: the tag writes a
marker that ``core.fragments.fill_slots`` replaces after the cache.

``{% isolated_include "app/_menu.html" park_slug=park.slug call_id=call.pk %}``: a small template
(a page's menu) rendered with the given values *only* — no request, no context — and kept per
process for each language and set of values. Its output can depend on nothing else, so keeping it
is never stale; the values must be plain (text, whole numbers, booleans, None) so that the number
of kept variants stays bounded by what the site has.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from technopark.core.fragments import CSRF_SLOT

register = template.Library()

_PLAIN = (str, int, bool, type(None))


@register.simple_tag
def csrf_slot() -> SafeString:
    return mark_safe(CSRF_SLOT)  # noqa: S308 - a constant marker of ours


@lru_cache(maxsize=4096)
def _isolated(template_name: str, language: str, values: tuple[tuple[str, object], ...]) -> str:
    with translation.override(language):
        return render_to_string(template_name, dict(values))


@register.simple_tag
def isolated_include(template_name: str, **values: object) -> SafeString:
    for name, value in values.items():
        if not isinstance(value, _PLAIN):
            raise TypeError(f"isolated_include: {name} must be plain, not {type(value).__name__}")
    html = _isolated(template_name, translation.get_language(), tuple(sorted(values.items())))
    return mark_safe(html)  # noqa: S308 - our template's output, escaped when it was rendered
