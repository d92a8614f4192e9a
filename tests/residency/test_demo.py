"""The demo residents (``demo.residency.seed_residency``) and the bench generator
(``demo.residency_generate.generate_residents``)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from technopark.audit.services import audit_verify
from technopark.demo.residency import seed_residency
from technopark.demo.residency_generate import generate_residents
from technopark.demo.seed import seed_demo
from technopark.residency import queries
from technopark.residency.models import (
    QuarterlyReport,
    ResidentState,
    ResidentStatus,
    StatusChange,
)
from technopark.residency.schedule import current_quarter
from tests.factories import CompanyFactory, DirectionFactory, ParkFactory


def counts() -> tuple[int, int, int]:
    return (
        ResidentStatus.all_parks.count(),
        StatusChange.objects.count(),
        QuarterlyReport.all_parks.count(),
    )


@pytest.mark.django_db
def test_seed_residency_makes_every_case_and_is_idempotent():
    result = seed_demo(yakutia_companies=20, magadan_companies=1)
    park = result.parks["yakutia"]
    seed_residency(park, accounts=result.accounts)
    first = counts()
    seed_residency(park, accounts={user.email: user for _spec, user in result.accounts})
    assert counts() == first

    residents = list(ResidentStatus.all_parks.filter(park=park))
    assert len(residents) == 12
    states = [r.status for r in residents]
    assert states.count(ResidentState.SUSPENDED) == 1
    assert states.count(ResidentState.ENDED) == 1
    suspended = next(r for r in residents if r.status == ResidentState.SUSPENDED)
    assert suspended.history.filter(to_status="suspended").get().reason
    flagged = queries.staff_resident_list(park=park, filters=queries.StaffFilters(flagged=True))
    assert flagged.count() >= 2  # the flagged one and the suspended one
    quarter = current_quarter(park.time_zone)
    filed_now = QuarterlyReport.all_parks.filter(park=park, period=quarter.period).count()
    assert filed_now >= 4
    assert queries.overdue_list(park=park).count() >= 3
    # The demo founder's company is a resident with the current report still to file.
    founder = next(u for s, u in result.accounts if s.email == "founder@demo.technopark")
    due = queries.due_reports_of_user(park=park, user=founder)
    assert len(due) == 1
    assert audit_verify().problem == ""


@pytest.fixture
def big(db: Any) -> Any:
    park = ParkFactory(slug="big")
    direction = DirectionFactory(park=park)
    for _ in range(30):
        CompanyFactory(park=park).directions.add(direction)
    return park


def test_generate_residents_grows_to_the_total_once(big):
    assert generate_residents(park=big, total=20, batch_size=7) == 20
    assert generate_residents(park=big, total=20) == 0
    current = ResidentStatus.all_parks.filter(park=big, status__in=["active", "suspended"])
    assert current.count() == 20
    assert StatusChange.objects.filter(resident__park=big).count() == 20
    assert ResidentStatus.directions.through.objects.count() == 20
    numbers = list(current.values_list("agreement_number", flat=True))
    assert len(set(numbers)) == 20
    assert queries.register_list(park=big, filters=queries.RegisterFilters()).count() == 20
    assert all(r.revenue >= 0 for r in QuarterlyReport.all_parks.filter(park=big))


def test_generate_residents_is_deterministic(big):
    generate_residents(park=big, total=10)
    first = list(
        ResidentStatus.all_parks.order_by("pk").values_list("company_id", "start_date", "status")
    )
    ResidentStatus.all_parks.all().delete()
    generate_residents(park=big, total=10)
    again = list(
        ResidentStatus.all_parks.order_by("pk").values_list("company_id", "start_date", "status")
    )
    assert again == first


def test_the_command(big):
    out = StringIO()
    call_command(
        "generate_park", "--park", "big", "--companies", "0", "--residents", "5", stdout=out
    )
    assert "residents added: 5" in out.getvalue()
