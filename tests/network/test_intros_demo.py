"""The demo's introductions: some in every state, made through the services; nothing without
profiles; a second run changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from technopark.demo.network_intros import seed_intros
from technopark.network.models import Introduction, IntroStatus, Pairing, ProfileKind
from technopark.network.roles import ROLE_OF_KIND
from tests.factories import MembershipFactory, UserFactory
from tests.network.conftest import NOW, make_profile

pytestmark = pytest.mark.django_db


def test_no_profiles_no_introductions(world: Any) -> None:
    assert seed_intros(world.park, accounts={"founder": world.users["founder"]}, now=NOW) == 0
    assert not Introduction.all_parks.exists()


def test_the_demo_has_introductions_in_every_state(net: Any) -> None:
    park = net.world.park
    for kind in (ProfileKind.CUSTOMER, ProfileKind.INVESTOR, ProfileKind.MENTOR):
        for _ in range(2):
            holder = UserFactory()  # a holder holds the role of their profile's kind
            MembershipFactory(park=park, user=holder, role=ROLE_OF_KIND[kind])
            make_profile(park, holder, kind)
    accounts = {"founder": net.world.users["founder"]}
    made = seed_intros(park, accounts=accounts, now=NOW)
    assert made == 10
    states = {
        status: Introduction.all_parks.filter(park=park, status=status).count()
        for status in IntroStatus.values
    }
    assert states[IntroStatus.ACCEPTED] >= 3 and states[IntroStatus.DECLINED] == 2
    assert states[IntroStatus.EXPIRED] == 2 and states[IntroStatus.REQUESTED] >= 3
    assert not (
        Introduction.all_parks.exclude(decline_reason="").exclude(status="declined").exists()
    )
    accepted_mentors = Introduction.all_parks.filter(
        status=IntroStatus.ACCEPTED, profile__kind=ProfileKind.MENTOR
    ).count()
    assert Pairing.all_parks.filter(introduction__isnull=False).count() == accepted_mentors
    assert seed_intros(park, accounts=accounts, now=NOW) == 0
    assert Introduction.all_parks.count() == sum(states.values())
