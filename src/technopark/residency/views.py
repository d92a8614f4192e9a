"""The residency pages: the public register (page and CSV), the founders' quarterly reports, and
the staff's resident pages (list, detail with history and reports, decisions, overdue list, a
quarter's reports with their XLSX export).

Each view checks a permission that needs no record first, then looks the record up in the
request's park (another park's record is not found: 404), then checks the permission on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.accounts.http import signed_in_user
from technopark.companies import queries as company_queries
from technopark.core.fragments import Fragment
from technopark.core.params import PAGE, Integer, param_value
from technopark.parks.http import (
    access_of,
    park_of,
    query_without_page,
    require,
    wants_partial,
)
from technopark.parks.models import Park
from technopark.parks.queries import site_options
from technopark.residency import exports, queries, rules, services
from technopark.residency.forms import (
    AdmitForm,
    QuarterlyReportForm,
    ReportReviewForm,
    StatusChangeForm,
)
from technopark.residency.models import QuarterlyReport, ReportReview, ResidentState, ResidentStatus
from technopark.residency.schedule import Quarter, current_quarter, is_overdue


def _status_choices() -> list[tuple[str, str]]:
    return [
        ("current", _("Current residents")),
        *((str(code), str(label)) for code, label in ResidentState.choices),
        ("all", _("All, with former residents")),
    ]


# --- The public register --------------------------------------------------------------------

REGISTER = Fragment(
    "resident-register",
    topics=("residency", "companies", "parks"),
    params={**queries.FILTER_PARAMS, "page": PAGE},
    partial=True,
)


@require_GET
def register(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The public register of residents: searched, filtered, paged.

    Anyone who may see the park reads it. Its content is the declared fragment ``REGISTER``: a
    repeat view runs no query of its own. A fresh render runs a count, the page of rows, their
    directions and (for the whole page) the directions to filter by.
    """
    require(rules.can_view_register(access_of(request)))
    park = park_of(request)
    partial = wants_partial(request)
    return REGISTER.respond(
        request,
        build=lambda: _render_register(request, park, partial=partial),
        template="residency/register.html",
        slot="register_content",
    )


def _render_register(request: HttpRequest, park: Park, *, partial: bool) -> str:
    filters = queries.RegisterFilters.from_params(request.GET)
    paginator = Paginator(
        queries.register_list(park=park, filters=filters), settings.TECHNOPARK_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "residents": list(page.object_list),
        "filters": filters,
        "is_filtered": bool(filters.q or filters.direction or filters.status != "current"),
        "export_query": query_without_page(request),
    }
    if not partial:
        context.update(
            directions=company_queries.direction_options(park=park),
            statuses=_status_choices(),
        )
    template = "residency/_register_results.html" if partial else "residency/_register_content.html"
    return render_to_string(template, context, request=request)


@require_GET
def register_csv(request: HttpRequest, park_slug: str) -> StreamingHttpResponse:
    """The register (with the page's filters) as CSV, streamed: one query for the rows and one
    for the directions of each chunk."""
    require(rules.can_view_register(access_of(request)))
    park = park_of(request)
    filters = queries.RegisterFilters.from_params(request.GET)
    rows = queries.register_list(park=park, filters=filters).iterator(chunk_size=exports.CHUNK_SIZE)
    language = translation.get_language()

    def lines() -> Iterator[str]:
        with translation.override(language):
            yield from exports.register_csv_lines(rows)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"residents-{park.slug}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Founders: quarterly reports ------------------------------------------------------------


@login_required
@require_GET
def my_reports(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The founder's resident companies: the current report, overdue ones, those filed."""
    require(rules.can_file_reports(access_of(request)))
    park = park_of(request)
    residents = queries.founder_residents(park=park, user=request.user)
    quarter = current_quarter(park.time_zone)
    items = []
    for resident in residents:
        filed = {report.period for report in resident.reports.all()}
        owed = quarter.period >= resident.reports_from
        items.append(
            {
                "resident": resident,
                "reports": list(resident.reports.all()),
                "returned": [
                    r for r in resident.reports.all() if r.review == ReportReview.RETURNED
                ],
                "current_due": owed and quarter.period not in filed,
                "current_filed": owed and quarter.period in filed,
                "missing": queries.missing_quarters(resident),
            }
        )
    return render(
        request,
        "residency/my_reports.html",
        {
            "items": items,
            "quarter": quarter,
            "current_overdue": is_overdue(quarter, park.time_zone),
        },
    )


def _open_quarters(resident: ResidentStatus) -> list[Quarter]:
    """The quarters the resident may still report: ended, owed, not filed or returned for
    correction; latest first."""
    quarter = current_quarter(resident.park.time_zone)
    filed = {
        report.period for report in resident.reports.all() if report.review != ReportReview.RETURNED
    }
    return [
        Quarter.from_period(p)
        for p in range(quarter.period, resident.reports_from - 1, -1)
        if p not in filed
    ]


def _returned_report(resident: ResidentStatus, period: int | None) -> QuarterlyReport | None:
    """The returned report of ``period`` (or the latest returned one), to correct."""
    returned = [r for r in resident.reports.all() if r.review == ReportReview.RETURNED]
    for report in returned:
        if period is None or report.period == period:
            return report
    return None


def _initial_from(report: QuarterlyReport | None) -> dict[str, Any]:
    if report is None:
        return {}
    fields = ("revenue", "taxes_paid", "investment_raised", "rnd_spending", "exports")
    initial: dict[str, Any] = {name: getattr(report, name) for name in fields}
    initial |= {
        "quarter": str(report.period),
        "headcount": report.headcount,
        "ip_registered": report.ip_registered,
        "ip_note": report.ip_note,
    }
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def report_file(request: HttpRequest, park_slug: str, company_pk: int) -> HttpResponse:
    """File a quarterly report for a resident company the founder acts for."""
    access = access_of(request)
    require(rules.can_file_reports(access))
    park = park_of(request)
    resident = queries.founder_resident(park=park, company_id=company_pk)
    if resident is None:
        raise Http404(_("This company is not a resident of the park."))
    require(rules.can_file_report(access, resident))
    quarters = _open_quarters(resident)
    returned = _returned_report(
        resident, param_value(request.GET, "period", Integer(low=0, high=2100 * 4 + 3), None)
    )
    form = QuarterlyReportForm(
        request.POST if request.method == "POST" else None,
        quarters=quarters,
        initial=_initial_from(returned),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        quarter: Quarter = data["quarter"]
        try:
            services.report_file(
                resident=resident,
                actor=signed_in_user(request),
                year=quarter.year,
                quarter=quarter.quarter,
                revenue=data["revenue"],
                taxes_paid=data["taxes_paid"],
                investment_raised=data["investment_raised"],
                rnd_spending=data["rnd_spending"],
                exports=data["exports"],
                headcount=data["headcount"],
                ip_registered=data["ip_registered"],
                ip_note=data["ip_note"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("The report for %(quarter)s has been filed.") % {"quarter": quarter}
            )
            return redirect("residency:my_reports", park_slug=park.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "residency/report_form.html",
        {"resident": resident, "form": form, "quarters": quarters, "returned": returned},
        status=status,
    )


# --- Staff ----------------------------------------------------------------------------------


@login_required
@require_GET
def staff_list(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Every resident of the park with its overdue reports; filters for status, direction,
    flagged for suspension, overdue."""
    require(rules.can_view_residents(access_of(request)))
    park = park_of(request)
    filters = queries.StaffFilters.from_params(request.GET)
    paginator = Paginator(
        queries.staff_resident_list(park=park, filters=filters), settings.TECHNOPARK_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "residency/staff_list.html",
        {
            "page": page,
            "residents": list(page.object_list),
            "filters": filters,
            "statuses": _status_choices(),
            "directions": company_queries.direction_options(park=park),
            "flag_threshold": queries.FLAG_THRESHOLD,
        },
    )


def _resident_or_404(request: HttpRequest, pk: int) -> ResidentStatus:
    resident = queries.resident_detail(park=park_of(request), pk=pk)
    if resident is None:
        raise Http404(_("No such resident in this park."))
    return resident


def _render_detail(
    request: HttpRequest,
    resident: ResidentStatus,
    form: StatusChangeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "residency/staff_detail.html",
        {
            "resident": resident,
            "history": list(resident.history.all()),
            "reports": list(resident.reports.all()),
            "missing": queries.missing_quarters(resident),
            "flagged": resident.is_current and resident.overdue_count >= queries.FLAG_THRESHOLD,  # type: ignore[attr-defined]
            "form": form,
            "actions": _actions_for(resident),
        },
        status=status,
    )


def _actions_for(resident: ResidentStatus) -> list[tuple[str, str]]:
    labels = {
        "suspend": _("Suspend"),
        "reinstate": _("Reinstate"),
        "revoke": _("Revoke"),
        "end": _("End the residency"),
    }
    return [
        (action, labels[action])
        for action, (starts, _target) in services.TRANSITIONS.items()
        if resident.status in starts
    ]


@login_required
@require_GET
def staff_detail(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    access = access_of(request)
    require(rules.can_view_residents(access))
    resident = _resident_or_404(request, pk)
    require(rules.can_view_resident(access, resident))
    return _render_detail(request, resident)


@login_required
@require_POST
def staff_change(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Suspend, reinstate, revoke or end: one form, the action named in it."""
    access = access_of(request)
    require(rules.can_manage_residents(access))
    resident = _resident_or_404(request, pk)
    require(rules.can_manage_resident(access, resident))
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.resident_change(
                resident=resident,
                actor=signed_in_user(request),
                action=data["action"],
                reason=data["reason"],
                effective_on=data["effective_on"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The resident's status has been changed."))
            return redirect("residency:staff_detail", park_slug=park_slug, pk=resident.pk)
    return _render_detail(request, resident, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def staff_admit(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Admit a company of the park directly (residents admitted outside a call)."""
    require(rules.can_manage_residents(access_of(request)))
    park = park_of(request)
    form = AdmitForm(
        request.POST if request.method == "POST" else None,
        directions=company_queries.direction_options(park=park),
        sites=site_options(park=park),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        company = queries.company_by_inn(park=park, inn=data["inn"])
        if company is None:
            form.add_error("inn", _("No company of the park has this INN: register it first."))
        else:
            try:
                resident = services.resident_admit(
                    park=park,
                    company=company,
                    actor=signed_in_user(request),
                    agreement_number=data["agreement_number"],
                    start_date=data["start_date"],
                    site=data["site"],
                    directions=data["directions"],
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The company is now a resident."))
                return redirect("residency:staff_detail", park_slug=park.slug, pk=resident.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "residency/admit_form.html", {"form": form}, status=status)


@login_required
@require_GET
def staff_overdue(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Current residents with overdue reports, most overdue first, flagged ones marked."""
    require(rules.can_view_residents(access_of(request)))
    park = park_of(request)
    paginator = Paginator(queries.overdue_list(park=park), settings.TECHNOPARK_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        {"resident": resident, "missing": queries.missing_quarters(resident)}
        for resident in page.object_list
    ]
    return render(
        request,
        "residency/staff_overdue.html",
        {"page": page, "rows": rows, "flag_threshold": queries.FLAG_THRESHOLD},
    )


def _quarter_param(request: HttpRequest, park: Park) -> Quarter:
    """The quarter named by ``year`` and ``quarter``; the current one when they are unusable."""
    year = param_value(request.GET, "year", Integer(low=2000, high=2100), None)
    number = param_value(request.GET, "quarter", Integer(low=1, high=4), None)
    if year is not None and number is not None:
        return Quarter(year, number)
    return current_quarter(park.time_zone)


@login_required
@require_GET
def staff_reports(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The reports filed for a quarter, how many residents owed it, and the XLSX export."""
    access = access_of(request)
    require(rules.can_view_residents(access))
    park = park_of(request)
    quarter = _quarter_param(request, park)
    paginator = Paginator(
        queries.reports_of_quarter(park=park, quarter=quarter), settings.TECHNOPARK_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    current = current_quarter(park.time_zone)
    return render(
        request,
        "residency/staff_reports.html",
        {
            "page": page,
            "reports": list(page.object_list),
            "quarter": quarter,
            "summary": queries.quarter_summary(park=park, quarter=quarter),
            "quarter_choices": [Quarter.from_period(current.period - n) for n in range(8)],
            "years": list(range(current.year, current.year - 6, -1)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_report_review(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """One quarterly report with its figures; staff who manage residents accept it or return it
    with a note. Observers see the figures and the review without the form."""
    access = access_of(request)
    require(rules.can_view_residents(access))
    park = park_of(request)
    report = queries.report_for_staff(park=park, pk=pk)
    if report is None:
        raise Http404(_("No such report."))
    may_review = rules.can_manage_residents(access) and report.review == ReportReview.FILED
    form = ReportReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        require(rules.can_manage_residents(access))
        if form.is_valid():
            accept = form.cleaned_data["decision"] == "accept"
            try:
                services.report_review(
                    report=report,
                    actor=signed_in_user(request),
                    accept=accept,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                period = Quarter(report.year, report.quarter)
                text = (
                    _("The report of %(company)s for %(quarter)s has been accepted.")
                    if accept
                    else _("The report of %(company)s for %(quarter)s has been returned.")
                )
                messages.success(
                    request, text % {"company": report.company.short_name, "quarter": period}
                )
                url = reverse("residency:staff_reports", kwargs={"park_slug": park.slug})
                return redirect(f"{url}?year={report.year}&quarter={report.quarter}")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "residency/staff_report.html",
        {
            "report": report,
            "quarter": Quarter(report.year, report.quarter),
            "form": form,
            "may_review": may_review,
        },
        status=status,
    )


@login_required
@require_GET
def staff_reports_xlsx(request: HttpRequest, park_slug: str) -> HttpResponse:
    require(rules.can_export_reports(access_of(request)))
    park = park_of(request)
    quarter = _quarter_param(request, park)
    content = exports.reports_xlsx(
        queries.reports_of_quarter(park=park, quarter=quarter).iterator(chunk_size=2000),
        quarter=quarter,
        tz=park.time_zone,
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"reports-{park.slug}-{quarter.year}-q{quarter.quarter}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
