"""Programmes, cohorts and participants for the grants tests (the programmes app owns them; these
are the grants tests' own minimal builders), and awards made through the services.

Under the default grant policy (segregation of duties, pay only against accepted reports) the
builders keep the duties apart the way a park does: the tranches of ``make_award`` are requested
by the park's grants officer (``officer``), the tests' manager and park admin approve, and the
accountant (``accountant``) pays once ``ready_to_pay`` has had the milestone's report accepted."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from technopark.grants import services
from technopark.grants.models import GrantAward, GrantReport, Milestone, ReportStatus, Tranche
from technopark.parks.models import Membership, Role
from technopark.programmes.models import Cohort, Participant, Programme
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

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
        services.MilestonePlan(title=f"Этап {n + 1}", due_on=due + timedelta(days=30 * n))
        for n, _value in enumerate(tranches)
    ]
    award = services.grant_award_create(
        participant=participant,
        actor=actor,
        amount=D(amount),
        decision_reference=reference or f"ГР-{participant.pk}",
        decided_on=date(2026, 4, 1),
        budget={"equipment": D(amount)},
        milestones=plans,
    )
    requester = officer(award.park)
    for milestone, value in zip(award.milestones.order_by("number"), tranches, strict=True):
        services.tranche_request(award=award, milestone=milestone, actor=requester, amount=D(value))
    return award


def _staff(park: Any, local: str, name: str) -> Any:
    membership = (
        Membership.all_parks.filter(park=park, user__email=f"{local}@example.org")
        .select_related("user")
        .first()
    )
    if membership is not None:
        return membership.user
    person = UserFactory(email=f"{local}@example.org", full_name=name)
    MembershipFactory(park=park, user=person, role=Role.MANAGER)
    return person


def officer(park: Any) -> Any:
    """The park's grants officer, who requests the tranches of ``make_award``."""
    return _staff(park, f"officer.{park.pk}", "Grants Officer")


def accountant(park: Any) -> Any:
    """The park's accountant: staff who neither requests nor approves, and so may pay."""
    return _staff(park, f"accountant.{park.pk}", "Accountant")


def accept_report(milestone: Milestone, reviewer: Any = None) -> GrantReport:
    """The milestone reported (by someone acting for the company) and the report accepted."""
    done = GrantReport.objects.filter(milestone=milestone, status=ReportStatus.ACCEPTED).first()
    if done is not None:
        return done
    company = milestone.award.participant.company
    member = company.team.filter(acts_for_company=True).select_related("user").first()
    author = member.user if member is not None else officer(milestone.award.park)
    report = services.grant_report_file(
        milestone=milestone, actor=author, summary="Этап выполнен.", spending={}
    )
    return services.grant_report_review(
        report=report, actor=reviewer or officer(milestone.award.park), accept=True
    )


def ready_to_pay(tranche: Tranche, first: Any, second: Any) -> Tranche:
    """The milestone's report accepted and the tranche approved by ``first`` and ``second``."""
    accept_report(tranche.milestone)
    return approve_twice(tranche, first, second)


def approve_twice(tranche: Tranche, first: Any, second: Any) -> Tranche:
    services.tranche_approve(tranche=tranche, actor=first)
    return services.tranche_approve(tranche=tranche, actor=second)
