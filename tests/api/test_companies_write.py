"""Registering and editing companies: POST …/companies and PATCH …/companies/{company_id}.

Every refusal leaves the data as it was.
"""

from __future__ import annotations

import pytest

from technopark.companies.models import Company, StageChange, TeamMember
from tests.api.conftest import field_errors
from tests.conftest import ROLES
from tests.factories import DirectionFactory, SiteFactory, valid_inn, valid_ogrn

LIST = "/api/v1/parks/yakutia/companies"
CREATE_STATUS = {
    "anonymous": 401,
    "founder": 201,
    "other_founder": 201,
    "manager": 201,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}
UPDATE_STATUS = {
    "anonymous": 401,
    "founder": 200,  # acts for the company
    "other_founder": 403,  # founder of another company of the park
    "manager": 200,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}


def payload(n: int = 1, **extra):
    return {
        "legal_name": f'ООО "Новая {n}"',
        "short_name": f"Новая {n}",
        "inn": valid_inn(700 + n),
        "ogrn": valid_ogrn(700 + n),
        "region": "14",
        **extra,
    }


def snapshot(company: Company) -> dict:
    """Everything an edit could change, read fresh from the database."""
    fresh = Company.all_parks.get(pk=company.pk)
    return {
        **{f.attname: getattr(fresh, f.attname) for f in Company._meta.concrete_fields},
        "directions": sorted(fresh.directions.values_list("pk", flat=True)),
        "history": StageChange.objects.filter(company=fresh).count(),
        "team": TeamMember.objects.filter(company=fresh).count(),
    }


# --- Create --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_create_role_matrix(api_for, role):
    auth = "token" if role in {"founder", "expert", "outsider"} else "session"
    before = Company.all_parks.count()
    response = api_for(role, auth).post(LIST, payload())
    assert response.status_code == CREATE_STATUS[role]
    assert Company.all_parks.count() == before + (1 if response.status_code == 201 else 0)


def test_founder_registers_a_company_and_joins_its_team(api_for, world):
    response = api_for("founder", "token").post(LIST, payload(position="Генеральный директор"))
    assert response.status_code == 201
    body = response.json()
    company = Company.all_parks.get(pk=body["id"])
    assert company.park == world.park
    assert company.created_by == world.users["founder"]
    assert body["team"] == [
        {
            "user_id": world.users["founder"].pk,
            "full_name": "Founder",
            "position": "Генеральный директор",
            "acts_for_company": True,
        }
    ]
    assert body["stage_history"][0]["from_stage"] is None
    assert body["stage_history"][0]["to_stage"] == "idea"


def test_founder_without_position_joins_as_founder(api_for):
    body = api_for("other_founder").post(LIST, payload()).json()
    assert len(body["team"]) == 1
    assert body["team"][0]["position"]  # the service's default, in the visitor's language


def test_staff_register_companies_for_others_without_joining(api_for):
    body = api_for("manager").post(LIST, payload(position="CEO")).json()
    assert body["team"] == []


def test_create_with_every_field(api_for, world):
    sub = DirectionFactory(park=world.park, code="iot", parent=world.direction)
    data = payload(
        is_sme=False,
        founded_on="2020-02-29",
        website="https://example.org",
        description="Роботы для Севера",
        site=world.site.pk,
        directions=[world.direction.pk, sub.pk],
        stage="prototype",
        started_in_park=True,
        supported_by_park=True,
    )
    body = api_for("manager", "token").post(LIST, data).json()
    assert body["founded_on"] == "2020-02-29"
    assert body["site_id"] == world.site.pk
    assert sorted(d["code"] for d in body["directions"]) == ["iot", "it"]
    assert (body["stage"], body["started_in_park"], body["supported_by_park"]) == (
        "prototype",
        True,
        True,
    )
    assert body["is_sme"] is False


def test_the_new_company_is_listed(api_for):
    api = api_for("manager")
    created = api.post(LIST, payload()).json()
    assert created["id"] in [item["id"] for item in api.get(LIST).json()["items"]]


@pytest.mark.parametrize("flag", ["started_in_park", "supported_by_park"])
def test_founder_may_not_set_park_flags(api_for, flag):
    before = Company.all_parks.count()
    response = api_for("founder").post(LIST, payload(**{flag: True}))
    assert response.status_code == 403
    assert flag in response.json()["detail"]
    assert Company.all_parks.count() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"inn": "1234567890"}, "inn"),  # wrong check digit
        ({"inn": "12345"}, "inn"),
        ({"ogrn": "1234567890123"}, "ogrn"),
        ({"ogrn": valid_ogrn(1, region="14") + "00"}, "ogrn"),
        ({"region": "99"}, "region"),
        ({"region": "999"}, "region"),
        ({"website": "not a url"}, "website"),
        ({"short_name": ""}, "short_name"),
        ({"short_name": "x" * 121}, "short_name"),
        ({"legal_name": None}, "legal_name"),
        ({"legal_name": 42}, "legal_name"),
        ({"founded_on": "2021-02-30"}, "founded_on"),
        ({"founded_on": "yesterday"}, "founded_on"),
        ({"stage": "unicorn"}, "stage"),
        ({"stage": None}, "stage"),
        ({"is_sme": "perhaps"}, "is_sme"),
        ({"site": "the lab"}, "site"),
        ({"site": 10**30}, "site"),
        ({"site": 987654}, "site"),
        ({"directions": "it"}, "directions"),
        ({"directions": [987654]}, "directions"),
        ({"directions": [1.5]}, "directions.0"),
        ({"directions": [10**40]}, "directions.0"),
        ({"description": "nul \x00 byte"}, "description"),
        ({"position": "x" * 121}, "position"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_create_refusals_name_the_field_and_change_nothing(api_for, changes, field):
    before = Company.all_parks.count()
    response = api_for("founder", "token").post(LIST, payload(**changes))
    assert field in field_errors(response), response.json()
    assert Company.all_parks.count() == before


def test_create_refuses_a_duplicate_inn_in_the_park(api_for, world):
    before = Company.all_parks.count()
    response = api_for("manager").post(LIST, payload(inn=world.company.inn))
    assert "inn" in field_errors(response)
    assert Company.all_parks.count() == before


def test_the_same_inn_may_be_registered_in_another_park(api_for, world):
    data = payload(inn=world.foreign_company.inn, ogrn=world.foreign_company.ogrn)
    assert api_for("manager").post(LIST, data).status_code == 201


def test_another_parks_site_and_directions_are_refused(api_for, world):
    foreign_site = SiteFactory(park=world.other_park)
    foreign_direction = DirectionFactory(park=world.other_park)
    before = Company.all_parks.count()
    api = api_for("manager")
    response = api.post(LIST, payload(site=foreign_site.pk))
    assert list(field_errors(response)) == ["site"]
    response = api.post(LIST, payload(directions=[world.direction.pk, foreign_direction.pk]))
    assert list(field_errors(response)) == ["directions"]
    assert Company.all_parks.count() == before


def test_missing_fields_are_all_named(api_for):
    response = api_for("manager").post(LIST, {"short_name": "Только имя"})
    assert set(field_errors(response)) == {"legal_name", "inn", "ogrn", "region"}


@pytest.mark.parametrize(
    "body", ["{not json", "", "[1, 2]", "null", '"text"', "short_name=x", '{"inn": 1e999}']
)
def test_malformed_bodies_are_refused_without_a_crash(api_for, body):
    before = Company.all_parks.count()
    response = api_for("manager").post(LIST, body=body)
    assert response.status_code in {400, 422}
    assert Company.all_parks.count() == before


def test_a_huge_integer_in_the_body_is_refused(api_for):
    # Python refuses to parse integers of more than 4300 digits: the body is not valid JSON.
    response = api_for("manager").post(LIST, body='{"site": ' + "9" * 5000 + "}")
    assert response.status_code == 400


def test_create_in_a_park_one_does_not_belong_to_is_refused(api_for):
    response = api_for("outsider").post("/api/v1/parks/yakutia/companies", payload())
    assert response.status_code == 403


# --- Update --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_update_role_matrix(api_for, world, role):
    auth = "token" if role in {"other_founder", "manager", "observer"} else "session"
    before = snapshot(world.company)
    response = api_for(role, auth).patch(f"{LIST}/{world.company.pk}", {"short_name": "Код"})
    assert response.status_code == UPDATE_STATUS[role]
    if response.status_code == 200:
        assert Company.all_parks.get(pk=world.company.pk).short_name == "Код"
    else:
        assert snapshot(world.company) == before


def test_update_changes_only_the_fields_sent(api_for, world):
    before = snapshot(world.company)
    response = api_for("founder", "token").patch(
        f"{LIST}/{world.company.pk}", {"description": "Новое описание"}
    )
    assert response.status_code == 200
    after = snapshot(world.company)
    assert after.pop("description") == "Новое описание"
    assert after.pop("updated_at") >= before.pop("updated_at")
    before.pop("description")
    assert after == before


def test_update_moves_the_stage_and_keeps_the_evidence(api_for, world):
    response = api_for("founder").patch(
        f"{LIST}/{world.company.pk}",
        {"stage": "prototype", "stage_evidence": "Опытный образец собран"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["stage"] == "prototype"
    assert body["stage_history"][0] == {
        "from_stage": "idea",
        "to_stage": "prototype",
        "changed_at": body["stage_history"][0]["changed_at"],
        "evidence": "Опытный образец собран",
    }
    change = StageChange.objects.get(company=world.company)
    assert change.changed_by == world.users["founder"]


def test_sending_the_current_stage_records_no_step(api_for, world):
    response = api_for("manager").patch(f"{LIST}/{world.company.pk}", {"stage": "idea"})
    assert response.status_code == 200
    assert not StageChange.objects.filter(company=world.company).exists()


def test_update_replaces_directions_and_clears_the_site(api_for, world):
    energy = DirectionFactory(park=world.park, code="energy")
    response = api_for("manager", "token").patch(
        f"{LIST}/{world.company.pk}", {"directions": [energy.pk], "site": None}
    )
    assert response.status_code == 200
    assert response.json()["directions"] == [{"id": energy.pk, "code": "energy"}]
    world.company.refresh_from_db()
    assert world.company.site is None
    assert list(world.company.directions.all()) == [energy]


def test_update_may_clear_the_founding_date(api_for, world):
    world.company.founded_on = "2020-01-01"
    world.company.save()
    response = api_for("manager").patch(f"{LIST}/{world.company.pk}", {"founded_on": None})
    assert response.json()["founded_on"] is None


def test_staff_set_park_flags(api_for, world):
    response = api_for("manager").patch(
        f"{LIST}/{world.company.pk}", {"started_in_park": True, "supported_by_park": True}
    )
    assert response.status_code == 200
    world.company.refresh_from_db()
    assert world.company.started_in_park and world.company.supported_by_park


def test_founder_may_not_change_park_flags(api_for, world):
    before = snapshot(world.company)
    response = api_for("founder").patch(
        f"{LIST}/{world.company.pk}", {"short_name": "Код", "started_in_park": True}
    )
    assert response.status_code == 403
    assert snapshot(world.company) == before


def test_founder_may_resend_a_park_flag_unchanged(api_for, world):
    response = api_for("founder").patch(
        f"{LIST}/{world.company.pk}", {"short_name": "Код", "started_in_park": False}
    )
    assert response.status_code == 200


def test_founder_who_does_not_act_for_the_company_may_not_edit(api_for, world):
    TeamMember.objects.filter(user=world.users["founder"]).update(acts_for_company=False)
    response = api_for("founder").patch(f"{LIST}/{world.company.pk}", {"short_name": "Код"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"inn": "1234567890"}, "inn"),
        ({"inn": None}, "inn"),
        ({"short_name": "   "}, "short_name"),
        ({"short_name": None}, "short_name"),
        ({"stage": "unicorn"}, "stage"),
        ({"site": 987654}, "site"),
        ({"directions": [987654]}, "directions"),
        ({"directions": None}, "directions"),
        ({"website": "ftp//nowhere"}, "website"),
        ({"stage_evidence": "\x00"}, "stage_evidence"),
        ({"position": "CEO"}, "position"),  # not a company field
        ({"stage": "market", "inn": "1"}, "inn"),  # a refused field stops the stage step too
    ],
)
def test_update_refusals_name_the_field_and_change_nothing(api_for, world, changes, field):
    before = snapshot(world.company)
    response = api_for("manager").patch(f"{LIST}/{world.company.pk}", changes)
    assert field in field_errors(response), response.json()
    assert snapshot(world.company) == before


def test_update_refuses_another_companys_inn(api_for, world):
    before = snapshot(world.company)
    response = api_for("manager").patch(
        f"{LIST}/{world.company.pk}", {"inn": world.other_company.inn}
    )
    assert "inn" in field_errors(response)
    assert snapshot(world.company) == before


def test_update_refuses_another_parks_site(api_for, world):
    foreign_site = SiteFactory(park=world.other_park)
    before = snapshot(world.company)
    response = api_for("manager").patch(f"{LIST}/{world.company.pk}", {"site": foreign_site.pk})
    assert list(field_errors(response)) == ["site"]
    assert snapshot(world.company) == before


@pytest.mark.parametrize("body", ["{oops", "[]", "12"])
def test_update_with_a_malformed_body_changes_nothing(api_for, world, body):
    before = snapshot(world.company)
    response = api_for("manager").patch(f"{LIST}/{world.company.pk}", body=body)
    assert response.status_code in {400, 422}
    assert snapshot(world.company) == before


def test_another_parks_company_cannot_be_edited_from_here(api_for, world):
    before = snapshot(world.foreign_company)
    response = api_for("manager").patch(
        f"{LIST}/{world.foreign_company.pk}", {"short_name": "Захват"}
    )
    assert response.status_code == 404
    assert snapshot(world.foreign_company) == before


def test_outsider_cannot_edit_from_their_own_park_either(api_for, world):
    # A manager of kolyma asks for yakutia's company under kolyma: not found there.
    before = snapshot(world.company)
    response = api_for("outsider", "token").patch(
        f"/api/v1/parks/kolyma/companies/{world.company.pk}", {"short_name": "Захват"}
    )
    assert response.status_code == 404
    assert snapshot(world.company) == before


def test_unknown_company_is_404_to_staff_and_403_to_those_who_edit_nothing(api_for):
    assert api_for("manager").patch(f"{LIST}/987654", {"short_name": "X"}).status_code == 404
    # An expert may edit no company, so is refused before anything is looked up.
    assert api_for("expert").patch(f"{LIST}/987654", {"short_name": "X"}).status_code == 403


def test_founder_edits_a_company_they_joined_by_registering_it(api_for):
    api = api_for("other_founder", "token")
    created = api.post(LIST, payload()).json()
    response = api.patch(f"{LIST}/{created['id']}", {"stage": "prototype"})
    assert response.status_code == 200
    assert response.json()["stage"] == "prototype"


def test_founder_cannot_edit_a_company_registered_by_staff(api_for):
    created = api_for("manager").post(LIST, payload()).json()
    response = api_for("founder").patch(f"{LIST}/{created['id']}", {"short_name": "Моя"})
    assert response.status_code == 403


def test_an_oversized_body_is_refused_without_a_crash(api_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    before = Company.all_parks.count()
    response = api_for("manager", "token").post(LIST, payload(description="x" * 20_000))
    assert response.status_code == 400
    assert Company.all_parks.count() == before
