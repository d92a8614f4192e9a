"""Concurrent fills and seat notes on real PostgreSQL: the cohort's row lock, not luck, holds the
places and the seats."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from technopark.programmes import services
from technopark.programmes.models import Participant
from tests.factories import CompanyFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*actions):
    barrier = threading.Barrier(len(actions))
    errors: list[BaseException] = []

    def run(action) -> None:
        try:
            barrier.wait(timeout=10)
            action()
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_six_managers_filling_two_free_places_add_two(world, prog):
    assert connection.vendor == "postgresql"
    companies = [CompanyFactory(park=world.park) for _ in range(6)]

    def add(company):
        return lambda: services.participant_add(cohort=prog.cohort, actor=None, company=company)

    errors = race(*(add(c) for c in companies))
    assert Participant.objects.filter(cohort=prog.cohort).count() == 3  # capacity 3
    assert len(errors) == 4
    assert all(isinstance(e, ValidationError) for e in errors), errors


def test_the_same_company_added_twice_at_once_joins_once(world, prog):
    def add():
        services.participant_add(cohort=prog.cohort, actor=None, company=world.other_company)

    errors = race(add, add, add)
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

    errors = race(*(seat(p, n) for n, p in enumerate(everyone)))
    seated = Participant.objects.filter(cohort=prog.cohort).exclude(coworking_seat="").count()
    assert seated == 2  # the programme has two seats
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
