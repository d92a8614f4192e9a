"""The bench-scale generator of the review part, at a small size."""

from __future__ import annotations

import os
import time

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
    again = generate_selection(
        park=world.park, applications=40, experts=6, reviews_per_application=3
    )
    assert again["applications"] == 0
    assert Review.objects.count() == 120


@pytest.mark.skipif(not os.environ.get("BENCH_FULL"), reason="full size: set BENCH_FULL=1")
def test_generate_selection_full_size(world, client_for):
    from technopark.demo.selection_generate import generate_selection

    started = time.perf_counter()
    made = generate_selection(park=world.park)
    print(made, f"{time.perf_counter() - started:.1f} s")
    assert made["reviews"] == 20_000
    client = client_for("manager")
    for _ in range(2):
        started = time.perf_counter()
        response = client.get(f"/yakutia/calls/{made['call']}/assignments/")
        print(f"board {time.perf_counter() - started:.2f} s")
    assert response.status_code == 200
