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


def _desk(world, name):
    from technopark.spaces import services as spaces_services
    from technopark.spaces.models import ResourceType

    return spaces_services.resource_create(
        site=world.site, name=name, resource_type=ResourceType.DESK
    )


def test_two_staff_taking_the_last_desk_at_once_get_it_once(world, prog):
    """Two participants (of two cohorts, so the cohort row does not queue them), one desk: the
    exclusion constraint lets one hold it, the other is told no desk is free."""
    from technopark.programmes import queries
    from technopark.spaces.models import Booking, BookingKind

    desk = _desk(world, "Last desk")
    other_cohort = services.cohort_create(
        programme=prog.programme,
        actor=world.users["manager"],
        name="Parallel",
        starts_on=prog.cohort.starts_on,
        ends_on=prog.cohort.ends_on,
        capacity=2,
        site=world.site,
    )
    other = services.participant_add(
        cohort=other_cohort, actor=world.users["manager"], company=world.other_company
    )

    def allocate(participant):
        return lambda: services.participant_seat_allocate(
            participant=participant, actor=world.users["manager"]
        )

    outcome = race(allocate(prog.participant), allocate(other))
    assert not outcome.failures, outcome.failures
    assert len(outcome.values) == 1 and len(outcome.refusals) == 1
    assert outcome.refusals[0].message_dict["seat"] == [
        "No coworking seat is free for all the cohort's dates."
    ]
    assert Booking.all_parks.filter(resource=desk, kind=BookingKind.SEAT).count() == 1
    seats = queries.participant_seats(participant_ids=[prog.participant.pk, other.pk])
    assert len(seats) == 1


def test_the_same_participant_given_a_seat_twice_at_once_holds_one(world, prog):
    from technopark.spaces.models import Booking, BookingKind, BookingStatus

    _desk(world, "Desk A")
    _desk(world, "Desk B")

    def allocate():
        return services.participant_seat_allocate(
            participant=prog.participant, actor=world.users["manager"]
        )

    outcome = race(allocate, allocate, allocate)
    assert not outcome.failures, outcome.failures
    assert len(outcome.values) == 1 and len(outcome.refusals) == 2
    assert (
        Booking.all_parks.filter(kind=BookingKind.SEAT, status=BookingStatus.CONFIRMED).count() == 1
    )
