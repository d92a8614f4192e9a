"""Demo residents of Technopark Yakutia: agreements, status history, quarterly reports.

``seed_residency(park, accounts=…)`` makes twelve of the park's companies residents (the demo
founder's company first), through the residency services, with dates relative to today:

* the founder's company: every report filed but the current quarter's, so the founder sees the
  banner and can file it;
* one resident with the last two due reports missing: flagged for suspension on the staff pages;
* one suspended (reason kept), its last two reports missing too;
* one whose residency has ended;
* four with the current quarter's report filed, four with it missing (overdue once it is due).

Idempotent: a company that already has a resident status is left alone, so a second run changes
nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from technopark.companies.models import Company, TeamMember
from technopark.core.localtime import local_today
from technopark.parks.models import Park
from technopark.residency import services
from technopark.residency.models import ResidentStatus
from technopark.residency.schedule import Quarter, current_quarter, last_due_quarter

RESIDENTS = 12
DEMO_DOMAIN = "demo.technopark"


def _account(accounts: dict[Any, Any], role: str) -> Any:
    """The demo account for ``role`` whatever ``accounts`` is keyed by: the role, the e-mail, or
    (as ``SeedResult.accounts``) pairs of the account's spec and its user."""
    if isinstance(accounts, dict):
        for key in (role, f"{role}@{DEMO_DOMAIN}"):
            if key in accounts:
                return accounts[key]
        for key, value in accounts.items():
            if getattr(key, "email", None) == f"{role}@{DEMO_DOMAIN}":
                return value
            if getattr(value, "email", None) == f"{role}@{DEMO_DOMAIN}":
                return value
    else:
        for spec, user in accounts:
            if getattr(spec, "email", "") == f"{role}@{DEMO_DOMAIN}":
                return user
    return None


def _figures(rng: random.Random, size: int) -> dict[str, Any]:
    revenue = Decimal(rng.randint(400_000, 9_000_000) * size) / 100 * 100
    return {
        "revenue": revenue.quantize(Decimal("0.01")),
        "taxes_paid": (revenue * Decimal("0.12")).quantize(Decimal("0.01")),
        "investment_raised": Decimal(rng.choice((0, 0, 0, 500_000, 2_000_000))),
        "rnd_spending": (revenue * Decimal(rng.randint(5, 30)) / 100).quantize(Decimal("0.01")),
        "exports": Decimal(rng.choice((0, 0, 0, 150_000, 1_200_000))),
        "headcount": rng.randint(3, 12) * size,
        "ip_registered": rng.choice((0, 0, 0, 1, 2)),
    }


def seed_residency(park: Park, *, accounts: Any) -> None:
    """Create the demo residents of ``park`` that are missing (see the module docstring)."""
    manager = _account(accounts, "manager")
    founder = _account(accounts, "founder")
    companies = list(Company.all_parks.filter(park=park).order_by("pk")[: RESIDENTS + 1])
    if founder is not None:
        own = (
            Company.all_parks.filter(park=park, team__user=founder, team__acts_for_company=True)
            .order_by("pk")
            .first()
        )
        if own is not None:
            companies = [own, *(c for c in companies if c.pk != own.pk)]
    companies = companies[:RESIDENTS]
    taken = set(
        ResidentStatus.all_parks.filter(park=park, company__in=companies).values_list(
            "company_id", flat=True
        )
    )
    tz = park.time_zone
    today = local_today(tz)
    current = current_quarter(tz)
    last_due = last_due_quarter(tz)
    for index, company in enumerate(companies):
        if company.pk in taken:
            continue
        first = Quarter.from_period(current.period - 4 - index % 5)
        start = first.first_day + timedelta(days=14 * (index % 3))
        resident = services.resident_admit(
            park=park,
            company=company,
            actor=manager,
            agreement_number=f"ДР-{start.year}-{index + 1:03d}",
            start_date=start,
            site=company.site,
            directions=list(company.directions.all()),
        )
        periods = list(range(resident.reports_from, current.period + 1))
        if index == 0:  # the founder's: the current report is still to be filed
            skip = {current.period}
        elif index in (1, 2):  # two overdue: flagged (and one of them suspended)
            skip = {last_due.period, last_due.period - 1, current.period}
        elif 4 <= index <= 7:  # every report filed, the current one too
            skip = set()
        else:  # the current report not filed (overdue once past the 5th day)
            skip = {current.period, last_due.period}
        rng = random.Random(int(company.inn))
        is_founders = index == 0 and founder is not None
        has_team = TeamMember.objects.filter(company=company, acts_for_company=True).exists()
        for period in periods:
            if period in skip:
                continue
            quarter = Quarter.from_period(period)
            report = services.report_file(
                resident=resident,
                actor=founder if is_founders else None,
                year=quarter.year,
                quarter=quarter.quarter,
                ip_note="Свидетельство о регистрации программы для ЭВМ" if has_team else "",
                **_figures(rng, 1 + index % 3),
            )
            # Staff have reviewed the older reports; the last one waits for review, and the
            # founder's was returned for correction (the founder sees what to correct).
            if manager is None:
                continue
            if is_founders and period == last_due.period:
                services.report_review(
                    report=report,
                    actor=manager,
                    accept=False,
                    note="Выручка не совпадает с данными налоговой декларации: проверьте, "
                    "пожалуйста, сумму и приложите пояснение.",
                )
            elif period < last_due.period:
                services.report_review(report=report, actor=manager, accept=True)
        if index == 2:
            services.resident_suspend(
                resident=resident,
                actor=manager,
                reason=(
                    "Не представлены квартальные отчёты за два квартала подряд "
                    "(п. 4.2 соглашения). Восстановление — после представления отчётов."
                ),
            )
        elif index == 3:
            services.resident_end(
                resident=resident,
                actor=manager,
                reason="Соглашение расторгнуто по соглашению сторон: компания переехала.",
                effective_on=max(start, today - timedelta(days=20)),
            )
