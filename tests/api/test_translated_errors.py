"""pydantic's own validation messages come back in the requester's language (Accept-Language, or
the language chosen on the site, kept in its cookie), with the API's 422 shape unchanged; every
answer is checked against the OpenAPI document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

import pytest
from django.conf import settings
from django.utils import translation
from pydantic import BaseModel, Field, ValidationError

from technopark.api.errors import PYDANTIC_MESSAGES, translated_message
from tests.grants.factories import make_award, make_participant

pytestmark = pytest.mark.django_db
RU = {"Accept-Language": "ru"}


@pytest.fixture
def award(world):
    return make_award(make_participant(world.park, world.company), world.users["manager"])


def milestones(award) -> str:
    return f"/api/v1/parks/yakutia/grants/{award.pk}/milestones"


def only_error(response) -> dict:
    assert response.status_code == 422, response.content
    (item,) = response.json()["detail"]
    assert set(item) == {"loc", "msg", "type"}  # the documented shape, nothing more
    return item


def test_a_missing_field_in_russian(api_for, award):
    response = api_for("manager", "token").post(
        milestones(award), {"due_on": "2026-12-01"}, headers=RU
    )
    assert only_error(response) == {
        "loc": ["body", "payload", "title"],
        "msg": "Обязательное поле.",
        "type": "missing",
    }


def test_a_too_long_string_in_russian_names_the_limit(api_for, award):
    response = api_for("manager", "token").post(
        milestones(award), {"title": "я" * 201, "due_on": "2026-12-01"}, headers=RU
    )
    item = only_error(response)
    assert item["msg"] == "Не больше 200 символов."
    assert item["type"] == "string_too_long"


def test_a_bad_integer_in_russian(api_for, award):
    response = api_for("manager", "token").get(
        "/api/v1/parks/yakutia/grants/двадцать/milestones", headers=RU
    )
    item = only_error(response)
    assert (item["loc"], item["msg"], item["type"]) == (
        ["path", "grant_id"],
        "Введите целое число.",
        "int_parsing",
    )


def test_a_bad_date_in_russian(api_for, award):
    response = api_for("manager", "token").post(
        milestones(award), {"title": "Пилот", "due_on": "2026-02-30"}, headers=RU
    )
    item = only_error(response)
    assert item["msg"].startswith("Неверная дата")
    assert item["loc"] == ["body", "payload", "due_on"]


def test_a_bad_query_parameter_in_russian(api_for):
    response = api_for("manager", "token").get(
        "/api/v1/parks/yakutia/grants", params={"limit": "много"}, headers=RU
    )
    item = only_error(response)
    assert (item["loc"], item["msg"]) == (["query", "limit"], "Введите целое число.")


def test_english_when_asked_and_by_default(api_for, award):
    api = api_for("manager", "token")
    asked = api.post(milestones(award), {"due_on": "2026-12-01"}, headers={"Accept-Language": "en"})
    assert only_error(asked)["msg"] == "This field is required."
    default = api.post(milestones(award), {"title": "x" * 201, "due_on": "2026-12-01"})
    assert only_error(default)["msg"] == "Enter at most 200 characters."


def test_the_sites_default_language_without_a_header(api_for, award, settings):
    settings.LANGUAGE_CODE = "ru"
    response = api_for("manager", "token").post(milestones(award), {"due_on": "2026-12-01"})
    assert only_error(response)["msg"] == "Обязательное поле."


def test_the_language_chosen_on_the_site_follows_a_session(api_for, award):
    api = api_for("manager")  # a browser session that chose Russian with the language switch
    api.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = api.post(milestones(award), {"due_on": "2026-12-01"})
    assert only_error(response)["msg"] == "Обязательное поле."


def test_several_refusals_in_russian_keep_their_locations(api_for, award):
    response = api_for("manager", "token").post(
        milestones(award), {"title": 7, "due_on": None, "extra": 1}, headers=RU
    )
    assert response.status_code == 422
    by_field = {item["loc"][-1]: (item["msg"], item["type"]) for item in response.json()["detail"]}
    assert by_field == {
        "title": ("Введите текст.", "string_type"),
        "due_on": ("Неверная дата: введите её в виде ГГГГ-ММ-ДД.", "date_type"),
        "extra": ("Это поле здесь не предусмотрено.", "extra_forbidden"),
    }


def test_a_choice_lists_the_values_in_russian(api_for, award, world):
    from technopark.grants import services

    report = services.grant_report_file(
        milestone=award.milestones.first(), actor=world.users["founder"], summary="x", spending={}
    )
    response = api_for("manager", "token").post(
        f"/api/v1/parks/yakutia/grants/{award.pk}/reports/{report.pk}/review",
        {"decision": "может быть"},
        headers=RU,
    )
    assert only_error(response)["msg"] == "Выберите одно из значений: 'accept' или 'return'."


def test_the_projects_own_checks_keep_their_translated_message(api_for, award):
    response = api_for("manager", "token").post(
        milestones(award), {"title": "a\nb", "due_on": "2026-12-01"}, headers=RU
    )
    item = only_error(response)
    assert item["type"] == "value_error"
    assert item["msg"] == "Напишите это в одну строку: переносы строк здесь не допускаются."
    null = api_for("manager", "token").post(
        milestones(award), {"title": "x", "due_on": "2026-12-01", "deliverables": None}, headers=RU
    )
    assert only_error(null)["msg"].startswith("Не передавайте null")


def test_a_multipart_refusal_in_russian(api_for, award, world, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    milestone = award.milestones.first()
    response = api_for("founder", "token").multipart(
        f"{milestones(award)}/{milestone.pk}/reports", {"spent_other": "-1"}, headers=RU
    )
    assert response.status_code == 422
    messages = {item["loc"][-1]: item["msg"] for item in response.json()["detail"]}
    assert messages == {
        "summary": "Обязательное поле.",
        "spent_other": "Введите значение не меньше 0.",
    }


# --- The table itself ---------------------------------------------------------------------------


class Sample(BaseModel):
    text: Annotated[str, Field(min_length=2, max_length=3, pattern="^[a-z]+$")] = "ab"
    whole: int = 1
    small: Annotated[int, Field(gt=0, lt=10, multiple_of=2)] = 2
    money: Annotated[Decimal, Field(max_digits=4, decimal_places=2)] = Decimal("1")
    day: dt.date = dt.date(2026, 1, 1)
    moment: dt.datetime = dt.datetime(2026, 1, 1)
    flag: bool = True
    kind: Literal["a", "b"] = "a"
    items: Annotated[list[int], Field(min_length=1, max_length=2)] = [1]
    ratio: float = 1.0


@pytest.mark.parametrize(
    ("data", "expected_type"),
    [
        ({"text": "a"}, "string_too_short"),
        ({"text": "abcd"}, "string_too_long"),
        ({"text": "AB"}, "string_pattern_mismatch"),
        ({"text": 5}, "string_type"),
        ({"whole": "x"}, "int_parsing"),
        ({"whole": 1.5}, "int_from_float"),
        ({"whole": [1]}, "int_type"),
        ({"small": 0}, "greater_than"),
        ({"small": 12}, "less_than"),
        ({"small": 3}, "multiple_of"),
        ({"money": "x"}, "decimal_parsing"),
        ({"money": "123.4"}, "decimal_whole_digits"),
        ({"money": "1.234"}, "decimal_max_places"),
        ({"day": "2026-13-01"}, "date_from_datetime_parsing"),
        ({"day": "2026-01-01T10:00"}, "date_from_datetime_inexact"),
        ({"moment": "вчера"}, "datetime_from_date_parsing"),
        ({"flag": "может"}, "bool_parsing"),
        ({"kind": "c"}, "literal_error"),
        ({"items": []}, "too_short"),
        ({"items": [1, 2, 3]}, "too_long"),
        ({"items": 3}, "list_type"),
        ({"ratio": "x"}, "float_parsing"),
    ],
)
def test_each_common_refusal_has_a_russian_message(data, expected_type):
    with pytest.raises(ValidationError) as refused:
        Sample(**data)
    (item,) = refused.value.errors()
    assert item["type"] == expected_type
    assert expected_type in PYDANTIC_MESSAGES
    with translation.override("en"):
        english = translated_message(item)
    with translation.override("ru"):
        russian = translated_message(item)
    assert english and russian and russian != english
    assert not any(
        "a" <= ch <= "z"
        for ch in russian.replace("true", "")
        .replace("false", "")
        .replace("'a'", "")
        .replace("'b'", "")
        .replace("UUID", "")
    )


@pytest.mark.parametrize(
    ("item", "russian"),
    [
        ({"type": "string_too_long", "ctx": {"max_length": 1}}, "Не больше 1 символа."),
        ({"type": "string_too_long", "ctx": {"max_length": 3}}, "Не больше 3 символов."),
        ({"type": "string_too_long", "ctx": {"max_length": 21}}, "Не больше 21 символа."),
        ({"type": "string_too_short", "ctx": {"min_length": 5}}, "Не меньше 5 символов."),
        ({"type": "greater_than_equal", "ctx": {"ge": 1}}, "Введите значение не меньше 1."),
        ({"type": "less_than_equal", "ctx": {"le": 9}}, "Введите значение не больше 9."),
        ({"type": "decimal_max_digits", "ctx": {"max_digits": 14}}, "Не больше 14 цифр всего."),
        ({"type": "too_long", "ctx": {"max_length": 2}}, "Не больше 2 элементов."),
        ({"type": "missing"}, "Обязательное поле."),
        ({"type": "string_too_long"}, "Не больше 0 символов."),  # no ctx: no crash
    ],
)
def test_limits_are_put_into_the_russian_message(item, russian):
    with translation.override("ru"):
        assert translated_message(item) == russian


def test_an_unknown_type_keeps_pydantics_message():
    item = {"type": "url_parsing", "msg": "Input should be a valid URL", "ctx": {}}
    with translation.override("ru"):
        assert translated_message(item) == "Input should be a valid URL"
    value_error = {"type": "value_error", "msg": "Value error, Укажите число поменьше."}
    assert translated_message(value_error) == "Укажите число поменьше."
