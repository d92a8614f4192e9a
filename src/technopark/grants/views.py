"""The grants pages: the staff's ledger (list with filters, cached), the award page with budget,
milestones, tranches, approvals, payments, clawbacks and reports, the forms that move money,
the founders' "my grants" and milestone reports, report files, and the accountants' XLSX.

Each view checks a permission that needs no record first (403), then looks the record up in the
request's park (another park's record is not found: 404), then checks the permission on it.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.core.fragments import Fragment
from technopark.core.localtime import local_today
from technopark.core.params import PAGE, Choice, Integer, Text
from technopark.grants import exports, queries, rules, services
from technopark.grants.forms import (
    AwardForm,
    CancelForm,
    ClawbackForm,
    ExportForm,
    MilestoneForm,
    PayForm,
    ReportForm,
    ReviewForm,
    TrancheRequestForm,
)
from technopark.grants.models import GrantAward, Milestone, TrancheStatus
from technopark.parks.http import access_of, park_of, require, wants_partial
from technopark.parks.models import Park

# --- The staff's list: the ledger -----------------------------------------------------------

LEDGER = Fragment(
    "grant-ledger",
    topics=("grants", "programmes", "companies"),
    params={
        "q": Text(max_length=100),
        "cohort": Integer(),
        "state": Choice.of(queries.GrantFilters.STATES),
        "page": PAGE,
    },
    partial=True,
    local_day=True,  # milestones fall overdue at midnight without any write
)


@login_required
@require_GET
def grant_list(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Every award of the park with awarded, paid, clawed back and remaining, the totals of the
    filtered list, filters (company or reference, cohort, state). The content is the declared
    fragment ``LEDGER`` (kept per local day: overdue milestones)."""
    require(rules.can_view_grants(access_of(request)))
    park = park_of(request)
    partial = wants_partial(request)
    today = local_today(park.time_zone)
    return LEDGER.respond(
        request,
        build=lambda: _render_list(request, park, partial=partial, today=today),
        template="grants/list.html",
        slot="list_content",
    )


def _render_list(request: HttpRequest, park: Park, *, partial: bool, today: Any) -> str:
    filters = queries.GrantFilters.from_params(request.GET)
    rows = queries.award_list(park=park, filters=filters, today=today)
    paginator = Paginator(rows, settings.TECHNOPARK_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context: dict[str, Any] = {
        "page": page,
        "awards": list(page.object_list),
        "filters": filters,
        "totals": queries.ledger_totals(rows),
        "query": params.urlencode(),
        "states": [
            ("", _("All")),
            ("open", _("Money left to pay")),
            ("paid", _("Fully paid")),
            ("overdue", _("With overdue milestones")),
        ],
    }
    if not partial:
        context["cohorts"] = queries.cohort_options(park=park)
    template = "grants/_list_results.html" if partial else "grants/_list_content.html"
    return render_to_string(template, context, request=request)


@login_required
@require_GET
def grants_xlsx(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Awards, tranches, payments and clawbacks for the accountants, per cohort and period
    (``cohort``, ``date_from``, ``date_to``)."""
    require(rules.can_export_grants(access_of(request)))
    park = park_of(request)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            _("Give dates as YYYY-MM-DD and a cohort by its number."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    filters = queries.ExportFilters(
        cohort=form.cleaned_data["cohort"],
        date_from=form.cleaned_data["date_from"],
        date_to=form.cleaned_data["date_to"],
    )
    content = exports.grants_xlsx(
        awards=queries.awards_for_export(park=park, filters=filters).iterator(chunk_size=2000),
        tranches=queries.tranches_for_export(park=park, filters=filters).iterator(chunk_size=2000),
        payments=queries.payments_for_export(park=park, filters=filters).iterator(chunk_size=2000),
        clawbacks=queries.clawbacks_for_export(park=park, filters=filters).iterator(
            chunk_size=2000
        ),
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"grants-{park.slug}-{timezone.localdate().isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Founders -------------------------------------------------------------------------------


@login_required
@require_GET
def my_grants(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The grants of the companies the founder acts for: ledger, milestones, tranches."""
    require(rules.can_view_my_grants(access_of(request)))
    park = park_of(request)
    today = local_today(park.time_zone)
    awards = list(queries.my_awards(park=park, user=request.user, today=today))
    return render(request, "grants/my_grants.html", {"awards": awards, "today": today})


# --- Awards ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def award_create(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Award a grant to a participant: decision, budget by line, up to three milestones with
    their tranches."""
    require(rules.can_manage_grants(access_of(request)))
    park = park_of(request)
    participants = queries.participants_without_grant(park=park)
    initial = {}
    if request.method == "GET" and str(request.GET.get("participant", "")).isdigit():
        initial["participant"] = request.GET["participant"]
    form = AwardForm(
        request.POST if request.method == "POST" else None,
        participants=participants,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            award = services.grant_award_create(
                participant=data["participant"],
                actor=request.user,
                amount=data["amount"],
                decision_reference=data["decision_reference"],
                decided_on=data["decided_on"],
                budget=form.budget(),
                milestones=form.plans(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The grant has been awarded."))
            return redirect("grants:detail", park_slug=park.slug, pk=award.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "grants/award_form.html", {"form": form}, status=status)


def _award_or_404(request: HttpRequest, pk: int) -> GrantAward:
    award = queries.award_detail(park=park_of(request), pk=pk)
    if award is None:
        raise Http404(_("No such grant in this park."))
    return award


def _render_detail(
    request: HttpRequest,
    award: GrantAward,
    *,
    forms: dict[str, Any] | None = None,
    failed_tranche: int | None = None,
    status: int = 200,
) -> HttpResponse:
    forms = forms or {}
    today = local_today(park_of(request).time_zone)
    milestones = list(award.milestones.all())
    tranches = list(award.tranches.all())
    access = access_of(request)
    can_manage = rules.can_manage_award(access, award)
    user_id = getattr(request.user, "pk", None)
    rows = []
    for tranche in tranches:
        approvals = list(tranche.approvals.all())
        disbursement = (
            getattr(tranche, "disbursement", None) if tranche.status == TrancheStatus.PAID else None
        )
        cancellation = (
            getattr(tranche, "cancellation", None)
            if tranche.status == TrancheStatus.CANCELLED
            else None
        )
        is_failed = failed_tranche == tranche.pk
        rows.append(
            {
                "tranche": tranche,
                "approvals": approvals,
                "disbursement": disbursement,
                "cancellation": cancellation,
                "approved_by_me": any(a.approver_id == user_id for a in approvals),
                "pay_form": forms.get("pay")
                if is_failed and "pay" in forms
                else PayForm(
                    initial={"idempotency_key": PayForm.new_key()}, prefix=f"pay-{tranche.pk}"
                ),
                "cancel_form": forms.get("cancel") if is_failed and "cancel" in forms else None,
                "error": forms.get("tranche_error") if is_failed else None,
            }
        )
    context = {
        "award": award,
        "company": award.participant.company,
        "budget": list(award.budget_lines.all()),
        "milestones": [
            {"milestone": m, "overdue": m.is_overdue(today), "reports": list(m.reports.all())}
            for m in milestones
        ],
        "tranches": rows,
        "clawbacks": list(award.clawbacks.all()),
        "can_manage": can_manage,
        "milestone_form": forms.get("milestone") or MilestoneForm(),
        "tranche_form": forms.get("tranche")
        or TrancheRequestForm(milestones=award.milestones.all()),
        "clawback_form": forms.get("clawback") or ClawbackForm(),
        "review_forms": forms.get("review", {}),
        "today": today,
        "acts_for": not can_manage and rules.can_view_my_grants(access),
    }
    return render(request, "grants/award_detail.html", context, status=status)


@login_required
@require_GET
def award_detail(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    access = access_of(request)
    require(rules.can_open_awards(access))
    award = _award_or_404(request, pk)
    require(rules.can_view_award(access, award))
    return _render_detail(request, award)


def _manage(request: HttpRequest, pk: int) -> GrantAward:
    access = access_of(request)
    require(rules.can_manage_grants(access))
    award = _award_or_404(request, pk)
    require(rules.can_manage_award(access, award))
    return award


def _done(request: HttpRequest, award: GrantAward, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("grants:detail", park_slug=park_of(request).slug, pk=award.pk)


@login_required
@require_POST
def milestone_add(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    award = _manage(request, pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_add(award=award, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return _done(request, award, _("The milestone has been added."))
    return _render_detail(request, award, forms={"milestone": form}, status=400)


@login_required
@require_POST
def tranche_request(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    award = _manage(request, pk)
    form = TrancheRequestForm(request.POST, milestones=award.milestones.all())
    if form.is_valid():
        try:
            services.tranche_request(
                award=award,
                milestone=form.cleaned_data["milestone"],
                actor=request.user,
                amount=form.cleaned_data["amount"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return _done(request, award, _("The tranche has been requested."))
    return _render_detail(request, award, forms={"tranche": form}, status=400)


def _tranche_of(award: GrantAward, tranche_pk: int) -> Any:
    for tranche in award.tranches.all():
        if tranche.pk == tranche_pk:
            return tranche
    raise Http404(_("No such tranche in this grant."))


def _error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


@login_required
@require_POST
def tranche_approve(request: HttpRequest, park_slug: str, pk: int, tranche_pk: int) -> HttpResponse:
    award = _manage(request, pk)
    tranche = _tranche_of(award, tranche_pk)
    try:
        result = services.tranche_approve(tranche=tranche, actor=request.user)
    except ValidationError as error:
        return _render_detail(
            request,
            _award_or_404(request, pk),
            forms={"tranche_error": _error_text(error)},
            failed_tranche=tranche.pk,
            status=400,
        )
    if result.status == TrancheStatus.APPROVED:
        return _done(request, award, _("Tranche approved by two staff members: it may be paid."))
    return _done(
        request, award, _("Your approval is recorded: a second staff member must approve.")
    )


@login_required
@require_POST
def tranche_pay(request: HttpRequest, park_slug: str, pk: int, tranche_pk: int) -> HttpResponse:
    award = _manage(request, pk)
    tranche = _tranche_of(award, tranche_pk)
    form = PayForm(request.POST, prefix=f"pay-{tranche.pk}")
    if form.is_valid():
        try:
            result = services.tranche_pay(
                tranche=tranche,
                actor=request.user,
                payment_reference=form.cleaned_data["payment_reference"],
                idempotency_key=form.cleaned_data["idempotency_key"],
                paid_on=form.cleaned_data["paid_on"],
            )
        except ValidationError as error:
            return _render_detail(
                request,
                _award_or_404(request, pk),
                forms={"pay": form, "tranche_error": _error_text(error)},
                failed_tranche=tranche.pk,
                status=409
                if isinstance(error, (services.Overpayment, services.AlreadyPaid))
                else 400,
            )
        if result.created:
            return _done(request, award, _("The tranche has been paid."))
        return _done(request, award, _("This payment was already made; it was not made again."))
    return _render_detail(
        request,
        award,
        forms={"pay": form, "tranche_error": _("Check the payment's details.")},
        failed_tranche=tranche.pk,
        status=400,
    )


@login_required
@require_POST
def tranche_cancel(request: HttpRequest, park_slug: str, pk: int, tranche_pk: int) -> HttpResponse:
    award = _manage(request, pk)
    tranche = _tranche_of(award, tranche_pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.tranche_cancel(
                tranche=tranche, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            return _render_detail(
                request,
                _award_or_404(request, pk),
                forms={"cancel": form, "tranche_error": _error_text(error)},
                failed_tranche=tranche.pk,
                status=400,
            )
        return _done(request, award, _("The tranche has been cancelled."))
    return _render_detail(
        request,
        award,
        forms={"cancel": form, "tranche_error": _("Give the reason for cancelling.")},
        failed_tranche=tranche.pk,
        status=400,
    )


@login_required
@require_POST
def clawback(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    award = _manage(request, pk)
    form = ClawbackForm(request.POST)
    if form.is_valid():
        try:
            services.clawback_record(award=award, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return _done(request, award, _("The clawback has been recorded."))
    return _render_detail(request, award, forms={"clawback": form}, status=400)


@login_required
@require_POST
def report_review(request: HttpRequest, park_slug: str, pk: int, report_pk: int) -> HttpResponse:
    award = _manage(request, pk)
    report = queries.report_in_park(park=park_of(request), pk=report_pk)
    if report is None or report.milestone.award_id != award.pk:
        raise Http404(_("No such report in this grant."))
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.grant_report_review(
                report=report,
                actor=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return _done(request, award, _("The report has been reviewed."))
    return _render_detail(request, award, forms={"review": {report.pk: form}}, status=400)


# --- Milestone reports (founders) and their files ----------------------------------------


def _milestone_or_404(request: HttpRequest, pk: int) -> Milestone:
    milestone = queries.milestone_in_park(park=park_of(request), pk=pk)
    if milestone is None:
        raise Http404(_("No such milestone in this park."))
    return milestone


@login_required
@require_http_methods(["GET", "POST"])
def report_file(request: HttpRequest, park_slug: str, milestone_pk: int) -> HttpResponse:
    """A founder reports on a milestone: what was done, spending per budget line, files."""
    access = access_of(request)
    require(rules.can_view_my_grants(access))
    milestone = _milestone_or_404(request, milestone_pk)
    require(rules.can_file_grant_report(access, milestone))
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_report_file(
                milestone=milestone,
                actor=request.user,
                summary=form.cleaned_data["summary"],
                spending=form.spending(),
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your report has been filed."))
            return redirect("grants:detail", park_slug=park_of(request).slug, pk=milestone.award_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "grants/report_form.html",
        {
            "milestone": milestone,
            "award": milestone.award,
            "form": form,
            "budget": list(milestone.award.budget_lines.all()),
        },
        status=status,
    )


@login_required
@require_GET
def attachment(request: HttpRequest, park_slug: str, pk: int) -> FileResponse:
    """A report's file, to whoever may see the grant; always a download."""
    access = access_of(request)
    require(rules.can_open_awards(access))
    item = queries.attachment_in_park(park=park_of(request), pk=pk)
    if item is None:
        raise Http404(_("No such file."))
    require(rules.can_open_report_files(access, item.report.milestone.award))
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("No such file.")) from error
    content_type = mimetypes.guess_type(item.name)[0] or "application/octet-stream"
    response = FileResponse(
        handle, as_attachment=True, filename=item.name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
