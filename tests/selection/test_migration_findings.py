"""The data step of migration 0003: existing checks and run results get the code their result
stands for (and its parameters from the records), and an application whose every check was
decided gets the outcome its verdicts give."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from technopark.selection.models import (
    ApplicationStatus,
    CheckVerdict,
    EligibilityCheck,
    EligibilityRun,
    EligibilityRunResult,
)
from tests.selection.factories import ApplicationFactory, CallFactory
from tests.selection.fixtures_apply import EligibilityCheckFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "technopark.selection.migrations.0003_eligibility_outcome_findings_recusal"
)


def test_old_rows_get_codes_parameters_and_outcomes(world: Any) -> None:
    call = CallFactory(park=world.park)
    call.directions.add(world.direction)
    decided = ApplicationFactory(
        call=call, park=world.park, company=world.company, status=ApplicationStatus.SUBMITTED
    )
    pending = ApplicationFactory(call=call, park=world.park, status=ApplicationStatus.SUBMITTED)
    now = timezone.now()
    region = EligibilityCheckFactory(application=decided, code="region", passed=False)
    sme = EligibilityCheckFactory(application=decided, code="sme", passed=True)
    directions = EligibilityCheckFactory(application=pending, code="directions", passed=False)
    EligibilityCheck.objects.filter(pk__in=[region.pk, sme.pk]).update(
        verdict=CheckVerdict.CONFIRMED,
        verdict_reason="as found",
        decided_on_passed=False,
        decided_at=now,
        decided_by=world.users["manager"],
    )
    EligibilityCheck.objects.filter(pk=sme.pk).update(decided_on_passed=True)
    EligibilityCheck.objects.update(finding="", params={})
    run = EligibilityRun.objects.create(application=decided, trigger="submitted", ran_at=now)
    result = EligibilityRunResult.objects.create(run=run, code="sme", passed=False, finding="")

    migration.forwards(apps, None)

    region.refresh_from_db()
    sme.refresh_from_db()
    directions.refresh_from_db()
    result.refresh_from_db()
    assert region.finding == "region_outside"
    assert region.params == {"region": world.company.region, "park": world.park.region}
    assert sme.finding == "sme_yes" and result.finding == "sme_no"
    assert directions.finding == "directions_none"  # the application names no direction
    decided.refresh_from_db()
    pending.refresh_from_db()
    assert decided.eligibility_outcome == "ineligible"
    assert decided.eligibility_decided_by_id == world.users["manager"].pk
    assert pending.eligibility_outcome == ""
