"""Pages of the reports part: the staff's review of a milestone report, the founder's report
on a milestone, and a report's files.

Each view checks a permission that needs no record first (403), then looks the record up in the
request's park (another park's record is not found: 404), then checks the permission on it.
"""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.accounts.http import signed_in_user
from technopark.grants import queries, rules, services
from technopark.grants.forms import ReportForm, ReviewForm
from technopark.grants.models import Milestone
from technopark.grants.views._common import _done, _manage, _render_detail
from technopark.parks.http import access_of, park_of, require


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
                actor=signed_in_user(request),
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
                actor=signed_in_user(request),
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
