"""Quotes: drafts edited line by line, sent (numbered and frozen), approved by the company (and
by a manager above the park's threshold), declined, or replaced by a new version.

A line copies the unit price in force for its tier on the park's day when it is added: a later
price change never reaches a quote already made, and a new version copies its lines' prices
from the version it replaces.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import formats
from django.utils.translation import gettext as _

from technopark.audit.services import audit_record
from technopark.core.money import MAX_MONEY
from technopark.core.scopes import in_park
from technopark.engineering import queries
from technopark.engineering.models import (
    ZERO,
    ApprovalSide,
    DocumentKind,
    EventKind,
    LineKind,
    Quote,
    QuoteApproval,
    QuoteLine,
    QuoteStatus,
    RequestState,
    Service,
    ServiceRequest,
)
from technopark.engineering.services._common import (
    company_side,
    lock_request,
    number_next,
    park_day,
    refuse_unless,
    staff_side,
    touched,
)
from technopark.engineering.services.requests import apply_transition
from technopark.parks.models import Park
from technopark.parks.rules import ParkAccess, is_staff

CENT = Decimal("0.01")
MAX_QUANTITY = Decimal("99999999.99")

#: request states in which a quote may be drafted
QUOTABLE = (RequestState.TRIAGED, RequestState.QUOTED, RequestState.APPROVED)
#: request states in which a draft is edited and sent
EDITABLE = (RequestState.TRIAGED, RequestState.QUOTED)


def _locked_quote(quote: Quote) -> Quote:
    return Quote.all_parks.select_for_update().get(pk=quote.pk)


def _draft_only(quote: Quote) -> None:
    if quote.status != QuoteStatus.DRAFT:
        raise ValidationError(
            _("A sent quote cannot be changed: make a new version of it."), code="frozen"
        )


def _request_editable(request: ServiceRequest) -> None:
    if request.state not in EDITABLE:
        raise ValidationError(
            _("The request is «%(state)s»: its quotes can no longer be changed or sent.")
            % {"state": request.get_state_display()},
            code="request_closed",
        )


def _request_answerable(request: ServiceRequest) -> None:
    if request.state != RequestState.QUOTED:
        raise ValidationError(
            _("The request is «%(state)s»: its quote cannot be answered now.")
            % {"state": request.get_state_display()},
            code="request_not_quoted",
        )


def _recount(quote: Quote) -> None:
    """Sum the quote's lines into its total; refused (and the caller's transaction rolled back)
    when the total would not fit a money field. Call with the quote locked."""
    total = QuoteLine.all_parks.filter(quote=quote).aggregate(total=Sum("amount"))["total"] or ZERO
    if total > MAX_MONEY:
        raise ValidationError(
            _("The quote's total would be too large: split the work into another quote."),
            code="total_too_large",
        )
    quote.total = total
    quote.save(update_fields=["total"])


def quote_create(*, access: ParkAccess, request: ServiceRequest, now: datetime) -> Quote:
    """A new draft (the next version) for a triaged or quoted request, when it has none open:
    no draft and no sent quote waiting for an answer. Locking: the request row."""
    if not in_park(access, request):
        raise ValidationError(_("No such request in this park."))
    with transaction.atomic():
        locked = lock_request(request)
        refuse_unless(staff_side(access, locked))
        if locked.state not in (RequestState.TRIAGED, RequestState.QUOTED):
            raise ValidationError(
                _("Quote a request once it is triaged, and before its quote is approved."),
                code="not_quotable",
            )
        open_ = Quote.all_parks.filter(
            request=locked, status__in=(QuoteStatus.DRAFT, QuoteStatus.SENT)
        )
        if open_.exists():
            raise ValidationError(
                _("This request has a quote open already: change that one."), code="open_quote"
            )
        quote = _new_version(locked, actor=access.user, now=now)
        touched(locked.park_id)
    return quote


def _new_version(request: ServiceRequest, *, actor: Any, now: datetime) -> Quote:
    last = Quote.all_parks.filter(request=request).aggregate(last=Max("version"))["last"] or 0
    return Quote.all_parks.create(
        park_id=request.park_id,
        request=request,
        version=last + 1,
        created_by=actor,
        created_at=now,
    )


def quote_revise(*, access: ParkAccess, quote: Quote, now: datetime) -> Quote:
    """A new draft version of a sent or approved quote, with the same lines at the same prices;
    the old version is superseded. An approved request goes back to «quoted»: the new version
    needs approval again, and replacing an approved quote goes to the park's audit chain.
    Locking: the request row, then the quote, then the audit chain's head."""
    if not in_park(access, quote):
        raise ValidationError(_("No such quote in this park."))
    with transaction.atomic():
        request = lock_request(quote.request)
        refuse_unless(staff_side(access, request))
        old = _locked_quote(quote)
        if old.status not in (QuoteStatus.SENT, QuoteStatus.APPROVED):
            raise ValidationError(
                _("Only a sent or approved quote is changed by a new version."), code="not_sent"
            )
        if request.state not in QUOTABLE:
            raise ValidationError(
                _("The work has started: the quote can no longer be changed."), code="started"
            )
        was_approved = old.status == QuoteStatus.APPROVED
        old.status = QuoteStatus.SUPERSEDED
        old.save(update_fields=["status"])
        new = _new_version(request, actor=access.user, now=now)
        lines = [
            QuoteLine(
                park_id=line.park_id,
                quote=new,
                kind=line.kind,
                service_id=line.service_id,
                description=line.description,
                quantity=line.quantity,
                unit=line.unit,
                tier=line.tier,
                unit_price=line.unit_price,
                discount=line.discount,
                discount_reason=line.discount_reason,
                amount=line.amount,
                position=line.position,
            )
            for line in QuoteLine.all_parks.filter(quote=old).order_by("position", "pk")
        ]
        QuoteLine.all_parks.bulk_create(lines)
        _recount(new)
        if was_approved and request.state == RequestState.APPROVED:
            apply_transition(
                request=request,
                to_state=RequestState.QUOTED,
                actor=access.user,
                reason="",
                kind=EventKind.QUOTE_REPLACED,
                params={"n": new.version},
                now=now,
            )
        if was_approved:
            audit_record(
                park=request.park,
                actor=access.user,
                action="engineering.quote_revise",
                target=old,
                summary=f"{old.number} {request.title}"[:300],
                before={"status": QuoteStatus.APPROVED, "number": old.number, "total": old.total},
                after={"status": QuoteStatus.SUPERSEDED, "new_version": new.version},
            )
        touched(request.park_id)
    return new


def _line_amount(quantity: Decimal, unit_price: Decimal, discount: Decimal) -> Decimal:
    return (quantity * unit_price - discount).quantize(CENT, rounding=ROUND_HALF_UP)


def _check_discount(quantity: Decimal, unit_price: Decimal, discount: Decimal, reason: str) -> None:
    if discount < 0:
        raise ValidationError({"discount": _("A discount cannot be negative.")})
    if discount and not reason.strip():
        raise ValidationError({"discount_reason": _("Give the reason for the discount.")})
    if discount > (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValidationError({"discount": _("The discount is more than the line.")})


def _check_quantity(quantity: Decimal) -> None:
    if quantity <= 0 or quantity > MAX_QUANTITY:
        raise ValidationError({"quantity": _("Give a quantity above zero.")})


def _check_amount(quantity: Decimal, unit_price: Decimal, *, field: str) -> None:
    """The line (quantity × price) must fit a money field (``core.money.MAX_MONEY``)."""
    if quantity * unit_price > MAX_MONEY:
        raise ValidationError({field: _("This amount is too large.")}, code="too_large")


def _next_position(quote: Quote) -> int:
    return (
        QuoteLine.all_parks.filter(quote=quote).aggregate(last=Max("position"))["last"] or 0
    ) + 1


def quote_line_add(
    *,
    access: ParkAccess,
    quote: Quote,
    service: Service,
    quantity: Decimal,
    tier: str,
    discount: Decimal = ZERO,
    discount_reason: str = "",
    now: datetime,
) -> QuoteLine:
    """A service line of a draft: the unit price in force for ``tier`` on the park's day of
    ``now`` is copied onto it. Refused when the service has no price for that tier then, or
    when the request is no longer triaged or quoted. Locking: the request row, then the quote."""
    if not (in_park(access, quote) and in_park(access, service)):
        raise ValidationError({"service": _("Choose a service of this park.")})
    if not service.is_active:
        raise ValidationError({"service": _("This service is no longer offered.")})
    _check_quantity(quantity)
    price = queries.price_in_force(service=service, tier=tier, on=park_day(quote.park, now))
    if price is None:
        raise ValidationError({"tier": _("The service has no price for this tier yet.")})
    _check_amount(quantity, price.unit_price, field="quantity")
    _check_discount(quantity, price.unit_price, discount, discount_reason)
    with transaction.atomic():
        request = lock_request(quote.request)
        locked = _locked_quote(quote)
        refuse_unless(staff_side(access, request))
        _request_editable(request)
        _draft_only(locked)
        line = QuoteLine.all_parks.create(
            park_id=locked.park_id,
            quote=locked,
            kind=LineKind.SERVICE,
            service=service,
            quantity=quantity,
            unit=service.unit,
            tier=tier,
            unit_price=price.unit_price,
            discount=discount,
            discount_reason=discount_reason.strip(),
            amount=_line_amount(quantity, price.unit_price, discount),
            position=_next_position(locked),
        )
        _recount(locked)
        touched(locked.park_id)
    return line


def quote_materials_add(
    *,
    access: ParkAccess,
    quote: Quote,
    description: str,
    quantity: Decimal,
    unit_price: Decimal,
    discount: Decimal = ZERO,
    discount_reason: str = "",
) -> QuoteLine:
    """A line of materials (free text and a price) on a draft. Locking: the request row, then
    the quote."""
    if not in_park(access, quote):
        raise ValidationError(_("No such quote in this park."))
    if not description.strip():
        raise ValidationError({"description": _("Say what the materials are.")})
    _check_quantity(quantity)
    if unit_price < 0:
        raise ValidationError({"unit_price": _("A price cannot be negative.")})
    _check_amount(quantity, unit_price, field="unit_price")
    _check_discount(quantity, unit_price, discount, discount_reason)
    with transaction.atomic():
        request = lock_request(quote.request)
        locked = _locked_quote(quote)
        refuse_unless(staff_side(access, request))
        _request_editable(request)
        _draft_only(locked)
        line = QuoteLine.all_parks.create(
            park_id=locked.park_id,
            quote=locked,
            kind=LineKind.MATERIALS,
            description=description.strip(),
            quantity=quantity,
            unit_price=unit_price,
            discount=discount,
            discount_reason=discount_reason.strip(),
            amount=_line_amount(quantity, unit_price, discount),
            position=_next_position(locked),
        )
        _recount(locked)
        touched(locked.park_id)
    return line


def quote_line_remove(*, access: ParkAccess, line: QuoteLine) -> None:
    """Take a line off a draft. Locking: the request row, then the quote."""
    if not in_park(access, line):
        raise ValidationError(_("No such quote line in this park."))
    with transaction.atomic():
        request = lock_request(line.quote.request)
        locked = _locked_quote(line.quote)
        refuse_unless(staff_side(access, request))
        _request_editable(request)
        _draft_only(locked)
        line.delete()
        _recount(locked)
        touched(locked.park_id)


def quote_send(
    *, access: ParkAccess, quote: Quote, expires_on: date | None = None, now: datetime
) -> Quote:
    """Send a draft to the company: it is numbered («ИЦ-2026-0001», gap-free per park and
    year), frozen, valid until ``expires_on`` (by default the park's setting from today), and
    needs a manager's approval too when its total is above the park's threshold. A triaged
    request becomes «quoted». Locking: the request row, the quote, the quote counter."""
    if not in_park(access, quote):
        raise ValidationError(_("No such quote in this park."))
    park = quote.park
    today = park_day(park, now)
    if expires_on is not None and expires_on < today:
        raise ValidationError({"expires_on": _("The expiry date has passed.")})
    with transaction.atomic():
        request = lock_request(quote.request)
        refuse_unless(staff_side(access, request))
        _request_editable(request)
        locked = _locked_quote(quote)
        _draft_only(locked)
        if not QuoteLine.all_parks.filter(quote=locked).exists():
            raise ValidationError(_("Add at least one line before sending the quote."))
        settings_row = queries.engineering_settings(park=park)
        _recount(locked)
        locked.number = number_next(park=park, kind=DocumentKind.QUOTE, now=now)
        locked.status = QuoteStatus.SENT
        locked.sent_at = now
        locked.expires_on = expires_on or today + timedelta(days=settings_row.quote_valid_days)
        locked.needs_manager = locked.total > settings_row.approval_threshold
        locked.save(update_fields=["number", "status", "sent_at", "expires_on", "needs_manager"])
        if request.state == RequestState.TRIAGED:
            apply_transition(
                request=request,
                to_state=RequestState.QUOTED,
                actor=access.user,
                reason="",
                kind=EventKind.QUOTE_SENT,
                params={"number": locked.number},
                now=now,
            )
        touched(park.pk)
    return locked


def _check_answerable(quote: Quote, today: date) -> None:
    if quote.status == QuoteStatus.EXPIRED and quote.expires_on is not None:
        raise ValidationError(
            _("This quote expired on %(day)s: ask for a new version.")
            % {"day": formats.date_format(quote.expires_on, "SHORT_DATE_FORMAT")},
            code="expired",
        )
    if quote.status != QuoteStatus.SENT:
        raise ValidationError(_("Only a sent quote waits for an answer."), code="not_sent")
    if quote.expires_on is not None and quote.expires_on < today:
        raise ValidationError(
            _("This quote expired on %(day)s: ask for a new version.")
            % {"day": formats.date_format(quote.expires_on, "SHORT_DATE_FORMAT")},
            code="expired",
        )


def quote_approve(*, access: ParkAccess, quote: Quote, side: str, now: datetime) -> Quote:
    """One approval of a sent quote: for the company (someone acting for it) or as the park's
    manager (needed too when the total is above the park's threshold). When every approval it
    needs is in, the quote is approved and the request becomes «approved». An expired quote is
    refused. Each approval goes to the park's audit chain. Locking: the request row, the quote,
    then the audit chain's head."""
    if not in_park(access, quote):
        raise ValidationError(_("No such quote in this park."))
    today = park_day(quote.park, now)
    with transaction.atomic():
        request = lock_request(quote.request)
        locked = _locked_quote(quote)
        if side == ApprovalSide.COMPANY:
            refuse_unless(company_side(access, request))
        elif side == ApprovalSide.MANAGER:
            refuse_unless(is_staff(access))
            if not locked.needs_manager:
                raise ValidationError(
                    _("This quote is below the threshold: the company's approval is enough."),
                    code="no_manager_needed",
                )
        else:
            raise ValidationError({"side": _("Approve for the company or as the manager.")})
        _request_answerable(request)
        _check_answerable(locked, today)
        if QuoteApproval.all_parks.filter(quote=locked, side=side).exists():
            raise ValidationError(_("This approval is already given."), code="already")
        QuoteApproval.all_parks.create(
            park_id=locked.park_id,
            quote=locked,
            side=side,
            approved_by=access.user,
            approved_at=now,
        )
        sides = set(QuoteApproval.all_parks.filter(quote=locked).values_list("side", flat=True))
        needed = {ApprovalSide.COMPANY} | (
            {ApprovalSide.MANAGER} if locked.needs_manager else set()
        )
        complete = needed <= sides
        if complete:
            locked.status = QuoteStatus.APPROVED
            locked.decided_at = now
            locked.save(update_fields=["status", "decided_at"])
        audit_record(
            park=locked.park,
            actor=access.user,
            action="engineering.quote_approve",
            target=locked,
            summary=f"{locked.number} {request.title}"[:300],
            before={"status": QuoteStatus.SENT},
            after={
                "status": locked.status,
                "side": side,
                "total": locked.total,
                "number": locked.number,
            },
        )
        if complete and request.state == RequestState.QUOTED:
            apply_transition(
                request=request,
                to_state=RequestState.APPROVED,
                actor=access.user,
                reason="",
                kind=EventKind.QUOTE_APPROVED,
                params={"number": locked.number},
                now=now,
            )
        touched(locked.park_id)
    return locked


def quote_decline(*, access: ParkAccess, quote: Quote, reason: str, now: datetime) -> Quote:
    """The company says no to a sent quote, with its reason (audited). The request stays
    «quoted»: staff may draft another version or take it back to triage. Locking: the request
    row, the quote, then the audit chain's head."""
    if not in_park(access, quote):
        raise ValidationError(_("No such quote in this park."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you decline the quote.")})
    with transaction.atomic():
        request = lock_request(quote.request)
        refuse_unless(company_side(access, request))
        _request_answerable(request)
        locked = _locked_quote(quote)
        if locked.status != QuoteStatus.SENT:
            raise ValidationError(_("Only a sent quote waits for an answer."), code="not_sent")
        if QuoteApproval.all_parks.filter(quote=locked, side=ApprovalSide.COMPANY).exists():
            raise ValidationError(
                _("The company has approved this quote already: it can no longer decline it."),
                code="already_approved",
            )
        locked.status = QuoteStatus.DECLINED
        locked.decided_at = now
        locked.decline_reason = reason.strip()
        locked.save(update_fields=["status", "decided_at", "decline_reason"])
        audit_record(
            park=locked.park,
            actor=access.user,
            action="engineering.quote_decline",
            target=locked,
            summary=f"{locked.number} {request.title}"[:300],
            before={"status": QuoteStatus.SENT},
            after={"status": QuoteStatus.DECLINED, "reason": locked.decline_reason},
        )
        touched(locked.park_id)
    return locked


#: the furthest ahead of UTC a park's clock can be: no park's day is later than UTC's day then
AHEAD_OF_UTC = timedelta(hours=14)


def quotes_expire(*, now: datetime, park: Park | None = None) -> int:
    """Close every sent quote whose «valid until» day has passed on its park's day of ``now``:
    it becomes «expired» (its approval was refused from that day already; now it no longer
    counts as open, so staff may draft the next version). Each one goes to the park's audit
    chain, by nobody (the system). The request stays «quoted».

    Idempotent: an expired quote is left alone, so a second run (or two at once) changes
    nothing. ``park`` limits the run to one park. Returns how many quotes expired. Locking, per
    quote in its own transaction: the request row, the quote, then the audit chain's head."""
    candidates = Quote.all_parks.filter(
        status=QuoteStatus.SENT,
        expires_on__isnull=False,
        # a superset: every park's day at ``now`` is at most UTC's day 14 hours later
        expires_on__lt=(now + AHEAD_OF_UTC).date(),
    ).select_related("park", "request")
    if park is not None:
        candidates = candidates.filter(park=park)
    expired = 0
    for candidate in candidates.order_by("park_id", "pk"):
        today = park_day(candidate.park, now)
        if candidate.expires_on is None or candidate.expires_on >= today:
            continue
        with transaction.atomic():
            lock_request(candidate.request)
            locked = _locked_quote(candidate)
            if locked.status != QuoteStatus.SENT:
                continue  # answered or expired meanwhile
            locked.status = QuoteStatus.EXPIRED
            locked.save(update_fields=["status"])
            audit_record(
                park=candidate.park,
                actor=None,
                action="engineering.quote_expire",
                target=locked,
                summary=f"{locked.number}"[:300],
                before={"status": QuoteStatus.SENT, "expires_on": locked.expires_on},
                after={"status": QuoteStatus.EXPIRED},
            )
            touched(locked.park_id)
        expired += 1
    return expired
