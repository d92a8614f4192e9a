"""Charges: an accepted request billed at its approved quote's prices for the quantities
delivered, paid by the company or from a budget line of one of its grants; and adjustments, the
company's disputes of a line that staff accept (an adjusting line is added, the original stays)
or refuse with a reason.

The money guarantees, the same as the grants' tranches:

* **Never beyond the line.** Charging a budget line raises ``BudgetLine.charged`` under the
  award's and the line's row locks, after checking ``charged + total <= amount`` there; the
  database check ``0 <= charged <= amount`` refuses it even if a caller forgot the locks, and its
  ``IntegrityError`` is answered with the same refusal («left on the line: …»).
* **Never twice.** A charge carries an idempotency key (unique in its park): the same key
  again returns the first charge and charges nothing; a request has at most one charge (unique
  too), so another key for a charged request is refused.
* **At the quote's prices.** A line is the quantity delivered × the unit price the quote line
  copied when it was made (a later price change never reaches it), less the line's discount in
  proportion to what was delivered (``charge_lines_for``).
* **Entries, not edits.** Charge lines never change: an accepted adjustment adds a line that
  corrects one, and the charge's total and the budget line's ``charged`` move by its amount.

Locking order (every service here that takes more than one lock takes them in this order, inside
one transaction): the grant award's row, then the budget line's row (both only when a budget
line pays — as ``grants.services.tranches`` locks the award first), then the request's row, then
the charge's row, then the adjustment's row, then (inside ``apply_transition`` for an act number,
and ``audit_record``) the park's counters and the head of the audit chain.

The quantities delivered come through ``delivered_for`` (see there): the work order's recorded
quantities (``services.work.delivered_quantities``), and the quoted quantity of a line on which
nothing was recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Sum
from django.utils.translation import gettext as _

from technopark.audit.services import audit_record
from technopark.core.fragments import writes
from technopark.core.money import MAX_MONEY, format_money
from technopark.core.scopes import in_park
from technopark.engineering import queries
from technopark.engineering.models import (
    ZERO,
    AdjustmentStatus,
    Charge,
    ChargeAdjustment,
    ChargeLine,
    ChargeLineKind,
    PayerKind,
    Quote,
    QuoteLine,
    QuoteStatus,
    RequestState,
    ServiceRequest,
    Unit,
    WorkOrder,
)
from technopark.engineering.services._common import (
    company_side,
    lock_request,
    park_day,
    refuse_unless,
    touched,
)
from technopark.engineering.services.requests import apply_transition
from technopark.engineering.services.work import delivered_quantities
from technopark.grants.models import BudgetLine, GrantAward
from technopark.parks.rules import ParkAccess, is_staff

CENT = Decimal("0.01")
MAX_KEY = 100
MAX_REASON = 2000

#: the kinds of delivered quantity a charge line is made from
DELIVERED_KINDS = (ChargeLineKind.TIME, ChargeLineKind.INSTRUMENT, ChargeLineKind.DELIVERED)


# --- Computing the lines (pure) -------------------------------------------------------------


@dataclass(frozen=True)
class Delivered:
    """A quantity delivered on a quote line: staff time, instrument time (hours) or samples,
    pieces and materials. The same fields as ``services.work.DeliveredLine``, which the work
    orders give (``delivered_for``)."""

    quote_line: QuoteLine
    kind: str  # "time", "instrument" or "delivered"
    quantity: Decimal  # two decimal places
    unit_price: Decimal  # the quote line's copied price
    description: str


@dataclass(frozen=True)
class LineData:
    """A charge line before it is written."""

    kind: str
    quote_line: QuoteLine
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    amount: Decimal


def proportional_discount(line: QuoteLine, quantity: Decimal, gross: Decimal) -> Decimal:
    """The quote line's discount in proportion to ``quantity`` of its quoted quantity, to the
    kopeck (ROUND_HALF_UP), never more than ``gross`` (what the delivered quantity costs)."""
    if not line.discount or not line.quantity:
        return ZERO
    share = (line.discount * quantity / line.quantity).quantize(CENT, rounding=ROUND_HALF_UP)
    return min(share, gross)


def charge_lines_for(delivered: Iterable[Delivered]) -> list[LineData]:
    """The lines of a charge: each delivered quantity × the quote's unit price, less the quote
    line's discount in proportion to the quantity delivered, the discounts of one quote line's items
    together never more than its discount; each line to the kopeck (ROUND_HALF_UP). A pure function: the property tests call it with any quantities."""
    lines = []
    #: the discount already given per quote line: all its items together never pass its discount
    given: dict[int, Decimal] = {}
    for item in delivered:
        if item.kind not in DELIVERED_KINDS:
            raise ValueError(f"Unknown kind of delivered quantity: {item.kind!r}")
        quantity = item.quantity.quantize(CENT, rounding=ROUND_HALF_UP)
        if quantity < 0:
            raise ValueError("A delivered quantity is never negative.")
        gross = (quantity * item.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)
        key = item.quote_line.pk if item.quote_line.pk is not None else id(item.quote_line)
        left = max(item.quote_line.discount - given.get(key, ZERO), ZERO)
        discount = min(proportional_discount(item.quote_line, quantity, gross), left)
        given[key] = given.get(key, ZERO) + discount
        lines.append(
            LineData(
                kind=item.kind,
                quote_line=item.quote_line,
                description=item.description[:300],
                quantity=quantity,
                unit_price=item.unit_price,
                discount=discount,
                amount=gross - discount,
            )
        )
    return lines


def approved_quote(request: ServiceRequest) -> Quote | None:
    return Quote.all_parks.filter(request=request, status=QuoteStatus.APPROVED).first()


def delivered_for(request: ServiceRequest) -> list[Delivered]:
    """What was delivered on ``request``: the work order's recorded quantities
    (``services.work.delivered_quantities``: staff time, instrument time, samples, pieces and
    materials). A line of the approved quote on which nothing was recorded (no delivery, no time
    entry, no instrument use linked to it) is charged as quoted: the quote is the agreement, the
    records only change what it says; a line recorded as zero charges nothing."""
    quote = approved_quote(request)
    if quote is None:
        return []
    order = WorkOrder.all_parks.filter(request=request).select_related("quote").first()
    recorded = list(delivered_quantities(order)) if order is not None else []
    # recorded, even as zero: a line on which nothing was recorded is charged as quoted; a line
    # recorded as zero charges nothing (no line)
    counted = {item.quote_line.pk for item in recorded if item.recorded}
    items = [
        Delivered(
            quote_line=item.quote_line,
            kind=item.kind,
            quantity=item.quantity,
            unit_price=item.unit_price,
            description=item.description,
        )
        for item in recorded
        if item.recorded and item.quantity > 0
    ]
    rows = QuoteLine.all_parks.filter(quote=quote).select_related("service").order_by("position")
    items += [
        Delivered(
            quote_line=line,
            kind=ChargeLineKind.TIME if line.unit == Unit.HOUR else ChargeLineKind.DELIVERED,
            quantity=line.quantity,
            unit_price=line.unit_price,
            description=line.service.name if line.service else line.description,
        )
        for line in rows
        if line.pk not in counted
    ]
    return items


# --- Refusals -------------------------------------------------------------------------------


class LineExceeded(ValidationError):
    """Charging would take more from a budget line than is left on it (the API answers 409)."""


class AlreadyCharged(ValidationError):
    """The request has a charge already, made with another idempotency key (the API: 409)."""


@dataclass(frozen=True)
class ChargeResult:
    charge: Charge
    created: bool  # False: the same idempotency key charged already; this is that charge


def _clean_key(value: Any) -> str:
    key = value.strip() if isinstance(value, str) else ""
    if not key or len(key) > MAX_KEY or not key.isprintable():
        raise ValidationError(
            {"idempotency_key": _("Give an idempotency key of 1 to 100 printable characters.")}
        )
    return key


def _clean_reason(value: Any, field: str, required_message: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationError({field: required_message})
    if len(text) > MAX_REASON or "\x00" in text:
        raise ValidationError({field: _("At most %(count)d characters.") % {"count": MAX_REASON}})
    return text


def _clean_amount(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(value) if isinstance(value, (Decimal, int, str)) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError({field: _("Give an amount in roubles, such as 1250000.50.")})
    if amount != amount.quantize(CENT):
        raise ValidationError(
            {field: _("Give the amount to the kopeck at most (two decimal places).")}
        )
    if amount < 0:
        raise ValidationError({field: _("An amount cannot be negative.")})
    if amount > MAX_MONEY:
        raise ValidationError({field: _("This amount is too large.")})
    return amount.quantize(CENT)


def _exceeded(line: BudgetLine, wanted: Decimal | None, currency: str) -> LineExceeded:
    left = format_money(max(line.amount - line.charged, ZERO), currency)
    if wanted is None:
        message = _("The budget line cannot pay this: left on the line: %(left)s.") % {"left": left}
    else:
        message = _("The budget line cannot pay %(amount)s: left on the line: %(left)s.") % {
            "amount": format_money(wanted, currency),
            "left": left,
        }
    return LineExceeded({"budget_line": message})


def _below_zero() -> ValidationError:
    return ValidationError(
        {"proposed_amount": _("The budget line would be charged less than nothing.")}
    )


def _is_line_check(error: IntegrityError) -> bool:
    return "budget_line_charged_within_line" in str(error)


#: the one-open-dispute-per-line constraint: PostgreSQL names it, SQLite names its column
OPEN_DISPUTE_CONSTRAINT = "engineering_adjustment_one_open"
OPEN_DISPUTE_SQLITE = "UNIQUE constraint failed: engineering_chargeadjustment.line_id"


def _is_open_dispute(error: IntegrityError) -> bool:
    text = str(error)
    return OPEN_DISPUTE_CONSTRAINT in text or OPEN_DISPUTE_SQLITE in text


# --- Charging -------------------------------------------------------------------------------


def _check_payer(request: ServiceRequest, payer: str, budget_line: BudgetLine | None) -> None:
    if payer == PayerKind.COMPANY:
        if budget_line is not None:
            raise ValidationError({"budget_line": _("The company pays: choose no budget line.")})
        return
    if payer != PayerKind.BUDGET_LINE:
        raise ValidationError({"payer": _("Choose who pays: the company or a budget line.")})
    if budget_line is None or budget_line.pk not in {
        line.pk for line in queries.budget_lines_for(request=request)
    }:
        raise ValidationError(
            {"budget_line": _("Choose a budget line of a grant of this company in this park.")}
        )


def _replay(key: str, request: ServiceRequest) -> ChargeResult | None:
    existing = Charge.all_parks.filter(park_id=request.park_id, idempotency_key=key).first()
    if existing is None:
        return None
    if existing.request_id != request.pk:
        raise ValidationError(
            {"idempotency_key": _("This idempotency key was used for another charge.")}
        )
    return ChargeResult(existing, created=False)


def charge_create(
    *,
    access: ParkAccess,
    request: ServiceRequest,
    payer: str,
    budget_line: BudgetLine | None = None,
    idempotency_key: str,
    now: datetime,
    delivered: Sequence[Delivered] | None = None,
) -> ChargeResult:
    """Charge an accepted request, once, and move it to «charged».

    Only the park's managers and admins charge. The lines are the quantities delivered
    (``delivered``, or ``delivered_for(request)``) at the approved quote's prices
    (``charge_lines_for``); the total is their sum. The payer is the company, or a budget line of
    a grant (not cancelled) of the request's company in this park: that line's ``charged`` rises
    by the total, refused («left on the line: …», ``LineExceeded``) when it would pass the line.

    Idempotent: the same ``idempotency_key`` returns the first charge (``created=False``) and
    charges nothing; another key for a charged request is refused (``AlreadyCharged``).
    Locking (the module's order): the award, the budget line, the request; under them the key and
    the request's charge are looked up again. The request becomes «charged» through
    ``apply_transition`` in the same transaction; the charge goes to the park's audit chain
    (``engineering.charge``)."""
    key = _clean_key(idempotency_key)
    if not in_park(access, request):
        raise ValidationError({"request": _("No such request in this park.")})
    refuse_unless(is_staff(access))
    replay = _replay(key, request)
    if replay is not None:
        return replay
    _check_payer(request, payer, budget_line)
    try:
        with transaction.atomic():
            return _charge_locked(
                access=access,
                request=request,
                payer=payer,
                budget_line=budget_line,
                key=key,
                now=now,
                delivered=delivered,
            )
    except IntegrityError as error:
        # A race the locks did not cover (the same key at the same moment on another request),
        # or the database's check on the budget line: the first charge stands.
        replay = _replay(key, request)
        if replay is not None:
            return replay
        if Charge.all_parks.filter(request=request).exists():
            raise AlreadyCharged({"request": _("This request is charged already.")}) from error
        if budget_line is not None and _is_line_check(error):
            fresh = BudgetLine.objects.select_related("award").get(pk=budget_line.pk)
            raise _exceeded(fresh, None, fresh.award.currency) from error
        raise


def _locked_line(budget_line: BudgetLine) -> tuple[GrantAward, BudgetLine]:
    award = GrantAward.all_parks.select_for_update().get(pk=budget_line.award_id)
    line = BudgetLine.objects.select_for_update().get(pk=budget_line.pk)
    return award, line


def _refuse_cancelled(award: GrantAward) -> None:
    if award.cancelled_at is not None:
        raise ValidationError(
            {"budget_line": _("This grant has been cancelled: its budget pays nothing more.")}
        )


def _charge_locked(
    *,
    access: ParkAccess,
    request: ServiceRequest,
    payer: str,
    budget_line: BudgetLine | None,
    key: str,
    now: datetime,
    delivered: Sequence[Delivered] | None,
) -> ChargeResult:
    award = line = None
    if budget_line is not None:
        award, line = _locked_line(budget_line)
    locked = lock_request(request)
    replay = _replay(key, locked)
    if replay is not None:
        return replay
    if Charge.all_parks.filter(request=locked).exists():
        raise AlreadyCharged({"request": _("This request is charged already.")})
    if locked.state != RequestState.ACCEPTED:
        raise ValidationError(
            {
                "request": _("The request is «%(state)s»: only an accepted request is charged.")
                % {"state": locked.get_state_display()}
            },
            code="not_accepted",
        )
    quote = approved_quote(locked)
    currency = quote.currency if quote is not None else "RUB"
    lines = charge_lines_for(delivered_for(locked) if delivered is None else delivered)
    if quote is None or not lines:
        raise ValidationError(
            {
                "request": _(
                    "Nothing was delivered on an approved quote: there is nothing to charge."
                )
            }
        )
    if any(item.quote_line.quote_id != quote.pk for item in lines):
        raise ValidationError({"request": _("Charge only the lines of the approved quote.")})
    total = sum((item.amount for item in lines), ZERO)
    if total > MAX_MONEY:
        raise ValidationError({"request": _("This amount is too large.")})
    before_charged = None
    if award is not None and line is not None:
        _refuse_cancelled(award)
        before_charged = line.charged
        if line.charged + total > line.amount:
            raise _exceeded(line, total, award.currency)
    # Declared before the writes: a refusal by the database's check rolls them back anyway.
    touched(locked.park_id)
    if line is not None:
        writes("grants", park_id=locked.park_id)
    charge = Charge.all_parks.create(
        park_id=locked.park_id,
        request=locked,
        company_id=locked.company_id,
        payer=payer,
        budget_line=line,
        total=total,
        currency=currency,
        idempotency_key=key,
        charged_on=park_day(locked.park, now),
        created_by=access.user,
        created_at=now,
    )
    ChargeLine.all_parks.bulk_create(
        [
            ChargeLine(
                park_id=locked.park_id,
                charge=charge,
                kind=item.kind,
                quote_line=item.quote_line,
                description=item.description,
                quantity=item.quantity,
                unit_price=item.unit_price,
                amount=item.amount,
                position=n,
            )
            for n, item in enumerate(lines, start=1)
        ]
    )
    if line is not None:
        BudgetLine.objects.filter(pk=line.pk).update(charged=F("charged") + total)
        line.charged += total
    from_state = locked.state
    apply_transition(
        request=locked, to_state=RequestState.CHARGED, actor=access.user, reason="", now=now
    )
    audit_record(
        park=locked.park,
        actor=access.user,
        action="engineering.charge",
        target=charge,
        summary=f"{locked.act_number or locked.pk} {locked.title}"[:300],
        before={"state": from_state, "budget_line_charged": before_charged},
        after={
            "state": RequestState.CHARGED,
            "request_id": locked.pk,
            "amount": total,
            "payer": payer,
            "budget_line_id": line.pk if line is not None else None,
            "budget_line_charged": line.charged if line is not None else None,
            "idempotency_key": key,
        },
    )
    return ChargeResult(charge, created=True)


# --- Adjustments ----------------------------------------------------------------------------


def effective_amount(line: ChargeLine) -> Decimal:
    """What a line charges now: its amount and the adjusting lines that correct it (one
    query)."""
    corrections = ChargeLine.all_parks.filter(corrects=line).aggregate(total=Sum("amount"))
    return line.amount + (corrections["total"] or ZERO)


def adjustment_request(
    *,
    access: ParkAccess,
    line: ChargeLine,
    proposed_amount: Decimal,
    reason: str,
    now: datetime,
) -> ChargeAdjustment:
    """The company (someone acting for it) disputes a line of its charge: what the line should
    charge, and why. One open dispute per line (here, and a unique constraint). Locking: the
    request's row, then the charge's. Audited as ``engineering.adjustment_request``."""
    if not in_park(access, line):
        raise ValidationError({"line": _("No such charge line in this park.")})
    proposed = _clean_amount(proposed_amount, "proposed_amount")
    text = _clean_reason(reason, "reason", _("Say why the line should be different."))
    if line.kind == ChargeLineKind.ADJUSTMENT:
        raise ValidationError({"line": _("Dispute the line itself, not an adjustment to it.")})
    try:
        with transaction.atomic():
            charge = Charge.all_parks.get(pk=line.charge_id)
            request = lock_request(ServiceRequest.all_parks.get(pk=charge.request_id))
            refuse_unless(company_side(access, request))
            charge = Charge.all_parks.select_for_update().get(pk=charge.pk)
            if ChargeAdjustment.all_parks.filter(
                line=line, status=AdjustmentStatus.REQUESTED
            ).exists():
                raise ValidationError(
                    {"line": _("This line is disputed already: wait for the answer.")}
                )
            current = effective_amount(line)
            if proposed == current:
                raise ValidationError(
                    {"proposed_amount": _("The line charges this amount already.")}
                )
            adjustment = ChargeAdjustment.all_parks.create(
                park_id=charge.park_id,
                charge=charge,
                line=line,
                proposed_amount=proposed,
                reason=text,
                requested_by=access.user,
                requested_at=now,
            )
            audit_record(
                park=request.park,
                actor=access.user,
                action="engineering.adjustment_request",
                target=adjustment,
                summary=f"{request.act_number or request.pk} {request.title}"[:300],
                before={"line_id": line.pk, "amount": current},
                after={"proposed_amount": proposed, "reason": text},
            )
            touched(charge.park_id)
    except IntegrityError as error:
        if not _is_open_dispute(error):
            raise
        raise ValidationError(
            {"line": _("This line is disputed already: wait for the answer.")}
        ) from error
    return adjustment


def adjustment_decide(
    *,
    access: ParkAccess,
    adjustment: ChargeAdjustment,
    accept: bool,
    reason: str = "",
    now: datetime,
) -> ChargeAdjustment:
    """Staff (the park's managers and admins) answer a dispute.

    Accepted: the disputed line stays as it was; an adjusting line is added that corrects it by
    ``proposed − what the line charges now``, the charge's total moves by that amount, and so
    does the paying budget line's ``charged`` — refused when it would pass the line («left on
    the line: …») or go below zero. Refused: with a reason, nothing else changes.
    Locking (the module's order): the award and the budget line when one pays, the request, the
    charge, the adjustment. Audited as ``engineering.adjustment_accept`` / ``_refuse``."""
    if not in_park(access, adjustment):
        raise ValidationError({"adjustment": _("No such adjustment in this park.")})
    refuse_unless(is_staff(access))
    refusal = ""
    if not accept:
        refusal = _clean_reason(reason, "reason", _("Give the reason for refusing."))
    with transaction.atomic():
        charge = Charge.all_parks.select_related("budget_line").get(pk=adjustment.charge_id)
        award = budget = None
        if charge.budget_line is not None:
            award, budget = _locked_line(charge.budget_line)
        request = lock_request(ServiceRequest.all_parks.get(pk=charge.request_id))
        charge = Charge.all_parks.select_for_update().get(pk=charge.pk)
        locked = ChargeAdjustment.all_parks.select_for_update().get(pk=adjustment.pk)
        if locked.status != AdjustmentStatus.REQUESTED:
            raise ValidationError({"adjustment": _("This dispute is answered already.")})
        line = ChargeLine.all_parks.get(pk=locked.line_id)
        current = effective_amount(line)
        delta = locked.proposed_amount - current
        before = {"status": locked.status, "total": charge.total, "line_amount": current}
        if accept:
            if charge.total + delta > MAX_MONEY:
                raise ValidationError(
                    {
                        "proposed_amount": _(
                            "The charge's total would be too large: at most %(most)s."
                        )
                        % {"most": format_money(MAX_MONEY, charge.currency)}
                    },
                    code="too_large",
                )
            if budget is not None and award is not None:
                if delta > 0:
                    _refuse_cancelled(award)
                if budget.charged + delta > budget.amount:
                    raise _exceeded(budget, delta, award.currency)
                if budget.charged + delta < 0:
                    raise _below_zero()
            position = (
                ChargeLine.all_parks.filter(charge=charge).aggregate(n=Max("position"))["n"] or 0
            ) + 1
            adjusting = ChargeLine.all_parks.create(
                park_id=charge.park_id,
                charge=charge,
                kind=ChargeLineKind.ADJUSTMENT,
                quote_line_id=line.quote_line_id,
                description=line.description,
                amount=delta,
                corrects=line,
                position=position,
            )
            charge.total += delta
            charge.save(update_fields=["total"])
            if budget is not None:
                BudgetLine.objects.filter(pk=budget.pk).update(charged=F("charged") + delta)
                budget.charged += delta
            locked.status = AdjustmentStatus.ACCEPTED
            locked.adjusting_line = adjusting
        else:
            locked.status = AdjustmentStatus.REFUSED
            locked.refusal_reason = refusal
        locked.decided_by = access.user
        locked.decided_at = now
        locked.save(
            update_fields=["status", "adjusting_line", "refusal_reason", "decided_by", "decided_at"]
        )
        audit_record(
            park=request.park,
            actor=access.user,
            action=f"engineering.adjustment_{'accept' if accept else 'refuse'}",
            target=locked,
            summary=f"{request.act_number or request.pk} {request.title}"[:300],
            before=before,
            after={
                "status": locked.status,
                "amount": delta if accept else ZERO,
                "total": charge.total,
                "budget_line_id": budget.pk if budget is not None else None,
                "budget_line_charged": budget.charged if budget is not None else None,
                "reason": refusal,
            },
        )
        touched(charge.park_id)
        if budget is not None:
            writes("grants", park_id=charge.park_id)
    return locked
