"""Residency fixtures: residents made through the service, reports filed through the service.

``resident`` is ``world.company`` (the founder's) admitted three quarters before the current one,
so it owes four reports: the current quarter's and three earlier ones.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from technopark.residency import services
from technopark.residency.models import ResidentStatus
from technopark.residency.schedule import Quarter, current_quarter

TZ = "Asia/Yakutsk"

FIGURES: dict[str, Any] = {
    "revenue": Decimal("1250000.50"),
    "taxes_paid": Decimal("150000.00"),
    "investment_raised": Decimal("0.00"),
    "rnd_spending": Decimal("300000.25"),
    "exports": Decimal("0"),
    "headcount": 7,
    "ip_registered": 1,
}

_numbers = iter(range(1, 1_000_000))


def admit(
    company: Any,
    *,
    actor: Any = None,
    start_date: date | None = None,
    number: str | None = None,
    **kwargs: Any,
) -> ResidentStatus:
    """Admit ``company`` through the service (three quarters back unless told)."""
    park = company.park
    start = start_date or Quarter.from_period(current_quarter(park.time_zone).period - 3).first_day
    return services.resident_admit(
        park=park,
        company=company,
        actor=actor,
        agreement_number=number or f"R-{next(_numbers):04d}",
        start_date=start,
        site=kwargs.pop("site", None),
        directions=kwargs.pop("directions", []),
        **kwargs,
    )


def file_report(
    resident: ResidentStatus, quarter: Quarter, *, actor: Any = None, **overrides: Any
) -> Any:
    return services.report_file(
        resident=resident,
        actor=actor,
        year=quarter.year,
        quarter=quarter.quarter,
        **{**FIGURES, **overrides},
    )


def current() -> Quarter:
    return current_quarter(TZ)


@pytest.fixture
def resident(world: Any) -> ResidentStatus:
    return admit(
        world.company,
        actor=world.users["manager"],
        site=world.site,
        directions=[world.direction],
        number="ДР-2025-001",
    )
