"""Concurrent decisions on real PostgreSQL: the application's row lock, not luck, lets one win."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from technopark.audit.services import audit_verify
from technopark.selection.models import Decision
from technopark.selection.services.council import decision_record, decisions_record_batch
from tests.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_managers_deciding_at_once_make_one_decision(world, council):
    assert connection.vendor == "postgresql"

    def decide(outcome):
        return lambda: decision_record(
            application=council.split,
            actor=world.users["manager"],
            outcome=outcome,
            rationale=f"{outcome} it.",
        )

    errors = race(decide("reject"), decide("reject"), decide("reject")).errors
    assert Decision.objects.filter(application=council.split).count() == 1
    assert len(errors) == 2
    assert all(isinstance(error, ValidationError) for error in errors), errors
    assert audit_verify().ok


def test_a_batch_and_a_single_decision_at_once(world, council):
    errors = race(
        lambda: decisions_record_batch(
            park=world.park,
            call=council.call,
            application_ids=[council.split.pk, council.pending.pk],
            actor=world.users["manager"],
            outcome="reject",
            rationale="Below the line.",
        ),
        lambda: decision_record(
            application=council.pending,
            actor=world.users["manager"],
            outcome="reject",
            rationale="No.",
        ),
    ).errors
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert Decision.objects.filter(application=council.pending).count() == 1
    assert audit_verify().ok
