"""The companies pages: who may open what, search, filters, sort, pages, htmx, forms, team."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.http import HttpResponse
from django.utils import timezone

from technopark.companies.models import (
    Company,
    Stage,
    StageChange,
    TeamChange,
    TeamInvitation,
    TeamMember,
)
from technopark.parks.models import MembershipStatus, Role
from tests.conftest import ROLES
from tests.factories import (
    CompanyFactory,
    DirectionFactory,
    MembershipFactory,
    SiteFactory,
    TeamMemberFactory,
    UserFactory,
    valid_inn,
    valid_ogrn,
)

LIST = "/yakutia/companies/"


def detail_url(company: Any) -> str:
    return f"/yakutia/companies/{company.pk}/"


def edit_url(company: Any) -> str:
    return f"/yakutia/companies/{company.pk}/edit/"


def names_on(body: str) -> list[str]:
    """Company names in the results table, in the order shown."""
    return re.findall(r'<a href="/yakutia/companies/\d+/">([^<]+)</a>', body)


def company_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "short_name": "Полярный дрон",
        "legal_name": 'ООО "Полярный дрон"',
        "inn": valid_inn(9_000_001),
        "ogrn": valid_ogrn(9_000_001),
        "region": "14",
        "is_sme": "on",
        "founded_on": "2024-03-01",
        "website": "https://drone.example.org",
        "description": "Дроны для севера",
        "stage": Stage.IDEA,
    }
    data.update(overrides)
    return data


def edit_data(company: Company, **overrides: Any) -> dict[str, Any]:
    data = {
        "short_name": company.short_name,
        "legal_name": company.legal_name,
        "inn": company.inn,
        "ogrn": company.ogrn,
        "region": company.region,
        "is_sme": "on" if company.is_sme else "",
        "stage": company.stage,
        "site": company.site_id or "",
        "directions": [d.pk for d in company.directions.all()],
    }
    data.update(overrides)
    return data


# --- Who may open what -------------------------------------------------------------------------

LIST_STATUS = {
    "anonymous": 302,
    "founder": 200,
    "other_founder": 200,
    "manager": 200,
    "expert": 200,
    "observer": 200,
    "outsider": 403,
}
CREATE_STATUS = {
    "anonymous": 302,
    "founder": 200,
    "other_founder": 200,
    "manager": 200,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}
EDIT_STATUS = {
    "anonymous": 302,
    "founder": 200,
    "other_founder": 403,
    "manager": 200,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}
EXPORT_STATUS = {
    "anonymous": 302,
    "founder": 403,
    "other_founder": 403,
    "manager": 200,
    "expert": 403,
    "observer": 200,
    "outsider": 403,
}


def test_the_matrix_covers_every_role():
    for matrix in (LIST_STATUS, CREATE_STATUS, EDIT_STATUS, EXPORT_STATUS):
        assert set(matrix) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_list_page_by_role(role, client_for):
    response = client_for(role).get(LIST)
    assert response.status_code == LIST_STATUS[role]
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=/yakutia/companies/")


@pytest.mark.parametrize("role", ROLES)
def test_detail_page_by_role(role, world, client_for):
    response = client_for(role).get(detail_url(world.company))
    assert response.status_code == LIST_STATUS[role]
    if response.status_code == 200:
        assert "Северный код" in response.content.decode()
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_create_page_by_role(role, client_for):
    response = client_for(role).get("/yakutia/companies/new/")
    assert response.status_code == CREATE_STATUS[role]
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_edit_page_by_role(role, world, client_for):
    response = client_for(role).get(edit_url(world.company))
    assert response.status_code == EDIT_STATUS[role]
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_export_by_role(role, client_for):
    response = client_for(role).get("/yakutia/companies/export.csv")
    assert response.status_code == EXPORT_STATUS[role]
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "path",
    ["/yakutia/companies/{pk}/", "/yakutia/companies/{pk}/edit/"],
)
def test_another_parks_company_is_not_found(path, world, client_for):
    response = client_for("manager").get(path.format(pk=world.foreign_company.pk))
    assert response.status_code == 404


def test_another_parks_company_is_not_found_for_team_changes(world, client_for):
    client = client_for("manager")
    url = f"/yakutia/companies/{world.foreign_company.pk}/team/"
    response = client.post(url, {"email": "expert@example.org", "position": "CTO"})
    assert response.status_code == 404
    assert not TeamMember.objects.filter(company=world.foreign_company).exists()
    assert not TeamInvitation.objects.exists()


def test_a_company_that_does_not_exist_is_not_found(client_for):
    assert client_for("manager").get("/yakutia/companies/999999/").status_code == 404


def test_an_outsider_gets_403_before_any_lookup(world, client_for):
    # The same answer for a company that exists and one that does not: nothing leaks.
    client = client_for("outsider")
    assert client.get(detail_url(world.company)).status_code == 403
    assert client.get("/yakutia/companies/999999/").status_code == 403
    assert client.get(edit_url(world.foreign_company)).status_code == 403


def test_an_expert_gets_403_for_edit_whether_or_not_the_company_exists(world, client_for):
    client = client_for("expert")
    assert client.get(edit_url(world.company)).status_code == 403
    assert client.get("/yakutia/companies/999999/edit/").status_code == 403


def test_the_founder_sees_edit_and_team_controls_only_for_their_company(world, client_for):
    client = client_for("founder")
    own = client.get(detail_url(world.company)).content.decode()
    other = client.get(detail_url(world.other_company)).content.decode()
    assert edit_url(world.company) in own
    assert 'id="team-add"' in own
    assert edit_url(world.other_company) not in other
    assert 'id="team-add"' not in other


def test_export_link_only_for_those_who_may_export(client_for):
    assert "export.csv" in client_for("observer").get(LIST).content.decode()
    assert "export.csv" not in client_for("founder").get(LIST).content.decode()


# --- Search, filters, sort, pages ----------------------------------------------------------------


def test_search_finds_cyrillic_names_whatever_the_case(world, client_for):
    body = client_for("manager").get(LIST, {"q": "северный"}).content.decode()
    assert names_on(body) == ["Северный код"]
    body = client_for("manager").get(LIST, {"q": "СЕВЕРНЫЙ КОД"}).content.decode()
    assert names_on(body) == ["Северный код"]


def test_search_by_legal_name_inn_and_ogrn(world, client_for):
    client = client_for("manager")
    CompanyFactory(park=world.park, short_name="Тундра", legal_name='АО "Вечная мерзлота"')
    assert names_on(client.get(LIST, {"q": "вечная"}).content.decode()) == ["Тундра"]
    assert names_on(client.get(LIST, {"q": world.company.inn}).content.decode()) == ["Северный код"]
    assert names_on(client.get(LIST, {"q": world.other_company.ogrn}).content.decode()) == [
        "Мерзлота Лаб"
    ]


def test_search_never_shows_another_parks_companies(world, client_for):
    body = client_for("manager").get(LIST, {"q": "колыма"}).content.decode()
    assert names_on(body) == []
    assert "Колыма Софт" not in body


def test_filter_by_direction_includes_sub_directions(world, client_for):
    child = DirectionFactory(park=world.park, parent=world.direction, code="it-games")
    games = CompanyFactory(park=world.park, short_name="Игры Севера")
    games.directions.add(child)
    CompanyFactory(park=world.park, short_name="Без направления")
    client = client_for("manager")
    by_parent = names_on(client.get(LIST, {"direction": world.direction.pk}).content.decode())
    assert by_parent == ["Игры Севера", "Северный код"]
    by_child = names_on(client.get(LIST, {"direction": child.pk}).content.decode())
    assert by_child == ["Игры Севера"]


def test_filter_by_stage_and_site(world, client_for):
    other_site = SiteFactory(park=world.park, name="Филиал")
    CompanyFactory(park=world.park, short_name="На рынке", stage=Stage.MARKET, site=other_site)
    client = client_for("manager")
    assert names_on(client.get(LIST, {"stage": "market"}).content.decode()) == ["На рынке"]
    assert names_on(client.get(LIST, {"site": world.site.pk}).content.decode()) == ["Северный код"]
    assert (
        names_on(client.get(LIST, {"site": other_site.pk, "stage": "idea"}).content.decode()) == []
    )


def test_unusable_filter_values_are_ignored_not_errors(world, client_for):
    response = client_for("manager").get(
        LIST, {"stage": "bogus", "direction": "x", "site": "-1", "sort": "hack", "page": "zzz"}
    )
    assert response.status_code == 200
    assert names_on(response.content.decode()) == ["Мерзлота Лаб", "Северный код"]


def test_a_direction_of_another_park_finds_nothing(world, client_for):
    foreign = DirectionFactory(park=world.other_park, code="bio")
    world.company.directions.add(foreign)  # a bad row must not make the filter leak
    body = client_for("manager").get(LIST, {"direction": foreign.pk}).content.decode()
    assert names_on(body) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Альфа", "Бета", "Гамма", "Мерзлота Лаб", "Северный код"]),
        ("-name", ["Северный код", "Мерзлота Лаб", "Гамма", "Бета", "Альфа"]),
        ("founded", ["Бета", "Альфа", "Гамма", "Северный код", "Мерзлота Лаб"]),
        ("-founded", ["Гамма", "Альфа", "Бета", "Мерзлота Лаб", "Северный код"]),
        ("stage", ["Мерзлота Лаб", "Северный код", "Гамма", "Бета", "Альфа"]),
        ("-stage", ["Альфа", "Бета", "Гамма", "Мерзлота Лаб", "Северный код"]),
        ("created", ["Северный код", "Мерзлота Лаб", "Бета", "Альфа", "Гамма"]),
        ("-created", ["Гамма", "Альфа", "Бета", "Мерзлота Лаб", "Северный код"]),
    ],
)
def test_sort(sort, expected, world, client_for):
    CompanyFactory(
        park=world.park, short_name="Бета", stage=Stage.PRODUCTION, founded_on=dt.date(2019, 1, 1)
    )
    CompanyFactory(
        park=world.park, short_name="Альфа", stage=Stage.MARKET, founded_on=dt.date(2020, 1, 1)
    )
    CompanyFactory(
        park=world.park, short_name="Гамма", stage=Stage.PROTOTYPE, founded_on=dt.date(2021, 1, 1)
    )
    body = client_for("manager").get(LIST, {"sort": sort}).content.decode()
    assert names_on(body) == expected


def test_pagination(world, client_for, settings):
    settings.TECHNOPARK_PAGE_SIZE = 25
    for n in range(28):
        CompanyFactory(park=world.park, short_name=f"Компания {n:02d}")
    client = client_for("manager")
    first = client.get(LIST).content.decode()
    assert len(names_on(first)) == 25
    assert names_on(first)[0] == "Компания 00"
    assert "Page 1 of 2" in first
    second = client.get(LIST, {"page": 2}).content.decode()
    assert names_on(second) == [
        "Компания 25",
        "Компания 26",
        "Компания 27",
        "Мерзлота Лаб",
        "Северный код",
    ]
    # A page past the end shows the last page rather than an error.
    assert names_on(client.get(LIST, {"page": 99}).content.decode()) == names_on(second)


def test_pagination_links_keep_the_filters(world, client_for):
    for n in range(30):
        CompanyFactory(park=world.park, short_name=f"Идея {n:02d}", stage=Stage.IDEA)
    body = client_for("manager").get(LIST, {"stage": "idea", "q": "идея"}).content.decode()
    next_link = re.search(r'<a href="(\?[^"]+)"[^>]*rel="next"', body)
    assert next_link is not None
    link = next_link.group(1).replace("&amp;", "&")
    assert "stage=idea" in link and "page=2" in link and "q=" in link


def test_export_link_keeps_the_filters_but_not_the_page(world, client_for):
    body = client_for("manager").get(LIST, {"stage": "idea", "page": "1"}).content.decode()
    assert 'href="/yakutia/companies/export.csv?stage=idea"' in body


def test_htmx_request_gets_only_the_results(world, client_for):
    client = client_for("manager")
    full = client.get(LIST, {"q": "северный"})
    partial = client.get(LIST, {"q": "северный"}, headers={"HX-Request": "true"})
    assert "<html" in full.content.decode()
    body = partial.content.decode()
    assert "<html" not in body
    assert 'id="filter-q"' not in body  # the filter form stays on the page, untouched
    assert names_on(body) == ["Северный код"]
    assert "HX-Request" in partial["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client_for):
    response = client_for("manager").get(
        LIST, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_the_list_page_works_without_javascript(client_for):
    body = client_for("manager").get(LIST).content.decode()
    # A plain GET form, with the htmx attributes as an enhancement only.
    assert re.search(r'<form class="filters" method="get" action="/yakutia/companies/"', body)
    assert 'hx-get="/yakutia/companies/"' in body
    assert 'hx-target="#company-results"' in body
    assert 'hx-push-url="true"' in body
    assert '<label for="filter-q">' in body


# --- Queries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("n_companies", [3, 30])
def test_list_page_query_count_does_not_grow(
    world, client_for, django_assert_num_queries, n_companies
):
    for _ in range(n_companies):
        CompanyFactory(park=world.park).directions.add(world.direction)
    client = client_for("manager")
    # user, park, the visitor's roles (middleware: 3; the session comes from the cache); the
    # count, one page of rows with their sites, the directions of those rows; the filter options:
    # directions and sites; the park switcher in the header: the visitor's parks (1).
    with django_assert_num_queries(9):
        response = client.get(LIST, {"sort": "stage", "direction": world.direction.pk})
    assert response.status_code == 200
    # The same page again comes from the cache, and so do the session, the signed-in user, the
    # park, the visitor's roles and the header's park switcher: no query at all.
    with django_assert_num_queries(0):
        again = client.get(LIST, {"sort": "stage", "direction": world.direction.pk})

    def main(page: HttpResponse) -> str:
        body = page.content.decode()
        return body[body.index("<main") : body.index("</main>")]

    assert main(again) == main(response)


def test_cached_list_shows_a_change_at_once(world, client_for):
    from technopark.companies import services

    client = client_for("manager")
    assert "Северный код" in client.get(LIST).content.decode()
    services.company_update(
        company=world.company, actor=world.users["manager"], short_name="Южный код"
    )
    body = client.get(LIST).content.decode()
    assert "Южный код" in body
    assert "Северный код" not in body


def test_cached_list_keeps_each_visitor_s_permissions(world, client_for):
    # A manager may add companies and export; an expert may neither, on the very same list.
    manager_body = client_for("manager").get(LIST).content.decode()
    expert_body = client_for("expert").get(LIST).content.decode()
    assert "/yakutia/companies/new/" in manager_body
    assert "export.csv" in manager_body
    assert "/yakutia/companies/new/" not in expert_body
    assert "export.csv" not in expert_body


def test_cached_list_follows_the_language(world, client_for):
    client = client_for("manager")
    assert "Export CSV" in client.get(LIST).content.decode()
    client.cookies["django_language"] = "ru"
    assert "Выгрузить в CSV" in client.get(LIST).content.decode()


@pytest.mark.parametrize("n_companies", [3, 30])
def test_htmx_results_query_count_does_not_grow(
    world, client_for, django_assert_num_queries, n_companies
):
    for _ in range(n_companies):
        CompanyFactory(park=world.park).directions.add(world.direction)
    client = client_for("manager")
    # middleware (3); count, rows, their directions. No filter options, no page header.
    with django_assert_num_queries(6):
        client.get(LIST, {"q": "компания"}, headers={"HX-Request": "true"})


@pytest.mark.parametrize("n_members", [1, 6])
def test_detail_page_query_count_does_not_grow(
    world, client_for, django_assert_num_queries, n_members
):
    for n in range(n_members):
        person = UserFactory()
        MembershipFactory(park=world.park, user=person, role=Role.FOUNDER)
        TeamMember.objects.create(company=world.company, user=person, position=f"Dev {n}")
        StageChange.objects.create(
            company=world.company, from_stage="idea", to_stage="prototype", changed_by=person
        )
    client = client_for("founder")
    # middleware (3); the company with its site, its directions, team with people, the open offers
    # of a team seat, stage history with who changed it (5); the park switcher (1); the founder's
    # report banner (1). Whether the founder may edit is answered from the loaded team, without a
    # query.
    with django_assert_num_queries(10):
        response = client.get(detail_url(world.company))
    assert response.status_code == 200
    assert 'id="team-add"' in response.content.decode()


# --- Detail --------------------------------------------------------------------------------------


def test_detail_shows_legal_data_team_and_history(world, client_for):
    company = world.company
    company.founded_on = dt.date(2023, 5, 17)
    company.website = "https://sever.example.org"
    company.description = "Пишем код на севере"
    company.started_in_park = True
    company.save()
    change = StageChange.objects.create(
        company=company,
        from_stage=Stage.IDEA,
        to_stage=Stage.PROTOTYPE,
        changed_by=world.users["manager"],
        evidence="Показали прототип",
    )
    when = dt.datetime(2025, 1, 31, 23, 30, tzinfo=dt.UTC)
    StageChange.objects.filter(pk=change.pk).update(changed_at=when)
    client = client_for("observer")
    client.cookies["django_language"] = "ru"
    body = client.get(detail_url(company)).content.decode()
    for text in (
        company.legal_name.replace('"', "&quot;"),
        company.inn,
        company.ogrn,
        "Республика Саха (Якутия)",
        "https://sever.example.org",
        "Пишем код на севере",
        "Информационные технологии",
        "IT-парк",
        "CEO",
        "Показали прототип",
        "Manager",
    ):
        assert text in body, text
    # Shown in the park's time zone (Asia/Yakutsk, UTC+9): the next day, 08:30.
    assert 'datetime="2025-02-01T08:30:00+09:00"' in body
    assert "01.02.2025 08:30" in body


def test_detail_in_english(world, client_for):
    client = client_for("manager")
    client.post("/i18n/setlang/", {"language": "en", "next": LIST})
    body = client.get(detail_url(world.company)).content.decode()
    assert 'lang="en"' in body
    assert "Sakha Republic (Yakutia)" in body
    assert "Stage history" in body
    assert "Technopark Yakutia" in body


def test_list_in_english_via_language_cookie(world, client_for, settings):
    client = client_for("manager")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(LIST).content.decode()
    assert 'lang="en"' in body
    assert "Export CSV" in body
    assert "Idea" in body


# --- Create --------------------------------------------------------------------------------------


def test_founder_creates_a_company_and_joins_its_team(world, client_for):
    client = client_for("other_founder")
    form = client.get("/yakutia/companies/new/").content.decode()
    assert 'name="position"' in form
    assert 'name="started_in_park"' not in form  # the park's figures are the staff's to set
    response = client.post(
        "/yakutia/companies/new/",
        company_data(directions=[world.direction.pk], site=world.site.pk, position=""),
    )
    company = Company.all_parks.get(short_name="Полярный дрон")
    assert response.status_code == 302
    assert response["Location"] == detail_url(company)
    assert company.park == world.park
    assert list(company.directions.all()) == [world.direction]
    assert company.site == world.site
    assert company.founded_on == dt.date(2024, 3, 1)
    assert company.created_by == world.users["other_founder"]
    member = TeamMember.objects.get(company=company)
    assert (member.user, member.position, member.acts_for_company) == (
        world.users["other_founder"],
        "Founder",
        True,
    )
    assert company.stage_history.get().to_stage == Stage.IDEA
    followed = client.get(response["Location"]).content.decode()
    assert "Полярный дрон" in followed
    assert 'class="message message-success"' in followed


def test_founder_sets_their_own_position(world, client_for):
    client_for("founder").post("/yakutia/companies/new/", company_data(position="Директор"))
    assert TeamMember.objects.get(company__short_name="Полярный дрон").position == "Директор"


def test_founder_cannot_set_the_park_flags(world, client_for):
    client_for("founder").post(
        "/yakutia/companies/new/",
        company_data(started_in_park="on", supported_by_park="on"),
    )
    company = Company.all_parks.get(short_name="Полярный дрон")
    assert (company.started_in_park, company.supported_by_park) == (False, False)


def test_manager_creates_a_company_without_joining_it(world, client_for):
    client = client_for("manager")
    assert 'name="position"' not in client.get("/yakutia/companies/new/").content.decode()
    response = client.post(
        "/yakutia/companies/new/", company_data(started_in_park="on", stage=Stage.PROTOTYPE)
    )
    assert response.status_code == 302
    company = Company.all_parks.get(short_name="Полярный дрон")
    assert company.started_in_park is True
    assert company.stage == Stage.PROTOTYPE
    assert not company.team.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"inn": "7707083894"}, "inn", "check digit is wrong"),
        ({"inn": "77070838"}, "inn", "10 digits"),
        ({"ogrn": "1027700132194"}, "ogrn", "check digit is wrong"),
        ({"inn": "7707083893", "ogrn": "304500116000157"}, "ogrn", "13-digit OGRN"),
        ({"inn": "500100732259", "ogrn": "1027700132195"}, "ogrn", "15-digit OGRNIP"),
        ({"short_name": ""}, "short_name", ""),
        ({"website": "not a site"}, "website", ""),
        ({"founded_on": "31.02.2024"}, "founded_on", ""),
    ],
)
def test_create_errors_are_shown_at_their_field_and_change_nothing(
    overrides, field, message, world, client_for
):
    before = Company.all_parks.count()
    response = client_for("manager").post("/yakutia/companies/new/", company_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body  # the message sits next to its field
    assert Company.all_parks.count() == before


def test_an_inn_already_in_the_park_is_refused_at_the_inn_field(world, client_for):
    response = client_for("manager").post(
        "/yakutia/companies/new/", company_data(inn=world.company.inn)
    )
    assert "inn" in response.context["form"].errors
    assert Company.all_parks.filter(park=world.park).count() == 2


def test_an_inn_of_another_park_is_fine(world, client_for):
    response = client_for("manager").post(
        "/yakutia/companies/new/",
        company_data(inn=world.foreign_company.inn, ogrn=world.foreign_company.ogrn),
    )
    assert response.status_code == 302


def test_directions_and_sites_of_another_park_cannot_be_chosen(world, client_for):
    foreign_direction = DirectionFactory(park=world.other_park, code="foreign")
    foreign_site = SiteFactory(park=world.other_park)
    client = client_for("manager")
    form = client.get("/yakutia/companies/new/").context["form"]
    # Compare the choices themselves: a bare value="22" could also be a region code.
    direction_ids = {str(value) for value, _label in form.fields["directions"].choices}
    site_ids = {str(value) for value, _label in form.fields["site"].choices}
    assert str(world.direction.pk) in direction_ids
    assert str(foreign_direction.pk) not in direction_ids
    assert str(world.site.pk) in site_ids
    assert str(foreign_site.pk) not in site_ids
    response = client.post(
        "/yakutia/companies/new/",
        company_data(directions=[foreign_direction.pk], site=foreign_site.pk),
    )
    errors = response.context["form"].errors
    assert "directions" in errors and "site" in errors
    assert not Company.all_parks.filter(short_name="Полярный дрон").exists()


@pytest.mark.parametrize("role", ["anonymous", "expert", "observer", "outsider"])
def test_create_by_those_not_allowed_changes_nothing(role, world, client_for):
    response = client_for(role).post("/yakutia/companies/new/", company_data())
    assert response.status_code == CREATE_STATUS[role]
    assert not Company.all_parks.filter(short_name="Полярный дрон").exists()


def test_create_form_errors_in_english(world, client_for, settings):
    client = client_for("manager")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.post("/yakutia/companies/new/", company_data(inn="123")).content.decode()
    assert "An INN has 10 digits" in body
    assert "Please correct the errors below." in body


# --- Edit ----------------------------------------------------------------------------------------


def test_founder_edits_their_company_and_moves_it_to_a_new_stage(world, client_for):
    company = world.company
    response = client_for("founder").post(
        edit_url(company),
        edit_data(
            company,
            short_name="Северный код 2",
            stage=Stage.PROTOTYPE,
            stage_evidence="Прототип показан на демо-дне",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(company)
    company.refresh_from_db()
    assert company.short_name == "Северный код 2"
    assert company.stage == Stage.PROTOTYPE
    assert "северный код 2" in company.search_text
    change = company.stage_history.get()
    assert (change.from_stage, change.to_stage, change.evidence, change.changed_by) == (
        Stage.IDEA,
        Stage.PROTOTYPE,
        "Прототип показан на демо-дне",
        world.users["founder"],
    )


def test_edit_without_a_new_stage_records_no_history(world, client_for):
    company = world.company
    client_for("manager").post(edit_url(company), edit_data(company, description="Новое"))
    company.refresh_from_db()
    assert company.description == "Новое"
    assert not company.stage_history.exists()


def test_edit_form_is_filled_with_the_company(world, client_for):
    body = client_for("manager").get(edit_url(world.company)).content.decode()
    assert 'value="Северный код"' in body
    assert f'value="{world.company.inn}"' in body
    assert re.search(rf'value="{world.direction.pk}"[^>]*checked', body)


def test_founder_editing_keeps_the_park_flags(world, client_for):
    company = world.company
    company.supported_by_park = True
    company.save()
    client_for("founder").post(edit_url(company), edit_data(company, supported_by_park=""))
    company.refresh_from_db()
    assert company.supported_by_park is True


def test_edit_error_changes_nothing(world, client_for):
    company = world.company
    response = client_for("manager").post(
        edit_url(company),
        edit_data(company, inn=world.other_company.inn, short_name="Другое", stage="market"),
    )
    assert response.status_code == 200
    assert "inn" in response.context["form"].errors
    company.refresh_from_db()
    assert (company.short_name, company.stage) == ("Северный код", Stage.IDEA)
    assert not company.stage_history.exists()


@pytest.mark.parametrize("role", ["anonymous", "other_founder", "expert", "observer", "outsider"])
def test_edit_by_those_not_allowed_changes_nothing(role, world, client_for):
    company = world.company
    response = client_for(role).post(edit_url(company), edit_data(company, short_name="Взлом"))
    assert response.status_code == EDIT_STATUS[role]
    company.refresh_from_db()
    assert company.short_name == "Северный код"


def test_a_founder_who_no_longer_acts_for_the_company_cannot_edit_it(world, client_for):
    TeamMember.objects.filter(company=world.company).update(acts_for_company=False)
    assert client_for("founder").get(edit_url(world.company)).status_code == 403


# --- Team ----------------------------------------------------------------------------------------


def team_url(company: Any) -> str:
    return f"/yakutia/companies/{company.pk}/team/"


def test_founder_asks_a_park_member_to_join_and_they_accept(world, client_for):
    response = client_for("founder").post(
        team_url(world.company),
        {"email": "EXPERT@example.org", "position": "Advisor", "acts_for_company": ""},
    )
    assert response.status_code == 302
    # Nobody joins a team without saying yes.
    assert not TeamMember.objects.filter(user=world.users["expert"]).exists()
    offer = TeamInvitation.objects.get(company=world.company, user=world.users["expert"])
    expert = client_for("expert")
    page = expert.get(f"/yakutia/companies/{world.company.pk}/").content.decode()
    assert 'data-testid="team-offer"' in page
    response = expert.post(
        f"{team_url(world.company)}invitations/{offer.pk}/", {"decision": "accept"}
    )
    assert response.status_code == 302
    member = TeamMember.objects.get(company=world.company, user=world.users["expert"])
    assert (member.position, member.acts_for_company) == ("Advisor", False)


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.org", "No active member of the park"),
        ("outsider@example.org", "No active member of the park"),
        ("founder@example.org", "already in the team"),
        ("requested@example.org", "No active member of the park"),
    ],
)
def test_team_add_errors_are_shown_at_the_email_field(email, message, world, client_for):
    requested = UserFactory(email="requested@example.org")
    MembershipFactory(
        park=world.park, user=requested, role=Role.FOUNDER, status=MembershipStatus.REQUESTED
    )
    before = TeamMember.objects.count()
    response = client_for("manager").post(
        team_url(world.company), {"email": email, "position": "CTO"}
    )
    assert response.status_code == 200
    assert not TeamInvitation.objects.exists()
    errors = response.context["team_form"].errors
    assert message in " ".join(errors["email"])
    assert 'id="id_email_error"' in response.content.decode()
    assert TeamMember.objects.count() == before


def test_team_add_needs_a_position(world, client_for):
    response = client_for("manager").post(
        team_url(world.company), {"email": "expert@example.org", "position": "  "}
    )
    assert "position" in response.context["team_form"].errors
    assert not TeamMember.objects.filter(user=world.users["expert"]).exists()


@pytest.mark.parametrize("role", ["anonymous", "other_founder", "expert", "observer", "outsider"])
def test_team_changes_by_those_not_allowed_change_nothing(role, world, client_for):
    client = client_for(role)
    member = TeamMember.objects.get(company=world.company)
    add = client.post(team_url(world.company), {"email": "expert@example.org", "position": "X"})
    remove = client.post(f"{team_url(world.company)}{member.pk}/remove/")
    assert add.status_code == remove.status_code == EDIT_STATUS[role]
    assert list(TeamMember.objects.filter(company=world.company)) == [member]
    assert not TeamInvitation.objects.exists()


@pytest.mark.parametrize("role", ["founder", "manager"])
def test_removing_a_team_member_asks_first(role, world, client_for):
    member = TeamMember.objects.get(company=world.company)
    TeamMemberFactory(company=world.company, user=world.users["expert"], position="CTO")
    remove = f"{team_url(world.company)}{member.pk}/remove/"
    client = client_for(role)
    asked = client.post(remove)
    body = asked.content.decode()
    assert asked.status_code == 200 and 'data-testid="confirm"' in body
    assert "Remove Founder from the team?" in body
    assert TeamMember.objects.filter(pk=member.pk).exists()  # asking changed nothing
    done = client.post(remove, {"confirmed": "1"})
    assert done.status_code == 302
    assert not TeamMember.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize("role", ["founder", "manager"])
def test_the_last_representative_cannot_be_removed_through_the_page(role, world, client_for):
    member = TeamMember.objects.get(company=world.company)
    client = client_for(role)
    page = client.get(f"/yakutia/companies/{world.company.pk}/").content.decode()
    assert 'data-testid="sole-representative"' in page
    assert f"/team/{member.pk}/remove/" not in page  # the page does not offer it
    for data in ({}, {"confirmed": "1"}):  # posted anyway: refused, said why, nothing changed
        response = client.post(f"{team_url(world.company)}{member.pk}/remove/", data, follow=True)
        body = response.content.decode()
        assert "the only person who acts for the company" in body
        assert 'data-testid="confirm"' not in body
    assert TeamMember.objects.filter(pk=member.pk).exists()
    assert not TeamChange.objects.filter(company=world.company, kind="left").exists()


def test_a_member_of_another_company_cannot_be_removed_through_this_one(world, client_for):
    other_member = TeamMember.objects.get(company=world.other_company)
    response = client_for("founder").post(f"{team_url(world.company)}{other_member.pk}/remove/")
    assert response.status_code == 404
    assert TeamMember.objects.filter(pk=other_member.pk).exists()


def test_team_pages_answer_only_post(world, client_for):
    assert client_for("manager").get(team_url(world.company)).status_code == 405


def test_stage_history_times_follow_the_park_time_zone(world, client_for):
    world.park.time_zone = "Asia/Magadan"  # UTC+11
    world.park.save()
    change = StageChange.objects.create(company=world.company, to_stage=Stage.IDEA)
    when = timezone.make_aware(dt.datetime(2025, 6, 1, 0, 0), dt.UTC)
    StageChange.objects.filter(pk=change.pk).update(changed_at=when)
    body = client_for("manager").get(detail_url(world.company)).content.decode()
    assert 'datetime="2025-06-01T11:00:00+11:00"' in body


@pytest.mark.parametrize("path", [LIST, "/yakutia/", "/yakutia/companies/new/"])
def test_pages_show_no_template_syntax(world, client_for, path):
    # A multi-line {# … #} is not a comment to Django: it would reach the visitor as text.
    body = client_for("manager").get(path).content.decode()
    assert "{#" not in body
    assert "{%" not in body


def test_unknown_parameters_are_answered_but_not_cached(
    world, client_for, django_assert_num_queries
):
    client = client_for("manager")
    client.get(LIST, {"utm_source": "mail"})
    # The same address again is rendered afresh: count, rows, directions, two filter lists.
    with django_assert_num_queries(5):
        assert client.get(LIST, {"utm_source": "mail"}).status_code == 200
    client.get(LIST, {"sort": "-name"})
    with django_assert_num_queries(0):
        assert client.get(LIST, {"sort": "-name"}).status_code == 200
