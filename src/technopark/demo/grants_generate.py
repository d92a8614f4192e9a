"""Bench-scale grants: a national-scale grant ledger in one park, with bulk inserts.

``generate_grants(park=…, awards=2000, tranches_per_award=5)`` makes (when the park has fewer)
``awards`` grants with five milestones and five tranches each — 10,000 tranches — of which about
40 % are paid (with their payment rows, payment references and idempotency keys, and the awards'
running totals), 15 % approved by two staff members, 5 % cancelled (with their cancellation
entries), the rest requested; about 3 % of the paid awards have a clawback; about a tenth of the
milestones are overdue.

Participants: the grants go to programme participants without a grant; when there are too few
(the programmes generator did not run), it makes a bench programme with cohorts of 100 and
enrols the park's companies in id order (bulk inserts). Deterministic for a seed; what the
services guarantee holds by construction (awards within the cap, budget lines adding up to the
award, tranches adding up to the award, paid ≤ award, one payment per tranche, unique keys).
The audit chain is not written for generated rows (they are bench data, not decisions).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from technopark.companies.models import Company
from technopark.grants.models import (
    BudgetKind,
    BudgetLine,
    Clawback,
    Disbursement,
    GrantAward,
    Milestone,
    MilestoneStatus,
    Tranche,
    TrancheApproval,
    TrancheCancellation,
    TrancheStatus,
)
from technopark.parks.models import STAFF_ROLES, Membership, MembershipStatus, Park
from technopark.programmes.models import Cohort, Participant, Programme

SEED = 2026
BATCH_SIZE = 200
COHORT_SIZE = 100
BENCH_PROGRAMME = "Bench accelerator"


def _ensure_participants(park: Park, needed: int) -> list[Participant]:
    """Participants of the park without a grant, enrolling companies when there are too few."""
    free = list(
        Participant.objects.filter(cohort__park=park, grant__isnull=True)
        .select_related("cohort__programme")
        .order_by("pk")[:needed]
    )
    missing = needed - len(free)
    if missing <= 0:
        return free
    programme = Programme.all_parks.filter(park=park, name=BENCH_PROGRAMME).first()
    if programme is None:
        programme = Programme.all_parks.create(park=park, name=BENCH_PROGRAMME)
    enrolled = Participant.objects.filter(cohort__programme=programme).values("company_id")
    companies = list(
        Company.all_parks.filter(park=park)
        .exclude(pk__in=enrolled)
        .order_by("pk")
        .values_list("pk", flat=True)[:missing]
    )
    start = date(2024, 1, 15)
    cohort_count = Cohort.all_parks.filter(programme=programme).count()
    made: list[Participant] = []
    for offset in range(0, len(companies), COHORT_SIZE):
        n = cohort_count + offset // COHORT_SIZE
        begins = start + timedelta(days=30 * (n % 30))
        cohort = Cohort.all_parks.create(
            park=park,
            programme=programme,
            name=f"Bench cohort {n + 1}",
            starts_on=begins,
            ends_on=begins + timedelta(weeks=programme.length_weeks),
            capacity=COHORT_SIZE,
        )
        made += Participant.objects.bulk_create(
            [
                Participant(cohort=cohort, company_id=pk)
                for pk in companies[offset : offset + COHORT_SIZE]
            ]
        )
    made = list(
        Participant.objects.filter(pk__in=[p.pk for p in made]).select_related("cohort__programme")
    )
    return free + made


def _staff(park: Park) -> list[Any]:
    rows = (
        Membership.all_parks.filter(park=park, role__in=STAFF_ROLES, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .order_by("pk")
    )
    people: list[Any] = []
    for row in rows:
        if row.user not in people:
            people.append(row.user)
    return people


def generate_grants(
    *,
    park: Park,
    awards: int = 2_000,
    tranches_per_award: int = 5,
    seed: int = SEED,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add grants until ``park`` has ``awards``; return how many were added."""
    existing = GrantAward.all_parks.filter(park=park).count()
    missing = awards - existing
    if missing <= 0:
        return 0
    staff = _staff(park)
    if not staff:
        raise ValueError("The park has no staff member to decide the grants.")
    deciders = staff[:2] if len(staff) >= 2 else staff
    rng = random.Random(seed + existing)
    participants = _ensure_participants(park, missing)
    today = timezone.localdate()
    added = 0
    for offset in range(0, len(participants), batch_size):
        chunk = participants[offset : offset + batch_size]
        with transaction.atomic():
            added += _batch(
                park, chunk, rng, deciders, tranches_per_award, today, existing + offset
            )
        if progress:
            progress(added)
    return added


def _split(total: Decimal, parts: int) -> list[Decimal]:
    share = (total / parts).quantize(Decimal("1000"))
    amounts = [share] * (parts - 1)
    amounts.append(total - share * (parts - 1))
    return amounts


def _batch(
    park: Park,
    chunk: list[Participant],
    rng: random.Random,
    deciders: list[Any],
    per_award: int,
    today: date,
    number_from: int,
) -> int:
    first = deciders[0]
    second = deciders[-1]
    grants: list[GrantAward] = []
    plans: list[list[str]] = []
    for n, participant in enumerate(chunk):
        cap = participant.cohort.programme.grant_cap
        amount = min(cap, Decimal(rng.randrange(500, 2001)) * 1000)
        statuses: list[str] = []
        paid_count = rng.choices([0, 1, 2, 3, 4, 5], weights=[15, 20, 20, 20, 15, 10])[0]
        paid_count = min(paid_count, per_award)
        for k in range(per_award):
            if k < paid_count:
                statuses.append(TrancheStatus.PAID)
            elif k == paid_count and rng.random() < 0.35:
                statuses.append(TrancheStatus.APPROVED)
            elif rng.random() < 0.06:
                statuses.append(TrancheStatus.CANCELLED)
            else:
                statuses.append(TrancheStatus.REQUESTED)
        plans.append(statuses)
        grants.append(
            GrantAward(
                park=park,
                participant=participant,
                amount=amount,
                cap=cap,
                currency=participant.cohort.programme.currency,
                decision_reference=f"БГ-{number_from + n + 1:06d}",
                decided_on=today - timedelta(days=rng.randint(30, 700)),
                decided_by=first,
            )
        )
    GrantAward.all_parks.bulk_create(grants)
    grants = list(
        GrantAward.all_parks.filter(participant__in=[p.pk for p in chunk]).order_by(
            "participant_id"
        )
    )
    by_participant = {g.participant_id: g for g in grants}
    lines: list[BudgetLine] = []
    milestones: list[Milestone] = []
    for participant in chunk:
        grant = by_participant[participant.pk]
        remaining = grant.amount
        kinds = list(BudgetKind.values)
        for i, kind in enumerate(kinds):
            value = remaining if i == len(kinds) - 1 else (grant.amount * Decimal("0.2"))
            lines.append(BudgetLine(award=grant, kind=kind, amount=value))
            remaining -= value
        for k in range(per_award):
            due = grant.decided_on + timedelta(days=60 * (k + 1))
            milestones.append(
                Milestone(
                    award=grant,
                    number=k + 1,
                    title=f"Этап {k + 1}",
                    deliverables="Отчёт и акты.",
                    due_on=due,
                    status=MilestoneStatus.ACCEPTED
                    if due < today and rng.random() < 0.9
                    else MilestoneStatus.OPEN,
                )
            )
    BudgetLine.objects.bulk_create(lines)
    Milestone.objects.bulk_create(milestones)
    milestone_ids = dict(
        ((award_id, number), pk)
        for pk, award_id, number in Milestone.objects.filter(award__in=grants).values_list(
            "pk", "award_id", "number"
        )
    )
    tranches: list[Tranche] = []
    for participant, statuses in zip(chunk, plans, strict=True):
        grant = by_participant[participant.pk]
        for k, (status, amount) in enumerate(
            zip(statuses, _split(grant.amount, per_award), strict=True)
        ):
            tranches.append(
                Tranche(
                    award=grant,
                    milestone_id=milestone_ids[(grant.pk, k + 1)],
                    number=k + 1,
                    amount=amount,
                    status=status,
                    requested_by=first,
                )
            )
    Tranche.objects.bulk_create(tranches)
    tranches = list(Tranche.objects.filter(award__in=grants).order_by("award_id", "number"))
    approvals: list[TrancheApproval] = []
    payments: list[Disbursement] = []
    cancellations: list[TrancheCancellation] = []
    paid: dict[int, Decimal] = {}
    for tranche in tranches:
        if tranche.status in (TrancheStatus.APPROVED, TrancheStatus.PAID) and first != second:
            approvals += [
                TrancheApproval(tranche=tranche, approver=first),
                TrancheApproval(tranche=tranche, approver=second),
            ]
        if tranche.status == TrancheStatus.PAID:
            payments.append(
                Disbursement(
                    award_id=tranche.award_id,
                    tranche=tranche,
                    amount=tranche.amount,
                    payment_reference=f"ПП-{tranche.award_id}-{tranche.number}",
                    idempotency_key=f"bench-{tranche.award_id}-{tranche.number}",
                    paid_on=today - timedelta(days=rng.randint(1, 300)),
                    paid_by=second,
                )
            )
            paid[tranche.award_id] = paid.get(tranche.award_id, Decimal("0")) + tranche.amount
        if tranche.status == TrancheStatus.CANCELLED:
            cancellations.append(
                TrancheCancellation(tranche=tranche, reason="Этап исключён.", cancelled_by=first)
            )
    TrancheApproval.objects.bulk_create(approvals)
    Disbursement.objects.bulk_create(payments)
    TrancheCancellation.objects.bulk_create(cancellations)
    clawbacks: list[Clawback] = []
    for grant in grants:
        grant.paid_total = paid.get(grant.pk, Decimal("0"))
        if grant.paid_total and rng.random() < 0.03:
            amount = (grant.paid_total * Decimal("0.1")).quantize(Decimal("0.01"))
            grant.clawed_back_total = amount
            clawbacks.append(
                Clawback(
                    award=grant,
                    amount=amount,
                    reason="Нецелевое использование.",
                    reference=f"В-{grant.pk}",
                    decided_on=today - timedelta(days=rng.randint(1, 100)),
                    decided_by=first,
                )
            )
    GrantAward.all_parks.bulk_update(grants, ["paid_total", "clawed_back_total"])
    Clawback.objects.bulk_create(clawbacks)
    return len(grants)
