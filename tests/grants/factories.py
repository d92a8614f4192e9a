"""Programmes, cohorts and participants for the grants tests (the programmes app owns them; these
are the grants tests' own minimal builders), and awards made through the services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from technopark.grants import services
from technopark.grants.models import GrantAward, Tranche
from technopark.programmes.models import Cohort, Participant, Programme
from tests.factories import CompanyFactory

D = Decimal


def make_participant(
    park: Any, company: Any = None, *, cohort: Cohort | None = None, cap: str = "2000000.00"
) -> Participant:
    if cohort is None:
        programme = Programme.all_parks.create(park=park, name="Акселератор", grant_cap=D(cap))
        cohort = Cohort.all_parks.create(
            park=park,
            programme=programme,
            name="Весна 2026",
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 6, 30),
        )
    company = company or CompanyFactory(park=park)
    return Participant.objects.create(cohort=cohort, company=company)


def make_award(
    participant: Participant,
    actor: Any,
    *,
    amount: str = "1500000.00",
    tranches: tuple[str, ...] = ("500000.00", "500000.00", "500000.00"),
    due: date | None = None,
    reference: str | None = None,
) -> GrantAward:
    due = due or date(2026, 9, 1)
    plans = [
        services.MilestonePlan(
            title=f"Этап {n + 1}", due_on=due + timedelta(days=30 * n), tranche_amount=D(value)
        )
        for n, value in enumerate(tranches)
    ]
    return services.grant_award_create(
        participant=participant,
        actor=actor,
        amount=D(amount),
        decision_reference=reference or f"ГР-{participant.pk}",
        decided_on=date(2026, 4, 1),
        budget={"equipment": D(amount)},
        milestones=plans,
    )


def approve_twice(tranche: Tranche, first: Any, second: Any) -> Tranche:
    services.tranche_approve(tranche=tranche, actor=first)
    return services.tranche_approve(tranche=tranche, actor=second)
