"""GET /api/v1/parks, /parks/{park_slug} and /parks/{park_slug}/directions."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import ROLES
from tests.factories import DirectionFactory, MembershipFactory, ParkFactory, SiteFactory


def _make_kolyma_private(world):
    world.other_park.is_public = False
    world.other_park.save()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "path", ["/api/v1/parks", "/api/v1/parks/yakutia", "/api/v1/parks/yakutia/directions"]
)
def test_public_park_endpoints_answer_every_role(api_for, role, path):
    auth = "token" if role in {"founder", "observer"} else "session"
    assert api_for(role, auth).get(path).status_code == 200


def test_park_list_shows_public_parks_to_anonymous_visitors(api_for, world):
    _make_kolyma_private(world)
    slugs = [park["slug"] for park in api_for("anonymous").get("/api/v1/parks").json()]
    assert slugs == ["yakutia"]


def test_park_list_shows_a_private_park_to_its_members(api_for, world):
    _make_kolyma_private(world)
    slugs = {park["slug"] for park in api_for("outsider", "token").get("/api/v1/parks").json()}
    assert slugs == {"yakutia", "kolyma"}
    slugs = {park["slug"] for park in api_for("manager").get("/api/v1/parks").json()}
    assert slugs == {"yakutia"}


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 404), ("manager", 404), ("outsider", 200)]
)
def test_private_park_detail_is_404_to_non_members(api_for, world, role, status):
    _make_kolyma_private(world)
    assert api_for(role).get("/api/v1/parks/kolyma").status_code == status
    assert api_for(role).get("/api/v1/parks/kolyma/directions").status_code == status


def test_unknown_park_is_404(api_for):
    response = api_for("manager").get("/api/v1/parks/no-such-park")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_park_detail_lists_its_own_sites_only(api_for, world):
    SiteFactory(park=world.other_park, name="Магадан")
    SiteFactory(park=world.park, name="Лаборатория", time_zone="Asia/Vladivostok")
    body = api_for("anonymous").get("/api/v1/parks/yakutia").json()
    assert body["slug"] == "yakutia"
    assert body["name_en"] == "Technopark Yakutia"
    assert [(site["name"], site["time_zone"]) for site in body["sites"]] == [
        ("IT-парк", "Asia/Yakutsk"),
        ("Лаборатория", "Asia/Vladivostok"),
    ]


def test_park_languages_are_a_list(api_for, world):
    world.park.languages = "ru, en,sah"
    world.park.save()
    assert api_for("anonymous").get("/api/v1/parks/yakutia").json()["languages"] == [
        "ru",
        "en",
        "sah",
    ]


def test_directions_come_as_a_two_level_tree(api_for, world):
    energy = DirectionFactory(park=world.park, code="energy", name="Энергосбережение", position=2)
    DirectionFactory(
        park=world.park, code="iot", name="Интернет вещей", parent=world.direction, position=5
    )
    DirectionFactory(
        park=world.park, code="cloud", name="Облака", parent=world.direction, position=1
    )
    DirectionFactory(park=world.other_park, code="mining", name="Добыча")
    body = api_for("anonymous").get("/api/v1/parks/yakutia/directions").json()
    assert [top["code"] for top in body] == ["it", "energy"]
    assert [sub["code"] for sub in body[0]["subdirections"]] == ["cloud", "iot"]
    assert body[1] == {
        "id": energy.pk,
        "code": "energy",
        "name": "Энергосбережение",
        "name_en": energy.name_en,
        "position": 2,
        "subdirections": [],
    }


@pytest.mark.parametrize("n_parks", [2, 12])
def test_park_list_query_count_does_not_grow(api_for, world, django_assert_num_queries, n_parks):
    for _ in range(n_parks):
        park = ParkFactory()
        MembershipFactory(park=park, user=world.users["manager"])
    api = api_for("manager")
    # user (the session comes from the cache), the parks
    with django_assert_num_queries(2):
        response = api.get("/api/v1/parks")
    assert len(response.json()) == n_parks + 2


@pytest.mark.parametrize("n_sites", [1, 10])
def test_park_detail_query_count_does_not_grow(api_for, world, django_assert_num_queries, n_sites):
    for _ in range(n_sites):
        SiteFactory(park=world.park)
    api = api_for("anonymous")
    # the park (middleware), its sites
    with django_assert_num_queries(2):
        response = api.get("/api/v1/parks/yakutia")
    assert len(response.json()["sites"]) == n_sites + 1


@pytest.mark.parametrize("slug", ["x" * 300, "YAKUTIA", "yakutia-", "_"])
def test_unknown_park_addresses_are_404(api_for, world, slug):
    assert api_for("manager").get(f"/api/v1/parks/{slug}").status_code == 404
    assert api_for("manager").get(f"/api/v1/parks/{slug}/companies").status_code == 404


@pytest.mark.parametrize("slug", ["%00", "nul%00park", "%D1%8F%D0%BA%D1%83%D1%82%D0%B8%D1%8F"])
def test_addresses_that_are_not_slugs_are_not_api_routes(world, slug):
    # The routes take a slug only, so a NUL (which PostgreSQL cannot even compare) never reaches
    # a query: Django's own 404 answers, not the API (hence a plain client, not the spec check).
    client = Client()
    client.force_login(world.users["manager"])
    assert client.get(f"/api/v1/parks/{slug}").status_code == 404
    assert client.get(f"/api/v1/parks/{slug}/companies").status_code == 404
