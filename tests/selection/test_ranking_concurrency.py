"""Writers of one application at once on real PostgreSQL: its ranking row ends as the read-time
aggregate says, whichever commits last (the refresh locks the application's row first)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from technopark.selection.models import AssignmentStatus, ReviewAssignment
from technopark.selection.services.assignment import assignment_remove
from technopark.selection.services.review import review_file
from tests.concurrency import race
from tests.selection.factories import CriterionFactory
from tests.selection.fixtures_review import make_expert
from tests.selection.ranking_reference import assert_ranking_matches

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_review_filed_while_another_assignment_is_removed(world, council):
    assert connection.vendor == "postgresql"
    criterion = CriterionFactory(call=council.call, scale_max=10)
    filer = make_expert(world.park, email="filer@example.org")
    leaver = make_expert(world.park, email="leaver@example.org")
    filing, leaving = (
        ReviewAssignment.objects.create(
            application=council.pending,
            expert=expert,
            status=AssignmentStatus.PUBLISHED,
            due_at=timezone.now(),
        )
        for expert in (filer, leaver)
    )
    race(
        lambda: review_file(
            assignment=filing,
            actor=filer.user,
            scores={criterion.pk: 9},
            recommendation="admit",
        ),
        lambda: assignment_remove(assignment=leaving, actor=world.users["manager"]),
    )
    assert_ranking_matches(council.call)
