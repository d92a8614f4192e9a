# ruff: noqa: F811 - the matching fixtures are imported by name and used as arguments
"""The demo's matching seed: weights set, a running cohort matched and published; a no-op
without mentor profiles; idempotent."""

from __future__ import annotations

from typing import Any

import pytest

from technopark.demo.network_matching import DEMO_WEIGHTS, seed_matching
from technopark.network.models import MatchRun, MatchRunStatus, MatchWeights, Pairing, Profile
from tests.network.conftest import NOW
from tests.network.matching_fixtures import Cohorted, cohorted  # noqa: F401

pytestmark = pytest.mark.django_db


def test_seed_publishes_a_running_cohort(net: Any, cohorted: Cohorted) -> None:
    accounts = {"manager": net.world.users["manager"]}
    run = seed_matching(net.world.park, accounts=accounts, now=NOW)
    assert run is not None and run.status == MatchRunStatus.PUBLISHED
    assert Pairing.all_parks.filter(cohort=cohorted.cohort, source="batch").count() == 2
    weights = MatchWeights.all_parks.get(programme__isnull=True)
    assert weights.directions == DEMO_WEIGHTS["directions"]
    assert seed_matching(net.world.park, accounts=accounts, now=NOW) is None  # idempotent
    assert MatchRun.all_parks.count() == 1


def test_seed_without_mentors_does_nothing(net: Any, cohorted: Cohorted) -> None:
    Profile.all_parks.filter(kind="mentor").update(is_active=False)
    accounts = {"manager": net.world.users["manager"]}
    assert seed_matching(net.world.park, accounts=accounts, now=NOW) is None
    assert not MatchRun.all_parks.exists() and not MatchWeights.all_parks.exists()
