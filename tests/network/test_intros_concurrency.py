"""Acceptances under concurrency on real PostgreSQL: the profile row's lock, not luck, keeps a
mentor's places and an investor's introductions a month from being exceeded. Each acceptance
runs in its own thread and connection (``tests.concurrency.race``); every refusal is a clear
``ValidationError``, never an IntegrityError or a deadlock."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from technopark.network.models import Introduction, IntroStatus, Pairing, PairingStatus
from technopark.network.services import intros
from technopark.parks.models import Role
from tests.concurrency import race
from tests.factories import CompanyFactory, MembershipFactory, TeamMemberFactory, UserFactory
from tests.network.conftest import NOW

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: DATABASE_URL=postgres://… pytest -m postgres (CI runs it)",
    ),
]
PARALLEL = 20


def _requests(net: Any, profile: Any) -> list[Introduction]:
    """``PARALLEL`` waiting requests to ``profile``, each from a company of its own."""
    made = []
    for _ in range(PARALLEL):
        company = CompanyFactory(park=net.world.park)
        founder = UserFactory()
        MembershipFactory(park=net.world.park, user=founder, role=Role.FOUNDER)
        TeamMemberFactory(company=company, user=founder)
        made.append(
            intros.intro_request(
                access=net.access(founder),
                company=company,
                profile=profile,
                note="Здравствуйте",
                now=NOW,
            )
        )
    return made


def _race_accepts(net: Any, holder: Any, requests: list[Introduction]) -> Any:
    def accept(intro: Introduction) -> Any:
        return lambda: intros.intro_accept(access=net.access(holder), intro=intro, now=NOW)

    return race(*(accept(intro) for intro in requests))


def test_twenty_acceptances_to_a_mentor_with_three_places_open_three(net: Any) -> None:
    net.mentor_profile.capacity_mentees = 3
    net.mentor_profile.save()
    requests = _requests(net, net.mentor_profile)
    outcome = _race_accepts(net, net.mentor, requests)
    assert not outcome.failures, outcome.failures
    assert len(outcome.values) == 3
    assert len(outcome.refusals) == PARALLEL - 3
    assert all(error.error_dict["profile"][0].code == "capacity" for error in outcome.refusals)
    assert (
        Pairing.all_parks.filter(profile=net.mentor_profile, status=PairingStatus.ACTIVE).count()
        == 3
    )
    assert Introduction.all_parks.filter(status=IntroStatus.ACCEPTED).count() == 3
    assert Introduction.all_parks.filter(status=IntroStatus.REQUESTED).count() == PARALLEL - 3


def test_twenty_acceptances_by_an_investor_keep_the_months_limit(net: Any) -> None:
    net.investor_profile.intros_per_month = 4
    net.investor_profile.save()
    requests = _requests(net, net.investor_profile)
    outcome = _race_accepts(net, net.investor, requests)
    assert not outcome.failures, outcome.failures
    assert len(outcome.values) == 4
    assert len(outcome.refusals) == PARALLEL - 4
    assert all(error.error_dict["profile"][0].code == "capacity" for error in outcome.refusals)
    assert Introduction.all_parks.filter(status=IntroStatus.ACCEPTED).count() == 4


def test_ten_identical_requests_at_once_leave_one_waiting(net: Any) -> None:
    def asker() -> Any:
        return intros.intro_request(
            access=net.access("founder"),
            company=net.world.company,
            profile=net.investor_profile,
            note="Здравствуйте",
            now=NOW,
        )

    outcome = race(*(asker for _ in range(10)))
    assert not outcome.failures, outcome.failures
    assert len(outcome.values) == 1 and len(outcome.refusals) == 9
    assert all(error.error_dict["profile"][0].code == "duplicate" for error in outcome.refusals)
    assert Introduction.all_parks.filter(status=IntroStatus.REQUESTED).count() == 1


def test_requests_racing_a_staff_pairing_for_the_same_company_and_mentor_never_deadlock(
    net: Any,
) -> None:
    """A request locks the company and inserts an introduction (a key-share lock on the
    profile); a staff pairing locks the profile and inserts a pairing (a key-share lock on the
    company). With the company and profile locked FOR NO KEY UPDATE neither waits in a cycle."""
    from technopark.network.models import PairingSource
    from technopark.network.services.pairings import pairing_open

    company = net.world.company
    manager = net.world.users["manager"]

    def asker() -> Any:
        return intros.intro_request(
            access=net.access("founder"),
            company=company,
            profile=net.mentor_profile,
            note="Здравствуйте",
            now=NOW,
        )

    def pair() -> Any:
        return pairing_open(
            profile=net.mentor_profile,
            company=company,
            source=PairingSource.STAFF,
            by=manager,
            now=NOW,
        )

    for _ in range(5):
        Pairing.all_parks.all().delete()
        Introduction.all_parks.all().delete()
        outcome = race(asker, pair, asker, pair)
        assert not outcome.failures, outcome.failures  # no deadlock, no IntegrityError
        assert Introduction.all_parks.filter(status=IntroStatus.REQUESTED).count() == 1
        assert (
            Pairing.all_parks.filter(
                profile=net.mentor_profile, company=company, status=PairingStatus.ACTIVE
            ).count()
            == 1
        )
