# ruff: noqa: F811 - the fixtures of tests/engineering are imported by name and used as arguments
"""The charges API: every answer checked against the served OpenAPI document; a charge made once
per idempotency key (201, then 200 with the same charge), a budget line that cannot pay as a 409
saying what is left, disputes and answers, and the role matrix (other companies, observers and
other parks: 404 or 403, never the charge)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from technopark.engineering.models import Charge, ChargeAdjustment
from technopark.grants.models import BudgetLine
from tests.api.conftest import field_errors
from tests.engineering.charging import accepted, charge, grant_line
from tests.engineering.conftest import centre, frozen  # noqa: F401

pytestmark = pytest.mark.django_db
D = Decimal
API = "/api/v1/parks/yakutia/engineering"


def body(response):
    return json.loads(response.content)


@pytest.fixture
def api(centre, api_as):
    def make(role):
        return api_as(centre.world.users[role]) if role != "anonymous" else api_as(None)

    return make


def test_the_manager_charges_a_budget_line_once(centre, frozen, api):
    line = grant_line(centre.world)
    request = accepted(centre)
    data = {"payer": "budget_line", "budget_line_id": line.pk, "idempotency_key": "api-1"}
    first = api("manager").post(f"{API}/requests/{request.pk}/charge", data)
    assert first.status_code == 201, first.content
    made = body(first)
    assert made["total"] == "25000.00" and made["grant_id"] == line.award_id
    assert made["lines"][0]["tier"] == "external"
    again = api("manager").post(f"{API}/requests/{request.pk}/charge", data)
    assert again.status_code == 200 and body(again)["id"] == made["id"]
    assert BudgetLine.objects.get(pk=line.pk).charged == D("25000.00")
    other_key = api("manager").post(
        f"{API}/requests/{request.pk}/charge", {**data, "idempotency_key": "api-2"}
    )
    assert other_key.status_code in (409, 422)
    assert Charge.all_parks.count() == 1


def test_a_line_that_cannot_pay_is_a_409_saying_what_is_left(centre, frozen, api):
    line = grant_line(centre.world, services_amount="1000.00")
    request = accepted(centre)
    response = api("manager").post(
        f"{API}/requests/{request.pk}/charge",
        {"payer": "budget_line", "budget_line_id": line.pk, "idempotency_key": "k"},
    )
    assert response.status_code == 409
    assert "left on the line: RUB\u00a01,000.00" in body(response)["detail"]


def test_another_companys_line_is_a_422(centre, frozen, api):
    other = grant_line(centre.world, centre.world.other_company)
    request = accepted(centre)
    response = api("manager").post(
        f"{API}/requests/{request.pk}/charge",
        {"payer": "budget_line", "budget_line_id": other.pk, "idempotency_key": "k"},
    )
    assert "budget_line_id" in field_errors(response)


@pytest.mark.parametrize(
    "data",
    [
        {"payer": "bank", "idempotency_key": "k"},
        {"payer": "company", "idempotency_key": ""},
        {"payer": "company", "idempotency_key": "k" * 101},
        {"payer": "company"},
        {"payer": "budget_line", "idempotency_key": "k"},
        {"payer": "company", "idempotency_key": "k", "budget_line_id": 0},
    ],
)
def test_bad_charge_input_is_a_422(centre, frozen, api, data):
    request = accepted(centre)
    response = api("manager").post(f"{API}/requests/{request.pk}/charge", data)
    assert response.status_code == 422
    assert not Charge.all_parks.exists()


@pytest.mark.parametrize(
    ("role", "codes"),
    [
        ("anonymous", {401}),
        ("founder", {403}),
        ("engineer", {403}),
        ("other_founder", {403, 404}),
        ("observer", {403, 404}),
        ("outsider", {403, 404}),
    ],
)
def test_only_staff_charge(centre, frozen, api, role, codes):
    request = accepted(centre)
    response = api(role).post(
        f"{API}/requests/{request.pk}/charge", {"payer": "company", "idempotency_key": "k"}
    )
    assert response.status_code in codes
    assert not Charge.all_parks.exists()


@pytest.mark.parametrize(
    "role", ["founder", "manager", "engineer", "other_founder", "observer", "outsider"]
)
def test_who_reads_a_charge(centre, frozen, api, role):
    request = accepted(centre)
    charge(centre, request)
    response = api(role).get(f"{API}/requests/{request.pk}/charge")
    if role in ("founder", "manager", "engineer"):
        assert response.status_code == 200 and body(response)["total"] == "25000.00"
    else:
        assert response.status_code == 404


def test_no_charge_yet_is_a_404(centre, frozen, api):
    request = accepted(centre)
    assert api("manager").get(f"{API}/requests/{request.pk}/charge").status_code == 404


def test_a_dispute_and_its_answer(centre, frozen, api):
    line = grant_line(centre.world)
    made = charge(centre, accepted(centre), line=line).charge
    original = made.lines.get()
    asked = api("founder").post(
        f"{API}/charge-lines/{original.pk}/adjustments",
        {"proposed_amount": "20000.00", "reason": "Два образца испорчены."},
    )
    assert asked.status_code == 201, asked.content
    again = api("founder").post(
        f"{API}/charge-lines/{original.pk}/adjustments",
        {"proposed_amount": "10000.00", "reason": "Ещё раз."},
    )
    assert "line" in field_errors(again)
    adjustment_id = body(asked)["id"]
    refused = api("manager").post(f"{API}/adjustments/{adjustment_id}/decision", {"accept": False})
    assert "reason" in field_errors(refused)
    decided = api("manager").post(f"{API}/adjustments/{adjustment_id}/decision", {"accept": True})
    assert decided.status_code == 200 and body(decided)["status"] == "accepted"
    shown = body(api("founder").get(f"{API}/requests/{made.request_id}/charge"))
    assert shown["total"] == "20000.00"
    assert [item["amount"] for item in shown["lines"]] == ["25000.00", "-5000.00"]
    assert shown["lines"][1]["corrects_id"] == original.pk
    assert BudgetLine.objects.get(pk=line.pk).charged == D("20000.00")


def test_an_adjustment_beyond_the_line_is_a_409(centre, frozen, api):
    line = grant_line(centre.world, services_amount="25000.00")
    made = charge(centre, accepted(centre), line=line).charge
    asked = api("founder").post(
        f"{API}/charge-lines/{made.lines.get().pk}/adjustments",
        {"proposed_amount": "26000.00", "reason": "Доплата за срочность."},
    )
    response = api("manager").post(
        f"{API}/adjustments/{body(asked)['id']}/decision", {"accept": True}
    )
    assert response.status_code == 409
    assert "left on the line: RUB\u00a00.00" in body(response)["detail"]


@pytest.mark.parametrize("role", ["other_founder", "observer", "outsider", "engineer", "manager"])
def test_only_the_company_disputes(centre, frozen, api, role):
    made = charge(centre, accepted(centre)).charge
    response = api(role).post(
        f"{API}/charge-lines/{made.lines.get().pk}/adjustments",
        {"proposed_amount": "1.00", "reason": "x"},
    )
    assert response.status_code in (403, 404)
    assert not ChargeAdjustment.all_parks.exists()


@pytest.mark.parametrize("role", ["founder", "other_founder", "observer", "outsider", "engineer"])
def test_only_staff_answer(centre, frozen, api, role):
    made = charge(centre, accepted(centre)).charge
    asked = api("founder").post(
        f"{API}/charge-lines/{made.lines.get().pk}/adjustments",
        {"proposed_amount": "1.00", "reason": "x"},
    )
    response = api(role).post(f"{API}/adjustments/{body(asked)['id']}/decision", {"accept": True})
    assert response.status_code in (403, 404)
    assert ChargeAdjustment.all_parks.get().status == "requested"
