"""The residency API: the public register, a founder's own reports (read and file), and the
staff's view of a quarter's reports and of overdue ones."""

from __future__ import annotations

from decimal import Decimal

import pytest

from technopark.residency import services
from technopark.residency.models import QuarterlyReport
from technopark.residency.schedule import Quarter, last_due_quarter
from tests.api.conftest import field_errors
from tests.conftest import ROLES
from tests.factories import CompanyFactory
from tests.residency.conftest import admit, current, file_report

REGISTER = "/api/v1/parks/yakutia/residents"
MINE = "/api/v1/parks/yakutia/resident-reports/mine"
REPORTS = "/api/v1/parks/yakutia/resident-reports"
OVERDUE = "/api/v1/parks/yakutia/resident-reports/overdue"

FOUNDERS = {
    "anonymous": 401,
    "founder": 200,
    "other_founder": 200,
    "manager": 403,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}
STAFF_READ = {
    "anonymous": 401,
    "founder": 403,
    "other_founder": 403,
    "manager": 200,
    "expert": 403,
    "observer": 200,
    "outsider": 403,
}
FILE_STATUS = {**FOUNDERS, "founder": 201, "other_founder": 403}


def payload(company, **overrides):
    data = {
        "company_id": company.pk,
        "revenue": "1250000.50",
        "taxes_paid": "150000.00",
        "investment_raised": "0",
        "rnd_spending": "300000.25",
        "exports": "0",
        "headcount": 7,
        "ip_registered": 1,
    }
    data.update(overrides)
    return data


@pytest.fixture
def resident(world):
    return admit(
        world.company,
        actor=world.users["manager"],
        site=world.site,
        directions=[world.direction],
        number="ДР-2025-001",
    )


def test_the_matrices_cover_every_role():
    for matrix in (FOUNDERS, STAFF_READ, FILE_STATUS):
        assert set(matrix) == set(ROLES)


# --- The public register --------------------------------------------------------------------


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_register_is_public(api_for, resident, role, auth):
    response = api_for(role, auth).get(REGISTER)
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_register_entry_holds_the_public_data(api_for, world, resident):
    item = api_for("anonymous").get(REGISTER).json()["items"][0]
    company = world.company
    assert item == {
        "company_id": company.pk,
        "short_name": company.short_name,
        "legal_name": company.legal_name,
        "inn": company.inn,
        "ogrn": company.ogrn,
        "agreement_number": "ДР-2025-001",
        "agreement_date": resident.start_date.isoformat(),
        "status": "active",
        "status_since": resident.start_date.isoformat(),
        "end_date": None,
        "site": world.site.display_name,
        "directions": [{"id": world.direction.pk, "code": "it"}],
    }


def test_register_filters_and_pages(api_for, world, resident):
    gone = admit(world.other_company)
    services.resident_end(resident=gone, actor=None)
    api = api_for("anonymous")
    assert api.get(REGISTER).json()["count"] == 1
    assert api.get(REGISTER, {"status": "all"}).json()["count"] == 2
    assert api.get(REGISTER, {"status": "ended"}).json()["items"][0]["status"] == "ended"
    assert api.get(REGISTER, {"q": "мерзлота", "status": "all"}).json()["count"] == 1
    assert api.get(REGISTER, {"direction": world.direction.pk}).json()["count"] == 1
    page = api.get(REGISTER, {"status": "all", "limit": 1, "offset": 1}).json()
    assert (page["count"], len(page["items"]), page["offset"]) == (2, 1, 1)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "gone"}, "query.status"),
        ({"direction": "0"}, "query.direction"),
        ({"direction": "abc"}, "query.direction"),
        ({"limit": "0"}, "query.limit"),
        ({"limit": "101"}, "query.limit"),
        ({"offset": "-1"}, "query.offset"),
        ({"q": "x" * 101}, "query.q"),
        ({"q": "\x00"}, "query.q"),
    ],
)
def test_register_bad_parameters(api_for, resident, params, field):
    assert field in field_errors(api_for("anonymous").get(REGISTER, params))


def test_register_of_an_unknown_or_private_park(api_for, world):
    assert api_for("anonymous").get("/api/v1/parks/nowhere/residents").status_code == 404
    world.park.is_public = False
    world.park.save()
    from technopark.parks.caching import forget_park

    forget_park(slugs=["yakutia"])
    assert api_for("anonymous").get(REGISTER).status_code == 404
    assert api_for("outsider", "token").get(REGISTER).status_code == 404
    assert api_for("expert", "token").get(REGISTER).status_code == 200


def test_register_with_a_bad_token_is_401(world, openapi):
    from tests.api.conftest import ApiClient

    client = ApiClient(openapi)
    response = client.get(REGISTER, headers={"Authorization": "Bearer tp_nonsense"})
    assert response.status_code == 401


@pytest.mark.parametrize("n_residents", [2, 30])
def test_register_query_count(api_for, world, django_assert_num_queries, n_residents):
    for _ in range(n_residents):
        admit(CompanyFactory(park=world.park), directions=[world.direction])
    api = api_for("anonymous")
    # The park (middleware); the count, the page, its directions.
    with django_assert_num_queries(4):
        response = api.get(REGISTER, {"limit": 100})
    assert response.json()["count"] == n_residents
    with django_assert_num_queries(0):
        assert api.get(REGISTER, {"limit": 100}).json() == response.json()


def test_cached_register_shows_a_change_at_once(api_for, world, resident):
    api = api_for("anonymous")
    assert api.get(REGISTER).json()["count"] == 1
    admit(world.other_company)
    assert api.get(REGISTER).json()["count"] == 2


# --- A founder's own reports ----------------------------------------------------------------


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_mine_by_role(api_for, resident, role, auth):
    assert api_for(role, auth).get(MINE).status_code == FOUNDERS[role]


def test_mine_lists_current_quarter_and_overdue(api_for, world, resident):
    file_report(resident, current())
    body = api_for("founder").get(MINE).json()
    assert len(body) == 1
    item = body[0]
    assert item["company_id"] == world.company.pk
    assert item["current_filed"] is True
    assert (item["current_year"], item["current_quarter"]) == (current().year, current().quarter)
    assert len(item["overdue"]) == 3  # the three earlier quarters; the current one is filed
    report = item["reports"][0]
    assert report["revenue"] == "1250000.50"  # money as a decimal string
    assert report["headcount"] == 7
    assert api_for("other_founder").get(MINE).json() == []


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_file_by_role(api_for, world, resident, role, auth):
    response = api_for(role, auth).post(REPORTS, payload(world.company))
    assert response.status_code == FILE_STATUS[role]
    assert QuarterlyReport.all_parks.exists() == (role == "founder")


def test_file_the_current_report(api_for, world, resident):
    response = api_for("founder", "token").post(REPORTS, payload(world.company))
    assert response.status_code == 201
    body = response.json()
    assert (body["year"], body["quarter"]) == (current().year, current().quarter)
    assert body["rnd_spending"] == "300000.25"
    report = QuarterlyReport.all_parks.get()
    assert report.rnd_spending == Decimal("300000.25")
    assert report.submitted_by == world.users["founder"]


def test_file_an_earlier_quarter(api_for, world, resident):
    earlier = Quarter.from_period(current().period - 1)
    response = api_for("founder").post(
        REPORTS, payload(world.company, year=earlier.year, quarter=earlier.quarter)
    )
    assert response.status_code == 201
    assert response.json()["quarter"] == earlier.quarter


def test_file_without_csrf_is_refused(api_for, world, resident):
    response = api_for("founder").post(REPORTS, payload(world.company), csrf=False)
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"revenue": "-1"}, "revenue"),
        ({"taxes_paid": "1.001"}, "taxes_paid"),
        ({"investment_raised": "abc"}, "investment_raised"),
        ({"rnd_spending": "1" * 13}, "rnd_spending"),
        ({"exports": None}, "exports"),
        ({"headcount": -3}, "headcount"),
        ({"headcount": "many"}, "headcount"),
        ({"ip_registered": 10**7}, "ip_registered"),
        ({"ip_note": "x" * 5001}, "ip_note"),
        ({"ip_note": "\x00"}, "ip_note"),
        ({"quarter": 5, "year": 2026}, "quarter"),
        ({"year": 1999, "quarter": 1}, "year"),
        ({"year": 2026}, "quarter"),
        ({"company_id": 0}, "company_id"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_file_bad_input(api_for, world, resident, overrides, field):
    response = api_for("founder").post(REPORTS, payload(world.company, **overrides))
    assert field in field_errors(response)
    assert not QuarterlyReport.all_parks.exists()


def test_file_refusals_from_the_service(api_for, world, resident):
    api = api_for("founder")
    nxt = current().next()
    errors = field_errors(
        api.post(REPORTS, payload(world.company, year=nxt.year, quarter=nxt.quarter))
    )
    assert "has not ended" in errors["quarter"][0]
    assert api.post(REPORTS, payload(world.company)).status_code == 201
    errors = field_errors(api.post(REPORTS, payload(world.company)))
    assert "already been filed" in errors["quarter"][0]


def test_file_missing_fields(api_for, world, resident):
    response = api_for("founder").post(REPORTS, {"company_id": world.company.pk})
    errors = field_errors(response)
    assert {"revenue", "taxes_paid", "headcount"} <= set(errors)


def test_file_not_json(api_for, world, resident):
    response = api_for("founder").post(REPORTS, body=b"{not json")
    assert response.status_code == 400


def test_file_for_a_company_that_is_no_resident(api_for, world):
    assert api_for("founder").post(REPORTS, payload(world.company)).status_code == 404
    assert api_for("founder").post(REPORTS, payload(world.foreign_company)).status_code == 404


# --- Staff ----------------------------------------------------------------------------------


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", [REPORTS, OVERDUE])
def test_staff_views_by_role(api_for, resident, role, auth, path):
    assert api_for(role, auth).get(path).status_code == STAFF_READ[role]


def test_reports_of_a_quarter(api_for, world, resident):
    file_report(resident, current())
    other = admit(world.other_company)
    earlier = current().previous()
    file_report(other, earlier)
    api = api_for("manager")
    body = api.get(REPORTS).json()
    assert body["count"] == 1
    assert body["items"][0]["company_name"] == world.company.short_name
    assert body["items"][0]["revenue"] == "1250000.50"
    body = api.get(REPORTS, {"year": earlier.year, "quarter": earlier.quarter}).json()
    assert [i["company_id"] for i in body["items"]] == [world.other_company.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": 2026, "quarter": 0}, "query.quarter"),
        ({"year": 3000, "quarter": 1}, "query.year"),
        ({"year": "x", "quarter": 1}, "query.year"),
        ({"year": 2026}, "quarter"),
        ({"limit": 0}, "query.limit"),
    ],
)
def test_reports_bad_parameters(api_for, resident, params, field):
    assert field in field_errors(api_for("manager").get(REPORTS, params))


def test_overdue_list(api_for, world, resident):
    fresh = admit(world.other_company, start_date=current().first_day)
    file_report(fresh, current())
    body = api_for("observer", "token").get(OVERDUE).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["company_id"] == world.company.pk
    # Owed from three quarters back up to the last quarter past its due date.
    last_due = last_due_quarter("Asia/Yakutsk").period
    expected = [Quarter.from_period(p) for p in range(current().period - 3, last_due + 1)]
    assert item["overdue_count"] == len(expected) >= 3
    assert item["flagged"] is True
    assert item["overdue"] == [f"{q.year}-Q{q.quarter}" for q in expected]


@pytest.mark.parametrize("n_residents", [2, 12])
def test_staff_query_counts(api_for, world, django_assert_num_queries, n_residents):
    for _ in range(n_residents):
        file_report(admit(CompanyFactory(park=world.park)), current())
    api = api_for("manager", "token")
    api.get(REPORTS)
    # count, page (the token's owner, park and roles are cached by now)
    with django_assert_num_queries(2):
        assert api.get(REPORTS).json()["count"] == n_residents
    # count, page, the page's reports
    with django_assert_num_queries(3):
        assert api.get(OVERDUE).json()["count"] == n_residents
