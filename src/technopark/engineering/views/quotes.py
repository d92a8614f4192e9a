"""Quotes: the staff's editor (lines while a draft, send, new version) and the answers (the
company approves or declines; a manager approves too above the park's threshold)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from technopark.engineering import queries, rules, services
from technopark.engineering.forms import DeclineForm, MaterialsLineForm, SendForm, ServiceLineForm
from technopark.engineering.models import (
    ZERO,
    ApprovalSide,
    Quote,
    QuoteStatus,
    ServiceRequest,
    Tier,
)
from technopark.engineering.views._common import error_text, quote_or_404, request_or_404, visitor
from technopark.engineering.views.requests import detail_context
from technopark.parks.http import access_of, park_of, require


def _editor(
    request: HttpRequest,
    quote: Quote,
    found: ServiceRequest,
    *,
    line_form: ServiceLineForm | None = None,
    materials_form: MaterialsLineForm | None = None,
    send_form: SendForm | None = None,
    status: int = 200,
) -> HttpResponse:
    park = park_of(request)
    active = queries.services(park=park, active_only=True)
    tier = queries.company_tier(company=found.company)
    context: dict[str, Any] = {
        "quote": quote,
        "req": found,
        "lines": queries.quote_lines(quote=quote),
        "tier": Tier(tier).label,
        "editable": quote.status == QuoteStatus.DRAFT,
        "line_form": line_form or ServiceLineForm(initial={"tier": tier}, services=active),
        "materials_form": materials_form or MaterialsLineForm(),
        "send_form": send_form or SendForm(),
    }
    return render(request, "engineering/quote_edit.html", context, status=status)


@login_required
@require_GET
def quote_edit(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    quote, found = quote_or_404(request, pk, visitor(request))
    require(rules.can_edit_quotes(access_of(request), found))
    return _editor(request, quote, found)


@login_required
@require_POST
def quote_create(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    found = request_or_404(request, pk, visitor(request))
    access = access_of(request)
    require(rules.can_edit_quotes(access, found))
    try:
        quote = services.quote_create(access=access, request=found, now=timezone.now())
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("engineering:request", park_slug=park_slug, pk=found.pk)
    return redirect("engineering:quote", park_slug=park_slug, pk=quote.pk)


@login_required
@require_POST
def quote_line_add(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    quote, found = quote_or_404(request, pk, visitor(request))
    access = access_of(request)
    require(rules.can_edit_quotes(access, found))
    active = queries.services(park=park_of(request), active_only=True)
    form = ServiceLineForm(request.POST, services=active)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.quote_line_add(
                access=access,
                quote=quote,
                service=data["service"],
                quantity=data["quantity"],
                tier=data["tier"],
                discount=data["discount"] or ZERO,
                discount_reason=data["discount_reason"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return redirect("engineering:quote", park_slug=park_slug, pk=quote.pk)
    return _editor(request, quote, found, line_form=form, status=400)


@login_required
@require_POST
def quote_materials_add(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    quote, found = quote_or_404(request, pk, visitor(request))
    access = access_of(request)
    require(rules.can_edit_quotes(access, found))
    form = MaterialsLineForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.quote_materials_add(
                access=access,
                quote=quote,
                description=data["description"],
                quantity=data["quantity"],
                unit_price=data["unit_price"],
                discount=data["discount"] or ZERO,
                discount_reason=data["discount_reason"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return redirect("engineering:quote", park_slug=park_slug, pk=quote.pk)
    return _editor(request, quote, found, materials_form=form, status=400)


@login_required
@require_POST
def quote_line_remove(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    line = queries.line_in_park(park=park_of(request), pk=pk)
    if line is None:
        raise Http404(_("No such quote line in this park."))
    quote, found = quote_or_404(request, line.quote_id, visitor(request))
    access = access_of(request)
    require(rules.can_edit_quotes(access, found))
    try:
        services.quote_line_remove(access=access, line=line)
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect("engineering:quote", park_slug=park_slug, pk=quote.pk)


@login_required
@require_POST
def quote_send(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    quote, found = quote_or_404(request, pk, visitor(request))
    access = access_of(request)
    require(rules.can_edit_quotes(access, found))
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            sent = services.quote_send(
                access=access,
                quote=quote,
                expires_on=form.cleaned_data["expires_on"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Quote %(number)s is sent.") % {"number": sent.number})
            return redirect("engineering:request", park_slug=park_slug, pk=found.pk)
    return _editor(request, quote, found, send_form=form, status=400)


@login_required
@require_POST
def quote_revise(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    quote, found = quote_or_404(request, pk, visitor(request))
    access = access_of(request)
    require(rules.can_edit_quotes(access, found))
    try:
        new = services.quote_revise(access=access, quote=quote, now=timezone.now())
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("engineering:request", park_slug=park_slug, pk=found.pk)
    return redirect("engineering:quote", park_slug=park_slug, pk=new.pk)


@login_required
@require_POST
def quote_approve(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Approve for the company (someone acting for it) or as the park's manager."""
    who = visitor(request)
    quote, found = quote_or_404(request, pk, who)
    access = access_of(request)
    if rules.acts_for_request(access, found, who.acting_ids):
        side = ApprovalSide.COMPANY
    else:
        require(rules.can_see_all_requests(access))
        side = ApprovalSide.MANAGER
    try:
        services.quote_approve(access=access, quote=quote, side=side, now=timezone.now())
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Your approval is recorded."))
    return redirect("engineering:request", park_slug=park_slug, pk=found.pk)


@login_required
@require_POST
def quote_decline(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    who = visitor(request)
    quote, found = quote_or_404(request, pk, who)
    access = access_of(request)
    require(rules.acts_for_request(access, found, who.acting_ids))
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.quote_decline(
                access=access, quote=quote, reason=form.cleaned_data["reason"], now=timezone.now()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The quote is declined."))
            return redirect("engineering:request", park_slug=park_slug, pk=found.pk)
    context = detail_context(request, found, who)
    context["decline_form"] = form
    context["declining"] = quote.pk
    return render(request, "engineering/request_detail.html", context, status=400)
