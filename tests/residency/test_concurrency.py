"""Concurrent admissions and filings on real PostgreSQL: one wins, the others get a field error."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest
from django.db import connection

from technopark.core.scopes import park_scope
from technopark.residency import services
from technopark.residency.models import QuarterlyReport, ResidentStatus
from technopark.residency.schedule import Quarter
from tests.concurrency import race
from tests.factories import CompanyFactory, ParkFactory
from tests.residency.conftest import FIGURES

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 6


def test_a_company_is_admitted_once_when_admitted_at_the_same_moment() -> None:
    assert connection.vendor == "postgresql"
    park = ParkFactory()
    company = CompanyFactory(park=park)

    def admit(n: int) -> None:
        # A thread starts with no scope, as a request does before the park middleware.
        with park_scope(park):
            services.resident_admit(
                park=park,
                company=company,
                actor=None,
                agreement_number=f"A-{n}",
                start_date=date(2026, 1, 1),
                site=None,
                directions=[],
            )

    outcome = race(*(partial(admit, n) for n in range(WORKERS)))
    assert outcome.failures == []
    assert len(outcome.values) == 1
    assert len(outcome.refusals) == WORKERS - 1
    assert all("company" in r.message_dict for r in outcome.refusals)
    assert ResidentStatus.all_parks.filter(company=company).count() == 1


def test_a_report_is_filed_once_when_filed_at_the_same_moment() -> None:
    park = ParkFactory()
    resident = services.resident_admit(
        park=park,
        company=CompanyFactory(park=park),
        actor=None,
        agreement_number="A-1",
        start_date=date(2025, 1, 1),
        site=None,
        directions=[],
    )

    def file(_n: int) -> None:
        services.report_file(resident=resident, actor=None, year=2025, quarter=1, **FIGURES)

    outcome = race(*(partial(file, n) for n in range(WORKERS)))
    assert outcome.failures == []
    assert len(outcome.values) == 1
    assert len(outcome.refusals) == WORKERS - 1
    assert all("quarter" in r.message_dict for r in outcome.refusals)
    assert QuarterlyReport.all_parks.filter(period=Quarter(2025, 1).period).count() == 1
