"""Bench-scale programmes: 100 cohorts × 20 participants in one park, deterministic for a seed.

``generate_programmes(park=…)`` makes the programme «Bench programme» with ``cohorts`` cohorts of
``per_cohort`` participants (distinct companies of the park, in id order; more are generated
with ``demo.bulk.generate_companies`` when the park has too few), one attendee per participant (a
bench person who never signs in), ``sessions`` sessions per cohort of which the first
``past_sessions`` are in the past with attendance taken (≈ 85 % present), and one stage proposal
for every fourth participant (half confirmed). Together with the grants generator's 2,000 awards
this is the national-scale cohort dashboard of the benchmark.

Bulk inserts, not the services (the services write one row at a time): what they guarantee holds
by construction — a company once per cohort, capacity equal to the participants, sessions ending
after they start, one mark per person and session, one open proposal per participant.
Idempotent: a park whose bench programme exists is left alone.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.utils import timezone

from technopark.accounts.models import User
from technopark.companies.models import Company, Stage
from technopark.demo.bulk import generate_companies
from technopark.parks.models import Park
from technopark.programmes.models import (
    Attendance,
    Attendee,
    Cohort,
    CurriculumSession,
    Participant,
    Programme,
    ProposalStatus,
    SessionKind,
    StageProposal,
)

SEED = 2027
NAME = "Bench programme"
EMAIL_DOMAIN = "bench.technopark"
BATCH = 2_000
KINDS = list(SessionKind.values)


def bench_cohort_id(*, park: Park) -> int | None:
    """The first bench cohort of ``park`` (the benchmark's dashboard URL)."""
    return (
        Cohort.all_parks.filter(park=park, programme__name=NAME)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )


def generate_programmes(
    *,
    park: Park,
    cohorts: int = 100,
    per_cohort: int = 20,
    sessions: int = 10,
    past_sessions: int = 6,
    seed: int = SEED,
    today: date | None = None,
) -> list[int]:
    """Create the bench programme of ``park``; return its cohort ids (first: the bench URL's)."""
    existing = Programme.all_parks.filter(park=park, name=NAME).first()
    if existing is not None:
        return list(existing.cohorts.order_by("id").values_list("id", flat=True))
    rng = random.Random(seed)
    needed = cohorts * per_cohort
    if Company.all_parks.filter(park=park).count() < needed:
        generate_companies(park=park, total=needed)
    company_ids = list(
        Company.all_parks.filter(park=park).order_by("id").values_list("id", flat=True)[:needed]
    )
    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        programme = Programme.all_parks.create(
            park=park, name=NAME, coworking_seats=per_cohort, length_weeks=12
        )
        cohort_rows = Cohort.all_parks.bulk_create(
            [
                Cohort(
                    park=park,
                    programme=programme,
                    name=f"Bench cohort {n + 1:03d}",
                    starts_on=today - timedelta(days=7 * past_sessions + n % 7),
                    ends_on=today + timedelta(weeks=6),
                    capacity=per_cohort,
                )
                for n in range(cohorts)
            ]
        )
        cohort_rows = list(Cohort.all_parks.filter(programme=programme).order_by("id"))
        Participant.objects.bulk_create(
            [
                Participant(cohort=cohort, company_id=company_ids[c * per_cohort + i])
                for c, cohort in enumerate(cohort_rows)
                for i in range(per_cohort)
            ],
            batch_size=BATCH,
        )
        participants = list(
            Participant.objects.filter(cohort__programme=programme)
            .select_related("company")
            .order_by("id")
        )
        User.objects.bulk_create(
            [
                User(
                    email=f"attendee.{park.pk}.{n}@{EMAIL_DOMAIN}",
                    full_name=f"Bench attendee {n}",
                    password=UNUSABLE_PASSWORD_PREFIX,  # never signs in
                )
                for n in range(len(participants))
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        users = dict(
            User.objects.filter(email__startswith=f"attendee.{park.pk}.").values_list("email", "id")
        )
        Attendee.objects.bulk_create(
            [
                Attendee(participant=p, user_id=users[f"attendee.{park.pk}.{n}@{EMAIL_DOMAIN}"])
                for n, p in enumerate(participants)
            ],
            batch_size=BATCH,
        )
        session_rows = []
        for cohort in cohort_rows:
            for s in range(sessions):
                starts = (
                    timezone.make_aware(
                        datetime.combine(today - timedelta(days=7 * (past_sessions - s)), time(10))
                    )
                    if s < past_sessions
                    else now + timedelta(days=7 * (s - past_sessions + 1))
                )
                session_rows.append(
                    CurriculumSession(
                        cohort=cohort,
                        kind=KINDS[s % len(KINDS)],
                        title=f"Bench session {s + 1}",
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=3),
                    )
                )
        CurriculumSession.objects.bulk_create(session_rows, batch_size=BATCH)
        past_by_cohort: dict[int, list[int]] = {}
        for session_id, cohort_id, starts_at in (
            CurriculumSession.objects.filter(cohort__programme=programme)
            .order_by("id")
            .values_list("id", "cohort_id", "starts_at")
        ):
            if starts_at < now:
                past_by_cohort.setdefault(cohort_id, []).append(session_id)
        attendees = list(
            Attendee.objects.filter(participant__cohort__programme=programme)
            .order_by("id")
            .values_list("id", "participant__cohort_id")
        )
        marks: list[Any] = [
            Attendance(session_id=session_id, attendee_id=attendee_id, present=rng.random() < 0.85)
            for attendee_id, cohort_id in attendees
            for session_id in past_by_cohort.get(cohort_id, [])
        ]
        Attendance.objects.bulk_create(marks, batch_size=BATCH)
        stages = list(Stage.values)
        proposals = []
        for n, p in enumerate(participants):
            if n % 4:
                continue
            index = stages.index(p.company.stage)
            if index + 1 >= len(stages):
                continue
            proposals.append(
                StageProposal(
                    participant=p,
                    from_stage=p.company.stage,
                    to_stage=stages[index + 1],
                    evidence="Bench evidence",
                    status=ProposalStatus.CONFIRMED if n % 8 == 0 else ProposalStatus.PROPOSED,
                )
            )
        StageProposal.objects.bulk_create(proposals, batch_size=BATCH)
    return [c.pk for c in cohort_rows]
