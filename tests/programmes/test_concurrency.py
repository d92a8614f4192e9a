"""Concurrent fills and seat notes on real PostgreSQL: the cohort's row lock, not luck, holds the
places and the seats."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from technopark.programmes import services
from technopark.programmes.models import Participant
from tests.concurrency import race
from tests.factories import CompanyFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_six_managers_filling_two_free_places_add_two(world, prog):
    assert connection.vendor == "postgresql"
    companies = [CompanyFactory(park=world.park) for _ in range(6)]

    def add(company):
        return lambda: services.participant_add(cohort=prog.cohort, actor=None, company=company)

    errors = race(*(add(c) for c in companies)).errors
    assert Participant.objects.filter(cohort=prog.cohort).count() == 3  # capacity 3
    assert len(errors) == 4
    assert all(isinstance(e, ValidationError) for e in errors), errors


def test_the_same_company_added_twice_at_once_joins_once(world, prog):
    def add():
        services.participant_add(cohort=prog.cohort, actor=None, company=world.other_company)

    errors = race(add, add, add).errors
    assert Participant.objects.filter(cohort=prog.cohort, company=world.other_company).count() == 1
    assert len(errors) == 2 and all(isinstance(e, ValidationError) for e in errors)


def test_seats_given_at_once_never_exceed_the_programmes(world, prog):
    others = [
        services.participant_add(
            cohort=prog.cohort, actor=None, company=CompanyFactory(park=world.park)
        )
        for _ in range(2)
    ]
    everyone = [prog.participant, *others]

    def seat(participant, n):
        return lambda: services.participant_set_seat(participant=participant, seat=f"Desk {n}")

    errors = race(*(seat(p, n) for n, p in enumerate(everyone))).errors
    seated = Participant.objects.filter(cohort=prog.cohort).exclude(coworking_seat="").count()
    assert seated == 2  # the programme has two seats
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
