"""Reading companies: GET /api/v1/parks/{park_slug}/companies and …/companies/{company_id}."""

from __future__ import annotations

import datetime

import pytest

from technopark.companies.models import Stage
from tests.conftest import ROLES
from tests.factories import CompanyFactory, DirectionFactory, SiteFactory, TeamMemberFactory

LIST = "/api/v1/parks/yakutia/companies"
READ_STATUS = {
    "anonymous": 401,
    "founder": 200,
    "other_founder": 200,
    "manager": 200,
    "expert": 200,
    "observer": 200,
    "outsider": 403,
}


def names(response):
    return [item["short_name"] for item in response.json()["items"]]


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_list_role_matrix(api_for, role, auth):
    assert api_for(role, auth).get(LIST).status_code == READ_STATUS[role]


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_detail_role_matrix(api_for, world, role, auth):
    response = api_for(role, auth).get(f"{LIST}/{world.company.pk}")
    assert response.status_code == READ_STATUS[role]


def test_list_shows_only_this_parks_companies(api_for):
    assert sorted(names(api_for("manager").get(LIST))) == ["Мерзлота Лаб", "Северный код"]


def test_list_items_carry_directions_and_site(api_for, world):
    items = {item["short_name"]: item for item in api_for("expert").get(LIST).json()["items"]}
    company = items["Северный код"]
    assert company["id"] == world.company.pk
    assert company["site_id"] == world.site.pk
    assert company["directions"] == [{"id": world.direction.pk, "code": "it"}]
    assert company["stage"] == "idea"
    assert items["Мерзлота Лаб"]["site_id"] is None
    assert items["Мерзлота Лаб"]["directions"] == []


def test_detail_shows_team_and_stage_history(api_for, world):
    body = api_for("observer", "token").get(f"{LIST}/{world.company.pk}").json()
    assert body["short_name"] == "Северный код"
    assert body["inn"] == world.company.inn
    assert body["team"] == [
        {
            "user_id": world.users["founder"].pk,
            "full_name": "Founder",
            "position": "CEO",
            "acts_for_company": True,
        }
    ]
    assert body["stage_history"] == []


@pytest.mark.parametrize("role", ["founder", "manager", "observer"])
def test_another_parks_company_is_404(api_for, world, role):
    response = api_for(role).get(f"{LIST}/{world.foreign_company.pk}")
    assert response.status_code == 404


def test_a_company_is_404_under_another_park(api_for, world):
    # The outsider is a manager of kolyma; yakutia's company is not there.
    response = api_for("outsider", "token").get(
        f"/api/v1/parks/kolyma/companies/{world.company.pk}"
    )
    assert response.status_code == 404
    response = api_for("outsider", "token").get("/api/v1/parks/kolyma/companies")
    assert [item["short_name"] for item in response.json()["items"]] == ["Колыма Софт"]


def test_unknown_company_is_404(api_for):
    assert api_for("manager").get(f"{LIST}/987654321").status_code == 404


def test_private_park_companies_are_404_to_non_members(api_for, world):
    world.other_park.is_public = False
    world.other_park.save()
    assert api_for("anonymous").get("/api/v1/parks/kolyma/companies").status_code == 404
    assert api_for("manager").get("/api/v1/parks/kolyma/companies").status_code == 404
    assert api_for("outsider").get("/api/v1/parks/kolyma/companies").status_code == 200


# --- Filters, sort, pages -------------------------------------------------------------------------


@pytest.fixture
def catalogue(world):
    """Five more companies with a spread of stages, sites, directions and founding dates."""
    lab = SiteFactory(park=world.park, name="Лаборатория")
    iot = DirectionFactory(park=world.park, code="iot", parent=world.direction)
    energy = DirectionFactory(park=world.park, code="energy")
    rows = [
        ("Альфа", Stage.MARKET, lab, [iot], datetime.date(2015, 1, 1)),
        ("Бета", Stage.PROTOTYPE, lab, [energy], datetime.date(2019, 1, 1)),
        ("Гамма", Stage.PROTOTYPE, None, [], datetime.date(2012, 1, 1)),
        ("Дельта", Stage.PRODUCTION, world.site, [energy, iot], None),
        ("Эпсилон", Stage.IDEA, None, [], datetime.date(2021, 1, 1)),
    ]
    for name, stage, site, directions, founded in rows:
        company = CompanyFactory(
            park=world.park, short_name=name, stage=stage, site=site, founded_on=founded
        )
        company.directions.set(directions)
    return {"lab": lab, "iot": iot, "energy": energy}


def test_default_order_is_by_name(api_for, catalogue):
    assert names(api_for("manager").get(LIST)) == [
        "Альфа",
        "Бета",
        "Гамма",
        "Дельта",
        "Мерзлота Лаб",
        "Северный код",
        "Эпсилон",
    ]


def test_search_matches_names_case_insensitively(api_for, catalogue):
    assert names(api_for("manager").get(LIST, {"q": "  ГАММА "})) == ["Гамма"]
    assert names(api_for("manager").get(LIST, {"q": "код"})) == ["Северный код"]


def test_search_matches_the_inn(api_for, world, catalogue):
    response = api_for("manager").get(LIST, {"q": world.company.inn})
    assert names(response) == ["Северный код"]


def test_filter_by_stage(api_for, catalogue):
    assert names(api_for("manager").get(LIST, {"stage": "prototype"})) == ["Бета", "Гамма"]


def test_filter_by_site(api_for, catalogue):
    response = api_for("manager").get(LIST, {"site": catalogue["lab"].pk})
    assert names(response) == ["Альфа", "Бета"]


def test_filter_by_direction_includes_its_subdirections(api_for, world, catalogue):
    response = api_for("manager").get(LIST, {"direction": world.direction.pk})
    assert names(response) == ["Альфа", "Дельта", "Северный код"]
    response = api_for("manager").get(LIST, {"direction": catalogue["energy"].pk})
    assert names(response) == ["Бета", "Дельта"]


def test_filters_combine(api_for, catalogue):
    params = {"direction": catalogue["energy"].pk, "stage": "production", "q": "дель"}
    assert names(api_for("manager").get(LIST, params)) == ["Дельта"]


def test_another_parks_direction_matches_nothing(api_for, world, catalogue):
    foreign = DirectionFactory(park=world.other_park)
    body = api_for("manager").get(LIST, {"direction": foreign.pk}).json()
    assert body["count"] == 0
    assert body["items"] == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-name", ["Эпсилон", "Северный код", "Мерзлота Лаб", "Дельта", "Гамма", "Бета", "Альфа"]),
        ("stage", ["Мерзлота Лаб", "Северный код", "Эпсилон", "Бета", "Гамма", "Дельта", "Альфа"]),
    ],
)
def test_sort(api_for, catalogue, sort, expected):
    assert names(api_for("manager").get(LIST, {"sort": sort})) == expected


def test_sort_by_founding_date(api_for, catalogue):
    dated = [n for n in names(api_for("manager").get(LIST, {"sort": "founded"}))]
    assert dated[:4] == ["Гамма", "Альфа", "Бета", "Эпсилон"]


def test_pages_have_the_total_count(api_for, catalogue):
    api = api_for("manager")
    first = api.get(LIST, {"limit": 3}).json()
    second = api.get(LIST, {"limit": 3, "offset": 3}).json()
    last = api.get(LIST, {"limit": 3, "offset": 6}).json()
    assert (first["count"], first["limit"], first["offset"]) == (7, 3, 0)
    assert [i["short_name"] for i in first["items"]] == ["Альфа", "Бета", "Гамма"]
    assert [i["short_name"] for i in second["items"]] == ["Дельта", "Мерзлота Лаб", "Северный код"]
    assert [i["short_name"] for i in last["items"]] == ["Эпсилон"]
    assert second["count"] == last["count"] == 7


def test_page_beyond_the_end_is_empty(api_for, catalogue):
    body = api_for("manager").get(LIST, {"offset": 500}).json()
    assert body["count"] == 7
    assert body["items"] == []


def test_default_page_size_is_25_and_the_largest_100(api_for, world):
    for _ in range(110):
        CompanyFactory(park=world.park)
    api = api_for("manager")
    assert len(api.get(LIST).json()["items"]) == 25
    assert len(api.get(LIST, {"limit": 100}).json()["items"]) == 100
    response = api.get(LIST, {"limit": 101})
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 10**30}, "offset"),
        ({"stage": "unicorn"}, "stage"),
        ({"sort": "inn"}, "sort"),
        ({"site": "abc"}, "site"),
        ({"site": 10**20}, "site"),
        ({"direction": 0}, "direction"),
        ({"direction": "1; DROP TABLE"}, "direction"),
        ({"q": "x" * 101}, "q"),
        ({"q": "nul\x00"}, "q"),
    ],
)
def test_bad_list_parameters_are_422_naming_the_parameter(api_for, params, field):
    response = api_for("manager").get(LIST, params)
    assert response.status_code == 422
    assert [item["loc"] for item in response.json()["detail"]] == [["query", field]]


@pytest.mark.parametrize("company_id", ["abc", "0", "-3", str(10**25), "1.5"])
def test_bad_company_id_is_422(api_for, company_id):
    response = api_for("manager").get(f"{LIST}/{company_id}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "company_id"]


# --- Query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("n_companies", [2, 20])
def test_list_query_count_does_not_grow(api_for, world, django_assert_num_queries, n_companies):
    directions = [DirectionFactory(park=world.park) for _ in range(3)]
    for _ in range(n_companies):
        company = CompanyFactory(park=world.park, site=world.site)
        company.directions.set(directions)
    api = api_for("manager")
    # user (the session comes from the cache), park (middleware), roles (middleware), count,
    # the page with sites joined, the page's directions
    with django_assert_num_queries(6):
        response = api.get(LIST, {"direction": directions[0].pk, "limit": 100})
    assert response.json()["count"] == n_companies
    assert all(len(item["directions"]) == 3 for item in response.json()["items"])
    # Asked again, the body, the signed-in user, the park and the roles come from the cache.
    with django_assert_num_queries(0):
        again = api.get(LIST, {"direction": directions[0].pk, "limit": 100})
    assert again.json() == response.json()


def test_cached_list_shows_a_change_at_once(api_for, world):
    api = api_for("manager")
    names = {item["short_name"] for item in api.get(LIST).json()["items"]}
    assert "Северный код" in names
    response = api.patch(f"{LIST}/{world.company.pk}", {"short_name": "Южный код"})
    assert response.status_code == 200
    names = {item["short_name"] for item in api.get(LIST).json()["items"]}
    assert "Южный код" in names
    assert "Северный код" not in names


@pytest.mark.parametrize("n_members", [1, 6])
def test_detail_query_count_does_not_grow(api_for, world, django_assert_num_queries, n_members):
    for _ in range(n_members):
        TeamMemberFactory(company=world.company)
    api = api_for("manager")
    # user (the session comes from the cache), park, roles, the company with site, its
    # directions, team with users, stage history
    with django_assert_num_queries(7):
        response = api.get(f"{LIST}/{world.company.pk}")
    assert len(response.json()["team"]) == n_members + 1
