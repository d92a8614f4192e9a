"""Template access to the permission predicates of ``<app>/rules.py``: one way to ask, everywhere."""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

from django import template
from django.http import QueryDict
from django.utils.translation import get_language

from technopark.parks.navigation import nav_links

register = template.Library()


@cache
def _predicate(name: str) -> Any:
    app, _, function = name.partition(".")
    module = importlib.import_module(f"technopark.{app}.rules")
    predicate = getattr(module, function)
    if not callable(predicate) or not function.startswith(("can_", "is_", "acts_", "has_")):
        raise template.TemplateSyntaxError(f"{name} is not a permission predicate")
    return predicate


@register.simple_tag
def allowed(name: str, access: Any, *args: Any) -> bool:
    """``{% allowed "companies.can_edit_company" access company as can_edit %}``."""
    if access is None:
        return False
    return bool(_predicate(name)(access, *args))


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters changed (``page``, ``sort``, …)."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.inclusion_tag("includes/section_nav.html", takes_context=True)
def section_nav(context: Any, section: str, label: str) -> dict[str, Any]:
    """``{% section_nav "spaces" _("Spaces") %}``: the section's row of links the visitor may
    open (``technopark.parks.navigation.SECTIONS``), worked out once per park, roles and language."""
    request = context.get("request")
    links = nav_links(
        getattr(request, "access", None),
        get_language(),
        getattr(request, "resolver_match", None),
        section=section,
    )
    return {"links": links, "label": label, "section": section}
