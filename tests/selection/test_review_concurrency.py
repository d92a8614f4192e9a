"""Concurrent writes on real PostgreSQL: the call's and the assignment's row locks keep
capacities and filed reviews right."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from technopark.selection.models import ExpertCapacity, Review, ReviewAssignment
from technopark.selection.services import assignment as assign
from technopark.selection.services import review as services
from tests.concurrency import race
from tests.selection.factories import ApplicationFactory
from tests.selection.fixtures_review import make_expert

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_managers_cannot_overfill_an_expert(world, review_world):
    assert connection.vendor == "postgresql"
    call = review_world.call
    expert = make_expert(world.park)
    ExpertCapacity.objects.create(call=call, expert=expert, capacity=1)
    apps = [ApplicationFactory(call=call, park=world.park) for _ in range(3)]
    manager = world.users["manager"]
    errors = race(
        *(
            (
                lambda app=app: assign.assignment_add(
                    call=call, application=app, expert=expert, actor=manager
                )
            )
            for app in apps
        )
    ).errors
    assert ReviewAssignment.objects.filter(expert=expert).count() == 1
    assert len(errors) == 2 and all(isinstance(e, ValidationError) for e in errors), errors


def test_filing_twice_at_once_files_once(world, review_world):
    rw = review_world
    scores = {rw.criteria[0].pk: 5, rw.criteria[1].pk: 3}

    def file():
        services.review_file(
            assignment=rw.assignment,
            actor=world.users["expert"],
            scores=scores,
            recommendation="admit",
        )

    errors = race(file, file).errors
    assert Review.objects.filter(submitted_at__isnull=False).count() == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
