"""Concurrent admissions and filings on real PostgreSQL: one wins, the others get a field error."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from technopark.core.scopes import park_scope
from technopark.residency import services
from technopark.residency.models import QuarterlyReport, ResidentStatus
from technopark.residency.schedule import Quarter
from tests.factories import CompanyFactory, ParkFactory
from tests.residency.conftest import FIGURES

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 6


def race(work: Callable[[int], Any]) -> tuple[int, list[ValidationError], list[BaseException]]:
    barrier = threading.Barrier(WORKERS)
    wins: list[int] = []
    refusals: list[ValidationError] = []
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            work(n)
            wins.append(n)
        except ValidationError as refusal:
            refusals.append(refusal)
        except BaseException as error:  # collected and asserted by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return len(wins), refusals, errors


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

    wins, refusals, errors = race(admit)
    assert errors == []
    assert wins == 1
    assert all("company" in r.message_dict for r in refusals)
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

    wins, refusals, errors = race(file)
    assert errors == []
    assert wins == 1
    assert all("quarter" in r.message_dict for r in refusals)
    assert QuarterlyReport.all_parks.filter(period=Quarter(2025, 1).period).count() == 1
