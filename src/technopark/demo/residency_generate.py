"""Bench-scale residents: make existing companies of a park residents with bulk inserts.

``generate_residents(park=…, total=5000)`` picks the park's companies that are not residents yet,
in id order (after ``generate_park`` the park has tens of thousands), until the park has ``total``
current residents: 95 % active, 5 % suspended, each with its admission in the history, the
company's directions and site, and — for about 70 % — the current quarter's report filed.
Deterministic for a seed; what the services guarantee holds by construction (one current status
per company, unique agreement numbers, money with two decimals, not negative).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from technopark.companies.models import Company
from technopark.parks.models import Park
from technopark.residency.models import (
    CURRENT_STATES,
    QuarterlyReport,
    ResidentState,
    ResidentStatus,
    StatusChange,
)
from technopark.residency.schedule import Quarter, current_quarter

BATCH_SIZE = 1_000
SEED = 2026


def generate_residents(
    *,
    park: Park,
    total: int = 5_000,
    seed: int = SEED,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add residents until ``park`` has ``total`` current ones; return how many were added."""
    existing = ResidentStatus.all_parks.filter(park=park, status__in=CURRENT_STATES).count()
    missing = total - existing
    if missing <= 0:
        return 0
    rng = random.Random(seed + existing)
    candidates = list(
        Company.all_parks.filter(park=park)
        .exclude(resident_statuses__status__in=CURRENT_STATES)
        .order_by("pk")
        .values_list("pk", "site_id")[:missing]
    )
    current = current_quarter(park.time_zone)
    now = timezone.now()
    through = ResidentStatus.directions.through
    company_directions = Company.directions.through
    number = ResidentStatus.all_parks.filter(park=park).count()
    added = 0
    for offset in range(0, len(candidates), batch_size):
        chunk = candidates[offset : offset + batch_size]
        with transaction.atomic():
            residents = []
            for company_id, site_id in chunk:
                number += 1
                start = Quarter.from_period(current.period - rng.randint(1, 12)).first_day + (
                    timedelta(days=rng.randint(0, 80))
                )
                suspended = rng.random() < 0.05
                residents.append(
                    ResidentStatus(
                        park=park,
                        company_id=company_id,
                        agreement_number=f"Б-{number:06d}",
                        start_date=start,
                        site_id=site_id,
                        status=ResidentState.SUSPENDED if suspended else ResidentState.ACTIVE,
                        status_since=start,
                        reports_from=Quarter.of(start).period,
                    )
                )
            residents = ResidentStatus.all_parks.bulk_create(residents)
            if any(r.pk is None for r in residents):  # no RETURNING on this database
                ids = dict(
                    ResidentStatus.all_parks.filter(
                        park=park, agreement_number__in=[r.agreement_number for r in residents]
                    ).values_list("agreement_number", "pk")
                )
                for resident in residents:
                    resident.pk = ids[resident.agreement_number]
            by_company = {r.company_id: r for r in residents}
            StatusChange.objects.bulk_create(
                [
                    StatusChange(
                        resident=r,
                        from_status="",
                        to_status=ResidentState.ACTIVE,
                        reason="Admitted (generated).",
                        effective_on=r.start_date,
                    )
                    for r in residents
                ]
            )
            through.objects.bulk_create(
                [
                    through(residentstatus_id=by_company[company_id].pk, direction_id=direction_id)
                    for company_id, direction_id in company_directions.objects.filter(
                        company_id__in=list(by_company)
                    ).values_list("company_id", "direction_id")
                ]
            )
            reports = []
            for r in residents:
                if r.reports_from > current.period or rng.random() >= 0.7:
                    continue
                revenue = (
                    Decimal(rng.randint(100_000, 50_000_000)) + Decimal(rng.randint(0, 99)) / 100
                )
                reports.append(
                    QuarterlyReport(
                        park=park,
                        resident=r,
                        company_id=r.company_id,
                        year=current.year,
                        quarter=current.quarter,
                        period=current.period,
                        revenue=revenue,
                        taxes_paid=(revenue * Decimal("0.13")).quantize(Decimal("0.01")),
                        investment_raised=Decimal(rng.choice((0, 0, 1_000_000))),
                        rnd_spending=(revenue * Decimal("0.2")).quantize(Decimal("0.01")),
                        exports=Decimal(0),
                        headcount=rng.randint(2, 80),
                        ip_registered=rng.choice((0, 0, 1)),
                        submitted_at=now,
                    )
                )
            QuarterlyReport.all_parks.bulk_create(reports)
        added += len(chunk)
        if progress is not None:
            progress(added)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            tables = ", ".join(m._meta.db_table for m in (ResidentStatus, through, QuarterlyReport))
            cursor.execute(f"VACUUM ANALYZE {tables}")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return added
