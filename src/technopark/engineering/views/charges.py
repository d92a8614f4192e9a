"""Charges: staff charge an accepted request to the company or a grant budget line, the company
disputes a line, staff accept or refuse the dispute; and the staff's page of the month's
charges with their totals. A refusal is shown on the request's page next to the form."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from technopark.core.localtime import local_today
from technopark.core.params import Integer, param_value
from technopark.core.scopes import in_park
from technopark.engineering import queries, rules, services
from technopark.engineering.forms import AdjustmentDecisionForm, DisputeForm
from technopark.engineering.models import Charge, ServiceRequest
from technopark.engineering.views._charge_context import charge_form
from technopark.engineering.views._common import Visitor, request_or_404, visitor
from technopark.engineering.views.requests import detail_context
from technopark.parks.http import access_of, park_of, require
from technopark.parks.rules import is_staff

YEAR = Integer(low=2000, high=2100)
MONTH = Integer(low=1, high=12)


def _again(
    request: HttpRequest, found: ServiceRequest, who: Visitor, **forms: object
) -> HttpResponse:
    """The request's page again, with the form that was refused (400)."""
    context = detail_context(request, found, who)
    context.update(forms)
    return render(request, "engineering/request_detail.html", context, status=400)


@login_required
@require_POST
def charge_create(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Charge an accepted request (the park's managers and admins). The form sent twice (the
    same idempotency key) finds the charge it made and goes back to the request; the request's
    state is the service's to check."""
    who = visitor(request)
    found = request_or_404(request, pk, who)
    access = access_of(request)
    require(in_park(access, found) and is_staff(access))
    key = request.POST.get("idempotency_key", "")
    if (
        isinstance(key, str)
        and key.strip()
        and Charge.all_parks.filter(
            park_id=found.park_id, request=found, idempotency_key=key.strip()
        ).exists()
    ):
        messages.success(request, _("The request is charged."))
        return redirect("engineering:request", park_slug=park_slug, pk=found.pk)
    form = charge_form(found, request.POST)
    if form.is_valid():
        line_id = form.budget_line_id()
        lines = queries.budget_lines_for(request=found) if line_id is not None else []
        line = next((row for row in lines if row.pk == line_id), None)
        try:
            result = services.charge_create(
                access=access,
                request=found,
                payer="company" if line_id is None else "budget_line",
                budget_line=line,
                idempotency_key=form.cleaned_data["idempotency_key"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if result.created:
                messages.success(request, _("The request is charged."))
            return redirect("engineering:request", park_slug=park_slug, pk=found.pk)
    return _again(request, found, who, charge_form=form)


@login_required
@require_POST
def charge_line_dispute(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """The company disputes a line of its charge: what it should charge, and why."""
    who = visitor(request)
    line = queries.charge_line_in_park(park=park_of(request), pk=pk)
    if line is None:
        raise Http404(_("No such charge line in this park."))
    found = request_or_404(request, line.charge.request_id, who)
    require(rules.can_dispute_charge(access_of(request), found, who.acting_ids))
    form = DisputeForm(request.POST)
    if form.is_valid():
        try:
            services.adjustment_request(
                access=access_of(request),
                line=line,
                proposed_amount=form.cleaned_data["proposed_amount"],
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your dispute is sent: the centre will answer it."))
            return redirect("engineering:request", park_slug=park_slug, pk=found.pk)
    return _again(request, found, who, dispute_form=form, disputing=line.pk)


@login_required
@require_POST
def adjustment_decide(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Staff accept a dispute (an adjusting line is added) or refuse it with a reason."""
    who = visitor(request)
    adjustment = queries.adjustment_in_park(park=park_of(request), pk=pk)
    if adjustment is None:
        raise Http404(_("No such adjustment in this park."))
    found = request_or_404(request, adjustment.charge.request_id, who)
    require(rules.can_decide_adjustments(access_of(request), found))
    form = AdjustmentDecisionForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.adjustment_decide(
                access=access_of(request),
                adjustment=adjustment,
                accept=accept,
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("The dispute is accepted: the charge is adjusted.")
                if accept
                else _("The dispute is refused."),
            )
            return redirect("engineering:request", park_slug=park_slug, pk=found.pk)
    return _again(request, found, who, decision_form=form, deciding=adjustment.pk)


@login_required
@require_GET
def month(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The park's charges of a month (this month by default, the park's day) with totals by
    payer and by tier. Four queries whatever the number of charges."""
    require(rules.can_view_charges(access_of(request)))
    park = park_of(request)
    today = local_today(park.time_zone, at=timezone.now())
    year = param_value(request.GET, "year", YEAR, today.year)
    number = param_value(request.GET, "month", MONTH, today.month)
    data = queries.month_charges(park=park, year=year, month=number)
    shown = date(year, number, 1)
    previous = date(year - 1, 12, 1) if number == 1 else date(year, number - 1, 1)
    following = date(year + 1, 1, 1) if number == 12 else date(year, number + 1, 1)
    return render(
        request,
        "engineering/charges_month.html",
        {
            "data": data,
            "shown": shown,
            "previous": previous if previous.year >= YEAR.low else None,
            "following": following if following.year <= YEAR.high else None,
            "months": [(n, date(2000, n, 1)) for n in range(1, 13)],
        },
    )
