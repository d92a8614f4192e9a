"""What the parts of the grants services share: cleaning money and text, and the award row
locked with its totals (and their snapshot for the audit chain). Money is written for the reader
by ``core.money.format_money``, the one formatter of the project."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from technopark.core.money import format_money as format_money  # grants write money the core way
from technopark.grants.models import GrantAward

MAX_MONEY = Decimal("999999999999.99")
MAX_TEXT = 4000


def _clean_money(value: Any, field: str, *, positive: bool = True) -> Decimal:
    if isinstance(value, float) or not isinstance(value, (Decimal, int)):
        raise ValidationError({field: _("Give an amount in roubles, such as 1250000.50.")})
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValidationError({field: _("Give an amount in roubles, such as 1250000.50.")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            {field: _("Give the amount to the kopeck at most (two decimal places).")}
        )
    if amount < 0 or (positive and amount == 0):
        raise ValidationError({field: _("The amount must be more than zero.")})
    if amount > MAX_MONEY:
        raise ValidationError({field: _("This amount is too large.")})
    return amount.quantize(Decimal("0.01"))


def _clean_text(
    value: Any, field: str, *, required: bool = True, max_length: int = MAX_TEXT
) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else ""
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > max_length:
        raise ValidationError({field: _("At most %(count)d characters.") % {"count": max_length}})
    return text


def _award_snapshot(award: GrantAward) -> dict[str, Any]:
    return {
        "amount": award.amount,
        "paid_total": award.paid_total,
        "clawed_back_total": award.clawed_back_total,
    }


def _locked_award(award: GrantAward) -> GrantAward:
    """The award row, locked until the transaction ends, with its totals as they stand now."""
    return GrantAward.all_parks.select_for_update().get(park_id=award.park_id, pk=award.pk)
