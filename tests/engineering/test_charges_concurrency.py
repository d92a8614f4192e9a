"""Charging a budget line under concurrency on real PostgreSQL: the award's and the line's row
locks and the database's check, not luck, keep a line from being charged beyond its amount, and
the idempotency key keeps a retried charge single."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from technopark.engineering import services
from technopark.engineering.models import Charge, RequestState, ServiceRequest
from technopark.grants.models import BudgetLine
from tests.concurrency import race
from tests.engineering.charging import accepted, charge, grant_line
from tests.engineering.conftest import NOW

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
D = Decimal
PARALLEL = 20


def test_twenty_charges_on_one_line_take_only_what_it_has(centre):
    # Each request costs 25,000 (10 samples at the external price); the line has 180,000:
    # seven are affordable, the other thirteen are refused.
    with time_machine.travel(NOW, tick=False):
        line = grant_line(centre.world, services_amount="180000.00")
        requests = [accepted(centre) for _ in range(PARALLEL)]

    def charger(request):
        return lambda: charge(centre, request, line=line, key=f"parallel-{request.pk}")

    outcome = race(*(charger(request) for request in requests))
    assert not outcome.failures, outcome.failures
    assert len(outcome.values) == 7 and all(result.created for result in outcome.values)
    assert len(outcome.refusals) == PARALLEL - 7
    assert all(isinstance(error, services.LineExceeded) for error in outcome.refusals)
    assert all(
        "left on the line: RUB\u00a05,000.00" in " ".join(error.messages)
        for error in outcome.refusals
    ), [error.messages for error in outcome.refusals]
    line = BudgetLine.objects.get(pk=line.pk)
    assert line.charged == D("175000.00") <= line.amount
    assert Charge.all_parks.filter(budget_line=line).count() == 7
    states = list(ServiceRequest.all_parks.values_list("state", flat=True))
    assert states.count(RequestState.CHARGED) == 7
    assert states.count(RequestState.ACCEPTED) == PARALLEL - 7


def test_twenty_retries_with_the_same_key_make_one_charge(centre):
    with time_machine.travel(NOW, tick=False):
        line = grant_line(centre.world)
        request = accepted(centre)
    outcome = race(
        *(lambda: charge(centre, request, line=line, key="the-same-key") for _ in range(PARALLEL))
    )
    assert outcome.errors == []
    assert sum(1 for result in outcome.values if result.created) == 1
    assert len({result.charge.pk for result in outcome.values}) == 1
    assert Charge.all_parks.count() == 1
    assert BudgetLine.objects.get(pk=line.pk).charged == D("25000.00")


def test_twenty_retries_of_a_company_charge_make_one_charge(centre):
    with time_machine.travel(NOW, tick=False):
        request = accepted(centre)
    outcome = race(*(lambda: charge(centre, request, key="company-key") for _ in range(PARALLEL)))
    assert outcome.errors == []
    assert len({result.charge.pk for result in outcome.values}) == 1
    assert Charge.all_parks.count() == 1
