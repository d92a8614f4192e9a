"""Staff review of quarterly reports: accept, or return with a note; the founder corrects a
returned report and files it again. Services, pages (who may do what), the API and the export."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape
from openpyxl import load_workbook

from technopark.audit.models import AuditEntry
from technopark.residency import services
from technopark.residency.models import QuarterlyReport, ReportReview
from technopark.residency.schedule import Quarter
from tests.conftest import ROLES
from tests.residency.conftest import FIGURES, admit, current, file_report

MY_REPORTS = "/yakutia/residents/reports/"
REPORTS = "/yakutia/residents/staff/reports/"
XLSX = "/yakutia/residents/staff/reports/export.xlsx"


def review_url(report: Any) -> str:
    return f"/yakutia/residents/staff/reports/{report.pk}/"


def file_url(company: Any) -> str:
    return f"/yakutia/residents/reports/{company.pk}/file/"


def earlier() -> Quarter:
    return Quarter.from_period(current().period - 1)


@pytest.fixture
def report(world: Any, resident: Any) -> QuarterlyReport:
    return file_report(resident, earlier(), actor=world.users["founder"])


def returned(report: QuarterlyReport, world: Any, note: str = "Выручка не сходится с 1С") -> Any:
    return services.report_review(
        report=report, actor=world.users["manager"], accept=False, note=note
    )


# --- Services ------------------------------------------------------------------------------------


def test_a_filed_report_waits_for_review(report):
    assert report.review == ReportReview.FILED
    assert report.reviewed_at is None


def test_accepting_a_report(world, report):
    done = services.report_review(report=report, actor=world.users["manager"], accept=True)
    report.refresh_from_db()
    assert (report.review, report.reviewed_by, report.review_note) == (
        ReportReview.ACCEPTED,
        world.users["manager"],
        "",
    )
    assert done.reviewed_at is not None
    event = AuditEntry.objects.filter(action="residency.report_accept").get()
    assert event.after["review"] == "accepted"


def test_returning_needs_a_note_and_changes_nothing_without_one(world, report):
    with pytest.raises(ValidationError) as error:
        services.report_review(report=report, actor=world.users["manager"], accept=False, note="  ")
    assert "note" in error.value.message_dict
    report.refresh_from_db()
    assert report.review == ReportReview.FILED
    assert not AuditEntry.objects.filter(action="residency.report_return").exists()


def test_a_note_longer_than_the_limit_is_refused(world, report):
    with pytest.raises(ValidationError):
        returned(report, world, note="x" * 2001)
    report.refresh_from_db()
    assert report.review == ReportReview.FILED


def test_a_reviewed_report_cannot_be_reviewed_again(world, report):
    services.report_review(report=report, actor=world.users["manager"], accept=True)
    with pytest.raises(ValidationError, match="already been accepted"):
        returned(report, world)
    other = file_report(report.resident, Quarter.from_period(earlier().period - 1))
    returned(other, world)
    with pytest.raises(ValidationError, match="not been corrected"):
        services.report_review(report=other, actor=world.users["manager"], accept=True)


def test_a_returned_report_is_filed_again_with_corrected_figures(world, report):
    returned(report, world)
    quarter = earlier()
    again = file_report(
        report.resident, quarter, actor=world.users["founder"], revenue=Decimal("999.99")
    )
    assert again.pk == report.pk
    report.refresh_from_db()
    assert report.revenue == Decimal("999.99")
    assert report.review == ReportReview.FILED
    assert report.reviewed_by is None
    assert QuarterlyReport.all_parks.count() == 1
    event = AuditEntry.objects.filter(action="residency.report_refile").get()
    assert event.before["revenue"] == str(FIGURES["revenue"])
    assert event.before["review_note"] == "Выручка не сходится с 1С"
    assert event.after["revenue"] == "999.99"


@pytest.mark.parametrize("review", [ReportReview.FILED, ReportReview.ACCEPTED])
def test_only_a_returned_report_can_be_filed_again(world, report, review):
    if review == ReportReview.ACCEPTED:
        services.report_review(report=report, actor=world.users["manager"], accept=True)
    with pytest.raises(ValidationError, match="already been filed"):
        file_report(report.resident, earlier(), revenue=Decimal("1"))
    report.refresh_from_db()
    assert report.revenue == FIGURES["revenue"]


# --- Pages -----------------------------------------------------------------------------------


READ = {
    "anonymous": 302,
    "founder": 403,
    "other_founder": 403,
    "manager": 200,
    "expert": 403,
    "observer": 200,
    "outsider": 403,
}
WRITE = {**READ, "manager": 302, "observer": 403}


def test_the_matrices_cover_every_role():
    assert set(READ) == set(WRITE) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_review_page_by_role(role, client_for, report):
    response = client_for(role).get(review_url(report))
    assert response.status_code == READ[role]
    if response.status_code == 200:
        assert escape(report.company.short_name) in response.content.decode()
        form_shown = 'name="decision"' in response.content.decode()
        assert form_shown == (role == "manager")


@pytest.mark.parametrize("role", ROLES)
def test_review_by_role(role, client_for, report):
    response = client_for(role).post(review_url(report), {"decision": "accept", "note": ""})
    assert response.status_code == WRITE[role]
    report.refresh_from_db()
    assert (report.review == ReportReview.ACCEPTED) == (role == "manager")


def test_another_parks_report_is_not_found(world, client_for):
    foreign = admit(world.foreign_company)
    report = file_report(foreign, Quarter.from_period(current().period - 1))
    assert client_for("manager").get(review_url(report)).status_code == 404
    response = client_for("manager").post(review_url(report), {"decision": "accept"})
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.review == ReportReview.FILED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "return", "note": ""}, "Say what the resident should correct."),
        ({"decision": "maybe"}, "Choose whether to accept the report or return it."),
        ({}, "Choose whether to accept the report or return it."),
        ({"decision": "return", "note": "x" * 2001}, "2000"),
    ],
)
def test_review_bad_input(client_for, report, data, message):
    response = client_for("manager").post(review_url(report), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    report.refresh_from_db()
    assert report.review == ReportReview.FILED


def test_the_quarter_list_links_to_the_review_and_counts_what_waits(world, client_for, report):
    quarter = earlier()
    page = client_for("manager").get(REPORTS, {"year": quarter.year, "quarter": quarter.quarter})
    text = page.content.decode()
    assert review_url(report) in text
    assert "1 report waits for review" in text
    returned(report, world)
    text = (
        client_for("manager")
        .get(REPORTS, {"year": quarter.year, "quarter": quarter.quarter})
        .content.decode()
    )
    assert "1 was returned for correction" in text
    assert "Returned for correction" in text


def test_the_founder_sees_the_note_and_files_the_correction(world, client_for, report):
    returned(report, world, note="<b>Проверьте</b> выручку")
    founder = client_for("founder")
    text = founder.get(MY_REPORTS).content.decode()
    assert escape("<b>Проверьте</b> выручку") in text
    assert "<b>Проверьте</b>" not in text
    link = f"{file_url(world.company)}?period={report.period}"
    assert escape(link) in text or link in text
    form = founder.get(link)
    assert form.status_code == 200
    body = form.content.decode()
    # The form offers the returned quarter again, filled with the figures filed before.
    assert f'value="{report.period}" selected' in body
    assert 'value="7"' in body
    response = founder.post(
        file_url(world.company),
        {
            "quarter": str(report.period),
            "revenue": "1 300 000",
            "taxes_paid": "150000",
            "investment_raised": "0",
            "rnd_spending": "300000,25",
            "exports": "0",
            "headcount": "8",
            "ip_registered": "1",
            "ip_note": "",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.revenue, report.headcount, report.review) == (
        Decimal("1300000.00"),
        8,
        ReportReview.FILED,
    )


def test_the_export_has_the_review_columns(world, client_for, report):
    returned(report, world, note='=HYPERLINK("http://evil")')
    quarter = earlier()
    response = client_for("manager").get(XLSX, {"year": quarter.year, "quarter": quarter.quarter})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, row = rows[0], rows[1]
    assert header[-2:] == ("Review", "Note of the review")
    assert row[-2] == "Returned for correction"
    assert not str(row[-1]).startswith("=")


def test_returning_a_report_tells_the_founder(
    world, report, django_capture_on_commit_callbacks, mailoutbox
):
    from technopark.notices.models import Notice

    with django_capture_on_commit_callbacks(execute=True):
        returned(report, world, note="Уточните выручку")
    notice = Notice.objects.get(recipient=world.users["founder"])
    assert notice.kind == "residency.report_returned"
    assert notice.url == f"{file_url(world.company)}?period={report.period}"
    assert "Уточните выручку" in notice.body
    assert [m.to for m in mailoutbox] == [[world.users["founder"].email]]
    # The park writes in its language: the demo park's first language is Russian.
    assert "возвращён на доработку" in mailoutbox[0].subject
    # Accepting tells nobody (nothing waits on the founder).
    again = file_report(report.resident, earlier(), actor=world.users["founder"])
    with django_capture_on_commit_callbacks(execute=True):
        services.report_review(report=again, actor=world.users["manager"], accept=True)
    assert Notice.objects.count() == 1
