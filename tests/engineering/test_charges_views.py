"""The charge pages: the charge section of a request's page for each role, charging from the
page (a budget line offered with what is left on it, the refusal next to the field), disputes and
their answers, the month's charges for staff only (a fixed number of queries), and the grant's
page showing what park services charged to each budget line."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from technopark.engineering.models import AdjustmentStatus, Charge, ChargeAdjustment, RequestState
from technopark.grants.models import BudgetLine
from tests.engineering.charging import accepted, charge, grant_line

pytestmark = pytest.mark.django_db
D = Decimal
PARK = "yakutia"
ROLES = ("anonymous", "founder", "other_founder", "manager", "expert", "observer", "outsider")
ALL = (*ROLES, "engineer", "other_engineer")


def url(name, **kwargs):
    return reverse(f"engineering:{name}", kwargs={"park_slug": PARK, **kwargs})


@pytest.fixture
def login(centre, client):
    def make(role):
        if role != "anonymous":
            client.force_login(centre.world.users[role])
        return client

    return make


# --- Charging from the request's page -------------------------------------------------------


@pytest.mark.parametrize("role", ALL)
def test_only_the_manager_is_offered_the_charge_form(centre, frozen, login, role):
    request = accepted(centre)
    response = login(role).get(url("request", pk=request.pk))
    if role == "anonymous":
        assert response.status_code == 302
        return
    if role not in ("founder", "manager", "engineer", "other_engineer"):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert ('data-testid="charge-form"' in response.content.decode()) == (role == "manager")


def test_the_manager_charges_a_budget_line_shown_with_what_is_left(centre, frozen, login):
    line = grant_line(centre.world, services_amount="30000.00")
    request = accepted(centre)
    client = login("manager")
    page = client.get(url("request", pk=request.pk))
    body = page.content.decode()
    assert f'value="line-{line.pk}"' in body and "RUB\u00a030,000.00" in body
    key = page.context["charge_form"].initial["idempotency_key"]
    data = {"payer": f"line-{line.pk}", "idempotency_key": key}
    response = client.post(url("charge_create", pk=request.pk), data)
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.charged == D("25000.00")
    # the same form sent again (a double click, a reload) charges nothing more
    again = client.post(url("charge_create", pk=request.pk), data)
    assert again.status_code == 302 and again["Location"] == url("request", pk=request.pk)
    line.refresh_from_db()
    assert line.charged == D("25000.00") and Charge.all_parks.count() == 1
    shown = client.get(url("request", pk=request.pk)).content.decode()
    assert 'data-testid="charge-lines"' in shown and "RUB\u00a025,000.00" in shown


def test_a_charge_beyond_the_line_is_refused_next_to_the_payer(centre, frozen, login):
    line = grant_line(centre.world, services_amount="20000.00")
    request = accepted(centre)
    response = login("manager").post(
        url("charge_create", pk=request.pk),
        {"payer": f"line-{line.pk}", "idempotency_key": "k-1"},
    )
    assert response.status_code == 400
    assert "left on the line: RUB\u00a020,000.00" in str(
        response.context["charge_form"]["payer"].errors
    )
    request.refresh_from_db()
    assert request.state == RequestState.ACCEPTED


@pytest.mark.parametrize(
    "data",
    [
        {"payer": "line-999999", "idempotency_key": "k"},
        {"payer": "line-x", "idempotency_key": "k"},
        {"payer": "company", "idempotency_key": ""},
        {"payer": "company", "idempotency_key": "k" * 101},
        {},
    ],
)
def test_bad_charge_input_is_a_400(centre, frozen, login, data):
    request = accepted(centre)
    response = login("manager").post(url("charge_create", pk=request.pk), data)
    assert response.status_code == 400
    assert not Charge.all_parks.exists()


def test_a_line_of_another_companys_grant_is_not_offered_and_refused(centre, frozen, login):
    other = grant_line(centre.world, centre.world.other_company)
    request = accepted(centre)
    client = login("manager")
    assert f"line-{other.pk}" not in client.get(url("request", pk=request.pk)).content.decode()
    response = client.post(
        url("charge_create", pk=request.pk), {"payer": f"line-{other.pk}", "idempotency_key": "k"}
    )
    assert response.status_code == 400
    assert BudgetLine.objects.get(pk=other.pk).charged == D("0.00")


@pytest.mark.parametrize("role", ["founder", "engineer", "observer", "other_founder", "outsider"])
def test_no_one_but_staff_charges_from_the_page(centre, frozen, login, role):
    request = accepted(centre)
    response = login(role).post(
        url("charge_create", pk=request.pk), {"payer": "company", "idempotency_key": "k"}
    )
    assert response.status_code in (403, 404)
    assert not Charge.all_parks.exists()


# --- Disputes -------------------------------------------------------------------------------


def test_the_company_disputes_and_the_manager_accepts(centre, frozen, login):
    line = grant_line(centre.world)
    made = charge(centre, accepted(centre), line=line).charge
    original = made.lines.get()
    founder = login("founder")
    page = founder.get(url("request", pk=made.request_id)).content.decode()
    assert 'data-testid="dispute-form"' in page
    response = founder.post(
        url("charge_dispute", pk=original.pk),
        {"proposed_amount": "20 000,00", "reason": "Два образца испорчены."},
    )
    assert response.status_code == 302
    adjustment = ChargeAdjustment.all_parks.get()
    manager = login("manager")
    assert (
        'data-testid="decision-form"'
        in manager.get(url("request", pk=made.request_id)).content.decode()
    )
    response = manager.post(url("adjustment_decide", pk=adjustment.pk), {"decision": "accept"})
    assert response.status_code == 302
    adjustment.refresh_from_db()
    line.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.ACCEPTED and line.charged == D("20000.00")


def test_a_refusal_without_a_reason_is_a_400_next_to_the_reason(centre, frozen, login):
    made = charge(centre, accepted(centre)).charge
    login("founder").post(
        url("charge_dispute", pk=made.lines.get().pk),
        {"proposed_amount": "1", "reason": "Дорого."},
    )
    adjustment = ChargeAdjustment.all_parks.get()
    response = login("manager").post(
        url("adjustment_decide", pk=adjustment.pk), {"decision": "refuse", "reason": ""}
    )
    assert response.status_code == 400
    assert response.context["decision_form"]["reason"].errors


@pytest.mark.parametrize("data", [{"proposed_amount": "abc", "reason": "x"}, {"reason": "x"}])
def test_bad_dispute_input_is_a_400(centre, frozen, login, data):
    made = charge(centre, accepted(centre)).charge
    response = login("founder").post(url("charge_dispute", pk=made.lines.get().pk), data)
    assert response.status_code == 400
    assert not ChargeAdjustment.all_parks.exists()


@pytest.mark.parametrize("role", ["other_founder", "observer", "engineer", "manager", "outsider"])
def test_only_the_company_disputes(centre, frozen, login, role):
    made = charge(centre, accepted(centre)).charge
    response = login(role).post(
        url("charge_dispute", pk=made.lines.get().pk), {"proposed_amount": "1", "reason": "x"}
    )
    assert response.status_code in (403, 404)
    assert not ChargeAdjustment.all_parks.exists()


@pytest.mark.parametrize("role", ["founder", "other_founder", "observer", "engineer", "outsider"])
def test_only_staff_answer_a_dispute(centre, frozen, login, role):
    made = charge(centre, accepted(centre)).charge
    login("founder").post(
        url("charge_dispute", pk=made.lines.get().pk), {"proposed_amount": "1", "reason": "x"}
    )
    adjustment = ChargeAdjustment.all_parks.get()
    client = login(role)
    response = client.post(url("adjustment_decide", pk=adjustment.pk), {"decision": "accept"})
    assert response.status_code in (403, 404)
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.REQUESTED


# --- The month's charges --------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL)
def test_the_months_charges_are_the_staffs(centre, frozen, login, role):
    charge(centre, accepted(centre))
    response = login(role).get(url("charges"), {"year": "2026", "month": "3"})
    if role == "anonymous":
        assert response.status_code == 302
    elif role == "manager":
        assert response.status_code == 200
        body = response.content.decode()
        assert 'data-testid="month-charges"' in body and "RUB\u00a025,000.00" in body
    else:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("params", [{"year": "99999", "month": "13"}, {"month": "x"}, {}])
def test_a_bad_month_shows_this_month(centre, frozen, login, params):
    response = login("manager").get(url("charges"), params)
    assert response.status_code == 200
    assert response.context["shown"].month == 3 and response.context["shown"].year == 2026


@pytest.mark.parametrize("n", [1, 4])
def test_the_months_page_runs_a_fixed_number_of_queries(
    centre, frozen, login, django_assert_num_queries, n
):
    line = grant_line(centre.world, services_amount="200000.00")
    for k in range(n):
        charge(centre, accepted(centre), line=line if k % 2 else None)
    client = login("manager")
    with django_assert_num_queries(MONTH_QUERIES):
        response = client.get(url("charges"))
    assert len(response.context["data"].charges) == n


# the middleware's and the layout's (3, the rest from the caches); the month's charges, its
# sums by payer and by tier (3)
MONTH_QUERIES = 6


# --- The grant's page -----------------------------------------------------------------------


def test_the_grants_page_shows_what_park_services_charged_to_each_line(centre, frozen, login):
    line = grant_line(centre.world)
    charge(centre, accepted(centre), line=line)
    response = login("manager").get(
        reverse("grants:detail", kwargs={"park_slug": PARK, "pk": line.award_id})
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Charged by park services" in body
    assert 'data-testid="budget-charged">RUB\u00a025,000.00' in body


def test_the_charge_pages_speak_russian(centre, frozen, login):
    line = grant_line(centre.world)
    made = charge(centre, accepted(centre), line=line).charge
    client = login("manager")
    client.cookies["django_language"] = "ru"
    page = client.get(url("request", pk=made.request_id), HTTP_ACCEPT_LANGUAGE="ru")
    body = page.content.decode()
    assert f"Грант {line.award.decision_reference}, статья бюджета «Услуги»" in body
    assert "Оспорить строку" not in body  # staff answer disputes, the company makes them
    month = client.get(url("charges"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "По плательщикам" in month and "25\u00a0000,00\u00a0₽" in month
