"""The review part of the demo: experts with profiles and conflicts, published assignments for
the submitted applications of the park's calls, filed reviews, a draft and an overdue one.

``seed_selection_review(park, accounts=…)`` works on whatever calls and applications exist in the
park (the applications part's seed makes them) and goes through the services. Idempotent: the
extra experts are looked up by e-mail, a profile or declaration is made only when missing, and a
call that already has assignments is left alone — so a second run changes nothing.

What it makes:

* the demo expert (``expert@demo.technopark``) and four more experts (at their university, fund or firm (``l.ivanova@s-vfu.demo``…),
  password ``demo-park-2026``), each with directions of the park, affiliations and a capacity;
* an automatic conflict: one expert's affiliations name the company of the first submitted
  application (its INN); the demo expert shares the e-mail domain of the demo founder's team, so
  the founder's company is never given to them either;
* a declared conflict: the demo expert declares one with the company of another applicant;
* for every call with submitted applications and no assignments yet: the optimiser's proposal,
  published with reviews due in 14 days; then about two thirds of the reviews filed with
  deterministic scores, one left as a draft, and one of the demo expert's made overdue.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from technopark.accounts.models import User
from technopark.demo import data
from technopark.parks import services as park_services
from technopark.parks.models import Direction, Membership, MembershipStatus, Park, Role
from technopark.selection.models import (
    Application,
    ApplicationStatus,
    AssignmentStatus,
    Call,
    ConflictOfInterest,
    Criterion,
    ExpertProfile,
    Recommendation,
    ReviewAssignment,
)
from technopark.selection.services import assignment as assignment_services
from technopark.selection.services import conflicts as conflict_services
from technopark.selection.services import review as review_services

logger = logging.getLogger(__name__)

__all__ = ["EXTRA_EXPERTS", "seed_selection_review"]

DEMO_DOMAIN = data.DEMO_EMAIL_DOMAIN
# (e-mail, full name, direction codes wanted, affiliations)
EXTRA_EXPERTS = (
    (
        "l.ivanova@s-vfu.demo",
        "Лариса Петровна Иванова",
        ("it", "biotech"),
        "СВФУ им. М. К. Аммосова",
    ),
    (
        "sivtsev@energoaudit-sakha.demo",
        "Егор Николаевич Сивцев",
        ("energy-saving", "construction"),
        "ООО «Энергоаудит Саха»",
    ),
    ("a.kim@fasie.demo", "Анна Сергеевна Ким", ("it", "transport"), "Фонд содействия инновациям"),
    (
        "nikiforov@yakutpromproekt.demo",
        "Павел Ильич Никифоров",
        ("production", "it"),
        "АО «Якутпромпроект»",
    ),
)
SEED = 3_2026


def _user(accounts: Any, key: str) -> Any:
    """A user from ``accounts`` by role name or e-mail (a dict, or (spec, user) pairs), else
    from the database by e-mail."""
    email = key if "@" in key else f"{key}@{DEMO_DOMAIN}"
    if isinstance(accounts, dict):
        for candidate in (key, email):
            if candidate in accounts:
                return accounts[candidate]
        pairs = list(accounts.items())
    else:
        pairs = list(accounts or ())
    for spec, user in pairs:
        if email in (getattr(spec, "email", None), getattr(user, "email", None)):
            return user
    return User.objects.filter(email=email).first()


def _manager(park: Park, accounts: Any) -> Any:
    manager = _user(accounts, "manager")
    if manager is not None:
        return manager
    membership = (
        Membership.all_parks.filter(
            park=park, role__in=(Role.MANAGER, Role.PARK_ADMIN), status=MembershipStatus.ACTIVE
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _ensure_extra_expert(park: Park, email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, data.DEMO_PASSWORD, full_name=full_name)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if not Membership.all_parks.filter(
        park=park, user=user, role=Role.EXPERT, status=MembershipStatus.ACTIVE
    ).exists():
        park_services.membership_grant(park=park, user=user, role=Role.EXPERT)
    return user


def _directions(park: Park, codes: tuple[str, ...], fallback: int) -> list[Direction]:
    rows = list(Direction.all_parks.filter(park=park).order_by("position", "pk"))
    chosen = [d for d in rows if d.code in codes]
    if not chosen and rows:
        chosen = [rows[fallback % len(rows)], rows[(fallback + 3) % len(rows)]]
    return chosen


def _ensure_profile(
    park: Park, user: User, directions: list[Direction], affiliations: str
) -> ExpertProfile:
    profile = ExpertProfile.all_parks.filter(park=park, user=user).first()
    if profile is None:
        profile = review_services.expert_profile_save(
            park=park,
            user=user,
            directions=directions,
            affiliations=affiliations,
            default_capacity=12,
        )
    return profile


def _submitted(park: Park) -> list[Application]:
    return list(
        Application.all_parks.filter(park=park, status=ApplicationStatus.SUBMITTED)
        .select_related("company")
        .order_by("pk")
    )


def _scores(rng: random.Random, criteria: list[Criterion]) -> dict[int, int | None]:
    scores: dict[int, int | None] = {}
    for position, criterion in enumerate(criteria):
        # The last criterion is "not applicable" now and then: it is left out of the total.
        if position == len(criteria) - 1 and position > 0 and rng.random() < 0.2:
            scores[criterion.pk] = None
        else:
            scores[criterion.pk] = rng.randint(criterion.scale_max // 3, criterion.scale_max)
    return scores


def _recommendation(rng: random.Random) -> str:
    return rng.choice(
        [
            Recommendation.ADMIT,
            Recommendation.ADMIT,
            Recommendation.ADMIT_WITH_CONDITIONS,
            Recommendation.REJECT,
        ]
    )


def _review_call(
    call: Call, manager: Any, rng: random.Random, demo_expert: User | None, *, make_overdue: bool
) -> bool:
    """Assign, publish and review one call; True when one of its reviews was made overdue."""
    if ReviewAssignment.objects.filter(application__call=call).exists():
        return False  # seeded before (or assigned by hand): leave it
    result = assignment_services.assignment_propose(call=call, actor=manager)
    if not result.proposed:
        return False
    assignment_services.assignment_publish(
        call=call, actor=manager, due_at=timezone.now() + timedelta(days=14)
    )
    criteria = list(Criterion.objects.filter(call=call).order_by("position", "pk"))
    assignments = list(
        ReviewAssignment.objects.filter(application__call=call, status=AssignmentStatus.PUBLISHED)
        .select_related("expert__user", "application")
        .order_by("pk")
    )
    mine = [
        a for a in assignments if demo_expert is not None and a.expert.user_id == demo_expert.pk
    ]
    overdue = mine[0] if mine and make_overdue else None
    # A draft among the reviews: the demo expert's second, else (ineligible applications are
    # not assigned, so they may have fewer) another expert's.
    draft = mine[1] if len(mine) > 1 else next((a for a in assignments if a not in mine), None)
    for index, assignment in enumerate(assignments):
        if assignment in (overdue, draft):
            continue
        if index % 3 == 2:  # a third not started yet
            continue
        try:
            review_services.review_file(
                assignment=assignment,
                actor=assignment.expert.user,
                scores=_scores(rng, criteria),
                recommendation=_recommendation(rng),
                note_for_council="Проект соответствует направлениям парка; команда сильная.",
                note_for_applicant="Уточните план выхода на рынок и потребность в финансировании.",
            )
        except ValidationError as error:  # pragma: no cover - a criterion the demo cannot fill
            logger.info("Demo review skipped for assignment %s: %s", assignment.pk, error)
    if draft is not None:
        review_services.review_save(
            assignment=draft,
            actor=draft.expert.user,
            scores=dict(list(_scores(rng, criteria).items())[:1]),
            note_for_council="Черновик: вернусь к заявке после звонка с командой.",
        )
    if overdue is not None:
        # Back-dated for the demo (the service accepts only future due dates): it shows as
        # overdue in the expert's queue and is picked up by the reminder.
        ReviewAssignment.objects.filter(pk=overdue.pk).update(
            due_at=timezone.now() - timedelta(days=2)
        )
    return overdue is not None


@transaction.atomic
def seed_selection_review(park: Park, *, accounts: Any) -> None:
    """Create whatever of the review demo is missing in ``park`` (see the module docstring)."""
    manager = _manager(park, accounts)
    if manager is None:
        return
    rng = random.Random(SEED + park.pk)
    submitted = _submitted(park)

    demo_expert = _user(accounts, "expert")
    if (
        demo_expert is not None
        and Membership.all_parks.filter(
            park=park, user=demo_expert, role=Role.EXPERT, status=MembershipStatus.ACTIVE
        ).exists()
    ):
        profile = _ensure_profile(
            park, demo_expert, _directions(park, ("it", "biotech"), 0), "ИП Охлопков В. С."
        )
        # A declared conflict: with the company of the second submitted application.
        if len(submitted) > 1 and not ConflictOfInterest.objects.filter(expert=profile).exists():
            conflict_services.conflict_declare(
                expert=profile,
                kind="company",
                company_inn=submitted[1].company.inn,
                reason="Консультировал компанию в прошлом году",
            )
    else:
        demo_expert = None

    for position, (email, full_name, codes, affiliations) in enumerate(EXTRA_EXPERTS):
        user = _ensure_extra_expert(park, email, full_name)
        if position == 0 and submitted:
            # An automatic conflict: the affiliations name the first applicant (by its INN).
            affiliations = f"{affiliations}\n{submitted[0].company.inn}".strip()
        _ensure_profile(park, user, _directions(park, codes, position + 1), affiliations)

    # One overdue review in the whole park (unless an earlier run made it).
    overdue_left = not ReviewAssignment.objects.filter(
        application__park=park, due_at__lt=timezone.now(), review__isnull=True
    ).exists()
    for call in Call.all_parks.filter(park=park).order_by("pk"):
        if any(a.call_id == call.pk for a in submitted) and _review_call(
            call, manager, rng, demo_expert, make_overdue=overdue_left
        ):
            overdue_left = False
