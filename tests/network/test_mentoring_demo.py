"""The demo mentoring: pairings with rated sessions and one fit answer; idempotent; a no-op
without mentors."""

from __future__ import annotations

from typing import Any

import pytest

from technopark.demo.network_mentoring import seed_mentoring
from technopark.network.models import Fit, MentoringSession, Pairing
from tests.network.conftest import NOW

pytestmark = pytest.mark.django_db


def test_demo_mentoring(net: Any) -> None:
    users = net.world.users
    accounts = {"manager": users["manager"], "founder": users["founder"]}
    made = seed_mentoring(net.world.park, accounts=accounts, now=NOW)
    assert len(made) == 2
    assert made[0].company == net.world.company and made[0].fit == Fit.GOOD
    sessions = MentoringSession.all_parks.filter(pairing=made[0])
    assert sessions.count() == 4
    assert sessions.filter(company_rating__isnull=False).count() == 4
    assert sessions.filter(mentor_rating__isnull=False).count() == 3
    assert MentoringSession.all_parks.filter(pairing=made[1]).count() == 3
    assert seed_mentoring(net.world.park, accounts=accounts, now=NOW) == []
    assert Pairing.all_parks.count() == 2
    outsider = {"manager": users["outsider"]}
    assert seed_mentoring(net.world.other_park, accounts=outsider, now=NOW) == []
