"""The residency part of the API: the public register, a founder's own reports (read, file, and
file again once returned), and the staff's view of every report of a quarter and of overdue ones,
and their review of a report (accept, or return for correction).

The same permissions as the pages (``technopark.residency.rules``), asked before any record is
looked up: anonymous → 401 (except the public register), not allowed → 403, not in this park →
404. Money is a decimal string both ways.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from technopark.accounts.http import signed_in_user
from technopark.api.auth import signed_in
from technopark.api.errors import documented
from technopark.api.pagination import PAGE_PARAMS, PageParams, paginate
from technopark.api.types import Id
from technopark.core.fragments import Fragment
from technopark.parks.http import access_of, park_of, require
from technopark.residency import queries, rules, services
from technopark.residency.models import QuarterlyReport, ResidentStatus
from technopark.residency.schedule import Quarter, current_quarter
from technopark.residency.schemas import (
    OverduePageOut,
    OwnResidentOut,
    QuarterlyReportOut,
    QuarterlyReportReviewIn,
    QuarterParams,
    RegisterPageOut,
    RegisterParams,
    ReportIn,
    ReportPageOut,
)

router = Router(tags=["residency"])


def _register_entry(resident: ResidentStatus) -> dict[str, Any]:
    company = resident.company
    return {
        "company_id": company.pk,
        "short_name": company.short_name,
        "legal_name": company.legal_name,
        "inn": company.inn,
        "ogrn": company.ogrn,
        "agreement_number": resident.agreement_number,
        "agreement_date": resident.start_date,
        "status": resident.status,
        "status_since": resident.status_since,
        "end_date": resident.end_date,
        "site": resident.site.display_name if resident.site else None,
        "directions": [{"id": d.pk, "code": d.code} for d in resident.directions.all()],
    }


API_REGISTER = Fragment(
    "api-resident-register",
    topics=("residency", "companies", "parks"),
    params={**queries.FILTER_PARAMS, **PAGE_PARAMS},
)


@router.get(
    "/parks/{slug:park_slug}/residents",
    auth=None,
    **documented({200: RegisterPageOut}, 401, 404, 422),
    summary="The public register of residents",
)
def register(
    request: HttpRequest,
    park_slug: str,
    filters: Query[RegisterParams],
    page: Query[PageParams],
) -> Any:
    """Residents of the park with their legal data and agreement: public for a public park.

    The body is the declared fragment ``API_REGISTER``; a fresh one takes three
    queries (count, rows, directions) however long the page is. 401 only for a bad token.
    """
    require(rules.can_view_register(access_of(request)))
    park = park_of(request)

    def build() -> bytes:
        rows = queries.register_list(
            park=park,
            filters=queries.RegisterFilters(
                q=filters.q.strip(), direction=filters.direction, status=filters.status
            ),
        )
        data = paginate(rows, page)
        data["items"] = [_register_entry(r) for r in data["items"]]
        body = RegisterPageOut.model_validate(data).model_dump(mode="json")
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()

    content = API_REGISTER.get(
        request, build=build, params=filters.model_dump() | page.model_dump()
    )
    return HttpResponse(content, content_type="application/json; charset=utf-8")


def _report_out(report: QuarterlyReport, company_name: str) -> dict[str, Any]:
    return {
        "id": report.pk,
        "resident_id": report.resident_id,
        "company_id": report.company_id,
        "company_name": company_name,
        "year": report.year,
        "quarter": report.quarter,
        "revenue": report.revenue,
        "taxes_paid": report.taxes_paid,
        "investment_raised": report.investment_raised,
        "rnd_spending": report.rnd_spending,
        "exports": report.exports,
        "headcount": report.headcount,
        "ip_registered": report.ip_registered,
        "ip_note": report.ip_note,
        "submitted_at": report.submitted_at,
        "review": report.review,
        "review_note": report.review_note,
        "reviewed_at": report.reviewed_at,
    }


def _quarter_code(quarter: Quarter) -> str:
    return f"{quarter.year}-Q{quarter.quarter}"


@router.get(
    "/parks/{slug:park_slug}/resident-reports/mine",
    auth=signed_in,
    **documented({200: list[OwnResidentOut]}, 401, 403, 404),
    summary="My resident companies and their quarterly reports",
)
def my_reports(request: HttpRequest, park_slug: str) -> Any:
    """For each resident company the founder acts for: the current quarter, whether its report
    is filed, the overdue quarters, and the reports filed (two queries)."""
    require(rules.can_file_reports(access_of(request)))
    park = park_of(request)
    quarter = current_quarter(park.time_zone)
    result = []
    for resident in queries.founder_residents(park=park, user=request.user):
        reports = list(resident.reports.all())
        filed = {r.period for r in reports}
        result.append(
            {
                "resident_id": resident.pk,
                "company_id": resident.company_id,
                "company_name": resident.company.short_name,
                "status": resident.status,
                "current_year": quarter.year,
                "current_quarter": quarter.quarter,
                "current_due_date": quarter.due_date,
                "current_filed": quarter.period in filed or quarter.period < resident.reports_from,
                "overdue": [_quarter_code(q) for q in queries.missing_quarters(resident)],
                "reports": [_report_out(r, resident.company.short_name) for r in reports],
            }
        )
    return result


@router.post(
    "/parks/{slug:park_slug}/resident-reports",
    auth=signed_in,
    **documented({201: QuarterlyReportOut}, 400, 401, 403, 404, 422),
    summary="File a quarterly report",
)
def report_file(request: HttpRequest, park_slug: str, payload: ReportIn) -> Any:
    """A founder files the report of a resident company they act for: by default the current
    quarter's. A quarter not ended yet, before the residency, or already filed is a 422 naming
    ``quarter``; a negative or malformed amount a 422 naming the amount."""
    access = access_of(request)
    require(rules.can_file_reports(access))
    park = park_of(request)
    resident = queries.founder_resident(park=park, company_id=payload.company_id)
    if resident is None:
        raise Http404
    require(rules.can_file_report(access, resident))
    if (payload.year is None) != (payload.quarter is None):
        raise ValidationError({"quarter": _("Give both the year and the quarter, or neither.")})
    quarter = (
        Quarter(payload.year, payload.quarter)  # type: ignore[arg-type]
        if payload.year is not None
        else current_quarter(park.time_zone)
    )
    report = services.report_file(
        resident=resident,
        actor=signed_in_user(request),
        year=quarter.year,
        quarter=quarter.quarter,
        revenue=payload.revenue,
        taxes_paid=payload.taxes_paid,
        investment_raised=payload.investment_raised,
        rnd_spending=payload.rnd_spending,
        exports=payload.exports,
        headcount=payload.headcount,
        ip_registered=payload.ip_registered,
        ip_note=payload.ip_note,
    )
    return Status(201, _report_out(report, resident.company.short_name))


@router.get(
    "/parks/{slug:park_slug}/resident-reports",
    auth=signed_in,
    **documented({200: ReportPageOut}, 401, 403, 404, 422),
    summary="Every report of a quarter (staff)",
)
def reports_of_quarter(
    request: HttpRequest,
    park_slug: str,
    params: Query[QuarterParams],
    page: Query[PageParams],
) -> Any:
    """The reports filed for ``year``/``quarter`` (default: the current quarter), by company.
    Staff and observers. Two queries (count, page)."""
    require(rules.can_view_residents(access_of(request)))
    park = park_of(request)
    if (params.year is None) != (params.quarter is None):
        raise ValidationError({"quarter": _("Give both the year and the quarter, or neither.")})
    quarter = (
        Quarter(params.year, params.quarter)  # type: ignore[arg-type]
        if params.year is not None
        else current_quarter(park.time_zone)
    )
    data = paginate(queries.reports_of_quarter(park=park, quarter=quarter), page)
    data["items"] = [_report_out(r, r.company.short_name) for r in data["items"]]
    return data


@router.post(
    "/parks/{slug:park_slug}/resident-reports/{report_id}/review",
    auth=signed_in,
    **documented({200: QuarterlyReportOut}, 400, 401, 403, 404, 422),
    summary="Accept a quarterly report or return it for correction (staff)",
)
def report_review(
    request: HttpRequest, park_slug: str, report_id: Id, payload: QuarterlyReportReviewIn
) -> Any:
    """Staff who manage residents accept a report that waits for review, or return it with a
    note of what to correct (the founder files it again). A report already reviewed, or a
    return without a note, is a 422."""
    require(rules.can_manage_residents(access_of(request)))
    park = park_of(request)
    report = queries.report_for_staff(park=park, pk=report_id)
    if report is None:
        raise Http404
    reviewed = services.report_review(
        report=report,
        actor=signed_in_user(request),
        accept=payload.decision == "accept",
        note=payload.note,
    )
    return _report_out(reviewed, report.company.short_name)


@router.get(
    "/parks/{slug:park_slug}/resident-reports/overdue",
    auth=signed_in,
    **documented({200: OverduePageOut}, 401, 403, 404, 422),
    summary="Residents with overdue reports (staff)",
)
def overdue(request: HttpRequest, park_slug: str, page: Query[PageParams]) -> Any:
    """Current residents with overdue reports, most overdue first; two or more flag a resident
    for suspension (staff decide). Three queries (count, page, the page's reports)."""
    require(rules.can_view_residents(access_of(request)))
    park = park_of(request)
    data = paginate(queries.overdue_list(park=park), page)
    data["items"] = [
        {
            "resident_id": r.pk,
            "company_id": r.company_id,
            "company_name": r.company.short_name,
            "status": r.status,
            "overdue_count": r.overdue_count,
            "flagged": r.overdue_count >= queries.FLAG_THRESHOLD,
            "overdue": [_quarter_code(q) for q in queries.missing_quarters(r)],
        }
        for r in data["items"]
    ]
    return data
