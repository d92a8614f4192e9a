"""The reviewer's defects of the charges, each with the test that failed before the fix."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from technopark.core.money import MAX_MONEY
from technopark.engineering import services
from technopark.engineering.models import Charge, ChargeLine
from technopark.engineering.services import charges as charges_module
from technopark.engineering.services import work
from tests.engineering.charging import accepted, cancel_award, charge, grant_line
from tests.engineering.conftest import NOW

pytestmark = pytest.mark.django_db


def test_a_line_recorded_as_zero_is_not_charged_as_quoted(centre, frozen):
    request = centre.to_state("in_work")
    order = work.queries.work_order_of(request=request)
    line = order.quote.lines.get()
    work.delivery_set(
        access=centre.access("engineer"),
        work_order=order,
        quote_line=line,
        quantity=D("0"),
        now=NOW,
    )
    assert charges_module.delivered_for(request) == []


def _disputed(centre, amount):
    return services.adjustment_request(
        access=centre.access("founder"),
        line=ChargeLine.all_parks.get(),
        proposed_amount=D(amount),
        reason="Другая сумма.",
        now=NOW,
    )


def test_an_increase_paid_by_a_cancelled_grant_is_refused(centre, frozen):
    line = grant_line(centre.world, services_amount="30000.00")
    request = accepted(centre)
    charge(centre, request, line=line)
    adjustment = _disputed(centre, "26000.00")
    cancel_award(line.award, centre.world.users["manager"])
    with pytest.raises(ValidationError) as caught:
        services.adjustment_decide(
            access=centre.access("manager"), adjustment=adjustment, accept=True, now=NOW
        )
    assert "cancelled" in str(caught.value.message_dict["budget_line"])
    line.refresh_from_db()
    assert line.charged == D("25000.00")


def test_an_adjustment_never_takes_the_total_past_the_money_limit(centre, frozen):
    request = accepted(centre)
    made = charge(centre, request).charge
    Charge.all_parks.filter(pk=made.pk).update(total=MAX_MONEY - D("1.00"))
    adjustment = _disputed(centre, "25002.00")
    with pytest.raises(ValidationError) as caught:
        services.adjustment_decide(
            access=centre.access("manager"), adjustment=adjustment, accept=True, now=NOW
        )
    assert "proposed_amount" in caught.value.message_dict


def test_the_idempotency_key_is_unique_per_park_only():
    constraints = {c.name: c for c in Charge._meta.constraints}
    assert constraints["engineering_charge_key_per_park"].fields == ("park", "idempotency_key")
    assert not Charge._meta.get_field("idempotency_key").unique
