"""The bench-scale generator of the review part, at a small size."""

from __future__ import annotations

import pytest
from django.db.models import Count

from technopark.selection.models import CriterionScore, Review, ReviewAssignment
from technopark.selection.services.review import review_total

pytestmark = pytest.mark.django_db


def test_generate_selection_small_and_idempotent(world):
    from technopark.demo.selection_generate import generate_selection

    made = generate_selection(
        park=world.park, applications=40, experts=6, reviews_per_application=3
    )
    assert made["applications"] == 40 and made["assignments"] == 120 and made["reviews"] == 120
    per_app = ReviewAssignment.objects.values("application").annotate(n=Count("id"))
    assert {row["n"] for row in per_app} == {3}
    assert Review.objects.filter(submitted_at__isnull=False, total__isnull=False).count() == 120
    assert CriterionScore.objects.count() == 120 * 4
    review = Review.objects.prefetch_related("scores__criterion").first()
    assert review.total == review_total((s.criterion, s.score) for s in review.scores.all())
    # The bulk inserts bypass the services: the generator fills the council's ranking rows.
    from technopark.selection.models import Call
    from tests.selection.ranking_reference import assert_ranking_matches

    assert_ranking_matches(Call.all_parks.get(pk=made["call"]))
    again = generate_selection(
        park=world.park, applications=40, experts=6, reviews_per_application=3
    )
    assert again["applications"] == 0
    assert Review.objects.count() == 120
