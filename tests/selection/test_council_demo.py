"""The council's demo decisions: one of each outcome, through the services, idempotent."""

from __future__ import annotations

import pytest

from technopark.audit.services import audit_verify
from technopark.demo.selection_council import seed_selection_council
from technopark.residency.models import ResidentStatus
from technopark.selection.models import ApplicationStatus, Decision
from tests.factories import CompanyFactory
from tests.selection.factories import ApplicationFactory
from tests.selection.fixtures_council import file_review

pytestmark = pytest.mark.django_db


def test_demo_decides_one_of_each_and_a_second_run_changes_nothing(world, council):
    third = ApplicationFactory(call=council.call, company=CompanyFactory(park=world.park))
    file_review(third, total="55.00")
    seed_selection_council(world.park, accounts={"manager": world.users["manager"]})
    outcomes = dict(Decision.objects.values_list("outcome", "application_id"))
    assert set(outcomes) == {"admit", "reject", "more_info"}
    admitted = Decision.objects.get(outcome="admit").application
    assert admitted.status == ApplicationStatus.ADMITTED
    assert ResidentStatus.all_parks.filter(company=admitted.company).exists()
    assert (
        Decision.objects.get(outcome="more_info").application.status
        == ApplicationStatus.INFO_REQUESTED
    )
    seed_selection_council(world.park, accounts={"manager": world.users["manager"]})
    assert Decision.objects.count() == 3
    assert audit_verify().ok


def test_demo_skips_a_company_that_is_a_resident_already(world, council):
    from datetime import date

    from technopark.residency.services import resident_admit

    resident_admit(
        park=world.park,
        company=world.company,
        actor=world.users["manager"],
        agreement_number="OLD-1",
        start_date=date(2025, 1, 1),
        site=None,
        directions=[],
    )
    seed_selection_council(world.park, accounts={"manager": world.users["manager"]})
    assert Decision.objects.get(outcome="admit").application == council.split


def test_demo_without_a_manager_does_nothing(world, council):
    seed_selection_council(world.park, accounts={})
    assert not Decision.objects.exists()
