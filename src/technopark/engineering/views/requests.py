"""A company's requests (list, new, detail) and the staff's actions on one request: changes of
state and assignment. The detail is one page for both sides; the buttons follow the rules."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.core.localtime import local_today
from technopark.engineering import queries, rules, services
from technopark.engineering.forms import AssignForm, DeclineForm, RequestForm, TransitionForm
from technopark.engineering.models import RequestState, ServiceRequest
from technopark.engineering.views import work
from technopark.engineering.views._charge_context import charge_context
from technopark.engineering.views._common import Visitor, request_or_404, visitor
from technopark.engineering.workflow import TRANSITIONS
from technopark.parks.http import access_of, park_of, require
from technopark.parks.rules import is_staff


@login_required
@require_GET
def my_requests(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The requests of the companies the visitor is in, with the quotes waiting for an answer."""
    require(rules.can_request_services(access_of(request)))
    park = park_of(request)
    ids = queries.member_company_ids(park=park, user=request.user)
    today = local_today(park.time_zone, at=timezone.now())
    rows = queries.company_requests(park=park, company_ids=ids, today=today)
    page = Paginator(rows, settings.TECHNOPARK_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "engineering/my_requests.html", {"page": page, "rows": list(page.object_list)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, park_slug: str) -> HttpResponse:
    """File a request for a company one acts for (staff: for any company of the park)."""
    access = access_of(request)
    require(rules.can_request_services(access))
    park = park_of(request)
    companies = queries.companies_for(park=park, user=request.user, all_of_park=is_staff(access))
    form = RequestForm(request.POST or None, companies=companies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_create(
                access=access,
                company=data["company"],
                title=data["title"],
                description=data["description"],
                desired_on=data["desired_on"],
                confidential=data["confidential"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your request is filed: the centre will triage it."))
            return redirect("engineering:request", park_slug=park.slug, pk=created.pk)
    status = 400 if form.is_bound else 200
    return render(request, "engineering/request_form.html", {"form": form}, status=status)


def detail_context(request: HttpRequest, found: ServiceRequest, who: Visitor) -> dict[str, Any]:
    access = access_of(request)
    park = park_of(request)
    parts = queries.request_detail_parts(request=found, with_drafts=rules.works_on(access, found))
    states = rules.transitions_for(access, found, who.acting_ids)
    labels = dict(RequestState.choices)
    today = local_today(park.time_zone, at=timezone.now())
    for quote in parts["quotes"]:
        quote.answerable = rules.can_answer_quote(access, quote, found, who.acting_ids, today=today)
        quote.manager_may_approve = rules.can_approve_as_manager(access, quote, found, today=today)
    reasons = {state for state in states if TRANSITIONS[(found.state, state)].reason_required}
    context: dict[str, Any] = {
        "req": found,
        "events": parts["events"],
        "quotes": parts["quotes"],
        "transitions": [(state, labels[state], state in reasons) for state in states],
        "works_on": rules.works_on(access, found),
        "can_draft": rules.works_on(access, found)
        and found.state in (RequestState.TRIAGED, RequestState.QUOTED),
        "acts_for": rules.acts_for_request(access, found, who.acting_ids),
        "can_assign": rules.can_assign(access, found),
        "decline_form": DeclineForm(),
        "is_staff": is_staff(access),
        **charge_context(request, found, who),
        "has_act": rules.has_act(found),
        "sees_rating": rules.sees_rating(access, found, who.member_ids),
        "may_rate": RequestState.ACCEPTED in states
        and rules.acts_for_request(access, found, who.acting_ids),
    }
    context.update(work.work_context(request, found))
    if context["can_assign"]:
        context["assign_form"] = AssignForm(
            initial={"responsible": found.responsible_id, "engineers": list(found.engineers.all())},
            staff=queries.staff_people(park=park),
            engineers=queries.engineers(park=park),
        )
    return context


@login_required
@require_GET
def request_detail(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """One request: what was asked, its history, its quotes, and the buttons the visitor may
    use. A confidential request is a 404 to anyone outside the NDA."""
    who = visitor(request)
    found = request_or_404(request, pk, who)
    return render(request, "engineering/request_detail.html", detail_context(request, found, who))


@login_required
@require_POST
def request_transition(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Change the request's state (the table in ``workflow`` decides; a refusal is shown)."""
    who = visitor(request)
    found = request_or_404(request, pk, who)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.request_transition(
                access=access_of(request),
                request=found,
                to_state=form.cleaned_data["to_state"],
                reason=form.cleaned_data["reason"],
                rating=form.cleaned_data["rating"],
                rating_comment=form.cleaned_data["rating_comment"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The request's state is changed."))
            return redirect("engineering:request", park_slug=park_slug, pk=found.pk)
    context = detail_context(request, found, who)
    context["transition_form"] = form
    return render(request, "engineering/request_detail.html", context, status=400)


@login_required
@require_POST
def request_assign(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Name the responsible staff member and the engineers (managers and admins)."""
    who = visitor(request)
    found = request_or_404(request, pk, who)
    access = access_of(request)
    require(rules.can_assign(access, found))
    park = park_of(request)
    form = AssignForm(
        request.POST,
        staff=queries.staff_people(park=park),
        engineers=queries.engineers(park=park),
    )
    if form.is_valid():
        try:
            services.request_assign(
                access=access,
                request=found,
                responsible=form.cleaned_data["responsible"],
                engineers=form.cleaned_data["engineers"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The request's people are saved."))
            return redirect("engineering:request", park_slug=park_slug, pk=found.pk)
    context = detail_context(request, found, who)
    context["assign_form"] = form
    return render(request, "engineering/request_detail.html", context, status=400)
