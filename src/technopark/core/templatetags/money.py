"""``{{ value|money }}`` (``1 600 000,00 ₽``) and ``{{ value|amount }}`` (``1 600 000,00``, for a
column whose heading names the currency), in the reader's language: see ``core.money``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from technopark.core.money import format_amount, format_money

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def money(value: Any, currency: str = "RUB") -> str:
    return format_money(_decimal(value), currency or "RUB")


@register.filter
def amount(value: Any) -> str:
    return format_amount(_decimal(value))
