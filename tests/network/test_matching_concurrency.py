# ruff: noqa: F811 - the matching fixtures are imported by name and used as arguments
"""Publishing a run while the same mentor's last place is taken by another pairing, on real
PostgreSQL: the mentor's row lock makes one of them win, and a refused publication opens none
of its pairings."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from technopark.network.models import MatchRun, MatchRunStatus, Pairing, PairingStatus
from technopark.network.services import matching
from technopark.network.services.pairings import pairing_open
from tests.concurrency import race
from tests.factories import CompanyFactory
from tests.network.conftest import NOW
from tests.network.matching_fixtures import Cohorted, cohorted  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_publish_racing_a_pairing_for_the_last_place(net: Any, cohorted: Cohorted) -> None:
    assert connection.vendor == "postgresql"
    for profile in (net.mentor_profile, net.other_mentor_profile):
        profile.capacity_mentees = 1
        profile.save()
    manager = net.access("manager")
    run = matching.run_create(
        access=manager, cohort=cohorted.cohort, mentors_per_company=1, now=NOW
    )
    outside = CompanyFactory(park=net.world.park)

    def publish() -> None:
        matching.run_publish(access=manager, run=run, now=NOW)

    def take() -> None:
        pairing_open(
            profile=net.mentor_profile,
            company=outside,
            source="staff",
            by=net.world.users["manager"],
            now=NOW,
        )

    errors = race(publish, take).errors
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    active = Pairing.all_parks.filter(profile=net.mentor_profile, status=PairingStatus.ACTIVE)
    assert active.count() == 1  # never beyond the mentor's one place
    status = MatchRun.all_parks.get(pk=run.pk).status
    batch = Pairing.all_parks.filter(source="batch").count()
    if status == MatchRunStatus.PUBLISHED:
        assert batch == 2 and not active.filter(company=outside).exists()
    else:
        assert status == MatchRunStatus.DRAFT and batch == 0
        assert active.filter(company=outside).exists()
