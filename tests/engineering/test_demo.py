"""The demo park's engineering centre and laboratory: a catalogue with prices for every tier,
requests in several states (the founder's company has a quote to answer and a confidential
request in work), and a second run that changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from technopark.accounts.models import User
from technopark.demo.engineering import seed_engineering
from technopark.engineering.models import (
    Quote,
    QuoteLine,
    RequestEvent,
    Service,
    ServicePrice,
    ServiceRequest,
    Tier,
)
from technopark.parks.models import Park

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("seed_demo", stdout=StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def park(demo: None, db: Any) -> Park:
    return Park.objects.get(slug="yakutia")


def _counts() -> dict[str, int]:
    models = (Service, ServicePrice, ServiceRequest, RequestEvent, Quote, QuoteLine)
    return {model.__name__: model.all_parks.count() for model in models}


def test_the_catalogue_has_a_price_for_every_tier(park: Park) -> None:
    services = list(Service.all_parks.filter(park=park))
    assert len(services) >= 8
    assert {s.site.name for s in services if s.site} == {
        "Региональный инжиниринговый центр",
        "Лаборатория биотехнологий",
    }
    for service in services:
        tiers = set(ServicePrice.all_parks.filter(service=service).values_list("tier", flat=True))
        assert tiers == set(Tier.values)


def test_requests_in_several_states(park: Park) -> None:
    states = set(ServiceRequest.all_parks.filter(park=park).values_list("state", flat=True))
    assert {"submitted", "triaged", "quoted", "approved", "in_work", "delivered"} <= states
    assert {"accepted", "charged", "rejected", "on_hold"} <= states


def test_the_founder_has_a_quote_to_answer_and_a_confidential_request(park: Park) -> None:
    founder = User.objects.get(email="founder@demo.technopark")
    engineer = User.objects.get(email="engineer@demo.technopark")
    own = ServiceRequest.all_parks.filter(park=park, company__team__user=founder)
    assert own.filter(quotes__status="sent").exists()
    secret = own.get(confidential=True)
    assert secret.state == "in_work" and engineer in secret.engineers.all()
    assert Quote.all_parks.filter(
        park=park, status="sent", needs_manager=True, approvals__side="company"
    ).exists()


def test_a_second_run_changes_nothing(park: Park) -> None:
    before = _counts()
    accounts = {
        role: User.objects.get(email=f"{role}@demo.technopark")
        for role in ("manager", "engineer", "founder")
    }
    seed_engineering(park, accounts=accounts)
    assert _counts() == before


def test_the_requests_that_went_into_work_have_their_work(park: Park) -> None:
    from technopark.engineering.models import InstrumentUse, TimeEntry, WorkOrder
    from technopark.engineering.services.work import delivered_quantities

    worked = ServiceRequest.all_parks.filter(
        park=park, state__in=("in_work", "delivered", "accepted", "charged")
    )
    assert worked.exists()
    orders = WorkOrder.all_parks.filter(request__in=worked)
    assert orders.count() == worked.count()
    for order in orders:
        assert order.tasks.filter(state="done").exists()
        assert TimeEntry.all_parks.filter(work_order=order, ended_at__isnull=False).exists()
        assert any(item.quantity > 0 for item in delivered_quantities(order))
    assert InstrumentUse.all_parks.filter(work_order__in=orders).exists()


def test_every_charged_request_has_its_charge_and_one_is_paid_from_a_budget_line(
    park: Park,
) -> None:
    from technopark.engineering.models import Charge
    from technopark.grants.models import BudgetLine

    charged = ServiceRequest.all_parks.filter(park=park, state="charged")
    assert charged.count() >= 2
    assert all(Charge.all_parks.filter(request=request).exists() for request in charged)
    from_lines = Charge.all_parks.filter(park=park, payer="budget_line")
    assert from_lines.exists()
    for line in BudgetLine.objects.filter(engineering_charges__isnull=False).distinct():
        total = sum(charge.total for charge in line.engineering_charges.all())
        assert line.charged == total <= line.amount
