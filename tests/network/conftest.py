"""The network of the ``world`` park: mentors, an investor and a customer with profiles, at a
frozen moment (never today's). Each part's tests build on ``net``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine

from technopark.network.models import Profile, ProfileKind
from technopark.parks.models import Role
from technopark.parks.rules import access_for
from tests.factories import MembershipFactory, UserFactory

# 10:00 in Yakutsk on a Monday; the park's day is 2026-03-02.
NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def make_profile(park: Any, user: Any, kind: str = ProfileKind.MENTOR, **fields: Any) -> Profile:
    """A profile written directly (the profile services have their own tests)."""
    fields.setdefault("headline", f"{kind} {user.email}")
    fields.setdefault("languages", "ru,en")
    fields.setdefault("time_zone", "Asia/Yakutsk")
    return Profile.all_parks.create(park=park, user=user, kind=kind, **fields)


@dataclass
class Net:
    world: Any
    mentor: Any  # users
    other_mentor: Any
    investor: Any
    customer: Any
    mentor_profile: Profile
    other_mentor_profile: Profile
    investor_profile: Profile
    customer_profile: Profile

    def access(self, role_or_user: Any) -> Any:
        user = self.world.users[role_or_user] if isinstance(role_or_user, str) else role_or_user
        return access_for(user, self.world.park)


@pytest.fixture
def net(world: Any) -> Net:
    park = world.park
    people = {}
    for name, role in (
        ("mentor", Role.MENTOR),
        ("other_mentor", Role.MENTOR),
        ("investor", Role.INVESTOR),
        ("customer", Role.CUSTOMER),
    ):
        people[name] = UserFactory(email=f"{name}@example.org", full_name=name.title())
        MembershipFactory(park=park, user=people[name], role=role)
        world.users[name] = people[name]
    mentor_profile = make_profile(park, people["mentor"], capacity_mentees=2)
    mentor_profile.directions.add(world.direction)
    other_mentor_profile = make_profile(
        park, people["other_mentor"], country="DE", time_zone="Europe/Berlin", languages="en,de"
    )
    investor_profile = make_profile(park, people["investor"], ProfileKind.INVESTOR)
    customer_profile = make_profile(park, people["customer"], ProfileKind.CUSTOMER)
    return Net(
        world=world,
        mentor=people["mentor"],
        other_mentor=people["other_mentor"],
        investor=people["investor"],
        customer=people["customer"],
        mentor_profile=mentor_profile,
        other_mentor_profile=other_mentor_profile,
        investor_profile=investor_profile,
        customer_profile=customer_profile,
    )
