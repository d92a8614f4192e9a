"""Charges: an accepted request billed at its quote's copied prices to the company or to a grant
budget line of its own (never beyond the line, the database's check as the last defence), once
per idempotency key; adjustments that keep the original line and move the budget line by the
same amount; the month's charges in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from technopark.audit.models import AuditEntry
from technopark.engineering import queries, services
from technopark.engineering.models import (
    AdjustmentStatus,
    Charge,
    ChargeLine,
    ChargeLineKind,
    QuoteLine,
    RequestEvent,
    RequestState,
    Tier,
)
from technopark.engineering.services import charges as charges_module
from technopark.engineering.services import work
from technopark.grants.models import BudgetLine
from technopark.parks.rules import access_for
from tests.engineering.charging import accepted, cancel_award, charge, grant_line
from tests.engineering.conftest import NOW

pytestmark = pytest.mark.django_db
D = Decimal
CENT = D("0.01")


def _message(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


# --- Charging -------------------------------------------------------------------------------


def test_the_company_is_charged_the_quoted_prices_and_the_request_becomes_charged(centre):
    request = accepted(centre)
    result = charge(centre, request)
    assert result.created
    made = result.charge
    assert made.total == D("25000.00") and made.payer == "company" and made.budget_line is None
    assert made.charged_on == dt.date(2026, 3, 2)  # the park's day (Yakutsk) of NOW
    (line,) = made.lines.all()
    assert (line.kind, line.quantity, line.unit_price, line.amount) == (
        ChargeLineKind.DELIVERED,
        D("10.00"),
        D("2500.00"),
        D("25000.00"),
    )
    request.refresh_from_db()
    assert request.state == RequestState.CHARGED
    event = RequestEvent.all_parks.filter(request=request).last()
    assert (event.from_state, event.to_state) == ("accepted", "charged")
    entry = AuditEntry.objects.get(action="engineering.charge")
    assert entry.after["amount"] == "25000.00" and entry.after["payer"] == "company"


def test_a_later_price_change_never_reaches_the_charge(centre):
    request = accepted(centre)
    services.service_price_set(
        service=centre.assay,
        tier=Tier.EXTERNAL,
        valid_from=dt.date(2026, 3, 2),
        unit_price=D("9"),
        now=NOW,
    )
    assert charge(centre, request).charge.total == D("25000.00")


@pytest.mark.parametrize("who", ["engineer", "founder", "observer", "expert"])
def test_only_the_parks_managers_and_admins_charge(centre, who):
    request = accepted(centre)
    with pytest.raises(ValidationError):
        charge(centre, request, who=who)
    request.refresh_from_db()
    assert request.state == RequestState.ACCEPTED and not Charge.all_parks.exists()


def test_another_parks_manager_cannot_charge(centre):
    request = accepted(centre)
    with pytest.raises(ValidationError) as caught:
        services.charge_create(
            access=access_for(centre.world.users["outsider"], centre.world.other_park),
            request=request,
            payer="company",
            idempotency_key="k",
            now=NOW,
        )
    assert "No such request" in _message(caught.value, "request")


@pytest.mark.parametrize("state", ["delivered", "in_work", "approved"])
def test_only_an_accepted_request_is_charged(centre, state):
    request = centre.to_state(state)
    with pytest.raises(ValidationError) as caught:
        charge(centre, request)
    assert "only an accepted request is charged" in _message(caught.value, "request")
    assert not Charge.all_parks.exists()


def test_a_budget_line_pays_and_what_is_left_on_it_falls(centre):
    line = grant_line(centre.world)
    request = accepted(centre)
    made = charge(centre, request, line=line).charge
    assert made.payer == "budget_line" and made.budget_line_id == line.pk
    line.refresh_from_db()
    assert line.charged == D("25000.00")
    entry = AuditEntry.objects.get(action="engineering.charge")
    assert entry.before["budget_line_charged"] == "0.00"
    assert entry.after["budget_line_charged"] == "25000.00"


def test_a_charge_above_what_is_left_on_the_line_is_refused_and_changes_nothing(centre):
    line = grant_line(centre.world, services_amount="20000.00")
    request = accepted(centre)
    with pytest.raises(services.LineExceeded) as caught:
        charge(centre, request, line=line)
    assert "left on the line: RUB\u00a020,000.00" in _message(caught.value, "budget_line")
    line.refresh_from_db()
    request.refresh_from_db()
    assert line.charged == D("0.00") and request.state == RequestState.ACCEPTED
    assert (
        not Charge.all_parks.exists()
        and not AuditEntry.objects.filter(action="engineering.charge").exists()
    )


def test_the_second_charge_on_a_line_sees_what_the_first_took(centre):
    line = grant_line(centre.world, services_amount="40000.00")
    charge(centre, accepted(centre), line=line)
    with pytest.raises(services.LineExceeded) as caught:
        charge(centre, accepted(centre), line=line)
    assert "left on the line: RUB\u00a015,000.00" in _message(caught.value, "budget_line")


def test_the_database_check_is_the_last_defence_and_gives_the_same_refusal(centre, monkeypatch):
    """A caller that read the line before another charge took it (no lock): the database's
    check refuses, and the refusal reads the same."""
    line = grant_line(centre.world, services_amount="30000.00")
    BudgetLine.objects.filter(pk=line.pk).update(charged=D("10000.00"))
    stale = BudgetLine.objects.get(pk=line.pk)
    stale.charged = D("0.00")
    real = charges_module._locked_line

    def without_the_fresh_read(budget_line):
        award, _fresh = real(budget_line)
        return award, stale

    monkeypatch.setattr(charges_module, "_locked_line", without_the_fresh_read)
    request = accepted(centre)
    with pytest.raises(services.LineExceeded) as caught:
        charge(centre, request, line=line)
    assert "left on the line: RUB\u00a020,000.00" in _message(caught.value, "budget_line")
    line.refresh_from_db()
    assert line.charged == D("10000.00") and not Charge.all_parks.exists()


def test_a_line_of_another_companys_grant_is_refused(centre):
    other = grant_line(centre.world, centre.world.other_company)
    request = accepted(centre)
    with pytest.raises(ValidationError) as caught:
        charge(centre, request, line=other)
    assert "budget line of a grant of this company" in _message(caught.value, "budget_line")
    other.refresh_from_db()
    assert other.charged == D("0.00")


def test_a_line_of_a_cancelled_grant_is_refused(centre):
    line = grant_line(centre.world)
    cancel_award(line.award, centre.world.users["manager"])
    with pytest.raises(ValidationError) as caught:
        charge(centre, accepted(centre), line=line)
    assert "budget_line" in caught.value.message_dict


def test_the_payer_and_the_line_must_agree(centre):
    line = grant_line(centre.world)
    request = accepted(centre)
    for payer, budget_line, field in (
        ("company", line, "budget_line"),
        ("budget_line", None, "budget_line"),
        ("bank", None, "payer"),
    ):
        with pytest.raises(ValidationError) as caught:
            services.charge_create(
                access=centre.access("manager"),
                request=request,
                payer=payer,
                budget_line=budget_line,
                idempotency_key="k",
                now=NOW,
            )
        assert field in caught.value.message_dict


@pytest.mark.parametrize("key", ["", "   ", "x" * 101, "a\x00b"])
def test_a_malformed_idempotency_key_is_refused(centre, key):
    with pytest.raises(ValidationError) as caught:
        charge(centre, accepted(centre), key=key or " ")
    assert "idempotency_key" in caught.value.message_dict


def test_the_same_key_again_returns_the_first_charge(centre):
    line = grant_line(centre.world)
    request = accepted(centre)
    first = charge(centre, request, line=line, key="once")
    again = charge(centre, request, line=line, key="once")
    assert not again.created and again.charge.pk == first.charge.pk
    line.refresh_from_db()
    assert line.charged == D("25000.00") and Charge.all_parks.count() == 1
    assert AuditEntry.objects.filter(action="engineering.charge").count() == 1


def test_another_key_for_a_charged_request_is_refused(centre):
    request = accepted(centre)
    charge(centre, request, key="first")
    with pytest.raises(ValidationError):  # the request is «charged» now
        charge(centre, request, key="second")
    assert Charge.all_parks.count() == 1


def test_a_key_used_for_another_request_is_refused(centre):
    charge(centre, accepted(centre), key="shared")
    with pytest.raises(ValidationError) as caught:
        charge(centre, accepted(centre), key="shared")
    assert "another charge" in _message(caught.value, "idempotency_key")


def test_delivered_quantities_are_charged_with_the_discount_in_proportion(centre):
    request = accepted(centre, lines=((centre.assay, "10", "1000", ""),))
    quote_line = QuoteLine.all_parks.get(quote__request=request)
    delivered = [
        services.Delivered(
            quote_line=quote_line,
            kind="delivered",
            quantity=D("7.00"),
            unit_price=quote_line.unit_price,
            description="Испытание",
        )
    ]
    made = charge(centre, request, delivered=delivered).charge
    # 7 × 2500 − 1000 × 7/10
    assert made.total == D("17500.00") - D("700.00")


def test_lines_of_another_quote_are_refused(centre):
    request = accepted(centre)
    foreign = QuoteLine.all_parks.get(quote__request=accepted(centre))
    item = services.Delivered(
        quote_line=foreign, kind="delivered", quantity=D("1"), unit_price=D("1"), description=""
    )
    with pytest.raises(ValidationError) as caught:
        charge(centre, request, delivered=[item])
    assert "approved quote" in _message(caught.value, "request")


# --- The lines, as a property ---------------------------------------------------------------

quantities = st.decimals(min_value=D("0"), max_value=D("500"), places=2)
prices = st.decimals(min_value=D("0"), max_value=D("100000"), places=2)


@given(
    items=st.lists(
        st.tuples(
            quantities,  # delivered
            st.decimals(min_value=D("0.01"), max_value=D("500"), places=2),  # quoted
            prices,
            st.integers(min_value=0, max_value=100),  # the quoted discount, in % of the line
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_charge_is_the_delivered_quantities_at_the_quoted_prices_less_the_discount(items):
    delivered = []
    expected = D("0")
    for delivered_quantity, quoted, price, percent in items:
        discount = (quoted * price * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        line = QuoteLine(quantity=quoted, unit_price=price, discount=discount)
        delivered.append(
            services.Delivered(
                quote_line=line,
                kind="time",
                quantity=delivered_quantity,
                unit_price=price,
                description="",
            )
        )
        gross = (delivered_quantity * price).quantize(CENT, rounding=ROUND_HALF_UP)
        share = (discount * delivered_quantity / quoted).quantize(CENT, rounding=ROUND_HALF_UP)
        # never more than the line's own discount, however much more was delivered
        expected += gross - min(share, gross, discount)
    lines = services.charge_lines_for(delivered)
    assert sum((line.amount for line in lines), D("0")) == expected
    for line in lines:
        assert D("0") <= line.amount <= (line.quantity * line.unit_price).quantize(CENT)
        assert line.amount == line.amount.quantize(CENT)


# --- Adjustments ----------------------------------------------------------------------------


def _dispute(centre, line, amount="20000.00", who="founder"):
    return services.adjustment_request(
        access=centre.access(who),
        line=line,
        proposed_amount=D(amount),
        reason="Два образца испорчены при испытании.",
        now=NOW,
    )


def _decide(centre, adjustment, accept=True, reason="", who="manager"):
    return services.adjustment_decide(
        access=centre.access(who), adjustment=adjustment, accept=accept, reason=reason, now=NOW
    )


def test_an_accepted_adjustment_adds_a_line_and_keeps_the_original(centre):
    line = grant_line(centre.world)
    made = charge(centre, accepted(centre), line=line).charge
    original = made.lines.get()
    adjustment = _decide(centre, _dispute(centre, original))
    assert adjustment.status == AdjustmentStatus.ACCEPTED
    original.refresh_from_db()
    assert original.amount == D("25000.00")  # the original stays
    adjusting = ChargeLine.all_parks.get(kind=ChargeLineKind.ADJUSTMENT)
    assert adjusting.corrects_id == original.pk and adjusting.amount == D("-5000.00")
    assert adjustment.adjusting_line_id == adjusting.pk
    made.refresh_from_db()
    line.refresh_from_db()
    assert made.total == D("20000.00") and line.charged == D("20000.00")
    assert charges_module.effective_amount(original) == D("20000.00")
    assert AuditEntry.objects.filter(action="engineering.adjustment_accept").count() == 1


def test_a_refused_adjustment_needs_a_reason_and_changes_no_money(centre):
    line = grant_line(centre.world)
    made = charge(centre, accepted(centre), line=line).charge
    adjustment = _dispute(centre, made.lines.get())
    with pytest.raises(ValidationError) as caught:
        _decide(centre, adjustment, accept=False, reason="  ")
    assert "reason" in caught.value.message_dict
    refused = _decide(centre, adjustment, accept=False, reason="Образцы испорчены заказчиком.")
    assert refused.status == AdjustmentStatus.REFUSED
    assert refused.refusal_reason == "Образцы испорчены заказчиком."
    made.refresh_from_db()
    line.refresh_from_db()
    assert made.total == D("25000.00") and line.charged == D("25000.00")
    assert made.lines.count() == 1
    with pytest.raises(ValidationError):  # answered already
        _decide(centre, adjustment)


def test_one_open_dispute_per_line(centre):
    made = charge(centre, accepted(centre)).charge
    original = made.lines.get()
    _dispute(centre, original)
    with pytest.raises(ValidationError) as caught:
        _dispute(centre, original, amount="10000.00")
    assert "disputed already" in _message(caught.value, "line")


def test_a_line_disputed_again_after_an_answer_corrects_from_what_it_charges_now(centre):
    made = charge(centre, accepted(centre)).charge
    original = made.lines.get()
    _decide(centre, _dispute(centre, original, "20000.00"))
    _decide(centre, _dispute(centre, original, "22000.00"))
    made.refresh_from_db()
    amounts = sorted(made.lines.values_list("amount", flat=True))
    assert amounts == [D("-5000.00"), D("2000.00"), D("25000.00")]
    assert made.total == D("22000.00")


def test_only_the_company_disputes_and_only_staff_decide(centre):
    made = charge(centre, accepted(centre)).charge
    original = made.lines.get()
    for who in ("other_founder", "engineer", "observer"):
        with pytest.raises(ValidationError):
            _dispute(centre, original, who=who)
    with pytest.raises(ValidationError):
        _dispute(centre, original, who="outsider")
    adjustment = _dispute(centre, original)
    for who in ("founder", "engineer", "outsider"):
        with pytest.raises(ValidationError):
            _decide(centre, adjustment, who=who)
    assert ChargeAdjustment_open(made) == 1


def ChargeAdjustment_open(made):
    return made.adjustments.filter(status=AdjustmentStatus.REQUESTED).count()


@pytest.mark.parametrize(
    ("amount", "field"),
    [("-1", "proposed_amount"), ("1.001", "proposed_amount"), ("25000.00", "proposed_amount")],
)
def test_a_dispute_needs_a_new_amount_to_the_kopeck(centre, amount, field):
    made = charge(centre, accepted(centre)).charge
    with pytest.raises(ValidationError) as caught:
        _dispute(centre, made.lines.get(), amount=amount)
    assert field in caught.value.message_dict


def test_an_adjustment_never_takes_the_budget_line_beyond_its_amount(centre):
    line = grant_line(centre.world, services_amount="26000.00")
    made = charge(centre, accepted(centre), line=line).charge
    adjustment = _dispute(centre, made.lines.get(), amount="27000.00")
    with pytest.raises(services.LineExceeded) as caught:
        _decide(centre, adjustment)
    assert "left on the line: RUB\u00a01,000.00" in _message(caught.value, "budget_line")
    line.refresh_from_db()
    made.refresh_from_db()
    assert line.charged == D("25000.00") and made.total == D("25000.00")
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.REQUESTED


def test_an_adjustment_up_to_the_line_is_accepted(centre):
    line = grant_line(centre.world, services_amount="26000.00")
    made = charge(centre, accepted(centre), line=line).charge
    _decide(centre, _dispute(centre, made.lines.get(), amount="26000.00"))
    line.refresh_from_db()
    assert line.charged == line.amount == D("26000.00")


def test_an_adjustment_to_zero_gives_the_whole_line_back(centre):
    line = grant_line(centre.world)
    made = charge(centre, accepted(centre), line=line).charge
    _decide(centre, _dispute(centre, made.lines.get(), amount="0"))
    line.refresh_from_db()
    made.refresh_from_db()
    assert line.charged == D("0.00") and made.total == D("0.00")


# --- The month ------------------------------------------------------------------------------


def test_the_months_charges_with_totals_by_payer_and_tier(centre, django_assert_num_queries):
    line = grant_line(centre.world)
    charge(centre, accepted(centre), line=line)
    charge(centre, accepted(centre, lines=((centre.drilling, "2", "0", Tier.RESIDENT),)))
    with django_assert_num_queries(3):
        month = queries.month_charges(park=centre.world.park, year=2026, month=3)
    assert len(month.charges) == 2
    assert month.total == D("25000.00") + D("4800.00")
    assert dict((code, value) for code, _label, value in month.by_payer) == {
        "company": D("4800.00"),
        "budget_line": D("25000.00"),
    }
    tiers = {code: value for code, _label, value in month.by_tier}
    assert tiers["external"] == D("25000.00") and tiers["resident"] == D("4800.00")
    empty = queries.month_charges(park=centre.world.park, year=2026, month=2)
    assert empty.charges == [] and empty.total == D("0")
    other = queries.month_charges(park=centre.world.other_park, year=2026, month=3)
    assert other.charges == []


def test_the_months_query_count_does_not_grow(centre, django_assert_num_queries):
    charge(centre, accepted(centre))
    with django_assert_num_queries(3):
        queries.month_charges(park=centre.world.park, year=2026, month=3)
    for _n in range(3):
        charge(centre, accepted(centre))
    with django_assert_num_queries(3):
        month = queries.month_charges(park=centre.world.park, year=2026, month=3)
    assert len(month.charges) == 4


# --- The audit chain reconciles the money ---------------------------------------------------


def test_audit_verify_reconciles_charges_adjustments_and_budget_lines(centre):
    from technopark.audit.services import audit_verify

    line = grant_line(centre.world)
    made = charge(centre, accepted(centre), line=line).charge
    charge(centre, accepted(centre))
    original = made.lines.get()
    _decide(centre, _dispute(centre, original))
    _decide(centre, _dispute(centre, original, "21000.00"), accept=False, reason="Нет.")
    report = audit_verify()
    assert report.ok, report.problems
    BudgetLine.objects.filter(pk=line.pk).update(charged=D("1.00"))
    problems = " ".join(audit_verify().problems)
    assert f"budget line {line.pk}: 1.00 charged, its charges add up to 20000.00" in problems


# --- What was delivered, not what was quoted ------------------------------------------------


def test_the_charge_bills_the_recorded_quantity_and_the_quote_where_nothing_was_recorded(centre):
    """7 of the 10 quoted samples recorded as delivered: 7 are charged. A request whose work
    order recorded nothing is charged as quoted (the other tests: 10 samples, 25,000)."""
    request = centre.to_state("in_work")
    manager = centre.access("manager")
    line = QuoteLine.all_parks.get(quote__request=request, quote__status="approved")
    work.delivery_set(
        access=manager, work_order=request.work_order, quote_line=line, quantity=D("7"), now=NOW
    )
    services.request_transition(access=manager, request=request, to_state="delivered", now=NOW)
    services.request_transition(
        access=centre.access("founder"), request=request, to_state="accepted", now=NOW
    )
    made = charge(centre, request).charge
    (charged,) = made.lines.all()
    assert charged.quantity == D("7.00") and charged.kind == ChargeLineKind.DELIVERED
    assert made.total == (D("7") * line.unit_price).quantize(CENT) == D("17500.00")
    # the acceptance act lists the same work: 7 samples, not the 10 quoted
    from technopark.engineering.documents import _act_lines

    (act_line,) = _act_lines(request)
    assert (act_line.quantity, act_line.amount) == (D("7.00"), D("17500.00"))
