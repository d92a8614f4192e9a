"""Fixtures of the review part of the selection tests: a call with criteria, the world's expert
with a profile, and a submitted application of ``world.other_company`` assigned to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from technopark.parks.models import Role
from technopark.selection.models import AssignmentStatus, ExpertProfile, ReviewAssignment
from tests.factories import MembershipFactory, UserFactory
from tests.selection.factories import ApplicationFactory, CallFactory, CriterionFactory

__all__ = ["ReviewWorld", "make_expert", "review_world"]


def make_expert(
    park: Any,
    *,
    email: str | None = None,
    user: Any = None,
    capacity: int = 10,
    directions: tuple[Any, ...] = (),
    affiliations: str = "",
) -> ExpertProfile:
    """A person with the expert role in ``park`` and a profile."""
    if user is None:
        user = UserFactory(**({"email": email} if email else {}))
        MembershipFactory(park=park, user=user, role=Role.EXPERT)
    profile = ExpertProfile.all_parks.create(
        park=park, user=user, default_capacity=capacity, affiliations=affiliations
    )
    profile.directions.set(directions)
    return profile


@dataclass
class ReviewWorld:
    call: Any
    criteria: list[Any]
    application: Any
    expert: ExpertProfile  # world.users["expert"]'s profile
    assignment: ReviewAssignment  # published, due in a week


@pytest.fixture
def review_world(world: Any) -> ReviewWorld:
    call = CallFactory(park=world.park, title="Residency 2026", reviews_per_application=2)
    criteria = [
        CriterionFactory(call=call, name="Team", weight=Decimal("2.00"), scale_max=10),
        CriterionFactory(call=call, name="Market", weight=Decimal("1.00"), scale_max=5),
    ]
    application = ApplicationFactory(
        call=call,
        park=world.park,
        company=world.other_company,
        title="Permafrost sensors",
        created_by=world.users["other_founder"],
    )
    application.directions.add(world.direction)
    expert = make_expert(world.park, user=world.users["expert"], directions=(world.direction,))
    assignment = ReviewAssignment.objects.create(
        application=application,
        expert=expert,
        status=AssignmentStatus.PUBLISHED,
        due_at=timezone.now() + timedelta(days=7),
        published_at=timezone.now(),
    )
    return ReviewWorld(call, criteria, application, expert, assignment)
