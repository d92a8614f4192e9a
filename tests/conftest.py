"""Shared fixtures: a park with one person in every role, and a second park to prove isolation.

The role matrix of every page reads as a sentence: ``client_for("founder")`` is the founder of
``company``; ``"other_founder"`` founds another company of the same park; ``"outsider"`` is a
member of ``other_park`` only.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.test import Client
from hypothesis import settings as hypothesis_settings

from technopark.core.scopes import scopes_disabled
from technopark.parks.models import Role
from tests.caching import clear_caches
from tests.declared_writes import declared_writes_checked
from tests.factories import (
    CompanyFactory,
    DirectionFactory,
    MembershipFactory,
    ParkFactory,
    SiteFactory,
    TeamMemberFactory,
    UserFactory,
)

# Property tests run beside other pytest-xdist workers on two cores: no per-example deadline, and
# no example database written into the working tree. HYPOTHESIS_PROFILE=dev keeps the examples
# that failed (in .hypothesis/) to replay them while fixing.
hypothesis_settings.register_profile("ci", deadline=None, database=None, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROLES = (
    "anonymous",
    "founder",
    "other_founder",
    "manager",
    "expert",
    "observer",
    "outsider",
)


def pytest_configure(config: pytest.Config) -> None:
    """Run the whole suite with the clock moved by ``TECHNOPARK_TEST_CLOCK_SHIFT_DAYS`` days (and
    ``TECHNOPARK_TEST_CLOCK_SHIFT_HOURS`` hours).

    ``make test`` runs the SQLite suite a second time a year ahead, so that no test can depend on
    the day it happens to run: a test that needs a moment passes it (``at=``) or freezes it.
    The clock keeps ticking from the shifted moment; tests that travel themselves still can.
    """
    days = int(os.environ.get("TECHNOPARK_TEST_CLOCK_SHIFT_DAYS") or 0)
    # Hours too: a test must not depend on the hour it runs at either (a crawl once did).
    hours = int(os.environ.get("TECHNOPARK_TEST_CLOCK_SHIFT_HOURS") or 0)
    if days or hours:
        shifted = dt.datetime.now(dt.UTC) + dt.timedelta(days=days, hours=hours)
        traveller = time_machine.travel(shifted, tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The real hasher is slow by design; the tests create dozens of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_unless_chosen(settings: Any) -> None:
    # The platform speaks Russian to a visitor who has not chosen; the tests read the English
    # source strings unless they choose Russian (cookie, Accept-Language, translation.override).
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(scope="session")
def _checkpoint_dir(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return tmp_path_factory.mktemp("audit-checkpoints")


@pytest.fixture(autouse=True)
def _own_audit_checkpoints(settings: Any, _checkpoint_dir: Any) -> None:
    # audit_verify reads every checkpoint file of the configured directory: the tests' own, never
    # the ones of var/ (a test that writes checkpoints uses a directory of its own).
    settings.TECHNOPARK_AUDIT_CHECKPOINT_DIR = _checkpoint_dir
    settings.TECHNOPARK_AUDIT_CHECKPOINT_EMAILS = []


@pytest.fixture(autouse=True)
def _declared_writes() -> Iterator[None]:
    # Every service that writes a cached topic's tables declares the topic (tests/declared_writes).
    with declared_writes_checked() as undeclared:
        yield
    assert not undeclared, f"Services wrote topics they do not declare: {undeclared}"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # allauth keeps its rate limits (confirmation mails, login attempts) and used TOTP codes in
    # the default cache, the pages their fragments in theirs; every test starts with none.
    clear_caches()


@pytest.fixture(autouse=True)
def _tests_span_parks() -> Iterator[None]:
    # A test builds and inspects rows of several parks, as a management shell would: it spans
    # parks on purpose. Each request still starts fail-closed and scoped to its park (the park
    # middleware), and tests/core/test_scopes.py turns scoping back on to see the manager raise.
    with scopes_disabled():
        yield


@dataclass
class World:
    park: Any
    other_park: Any
    site: Any
    direction: Any
    company: Any
    other_company: Any
    foreign_company: Any
    users: dict[str, Any]


@pytest.fixture
def world(db: Any) -> World:
    park = ParkFactory(slug="yakutia", name="Технопарк Якутия", name_en="Technopark Yakutia")
    other_park = ParkFactory(slug="kolyma", name="Технопарк Колыма", name_en="Technopark Kolyma")
    site = SiteFactory(park=park, name="IT-парк")
    direction = DirectionFactory(park=park, code="it", name="Информационные технологии")
    company = CompanyFactory(park=park, short_name="Северный код", site=site)
    company.directions.add(direction)
    other_company = CompanyFactory(park=park, short_name="Мерзлота Лаб")
    foreign_company = CompanyFactory(park=other_park, short_name="Колыма Софт")

    users: dict[str, Any] = {}
    for name, role in (
        ("founder", Role.FOUNDER),
        ("other_founder", Role.FOUNDER),
        ("manager", Role.MANAGER),
        ("expert", Role.EXPERT),
        ("observer", Role.OBSERVER),
    ):
        users[name] = UserFactory(email=f"{name}@example.org", full_name=name.title())
        MembershipFactory(park=park, user=users[name], role=role)
    users["outsider"] = UserFactory(email="outsider@example.org", full_name="Outsider")
    MembershipFactory(park=other_park, user=users["outsider"], role=Role.MANAGER)
    TeamMemberFactory(company=company, user=users["founder"], position="CEO")
    TeamMemberFactory(company=other_company, user=users["other_founder"], position="CTO")
    return World(
        park=park,
        other_park=other_park,
        site=site,
        direction=direction,
        company=company,
        other_company=other_company,
        foreign_company=foreign_company,
        users=users,
    )


@pytest.fixture
def client_for(world: World) -> Any:
    """A test client signed in as one of ``ROLES`` (``"anonymous"`` is not signed in)."""

    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        return client

    return make
