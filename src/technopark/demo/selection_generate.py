"""Bench-scale selection data: one call with 5,000 submitted applications, 300 experts, published
assignments and 20,000 filed reviews with scores and totals (``generate_selection``).

Bulk inserts, not the services (which write one row at a time, right for people and far too slow
here). What the services guarantee is kept by construction: applications come from the park's
own companies, one per company; experts hold the expert role in the park; the assignments are
the optimiser's own solution (``selection.optimiser``: within capacity, no pair twice); every
review's total is computed by ``services.review.review_total`` from its scores. Deterministic
(a seeded generator); idempotent in the sense that counts: a call that already has its
applications is left alone.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from technopark.accounts.models import User
from technopark.companies.models import Company
from technopark.core.fragments import writes
from technopark.demo import data
from technopark.demo.bulk import generate_companies
from technopark.parks.models import Direction, Membership, MembershipStatus, Park, Role
from technopark.selection import optimiser
from technopark.selection.models import (
    Application,
    ApplicationRanking,
    ApplicationStatus,
    AssignmentStatus,
    Call,
    CallKind,
    CallStatus,
    Criterion,
    CriterionScore,
    ExpertProfile,
    Recommendation,
    Review,
    ReviewAssignment,
)
from technopark.selection.services.ranking import ranking_refresh_call
from technopark.selection.services.review import review_total

__all__ = ["BENCH_CALL_TITLE", "generate_selection"]

BENCH_CALL_TITLE = "Bench: residency call"
EXPERT_EMAIL = "bench-expert-{:04d}@experts.bench"
BATCH = 2_000
CRITERIA = (
    ("Команда", Decimal("2.00"), 10),
    ("Рынок", Decimal("1.50"), 10),
    ("Технология", Decimal("1.00"), 5),
    ("Финансы", Decimal("1.00"), 5),
)


def _ensure_call(park: Park, reviews: int) -> tuple[Call, list[Criterion]]:
    call = Call.all_parks.filter(park=park, title=BENCH_CALL_TITLE).first()
    if call is None:
        now = timezone.now()
        call = Call.all_parks.create(
            park=park,
            kind=CallKind.RESIDENCY,
            title=BENCH_CALL_TITLE,
            status=CallStatus.PUBLISHED,
            opens_at=now - timedelta(days=60),
            closes_at=now + timedelta(days=30),
            reviews_per_application=reviews,
        )
        Criterion.objects.bulk_create(
            [
                Criterion(call=call, position=i, name=name, weight=weight, scale_max=scale)
                for i, (name, weight, scale) in enumerate(CRITERIA)
            ]
        )
    return call, list(Criterion.objects.filter(call=call).order_by("position", "pk"))


def _ensure_experts(park: Park, count: int, rng: random.Random) -> list[ExpertProfile]:
    emails = [EXPERT_EMAIL.format(i) for i in range(count)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    password = make_password(None)  # unusable: bench experts do not sign in with a password
    User.objects.bulk_create(
        [
            User(email=email, full_name=f"Эксперт {i:04d}", password=password)
            for i, email in enumerate(emails)
            if email not in existing
        ],
        batch_size=BATCH,
    )
    users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    have_role = set(
        Membership.all_parks.filter(
            park=park, role=Role.EXPERT, user_id__in=users.values()
        ).values_list("user_id", flat=True)
    )
    Membership.all_parks.bulk_create(
        [
            Membership(park=park, user_id=uid, role=Role.EXPERT, status=MembershipStatus.ACTIVE)
            for uid in users.values()
            if uid not in have_role
        ],
        batch_size=BATCH,
    )
    have_profile = set(
        ExpertProfile.all_parks.filter(park=park, user_id__in=users.values()).values_list(
            "user_id", flat=True
        )
    )
    new_profiles = [
        ExpertProfile(park=park, user_id=users[email], default_capacity=80)
        for email in emails
        if users[email] not in have_profile
    ]
    ExpertProfile.all_parks.bulk_create(new_profiles, batch_size=BATCH)
    profiles = list(
        ExpertProfile.all_parks.filter(park=park, user_id__in=users.values()).order_by("pk")
    )
    direction_ids = list(Direction.all_parks.filter(park=park).values_list("pk", flat=True))
    through = ExpertProfile.directions.through
    with_directions = set(
        through.objects.filter(expertprofile_id__in=[p.pk for p in profiles]).values_list(
            "expertprofile_id", flat=True
        )
    )
    if direction_ids:
        through.objects.bulk_create(
            [
                through(expertprofile_id=profile.pk, direction_id=d)
                for profile in profiles
                if profile.pk not in with_directions
                for d in rng.sample(direction_ids, min(len(direction_ids), rng.randint(1, 3)))
            ],
            batch_size=BATCH,
        )
    return profiles


def generate_selection(
    *,
    park: Park,
    applications: int = 5_000,
    experts: int = 300,
    reviews_per_application: int = 4,
    seed: int = data.RANDOM_SEED + 3,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Fill ``park`` with the bench call (see the module docstring); return what was made."""
    rng = random.Random(seed)
    say = progress or (lambda _message: None)
    with transaction.atomic():
        call, criteria = _ensure_call(park, reviews_per_application)
        if Application.all_parks.filter(call=call).count() >= applications:
            return {"call": call.pk, "applications": 0, "assignments": 0, "reviews": 0}
    if Company.all_parks.filter(park=park).count() < applications:
        generate_companies(park=park, total=applications)
    say("companies ready")
    with transaction.atomic():
        taken = set(Application.all_parks.filter(call=call).values_list("company_id", flat=True))
        company_ids = [
            pk
            for pk in Company.all_parks.filter(park=park)
            .order_by("pk")
            .values_list("pk", flat=True)
            if pk not in taken
        ][: applications - len(taken)]
        now = timezone.now()
        Application.all_parks.bulk_create(
            [
                Application(
                    park=park,
                    call=call,
                    company_id=company_id,
                    status=ApplicationStatus.SUBMITTED,
                    title=f"Проект №{n + 1}",
                    submitted_at=now - timedelta(minutes=n),
                )
                for n, company_id in enumerate(company_ids)
            ],
            batch_size=BATCH,
        )
        app_ids = dict(
            Application.all_parks.filter(call=call, company_id__in=company_ids).values_list(
                "company_id", "pk"
            )
        )
        company_dirs = Company.directions.through.objects.filter(
            company_id__in=company_ids
        ).values_list("company_id", "direction_id")
        app_through = Application.directions.through
        app_dirs: dict[int, set[int]] = {}
        rows = []
        for company_id, direction_id in company_dirs:
            app_id = app_ids[company_id]
            app_dirs.setdefault(app_id, set()).add(direction_id)
            rows.append(app_through(application_id=app_id, direction_id=direction_id))
        app_through.objects.bulk_create(rows, batch_size=BATCH)
    say(f"{len(app_ids)} applications")

    with transaction.atomic():
        profiles = _ensure_experts(park, experts, rng)
        expert_dirs: dict[int, set[int]] = {}
        for profile_id, direction_id in ExpertProfile.directions.through.objects.filter(
            expertprofile_id__in=[p.pk for p in profiles]
        ).values_list("expertprofile_id", "direction_id"):
            expert_dirs.setdefault(profile_id, set()).add(direction_id)
        load: dict[int, int] = {}
        for expert_id in ReviewAssignment.objects.filter(application__call=call).values_list(
            "expert_id", flat=True
        ):
            load[expert_id] = load.get(expert_id, 0) + 1
        solution = optimiser.solve(
            optimiser.Problem(
                applications=[
                    optimiser.ApplicationNode(
                        id=app_id,
                        need=reviews_per_application,
                        directions=frozenset(app_dirs.get(app_id, ())),
                    )
                    for app_id in app_ids.values()
                ],
                experts=[
                    optimiser.ExpertNode(
                        id=p.pk,
                        capacity=p.default_capacity,
                        load=load.get(p.pk, 0),
                        directions=frozenset(expert_dirs.get(p.pk, ())),
                    )
                    for p in profiles
                ],
            )
        )
        due = now + timedelta(days=14)
        ReviewAssignment.objects.bulk_create(
            [
                ReviewAssignment(
                    application_id=pair.application,
                    expert_id=pair.expert,
                    status=AssignmentStatus.PUBLISHED,
                    proposed_load=pair.load,
                    proposed_capacity=pair.capacity,
                    due_at=due,
                    published_at=now,
                )
                for pair in solution.pairs
            ],
            batch_size=BATCH,
        )
        assignment_ids = list(
            ReviewAssignment.objects.filter(application_id__in=app_ids.values())
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    say(f"{len(assignment_ids)} assignments")

    recommendations = [
        Recommendation.ADMIT,
        Recommendation.ADMIT,
        Recommendation.ADMIT_WITH_CONDITIONS,
        Recommendation.REJECT,
    ]
    with transaction.atomic():
        reviews = []
        scores_of: dict[int, list[int | None]] = {}
        for assignment_id in assignment_ids:
            values: list[int | None] = [
                None
                if i == len(criteria) - 1 and rng.random() < 0.1
                else rng.randint(0, criterion.scale_max)
                for i, criterion in enumerate(criteria)
            ]
            scores_of[assignment_id] = values
            reviews.append(
                Review(
                    assignment_id=assignment_id,
                    recommendation=rng.choice(recommendations),
                    note_for_council="Оценка по критериям; см. баллы.",
                    note_for_applicant="",
                    total=review_total(zip(criteria, values, strict=True)),
                    submitted_at=now - timedelta(minutes=rng.randint(0, 20_000)),
                )
            )
        Review.objects.bulk_create(reviews, batch_size=BATCH)
        review_ids = dict(
            Review.objects.filter(assignment_id__in=assignment_ids).values_list(
                "assignment_id", "pk"
            )
        )
        CriterionScore.objects.bulk_create(
            [
                CriterionScore(
                    review_id=review_ids[assignment_id], criterion=criterion, score=value
                )
                for assignment_id, values in scores_of.items()
                for criterion, value in zip(criteria, values, strict=True)
            ],
            batch_size=BATCH * 2,
        )
        writes("selection", park_id=park.pk)
        # The bulk inserts bypass the services that keep the council's ranking rows: fill them.
        ranking_refresh_call(call=call)
    say(f"{len(reviews)} reviews")
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            for model in (
                Application,
                ReviewAssignment,
                Review,
                CriterionScore,
                ApplicationRanking,
            ):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "call": call.pk,
        "applications": len(app_ids),
        "assignments": len(assignment_ids),
        "reviews": len(reviews),
        "solve_seconds": round(solution.build_seconds + solution.solve_seconds, 3),
    }
