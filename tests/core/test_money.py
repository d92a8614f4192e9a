"""``MoneyField``: what people type becomes an exact Decimal of a ``DECIMAL(14,2)`` column."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from technopark.core.money import MoneyField


class _Form(forms.Form):
    amount = MoneyField()
    optional = MoneyField(required=False, error_messages={"required": "custom"})


def _clean(value: str) -> tuple[Decimal | None, list[str]]:
    with translation.override("en"):
        form = _Form({"amount": value})
        form.is_valid()
        return form.cleaned_data.get("amount"), form.errors.get("amount", [])


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1250000.50", Decimal("1250000.50")),
        ("1 250 000,50", Decimal("1250000.50")),
        ("1\u202f250\u00a0000,5", Decimal("1250000.5")),
        ("0", Decimal("0")),
        ("999999999999.99", Decimal("999999999999.99")),
    ],
)
def test_typed_amounts_become_exact_decimals(typed: str, amount: Decimal) -> None:
    value, errors = _clean(typed)
    assert errors == []
    assert value == amount
    assert isinstance(value, Decimal)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Give an amount in roubles."),
        ("abc", "Give an amount in roubles, such as 1250000.50."),
        ("1,000,000", "Give an amount in roubles, such as 1250000.50."),
        ("-1", "An amount cannot be negative."),
        ("1000000000000", "This amount is too large."),
        ("1.005", "Give the amount to the kopeck at most (two decimal places)."),
        ("1e400", "This amount is too large."),
        ("NaN", "Give an amount in roubles, such as 1250000.50."),
    ],
)
def test_bad_amounts_are_refused_with_a_message(typed: str, message: str) -> None:
    value, errors = _clean(typed)
    assert value is None
    assert message in errors[0]


def test_a_caller_replaces_one_message_and_keeps_the_others() -> None:
    field = _Form().fields["optional"]
    assert field.error_messages["required"] == "custom"
    assert field.error_messages["min_value"] == "An amount cannot be negative."
