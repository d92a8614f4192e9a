"""``{{ amount|money }}``: roubles with digit groups and kopecks, in the visitor's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from technopark.grants.services import format_money

register = template.Library()


@register.filter
def money(value: Any, currency: str = "RUB") -> str:
    if value is None or value == "":
        return "—"
    return format_money(Decimal(value), currency or "RUB")
