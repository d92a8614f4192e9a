"""Fixtures of the council part of the selection tests: a residency call of ``world.park`` whose
applications carry filed reviews, and helpers to add more."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from technopark.selection.models import AssignmentStatus, CallKind, Review, ReviewAssignment
from tests.factories import CompanyFactory, UserFactory
from tests.selection.factories import (
    ApplicationFactory,
    CallFactory,
    ExpertProfileFactory,
    refresh_ranking,
)

__all__ = ["CouncilWorld", "council", "file_review", "make_council"]


def file_review(
    application: Any,
    *,
    total: str | None,
    recommendation: str = "admit",
    expert: Any = None,
    note_for_council: str = "",
    note_for_applicant: str = "",
    filed: bool = True,
) -> Review:
    """A published assignment of ``application`` to ``expert`` (a new one if None) and its review,
    filed unless ``filed`` is False."""
    from django.utils import timezone

    if expert is None:
        expert = ExpertProfileFactory(park=application.park)
    assignment = ReviewAssignment.objects.create(
        application=application, expert=expert, status=AssignmentStatus.PUBLISHED
    )
    review = Review.objects.create(
        assignment=assignment,
        recommendation=recommendation,
        total=Decimal(total) if total is not None else None,
        note_for_council=note_for_council,
        note_for_applicant=note_for_applicant,
        submitted_at=timezone.now() if filed else None,
    )
    refresh_ranking(application)
    return review


@dataclass
class CouncilWorld:
    call: Any
    strong: Any  # the founder's company's application: two agreeing reviews
    split: Any  # other_company's application: two reviews far apart, admit vs reject
    pending: Any  # an application with one assignment and no filed review
    expert: Any  # world's expert's profile
    second_expert: Any


@pytest.fixture
def council(world: Any) -> CouncilWorld:
    return make_council(world)


def make_council(world: Any) -> CouncilWorld:
    """A residency call of ``world.park``: the founder's company's application with two agreeing
    reviews, other_company's with two far apart (admit vs reject), and one with none filed."""
    call = CallFactory(
        park=world.park, kind=CallKind.RESIDENCY, site=world.site, title="Residency 2026"
    )
    expert = ExpertProfileFactory(park=world.park, user=world.users["expert"])
    second = ExpertProfileFactory(
        park=world.park,
        user=UserFactory(email="second.expert@example.org", full_name="Ivan Expertov"),
    )
    strong = ApplicationFactory(call=call, company=world.company, title="Cold chain sensors")
    strong.directions.add(world.direction)
    file_review(
        strong,
        total="82.50",
        expert=expert,
        note_for_council="Strong team; ask about the second round.",
        note_for_applicant="A clear plan; show the pilot's figures next time.",
    )
    file_review(strong, total="77.50", expert=second, note_for_applicant="Good market analysis.")
    split = ApplicationFactory(call=call, company=world.other_company, title="Permafrost lab")
    file_review(split, total="90.00", expert=expert, recommendation="admit")
    file_review(
        split,
        total="40.00",
        expert=second,
        recommendation="reject",
        note_for_council="Duplicates an existing resident.",
    )
    pending = ApplicationFactory(
        call=call, company=CompanyFactory(park=world.park, short_name="Лёд")
    )
    ReviewAssignment.objects.create(
        application=pending, expert=expert, status=AssignmentStatus.PUBLISHED
    )
    refresh_ranking(pending)
    return CouncilWorld(
        call=call, strong=strong, split=split, pending=pending, expert=expert, second_expert=second
    )
