"""The residency pages: who may open what, the register (page, CSV, cache, query counts), the
founders' report form, the staff's pages and decisions."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.html import escape

from technopark.residency import services
from technopark.residency.models import QuarterlyReport, ResidentState, ResidentStatus
from technopark.residency.schedule import Quarter
from tests.conftest import ROLES
from tests.factories import CompanyFactory
from tests.residency.conftest import admit, current, file_report

REGISTER = "/yakutia/residents/"
REGISTER_CSV = "/yakutia/residents/register.csv"
MY_REPORTS = "/yakutia/residents/reports/"
STAFF = "/yakutia/residents/staff/"
OVERDUE = "/yakutia/residents/staff/overdue/"
REPORTS = "/yakutia/residents/staff/reports/"
XLSX = "/yakutia/residents/staff/reports/export.xlsx"
ADMIT = "/yakutia/residents/staff/new/"


def file_url(company: Any) -> str:
    return f"/yakutia/residents/reports/{company.pk}/file/"


def detail_url(resident: Any) -> str:
    return f"/yakutia/residents/staff/{resident.pk}/"


def change_url(resident: Any) -> str:
    return f"/yakutia/residents/staff/{resident.pk}/status/"


def report_data(period: Quarter | None = None, **overrides: Any) -> dict[str, Any]:
    data = {
        "quarter": str((period or current()).period),
        "revenue": "1 250 000,50",
        "taxes_paid": "150000",
        "investment_raised": "0",
        "rnd_spending": "300000,25",
        "exports": "0",
        "headcount": "7",
        "ip_registered": "1",
        "ip_note": "",
    }
    data.update(overrides)
    return data


# --- Who may open what -------------------------------------------------------------------------

PUBLIC = dict.fromkeys(ROLES, 200)
FOUNDERS = {
    "anonymous": 302,
    "founder": 200,
    "other_founder": 200,
    "manager": 403,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}
OWN_COMPANY = {**FOUNDERS, "other_founder": 403}
STAFF_READ = {
    "anonymous": 302,
    "founder": 403,
    "other_founder": 403,
    "manager": 200,
    "expert": 403,
    "observer": 200,
    "outsider": 403,
}
STAFF_WRITE = {**STAFF_READ, "observer": 403}


def test_the_matrices_cover_every_role():
    for matrix in (PUBLIC, FOUNDERS, OWN_COMPANY, STAFF_READ, STAFF_WRITE):
        assert set(matrix) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", [REGISTER, REGISTER_CSV])
def test_register_is_public(role, path, client_for, resident):
    response = client_for(role).get(path)
    assert response.status_code == PUBLIC[role]


@pytest.mark.parametrize("role", ROLES)
def test_register_of_a_private_park_is_for_members(role, world, client_for, resident):
    world.park.is_public = False
    world.park.save()
    from technopark.parks.caching import forget_park

    forget_park(slugs=["yakutia"])
    response = client_for(role).get(REGISTER)
    assert response.status_code == (404 if role in ("anonymous", "outsider") else 200)


@pytest.mark.parametrize("role", ROLES)
def test_my_reports_by_role(role, client_for, resident):
    response = client_for(role).get(MY_REPORTS)
    assert response.status_code == FOUNDERS[role]
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=/yakutia/residents/")


@pytest.mark.parametrize("role", ROLES)
def test_report_form_by_role(role, world, client_for, resident):
    response = client_for(role).get(file_url(world.company))
    assert response.status_code == OWN_COMPANY[role]


@pytest.mark.parametrize("role", ROLES)
def test_filing_by_role(role, world, client_for, resident):
    response = client_for(role).post(file_url(world.company), report_data())
    expected = {200: 302}.get(OWN_COMPANY[role], OWN_COMPANY[role])
    assert response.status_code == expected
    assert QuarterlyReport.all_parks.exists() == (role == "founder")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", [STAFF, OVERDUE, REPORTS, XLSX])
def test_staff_pages_by_role(role, path, client_for, resident):
    response = client_for(role).get(path)
    assert response.status_code == STAFF_READ[role]
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_staff_detail_by_role(role, client_for, resident):
    response = client_for(role).get(detail_url(resident))
    assert response.status_code == STAFF_READ[role]


@pytest.mark.parametrize("role", ROLES)
def test_admit_page_by_role(role, client_for):
    assert client_for(role).get(ADMIT).status_code == STAFF_WRITE[role]


@pytest.mark.parametrize("role", ROLES)
def test_status_change_by_role(role, client_for, resident):
    response = client_for(role).post(
        change_url(resident), {"action": "suspend", "reason": "Missed reports"}
    )
    assert response.status_code == {200: 302}.get(STAFF_WRITE[role], STAFF_WRITE[role])
    resident.refresh_from_db()
    suspended = resident.status == ResidentState.SUSPENDED
    assert suspended == (role == "manager")


def test_another_parks_resident_is_not_found(world, client_for):
    foreign = admit(world.foreign_company)
    client = client_for("manager")
    assert client.get(detail_url(foreign)).status_code == 404
    assert client.post(change_url(foreign), {"action": "end"}).status_code == 404
    assert client.get(detail_url(type("R", (), {"pk": 999_999})())).status_code == 404


def test_a_founder_cannot_file_for_a_company_that_is_not_a_resident(world, client_for):
    assert client_for("founder").get(file_url(world.company)).status_code == 404
    assert client_for("founder").get(file_url(world.foreign_company)).status_code == 404


def test_a_founder_who_does_not_act_for_the_company_cannot_file(world, client_for, resident):
    world.company.team.update(acts_for_company=False)
    assert client_for("founder").get(file_url(world.company)).status_code == 403


# --- The register -------------------------------------------------------------------------------


def test_register_shows_what_a_public_register_holds(world, client_for, resident):
    body = client_for("anonymous").get(REGISTER).content.decode()
    company = world.company
    for value in (company.short_name, company.legal_name, company.inn, company.ogrn):
        assert escape(value) in body
    assert "ДР-2025-001" in body
    assert world.direction.display_name in body
    assert world.site.display_name in body
    assert "CEO" not in body  # nothing of the team, nor the reports
    assert "{#" not in body


def test_register_lists_current_residents_by_default(world, client_for, resident):
    gone = admit(world.other_company)
    services.resident_end(resident=gone, actor=None, reason="Moved away")
    services.resident_suspend(resident=resident, actor=None, reason="Secret reason")
    client = client_for("anonymous")
    body = client.get(REGISTER).content.decode()
    assert world.company.short_name in body
    assert world.other_company.short_name not in body
    assert "Suspended" in body
    assert "Secret reason" not in body
    everyone = client.get(REGISTER, {"status": "all"}).content.decode()
    assert world.other_company.short_name in everyone
    ended = client.get(REGISTER, {"status": "ended"}).content.decode()
    assert world.company.short_name not in ended.split("<table")[-1]


def test_register_search_and_direction_filter(world, client_for, resident):
    admit(world.other_company)
    client = client_for("anonymous")
    body = client.get(REGISTER, {"q": world.company.inn}).content.decode()
    assert world.company.short_name in body and world.other_company.short_name not in body
    body = client.get(REGISTER, {"direction": world.direction.pk}).content.decode()
    assert world.company.short_name in body and world.other_company.short_name not in body


@pytest.mark.parametrize(
    "params",
    [
        {"status": "nonsense"},
        {"direction": "abc"},
        {"direction": "9" * 30},
        {"page": "-1"},
        {"page": "zzz"},
        {"q": "x" * 500},
        {"q": "\x00"},
    ],
)
def test_register_bad_parameters_are_ignored(params, client_for, resident):
    assert client_for("anonymous").get(REGISTER, params).status_code == 200


def test_register_pages(world, client_for):
    for n in range(30):
        admit(CompanyFactory(park=world.park, short_name=f"Резидент {n:02d}"))
    client = client_for("anonymous")
    first = client.get(REGISTER).content.decode()
    assert "30 residents" in first and "Page 1 of 2" in first
    second = client.get(REGISTER, {"page": 2}).content.decode()
    assert "Резидент 29" in second and "Резидент 00" not in second


def test_register_htmx_partial(client_for, resident):
    response = client_for("anonymous").get(REGISTER, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and "ДР-2025-001" in body


def test_cached_register_shows_a_change_at_once(world, client_for, resident):
    client = client_for("anonymous")
    assert world.other_company.short_name not in client.get(REGISTER).content.decode()
    admit(world.other_company)
    assert world.other_company.short_name in client.get(REGISTER).content.decode()
    services.resident_revoke(resident=resident, actor=None, reason="Breach")
    assert world.company.short_name not in client.get(REGISTER).content.decode()


@pytest.mark.parametrize("n_residents", [2, 30])
def test_register_query_count_does_not_grow(
    world, client_for, django_assert_num_queries, n_residents
):
    for _ in range(n_residents):
        company = CompanyFactory(park=world.park)
        company.directions.add(world.direction)
        admit(company, directions=[world.direction], site=world.site)
    client = client_for("anonymous")
    # The park (1; nobody is signed in: no session, user or roles); the count, one page of
    # residents with companies and sites, their directions; the directions to filter by (4);
    # the header's park switcher: the public parks (1).
    with django_assert_num_queries(6):
        response = client.get(REGISTER, {"direction": world.direction.pk})
    assert response.status_code == 200
    # Again: the park and the content come from the cache.
    with django_assert_num_queries(0):
        again = client.get(REGISTER, {"direction": world.direction.pk})

    def main(page: Any) -> str:
        body = page.content.decode()
        return body[body.index("<main") : body.index("</main>")]

    assert main(again) == main(response)


@pytest.mark.parametrize("n_residents", [2, 30])
def test_register_query_count_signed_in(world, client_for, django_assert_num_queries, n_residents):
    for _ in range(n_residents):
        admit(CompanyFactory(park=world.park))
    client = client_for("manager")
    client.get("/yakutia/")  # the session, user, park, roles and switcher are cached
    with django_assert_num_queries(4):
        assert client.get(REGISTER).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(REGISTER).status_code == 200


def test_register_csv(world, client_for, resident):
    gone = admit(world.other_company)
    services.resident_end(resident=gone, actor=None)
    response = client_for("anonymous").get(REGISTER_CSV)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][:5] == ["Short name", "Legal name", "INN", "OGRN / OGRNIP", "Agreement number"]
    assert len(rows) == 2  # the ended resident is not current
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["INN"] == world.company.inn
    assert row["Agreement number"] == "ДР-2025-001"
    assert row["Status"] == "Active"
    assert row["Directions"] == world.direction.display_name
    everyone = b"".join(
        client_for("anonymous").get(REGISTER_CSV, {"status": "all"}).streaming_content
    ).decode()
    assert len(list(csv.reader(io.StringIO(everyone[1:]), delimiter=";"))) == 3


def test_register_csv_neutralises_formulas(world, client_for):
    company = CompanyFactory(park=world.park, short_name="=HYPERLINK(1)")
    admit(company)
    text = b"".join(client_for("anonymous").get(REGISTER_CSV).streaming_content).decode()
    assert "'=HYPERLINK(1)" in text


# --- Founders: quarterly reports ------------------------------------------------------------


def test_my_reports_shows_due_and_overdue(world, client_for, resident):
    body = client_for("founder").get(MY_REPORTS).content.decode()
    assert world.company.short_name in body
    assert 'data-testid="current-due"' in body
    assert 'data-testid="missing"' in body  # three earlier quarters were never filed
    assert "File a report" in body


@pytest.mark.parametrize("day", [3, 20])  # inside the filing window, and after it
def test_my_reports_no_longer_asks_for_a_filed_quarter(world, client_for, time_machine, day):
    """Filed for Q3: the page says so, and nowhere that Q3 is due or overdue (issue 11)."""
    time_machine.move_to(datetime(2030, 10, day, 3, 0, tzinfo=UTC), tick=False)
    resident = admit(world.company, start_date=date(2030, 7, 1))
    q3 = Quarter(2030, 3)
    client = client_for("founder")
    before = client.get(MY_REPORTS).content.decode()
    assert 'data-testid="current-due"' in before
    assert (f"The report for {q3} is due by" in before) == (day == 3)
    file_report(resident, q3)
    after = client.get(MY_REPORTS).content.decode()
    assert 'data-testid="current-filed"' in after
    assert f"The report for {q3} has been filed." in after
    assert "is due by" not in after
    assert "overdue" not in after.lower()
    assert "File a report" not in after


def test_other_founder_sees_no_resident(client_for, resident):
    body = client_for("other_founder").get(MY_REPORTS).content.decode()
    assert "None of the companies you act for is a resident" in body


def test_file_a_report_through_the_form(world, client_for, resident):
    client = client_for("founder")
    form = client.get(file_url(world.company)).content.decode()
    assert str(current()) in form
    response = client.post(file_url(world.company), report_data())
    assert response.status_code == 302
    report = QuarterlyReport.all_parks.get()
    assert str(report.rnd_spending) == "300000.25"  # a decimal comma is read too
    assert str(report.revenue) == "1250000.50"  # and spaces between digit groups
    assert report.submitted_by == world.users["founder"]
    page = client.get(MY_REPORTS).content.decode()
    assert "has been filed" in page
    assert 'data-testid="current-due"' not in page


def test_an_earlier_quarter_can_be_filed_late(world, client_for, resident):
    earlier = Quarter.from_period(current().period - 2)
    response = client_for("founder").post(file_url(world.company), report_data(earlier))
    assert response.status_code == 302
    assert QuarterlyReport.all_parks.get().period == earlier.period


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("revenue", "-5", "An amount cannot be negative."),
        ("taxes_paid", "", "Give an amount in roubles, 0 if none."),
        ("investment_raised", "much", "Give an amount in roubles, such as 1250000.50."),
        ("rnd_spending", "1.001", "Give the amount to the kopeck at most (two decimal places)."),
        ("exports", "10000000000000", "This amount is too large."),
        ("headcount", "-1", "A number cannot be negative."),
        ("headcount", "2.5", "Give a whole number, 0 if none."),
        ("ip_registered", "", "Give a whole number, 0 if none."),
        ("quarter", "99999", "Choose a quarter whose report is still to be filed."),
        ("ip_note", "x" * 5001, "at most 5000 characters"),
    ],
)
def test_report_form_bad_input(world, client_for, resident, field, value, message):
    response = client_for("founder").post(file_url(world.company), report_data(**{field: value}))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "has-error" in body
    assert not QuarterlyReport.all_parks.exists()


def test_a_filed_quarter_is_no_longer_offered(world, client_for, resident):
    file_report(resident, current())
    client = client_for("founder")
    response = client.post(file_url(world.company), report_data())
    assert response.status_code == 400
    assert "Choose a quarter whose report is still to be filed." in response.content.decode()


def test_nothing_left_to_file(world, client_for):
    resident = admit(world.company, start_date=current().first_day)
    file_report(resident, current())
    body = client_for("founder").get(file_url(world.company)).content.decode()
    assert "Every report due so far has been filed" in body


# --- Staff ----------------------------------------------------------------------------------


def test_staff_list_filters_and_flags(world, client_for, resident):
    other = admit(world.other_company, start_date=current().first_day)
    file_report(other, current())
    client = client_for("manager")
    body = client.get(STAFF).content.decode()
    assert world.company.short_name in body and world.other_company.short_name in body
    flagged = client.get(STAFF, {"flagged": "1"}).content.decode()
    # The fixture's resident owes three earlier quarters (all past due): flagged.
    assert world.company.short_name in flagged
    assert world.other_company.short_name not in flagged
    assert 'data-testid="flag"' in flagged
    suspended = client.get(STAFF, {"status": "suspended"}).content.decode()
    assert world.company.short_name not in suspended.split("</form>")[-1]


def test_staff_detail_shows_history_reports_and_flag(world, client_for, resident):
    file_report(resident, current(), actor=world.users["founder"])
    services.resident_suspend(resident=resident, actor=world.users["manager"], reason="Missed")
    body = client_for("manager").get(detail_url(resident)).content.decode()
    assert "Missed" in body
    assert "Manager" in body
    assert "1250000.50" in body
    assert 'data-testid="flagged"' in body
    assert 'id="action-reinstate"' in body and 'id="action-suspend"' not in body
    observer = client_for("observer").get(detail_url(resident)).content.decode()
    assert 'id="action-reinstate"' not in observer


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "suspend", "reason": ""}, "Give the reason for this decision."),
        ({"action": "revoke", "reason": "  "}, "Give the reason for this decision."),
        ({"action": "reinstate"}, "Only a suspended resident can be reinstated."),
        ({"action": "explode", "reason": "x"}, "Unknown action."),
        ({"action": "end", "effective_on": "yesterday"}, "Give a date such as 2026-04-06."),
        ({"action": "end", "effective_on": "2099-01-01"}, "The date cannot be in the future."),
        ({"action": "end", "effective_on": "2999-01-01"}, "Give a date between 1900-01-01"),
        ({"action": "suspend", "reason": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_status_change_bad_input(client_for, resident, data, message):
    response = client_for("manager").post(change_url(resident), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    resident.refresh_from_db()
    assert resident.status == ResidentState.ACTIVE


def test_staff_end_with_a_date(client_for, resident):
    day = timezone.localdate() - timedelta(days=3)
    response = client_for("manager").post(
        change_url(resident), {"action": "end", "effective_on": day.isoformat(), "reason": ""}
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.status, resident.end_date) == (ResidentState.ENDED, day)


def test_admit_through_the_page(world, client_for):
    response = client_for("manager").post(
        ADMIT,
        {
            "inn": world.other_company.inn,
            "agreement_number": "ДР-2026-010",
            "start_date": "2026-02-01",
            "site": world.site.pk,
            "directions": [world.direction.pk],
        },
    )
    assert response.status_code == 302
    resident = ResidentStatus.all_parks.get(company=world.other_company)
    assert resident.agreement_number == "ДР-2026-010"
    assert resident.start_date == date(2026, 2, 1)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"inn": "7707083893"}, "No company of the park has this INN"),
        ({"inn": ""}, "This field is required."),
        ({"agreement_number": ""}, "This field is required."),
        (
            {"agreement_number": "ДР-2025-001"},
            "Another resident has an agreement with this number.",
        ),
        ({"start_date": "31.02.2026"}, "Give a date such as 2026-04-06."),
        ({"site": "999999"}, "Select a valid choice."),
        ({"directions": ["999999"]}, "Select a valid choice."),
    ],
)
def test_admit_bad_input(world, client_for, resident, overrides, message):
    data = {
        "inn": world.other_company.inn,
        "agreement_number": "ДР-2026-011",
        "start_date": "2026-02-01",
        **overrides,
    }
    response = client_for("manager").post(ADMIT, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ResidentStatus.all_parks.filter(company=world.other_company).exists()


def test_admit_a_current_resident_again_is_refused_at_the_inn(world, client_for, resident):
    response = client_for("manager").post(
        ADMIT,
        {"inn": world.company.inn, "agreement_number": "X-1", "start_date": "2026-02-01"},
    )
    assert response.status_code == 400
    assert "already a resident" in str(response.context["form"].errors["inn"])
    assert response.context["form"].non_field_errors() == []
    assert response.content.decode().count("already a resident") == 1


def test_overdue_page(world, client_for, resident):
    body = client_for("manager").get(OVERDUE).content.decode()
    assert world.company.short_name in body
    assert 'data-testid="flag"' in body
    for n in (1, 2, 3):
        assert str(Quarter.from_period(current().period - n)) in body


def test_reports_page_and_bad_quarter(world, client_for, resident):
    file_report(resident, current())
    client = client_for("manager")
    body = client.get(REPORTS).content.decode()
    assert world.company.short_name in body
    assert "1 of 1 current residents" in body
    earlier = Quarter.from_period(current().period - 1)
    body = client.get(REPORTS, {"year": earlier.year, "quarter": earlier.quarter}).content.decode()
    assert "No report has been filed for this quarter." in body
    for params in ({"year": "abc", "quarter": "1"}, {"year": "2026", "quarter": "9"}):
        assert client.get(REPORTS, params).status_code == 200


@pytest.mark.parametrize("n_residents", [2, 12])
def test_staff_pages_query_counts(world, client_for, django_assert_num_queries, n_residents):
    for _ in range(n_residents):
        r = admit(CompanyFactory(park=world.park), directions=[world.direction])
        file_report(r, current())
    client = client_for("manager")
    client.get("/yakutia/")
    # count, rows (with overdue counts), directions of the rows, directions to filter by.
    with django_assert_num_queries(4):
        assert client.get(STAFF).status_code == 200
    # count, rows, their reports.
    with django_assert_num_queries(3):
        assert client.get(OVERDUE).status_code == 200
    # count, page of reports, the summary.
    with django_assert_num_queries(3):
        assert client.get(REPORTS).status_code == 200


@pytest.mark.parametrize("n_reports", [1, 4])
def test_detail_and_my_reports_query_counts(
    world, client_for, django_assert_num_queries, resident, n_reports
):
    for n in range(n_reports):
        file_report(resident, Quarter.from_period(current().period - n))
        services.resident_suspend(resident=resident, actor=world.users["manager"], reason="x")
        services.resident_reinstate(resident=resident, actor=world.users["manager"])
    manager = client_for("manager")
    manager.get("/yakutia/")
    # The resident with company, site and overdue count; directions; history with who decided;
    # reports with who filed.
    with django_assert_num_queries(4):
        assert manager.get(detail_url(resident)).status_code == 200
    founder = client_for("founder")
    founder.get("/yakutia/")
    # The founder's residents with their companies; their reports.
    with django_assert_num_queries(2):
        assert founder.get(MY_REPORTS).status_code == 200
    # The residency with its company; the company's team; its reports.
    with django_assert_num_queries(3):
        assert founder.get(file_url(world.company)).status_code == 200
