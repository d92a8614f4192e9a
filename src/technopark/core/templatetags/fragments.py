"""``{% csrf_slot %}``: where a cached fragment's form takes the visitor's own CSRF token.

A fragment is cached for every visitor with the same permissions, so it never holds a token:
the tag writes a marker that ``core.fragments.fill_slots`` replaces after the cache.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from technopark.core.fragments import CSRF_SLOT

register = template.Library()


@register.simple_tag
def csrf_slot() -> SafeString:
    return mark_safe(CSRF_SLOT)  # noqa: S308 - a constant marker of ours
