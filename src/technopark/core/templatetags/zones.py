"""``{{ site.time_zone|zone_name }}``: a time zone named in words in the reader's language
("якутское время (UTC+9)"), never the IANA id: see ``core.localtime.zone_name``."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfoNotFoundError

from django import template

from technopark.core.localtime import zone_name as _zone_name

register = template.Library()


@register.filter
def zone_name(value: Any) -> str:
    if not value:
        return ""
    try:
        return _zone_name(value if not isinstance(value, str) else value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        # A page is no place to fail for a zone the model validated when it was saved.
        return str(value)
