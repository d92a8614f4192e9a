"""Fixtures of the grants tests: a second staff member (a park admin) for the four-eyes rule, a
participant of ``company`` in a cohort, and private files in a temporary directory."""

from __future__ import annotations

from typing import Any

import pytest

from technopark.parks.models import Role
from tests.factories import MembershipFactory, UserFactory
from tests.grants.factories import accountant as park_accountant
from tests.grants.factories import make_award, make_participant, officer


@pytest.fixture
def admin(world: Any) -> Any:
    """A second staff member: the park's administrator."""
    person = UserFactory(email="park_admin@example.org", full_name="Park Admin")
    MembershipFactory(park=world.park, user=person, role=Role.PARK_ADMIN)
    world.users["park_admin"] = person
    return person


@pytest.fixture
def accountant(world: Any) -> Any:
    """Staff who neither requests nor approves tranches, and so may pay them."""
    person = park_accountant(world.park)
    world.users["accountant"] = person
    return person


@pytest.fixture
def requester(world: Any) -> Any:
    """The grants officer who requests the tranches of ``award``."""
    person = officer(world.park)
    world.users["officer"] = person
    return person


@pytest.fixture
def participant(world: Any) -> Any:
    return make_participant(world.park, world.company)


@pytest.fixture
def award(world: Any, participant: Any) -> Any:
    return make_award(participant, world.users["manager"])


@pytest.fixture
def private_files(settings: Any, tmp_path: Any) -> Any:
    settings.VAR_DIR = tmp_path
    return tmp_path / "private"
