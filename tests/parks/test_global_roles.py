"""The two global roles: platform administrators work in every park; national observers read
public figures across parks but never another park's private records."""

from __future__ import annotations

import pytest

from technopark.accounts.models import GlobalRole
from tests.factories import UserFactory


@pytest.fixture
def platform_admin(db):
    return UserFactory(email="platform@example.org", global_role=GlobalRole.PLATFORM_ADMIN)


@pytest.fixture
def national_observer(db):
    return UserFactory(email="national@example.org", global_role=GlobalRole.NATIONAL_OBSERVER)


def test_platform_admin_works_in_every_park(world, client, platform_admin):
    world.other_park.is_public = False
    world.other_park.save()
    client.force_login(platform_admin)
    assert client.get("/kolyma/").status_code == 200
    assert client.get("/kolyma/companies/").status_code == 200
    assert client.get(f"/yakutia/companies/{world.company.pk}/edit/").status_code == 200
    assert client.get("/yakutia/people/").status_code == 200


def test_national_observer_reads_public_pages_not_private_records(world, client, national_observer):
    client.force_login(national_observer)
    assert client.get("/yakutia/").status_code == 200
    assert client.get("/yakutia/companies/").status_code == 403
    assert client.get(f"/yakutia/companies/{world.company.pk}/").status_code == 403
    assert client.get("/yakutia/people/").status_code == 403


def test_a_private_park_is_hidden_from_the_national_observer(world, client, national_observer):
    world.other_park.is_public = False
    world.other_park.save()
    client.force_login(national_observer)
    assert client.get("/kolyma/").status_code == 404
