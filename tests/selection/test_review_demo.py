"""The review part of the demo: idempotent, and it shows what the guide promises."""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.utils import timezone

from technopark.selection.models import (
    AssignmentStatus,
    ConflictOfInterest,
    ExpertProfile,
    Review,
    ReviewAssignment,
)
from technopark.selection.services.conflicts import conflict_pairs

pytestmark = pytest.mark.django_db


def _counts():
    return (
        ExpertProfile.all_parks.count(),
        ConflictOfInterest.objects.count(),
        ReviewAssignment.objects.count(),
        Review.objects.count(),
        Review.objects.filter(submitted_at__isnull=False).count(),
    )


def test_demo_review_seed(settings):
    from technopark.demo.seed import seed_demo
    from technopark.demo.selection_apply import seed_selection_apply
    from technopark.demo.selection_review import seed_selection_review

    # Thirty-four companies: the demo applicants are the 21st to the 32nd.
    result = seed_demo(yakutia_companies=34, magadan_companies=2)
    park = result.parks["yakutia"]
    accounts = {spec.email: user for spec, user in result.accounts}
    seed_selection_apply(park, accounts=accounts)
    seed_selection_review(park, accounts=accounts)
    first = _counts()
    seed_selection_review(park, accounts=accounts)
    assert _counts() == first
    profiles, declared, assignments, reviews, filed = first
    assert profiles == 5 and declared == 1
    assert assignments > 0 and filed > 0 and reviews > filed  # a draft among them
    assert not ReviewAssignment.objects.filter(status=AssignmentStatus.PROPOSED).exists()
    # Every application got its reviews where capacity allowed, never across a conflict.
    rows = list(ReviewAssignment.objects.select_related("application", "expert__user"))
    experts = {r.expert.pk: r.expert for r in rows}
    assert not conflict_pairs(
        applications=[r.application for r in rows], experts=experts.values()
    ) & {(r.application_id, r.expert_id) for r in rows}
    per_app = ReviewAssignment.objects.values("application").annotate(n=Count("id"))
    assert {row["n"] for row in per_app} == {2}
    # One of the demo expert's reviews is overdue.
    mine = ReviewAssignment.objects.filter(expert__user__email="expert@demo.technopark")
    assert mine.filter(due_at__lt=timezone.now(), review__isnull=True).count() == 1
