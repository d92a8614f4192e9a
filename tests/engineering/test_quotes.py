"""Quotes: lines at the price in force (copied, so a later price never reaches them), sending
freezes and numbers them, versions, approval by the company and above the threshold by a
manager too, expired quotes refused, numbers gap-free and unique per park and year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from technopark.audit.models import AuditEntry
from technopark.engineering import queries, services
from technopark.engineering.models import (
    DocumentKind,
    Quote,
    QuoteApproval,
    QuoteStatus,
    RequestState,
    Tier,
)
from technopark.residency.models import ResidentState, ResidentStatus
from tests.engineering.conftest import DAY, NOW

pytestmark = pytest.mark.django_db


def _approve(centre, quote, who="founder", side="company", now=NOW):
    return services.quote_approve(access=centre.access(who), quote=quote, side=side, now=now)


# --- Prices ---------------------------------------------------------------------------------


def test_the_price_in_force_is_the_latest_one_not_after_the_day(centre):
    services.service_price_set(
        service=centre.assay,
        tier=Tier.EXTERNAL,
        valid_from=dt.date(2026, 4, 1),
        unit_price=Decimal("3000"),
        now=NOW,
    )
    on = queries.price_in_force
    assert on(service=centre.assay, tier=Tier.EXTERNAL, on=dt.date(2025, 12, 31)) is None
    assert on(service=centre.assay, tier=Tier.EXTERNAL, on=DAY).unit_price == Decimal("2500.00")
    assert on(service=centre.assay, tier=Tier.EXTERNAL, on=dt.date(2026, 3, 31)).unit_price == (
        Decimal("2500.00")
    )
    assert on(service=centre.assay, tier=Tier.EXTERNAL, on=dt.date(2026, 4, 1)).unit_price == (
        Decimal("3000.00")
    )


def test_a_price_change_does_not_alter_an_issued_quote(centre, frozen):
    request = centre.to_state("triaged")
    quote = centre.sent_quote(request)
    assert quote.total == Decimal("25000.00")
    services.service_price_set(
        service=centre.assay,
        tier=Tier.EXTERNAL,
        valid_from=DAY,
        unit_price=Decimal("9999"),
        now=NOW,
    )
    quote.refresh_from_db()
    line = quote.lines.get()
    assert (line.unit_price, line.amount, quote.total) == (
        Decimal("2500.00"),
        Decimal("25000.00"),
        Decimal("25000.00"),
    )
    # A new version keeps the issued prices; a line added now takes today's price.
    new = services.quote_revise(access=centre.access("manager"), quote=quote, now=NOW)
    assert new.lines.get().unit_price == Decimal("2500.00")
    added = services.quote_line_add(
        access=centre.access("manager"),
        quote=new,
        service=centre.assay,
        quantity=Decimal("1"),
        tier=Tier.EXTERNAL,
        now=NOW,
    )
    assert added.unit_price == Decimal("9999.00")


def test_a_service_without_a_price_for_the_tier_is_refused(centre, frozen):
    request = centre.to_state("triaged")
    quote = services.quote_create(access=centre.access("manager"), request=request, now=NOW)
    with pytest.raises(ValidationError) as excinfo:
        services.quote_line_add(
            access=centre.access("manager"),
            quote=quote,
            service=centre.assay,
            quantity=Decimal("1"),
            tier=Tier.SUBSIDISED,
            now=dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
        )
    assert "tier" in excinfo.value.message_dict


def test_the_tier_comes_from_the_company_standing(centre):
    company = centre.world.company
    assert queries.company_tier(company=company) == Tier.EXTERNAL
    ResidentStatus.all_parks.create(
        park=centre.world.park,
        company=company,
        agreement_number="Р-1",
        start_date=dt.date(2025, 1, 1),
        status=ResidentState.ACTIVE,
        status_since=dt.date(2025, 1, 1),
        reports_from=0,
    )
    assert queries.company_tier(company=company) == Tier.RESIDENT


# --- Lines ----------------------------------------------------------------------------------


def test_a_discount_needs_a_reason_and_stays_within_the_line(centre, frozen):
    request = centre.to_state("triaged")
    quote = services.quote_create(access=centre.access("manager"), request=request, now=NOW)
    add = dict(
        access=centre.access("manager"),
        quote=quote,
        service=centre.drilling,
        quantity=Decimal("2"),
        tier=Tier.EXTERNAL,
        now=NOW,
    )
    with pytest.raises(ValidationError) as excinfo:
        services.quote_line_add(**add, discount=Decimal("100"))
    assert "discount_reason" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.quote_line_add(**add, discount=Decimal("8000.01"), discount_reason="Партнёр")
    assert "discount" in excinfo.value.message_dict
    line = services.quote_line_add(**add, discount=Decimal("500"), discount_reason="Партнёр")
    materials = services.quote_materials_add(
        access=centre.access("manager"),
        quote=quote,
        description="Сталь 09Г2С, лист 4 мм",
        quantity=Decimal("3"),
        unit_price=Decimal("1200.50"),
    )
    quote.refresh_from_db()
    assert line.amount == Decimal("7500.00")
    assert materials.amount == Decimal("3601.50")
    assert quote.total == Decimal("11101.50")
    services.quote_line_remove(access=centre.access("manager"), line=line)
    quote.refresh_from_db()
    assert quote.total == Decimal("3601.50")


def test_a_sent_quote_is_frozen(centre, frozen):
    request = centre.to_state("triaged")
    quote = centre.sent_quote(request)
    assert quote.status == QuoteStatus.SENT
    assert quote.expires_on == DAY + dt.timedelta(days=30)
    with pytest.raises(ValidationError):
        services.quote_line_add(
            access=centre.access("manager"),
            quote=quote,
            service=centre.assay,
            quantity=Decimal("1"),
            tier=Tier.EXTERNAL,
            now=NOW,
        )
    with pytest.raises(ValidationError):
        services.quote_line_remove(access=centre.access("manager"), line=quote.lines.get())
    assert quote.lines.count() == 1


def test_an_empty_draft_is_not_sent_and_uses_no_number(centre, frozen):
    request = centre.to_state("triaged")
    quote = services.quote_create(access=centre.access("manager"), request=request, now=NOW)
    with pytest.raises(ValidationError):
        services.quote_send(access=centre.access("manager"), quote=quote, now=NOW)
    centre.quote(centre.to_state("triaged"))
    other = Quote.all_parks.exclude(pk=quote.pk).get()
    sent = services.quote_send(access=centre.access("manager"), quote=other, now=NOW)
    assert sent.number == "ИЦ-2026-0001"


# --- Versions -------------------------------------------------------------------------------


def test_changing_a_sent_quote_makes_a_new_version(centre, frozen):
    request = centre.to_state("quoted")
    old = request.quotes.get()
    new = services.quote_revise(access=centre.access("manager"), quote=old, now=NOW)
    old.refresh_from_db()
    assert (old.status, new.status, new.version) == ("superseded", "draft", 2)
    assert new.total == old.total and new.number == ""
    with pytest.raises(ValidationError):
        _approve(centre, old)
    sent = services.quote_send(access=centre.access("manager"), quote=new, now=NOW)
    assert sent.number == "ИЦ-2026-0002"


def test_changing_an_approved_quote_needs_approval_again(centre, frozen):
    request = centre.to_state("approved")
    approved = request.quotes.get(status="approved")
    new = services.quote_revise(access=centre.access("manager"), quote=approved, now=NOW)
    request.refresh_from_db()
    assert request.state == RequestState.QUOTED
    with pytest.raises(ValidationError):  # no work on a quote nobody approved
        services.request_transition(
            access=centre.access("manager"), request=request, to_state="in_work", now=NOW
        )
    services.quote_send(access=centre.access("manager"), quote=new, now=NOW)
    new.refresh_from_db()
    _approve(centre, new)
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED
    assert list(request.quotes.values_list("version", "status")) == [
        (2, "approved"),
        (1, "superseded"),
    ]


def test_a_quote_cannot_change_once_the_work_started(centre, frozen):
    request = centre.to_state("in_work")
    with pytest.raises(ValidationError):
        services.quote_revise(access=centre.access("manager"), quote=request.quotes.get(), now=NOW)


def test_one_open_quote_at_a_time(centre, frozen):
    request = centre.to_state("quoted")
    with pytest.raises(ValidationError):
        services.quote_create(access=centre.access("manager"), request=request, now=NOW)


# --- Approval -------------------------------------------------------------------------------


def test_an_expired_quote_cannot_be_approved(centre, frozen):
    request = centre.to_state("triaged")
    quote = centre.sent_quote(request)
    day_after = NOW + dt.timedelta(days=31)
    with time_machine.travel(day_after, tick=False), pytest.raises(ValidationError) as excinfo:
        _approve(centre, quote, now=day_after)
    assert "expired" in " ".join(excinfo.value.messages)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT and not quote.approvals.exists()
    # On its last day it still can.
    last_day = NOW + dt.timedelta(days=30)
    _approve(centre, quote, now=last_day)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED


def test_only_the_company_approves_for_the_company(centre, frozen):
    request = centre.to_state("quoted")
    quote = request.quotes.get()
    for who in ("other_founder", "manager", "expert"):
        with pytest.raises(ValidationError):
            _approve(centre, quote, who=who)
    assert not QuoteApproval.all_parks.exists()


def test_below_the_threshold_the_company_alone_approves(centre, frozen):
    request = centre.to_state("quoted")
    quote = request.quotes.get()
    with pytest.raises(ValidationError):
        _approve(centre, quote, who="manager", side="manager")
    _approve(centre, quote)
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED
    entry = AuditEntry.objects.get(action="engineering.quote_approve")
    assert entry.after["side"] == "company" and entry.after["total"] == "25000.00"


def test_above_the_threshold_a_manager_approves_too(centre, frozen):
    request = centre.to_state("triaged")
    quote = centre.sent_quote(request, quantity="121")  # 302 500 ₽ > 300 000 ₽
    assert quote.needs_manager
    _approve(centre, quote)
    quote.refresh_from_db()
    request.refresh_from_db()
    assert (quote.status, request.state) == ("sent", "quoted")
    _approve(centre, quote, who="manager", side="manager")
    quote.refresh_from_db()
    request.refresh_from_db()
    assert (quote.status, request.state) == ("approved", "approved")
    assert sorted(quote.approvals.values_list("side", flat=True)) == ["company", "manager"]
    assert AuditEntry.objects.filter(action="engineering.quote_approve").count() == 2


def test_the_threshold_is_the_parks_setting(centre, frozen):
    services.engineering_settings_set(park=centre.world.park, approval_threshold=Decimal("20000"))
    quote = centre.sent_quote(centre.to_state("triaged"))
    assert quote.needs_manager


def test_declining_keeps_the_reason_and_lets_staff_quote_again(centre, frozen):
    request = centre.to_state("quoted")
    quote = request.quotes.get()
    with pytest.raises(ValidationError):
        services.quote_decline(access=centre.access("founder"), quote=quote, reason=" ", now=NOW)
    services.quote_decline(access=centre.access("founder"), quote=quote, reason="Дорого", now=NOW)
    quote.refresh_from_db()
    assert (quote.status, quote.decline_reason) == ("declined", "Дорого")
    assert AuditEntry.objects.filter(action="engineering.quote_decline").count() == 1
    again = services.quote_create(access=centre.access("manager"), request=request, now=NOW)
    assert again.version == 2


# --- Numbers --------------------------------------------------------------------------------


def test_numbers_are_gap_free_per_park_and_year(centre, frozen):
    numbers = [centre.sent_quote(centre.to_state("triaged")).number for _ in range(3)]
    assert numbers == ["ИЦ-2026-0001", "ИЦ-2026-0002", "ИЦ-2026-0003"]
    # A number taken inside a transaction that rolls back is given again.
    with pytest.raises(RuntimeError), transaction.atomic():
        services.number_next(park=centre.world.park, kind=DocumentKind.QUOTE, now=NOW)
        raise RuntimeError
    next_year = dt.datetime(2027, 1, 10, 3, tzinfo=dt.UTC)
    assert services.number_next(park=centre.world.park, kind=DocumentKind.QUOTE, now=NOW) == (
        "ИЦ-2026-0004"
    )
    assert (
        services.number_next(park=centre.world.park, kind=DocumentKind.QUOTE, now=next_year)
        == "ИЦ-2027-0001"
    )
    assert (
        services.number_next(park=centre.world.other_park, kind=DocumentKind.QUOTE, now=NOW)
        == "ИЦ-2026-0001"
    )
    assert services.number_next(park=centre.world.park, kind=DocumentKind.ACT, now=NOW) == (
        "АКТ-2026-0001"
    )


def test_the_year_is_the_parks_local_year(centre):
    # 31 December 20:00 UTC is already 1 January in Yakutsk (UTC+9).
    moment = dt.datetime(2026, 12, 31, 20, tzinfo=dt.UTC)
    assert services.number_next(park=centre.world.park, kind=DocumentKind.QUOTE, now=moment) == (
        "ИЦ-2027-0001"
    )


def test_the_database_refuses_a_number_twice(centre, frozen):
    quote = centre.sent_quote(centre.to_state("triaged"))
    other = centre.quote(centre.to_state("triaged"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.all_parks.filter(pk=other.pk).update(number=quote.number, status="sent")
