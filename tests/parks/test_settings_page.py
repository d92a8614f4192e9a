"""The park's settings page: its administrators add sites and directions; nobody else may."""

from __future__ import annotations

import pytest

from technopark.parks.models import Direction, Role, Site
from tests.caching import clear_caches
from tests.conftest import ROLES
from tests.factories import DirectionFactory, MembershipFactory, SiteFactory, UserFactory

URL = "/yakutia/settings/"


@pytest.fixture
def park_admin(world):
    person = UserFactory(email="admin@example.org")
    MembershipFactory(park=world.park, user=person, role=Role.PARK_ADMIN)
    return person


@pytest.fixture
def admin_client(client, park_admin):
    client.force_login(park_admin)
    return client


EXPECTED = {
    "anonymous": 302,
    "founder": 403,
    "other_founder": 403,
    "manager": 403,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_park_admins_open_the_settings(client_for, role):
    assert client_for(role).get(URL).status_code == EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_nobody_else_adds_a_site(world, client_for, role):
    before = Site.all_parks.count()
    response = client_for(role).post(
        URL,
        {
            "add_site": "1",
            "site-name": "Лаборатория",
            "site-address": "Якутск",
            "site-time_zone": "Asia/Yakutsk",
        },
    )
    assert response.status_code == EXPECTED[role]
    assert Site.all_parks.count() == before


def test_park_admin_adds_a_site_and_sees_it(world, admin_client):
    response = admin_client.post(
        URL,
        {
            "add_site": "1",
            "site-name": "Филиал в Нерюнгри",
            "site-name_en": "Neryungri branch",
            "site-address": "Нерюнгри, пр. Дружбы Народов, 1",
            "site-time_zone": "Asia/Yakutsk",
        },
    )
    assert response.status_code == 302
    site = Site.all_parks.get(park=world.park, name="Филиал в Нерюнгри")
    assert site.name_en == "Neryungri branch"
    admin_client.cookies["django_language"] = "ru"
    assert "Филиал в Нерюнгри" in admin_client.get("/yakutia/").content.decode()


def test_park_admin_adds_a_sub_direction(world, admin_client):
    response = admin_client.post(
        URL,
        {
            "add_direction": "1",
            "direction-name": "Робототехника",
            "direction-code": "robotics",
            "direction-parent": str(world.direction.pk),
            "direction-position": "3",
        },
    )
    assert response.status_code == 302
    robotics = Direction.all_parks.get(park=world.park, code="robotics")
    assert robotics.parent == world.direction


def test_a_third_level_or_a_foreign_parent_is_not_offered(world, admin_client):
    child = DirectionFactory(park=world.park, parent=world.direction, code="child")
    foreign = DirectionFactory(park=world.other_park, code="foreign")
    form = admin_client.get(URL).context["direction_form"]
    offered = {value for value, _label in form.fields["parent"].choices}
    assert world.direction.pk in offered
    assert child.pk not in offered
    assert foreign.pk not in offered
    response = admin_client.post(
        URL,
        {
            "add_direction": "1",
            "direction-name": "Слишком глубоко",
            "direction-code": "too-deep",
            "direction-parent": str(child.pk),
            "direction-position": "0",
        },
    )
    assert response.status_code == 200
    assert "parent" in response.context["direction_form"].errors
    assert not Direction.all_parks.filter(code="too-deep").exists()


def test_a_taken_code_or_site_name_is_refused_at_its_field(world, admin_client):
    response = admin_client.post(
        URL,
        {
            "add_direction": "1",
            "direction-name": "Другое",
            "direction-code": "it",
            "direction-position": "0",
        },
    )
    assert response.status_code == 200
    assert "code" in response.context["direction_form"].errors
    response = admin_client.post(
        URL,
        {
            "add_site": "1",
            "site-name": "IT-парк",
            "site-address": "x",
            "site-time_zone": "Asia/Yakutsk",
        },
    )
    assert "name" in response.context["site_form"].errors
    assert Site.all_parks.filter(park=world.park, name="IT-парк").count() == 1


@pytest.mark.parametrize("size", [1, 6])
def test_settings_page_query_count_does_not_grow(
    world, admin_client, django_assert_num_queries, size
):
    for n in range(size):
        SiteFactory(park=world.park)
        DirectionFactory(park=world.park, parent=world.direction, code=f"sub-{n}")
    clear_caches()
    # session, user, park, roles (first visit); directions: top level, children; sites; the park
    # switcher's parks
    with django_assert_num_queries(8):
        assert admin_client.get(URL).status_code == 200
