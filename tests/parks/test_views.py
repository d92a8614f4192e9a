from __future__ import annotations

import pytest

from technopark.parks.models import Membership, MembershipStatus, Role
from tests.conftest import ROLES
from tests.factories import CompanyFactory, ParkFactory, UserFactory


@pytest.mark.parametrize("role", ROLES)
def test_public_park_page_opens_for_every_role(role, client_for):
    response = client_for(role).get("/yakutia/")
    assert response.status_code == 200
    assert "Technopark Yakutia" in response.content.decode()


def test_park_page_shows_directions_sites_and_figures(world, client_for):
    world.company.started_in_park = True
    world.company.save()
    client = client_for("anonymous")
    client.cookies["django_language"] = "ru"
    body = client.get("/yakutia/").content.decode()
    assert "Технопарк Якутия" in body
    assert "Информационные технологии" in body
    assert "IT-парк" in body
    assert 'data-testid="figure-total">2<' in body


def test_park_page_lists_the_visitors_own_companies_only(world, client_for):
    # companies hands the park page this per-visitor part (parks imports no other app): it is
    # built per request, never taken from the page's cached piece.
    founder = client_for("founder").get("/yakutia/").content.decode()
    other = client_for("other_founder").get("/yakutia/").content.decode()
    anonymous = client_for("anonymous").get("/yakutia/").content.decode()
    assert f'/yakutia/companies/{world.company.pk}/">Северный код</a>' in founder
    assert "Мерзлота Лаб</a>" not in founder
    assert "Мерзлота Лаб</a>" in other and "Северный код</a>" not in other
    assert 'id="mine-title"' not in anonymous


def test_park_page_in_english(client_for):
    client = client_for("anonymous")
    client.post("/i18n/setlang/", {"language": "en", "next": "/yakutia/"})
    body = client.get("/yakutia/").content.decode()
    assert "Technopark Yakutia" in body
    assert 'lang="en"' in body


@pytest.mark.parametrize("n_companies", [1, 10])
def test_park_page_query_count_does_not_grow(
    world, client_for, django_assert_num_queries, n_companies
):
    for _ in range(n_companies):
        CompanyFactory(park=world.park)
    client = client_for("anonymous")
    # park, directions (2), sites, figures (1 aggregate), switcher parks
    with django_assert_num_queries(6):
        assert client.get("/yakutia/").status_code == 200


def test_signed_in_person_asks_to_join(world, client):
    person = UserFactory(email="new@example.org")
    client.force_login(person)
    response = client.post("/yakutia/join/", {"message": "Мы делаем дроны"})
    assert response.status_code == 302
    request = Membership.all_parks.get(user=person, park=world.park)
    assert (request.role, request.status) == (Role.FOUNDER, MembershipStatus.REQUESTED)
    # A second request changes nothing and is refused.
    assert client.post("/yakutia/join/").status_code == 403
    assert Membership.all_parks.filter(user=person).count() == 1


def test_anonymous_cannot_ask_to_join(client_for):
    response = client_for("anonymous").post("/yakutia/join/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_founder_cannot_ask_again(client_for):
    assert client_for("founder").post("/yakutia/join/").status_code == 403


def test_front_page_lists_the_public_parks(world, client_for):
    world.other_park.is_public = False
    world.other_park.save()
    body = client_for("manager").get("/").content.decode()
    assert "Technopark Yakutia" in body
    assert "Technopark Kolyma" not in body
    body = client_for("outsider").get("/").content.decode()
    assert "Technopark Kolyma" in body


def test_front_page_sends_anonymous_visitors_to_the_only_park(db, client):
    ParkFactory(slug="solo")
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/solo/"


@pytest.mark.parametrize("n_parks", [2, 6])
def test_front_page_query_count_does_not_grow(db, client, django_assert_num_queries, n_parks):
    from tests.selection.factories import CallFactory

    for _ in range(n_parks):
        CallFactory(park=ParkFactory())
    # the visible parks; their open calls (selection's front part); the park switcher's list
    with django_assert_num_queries(3):
        assert client.get("/").status_code == 200


def test_park_switcher_shows_a_new_membership_at_once(
    world, client_for, django_capture_on_commit_callbacks
):
    from technopark.parks import services

    client = client_for("founder")
    assert 'id="park-switcher"' not in client.get("/yakutia/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_grant(park=world.other_park, user=world.users["founder"], role="mentor")
    body = client.get("/yakutia/").content.decode()
    assert 'id="park-switcher"' in body
    assert "Technopark Kolyma" in body


@pytest.mark.parametrize("role", ["manager", "expert", "observer"])
def test_members_are_not_offered_to_join_again(client_for, role):
    body = client_for(role).get("/yakutia/").content.decode()
    assert "/yakutia/join/" not in body
    assert client_for(role).post("/yakutia/join/").status_code == 403


def test_a_newcomer_is_offered_to_join(world, client):
    client.force_login(UserFactory(email="newcomer@example.org"))
    assert "/yakutia/join/" in client.get("/yakutia/").content.decode()


def test_park_page_comes_from_the_cache_until_the_park_changes(
    world, client_for, django_assert_num_queries
):
    from technopark.parks import services

    client = client_for("anonymous")
    client.get("/yakutia/")
    with django_assert_num_queries(0):
        assert client.get("/yakutia/").status_code == 200
    services.site_create(park=world.park, name="Филиал в Нерюнгри", address="Нерюнгри")
    client.cookies["django_language"] = "ru"
    assert "Филиал в Нерюнгри" in client.get("/yakutia/").content.decode()


def test_a_request_to_join_with_a_control_character_is_refused_with_a_message(world, client):
    # The message is read without a form: the input rules apply all the same.
    person = UserFactory(email="new@example.org")
    client.force_login(person)
    response = client.post("/yakutia/join/", {"message": "Дроны\x1b[31m"}, follow=True)
    assert "control character U+001B" in response.content.decode()
    assert not Membership.all_parks.filter(user=person).exists()
    assert client.post("/yakutia/join/", {"message": "Дроны\nи роботы"}).status_code == 302
    assert Membership.all_parks.get(user=person).message == "Дроны\nи роботы"
