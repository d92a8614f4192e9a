"""Money as people type it and read it: the form field, and amounts formatted for the reader.

The form field parses roubles and kopecks as typed by people into an exact Decimal.

Guarantees: the value is a ``Decimal`` (never a float) with at most two decimal places and at most
14 digits, between 0 and 999 999 999 999.99 — what a ``DECIMAL(14,2)`` column holds; anything else
is refused with a translated message next to the field. A comma or a point is the decimal
separator, and spaces between digit groups are ignored ("1 250 000,50" as Russian writes it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

MAX_MONEY = Decimal("999999999999.99")


def format_amount(amount: Decimal | int | None) -> str:
    """``1,600,000.00`` in English, ``1 600 000,00`` in Russian (no-break spaces); a dash for
    no amount. For columns whose heading names the currency."""
    if amount is None:
        return "—"
    return formats.number_format(Decimal(amount), 2, use_l10n=True, force_grouping=True)


def format_money(amount: Decimal | int | None, currency: str = "RUB") -> str:
    """``RUB 1,600,000.00`` in English, ``1 600 000,00 ₽`` in Russian (no-break spaces); a dash
    for no amount.

    English puts the ISO code first, as English financial writing does; Russian writes the rouble
    sign after the number (another currency's code likewise). The one way the project writes an
    amount of money for a reader: pages (``|money``), e-mails, messages and exports' text."""
    if amount is None:
        return "—"
    number = format_amount(amount)
    code = (currency or "RUB").upper()
    if (translation.get_language() or settings.LANGUAGE_CODE).startswith("ru"):
        return f"{number}\u00a0{'₽' if code == 'RUB' else code}"
    return f"{code}\u00a0{number}"


class MoneyField(forms.DecimalField):
    """Roubles with kopecks; ``error_messages`` given by the caller replace the defaults."""

    def __init__(
        self, *, required: bool = True, error_messages: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        messages: dict[str, Any] = {
            "required": _("Give an amount in roubles."),
            "invalid": _("Give an amount in roubles, such as 1250000.50."),
            "min_value": _("An amount cannot be negative."),
            "max_value": _("This amount is too large."),
            "max_decimal_places": _("Give the amount to the kopeck at most (two decimal places)."),
            "max_digits": _("This amount is too large."),
            "max_whole_digits": _("This amount is too large."),
        }
        messages.update(error_messages or {})
        super().__init__(
            required=required,
            min_value=Decimal("0"),
            max_value=MAX_MONEY,
            max_digits=14,
            decimal_places=2,
            error_messages=messages,
            **kwargs,
        )

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "")
            if "," in value and "." not in value and value.count(",") == 1:
                value = value.replace(",", ".")
        result: Decimal | None = super().to_python(value)
        return result
