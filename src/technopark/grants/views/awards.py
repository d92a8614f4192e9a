"""Pages of the awards part: the staff's ledger (list with filters, cached) and the accountants'
XLSX, the founders' "my grants", the award's form and page, and adding a milestone.

Each view checks a permission that needs no record first (403), then looks the record up in the
request's park (another park's record is not found: 404), then checks the permission on it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.accounts.http import signed_in_user
from technopark.core.confirm import confirmation, confirmed
from technopark.core.fragments import Fragment
from technopark.core.localtime import local_today
from technopark.core.params import ID, PAGE, Choice, Integer, Text, param_value
from technopark.grants import exports, queries, rules, services
from technopark.grants.forms import AwardForm, CancelForm, ExportForm, MilestoneForm
from technopark.grants.views._common import (
    _award_or_404,
    _award_url,
    _done,
    _manage,
    _render_detail,
)
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
            ("", pgettext("filter: any value", "All")),
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
    participant = param_value(request.GET, "participant", ID, None)
    if request.method == "GET" and participant is not None:
        initial["participant"] = str(participant)
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
                actor=signed_in_user(request),
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


@login_required
@require_GET
def award_detail(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    access = access_of(request)
    require(rules.can_open_awards(access))
    award = _award_or_404(request, pk)
    require(rules.can_view_award(access, award))
    return _render_detail(request, award)


@login_required
@require_POST
def milestone_add(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    award = _manage(request, pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_add(award=award, actor=signed_in_user(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return _done(request, award, _("The milestone has been added."))
    return _render_detail(request, award, forms={"milestone": form}, status=400)


@login_required
@require_POST
def award_cancel(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Cancel the whole award with a reason (the confirmation form on the award page)."""
    award = _manage(request, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        if award.cancelled_at is None and not confirmed(request):
            return confirmation(
                request,
                title=_("Cancel the grant %(reference)s?")
                % {"reference": award.decision_reference},
                message=_(
                    "Every tranche not yet paid is cancelled; nothing more is requested, "
                    "approved or paid on this grant. What was paid stays in the ledger and can "
                    "still be clawed back. A cancelled grant cannot be restored."
                ),
                consequences=[_("Reason: %(reason)s") % {"reason": form.cleaned_data["reason"]}],
                action=_("Cancel the whole grant"),
                back=_award_url(request, award, "#cancel-award-title"),
            )
        try:
            services.award_cancel(
                award=award, actor=signed_in_user(request), reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return _done(
                request,
                award,
                _("The grant has been cancelled: its unpaid tranches are cancelled too."),
            )
    return _render_detail(request, award, forms={"award_cancel": form}, status=400)
