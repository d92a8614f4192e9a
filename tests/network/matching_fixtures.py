"""A cohort of the ``world`` park whose two companies batch matching pairs with the ``net``
mentors (shared by the matching tests)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from technopark.network.models import ProfileKind
from technopark.programmes.models import Cohort, Participant, Programme
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.network.conftest import make_profile


@dataclass
class Cohorted:
    programme: Any
    cohort: Any


@pytest.fixture
def cohorted(net: Any) -> Cohorted:
    world = net.world
    programme = Programme.all_parks.create(park=world.park, name="Polar Start")
    cohort = Cohort.all_parks.create(
        park=world.park,
        programme=programme,
        name="Spring 2026",
        starts_on=dt.date(2026, 2, 1),
        ends_on=dt.date(2026, 5, 1),
    )
    for company in (world.company, world.other_company):
        Participant.objects.create(cohort=cohort, company=company)
    world.other_company.directions.add(world.direction)
    return Cohorted(programme=programme, cohort=cohort)


def more_mentors(net: Any, count: int, **fields: Any) -> list[Any]:
    """``count`` more mentor profiles in the ``net`` park, sharing its direction."""
    made = []
    for i in range(count):
        user = UserFactory(email=f"extra-mentor-{i}@example.org")
        MembershipFactory(park=net.world.park, user=user, role="mentor")
        profile = make_profile(net.world.park, user, ProfileKind.MENTOR, **fields)
        profile.directions.add(net.world.direction)
        made.append(profile)
    return made


def more_companies(net: Any, cohort: Any, count: int) -> list[Any]:
    made = []
    for _i in range(count):
        company = CompanyFactory(park=net.world.park)
        company.directions.add(net.world.direction)
        Participant.objects.create(cohort=cohort, company=company)
        made.append(company)
    return made
