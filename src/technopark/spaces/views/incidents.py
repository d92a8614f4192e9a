"""The incidents page: staff and engineers open incidents on resources and close them with a
resolution; the list filters by resource, severity and state; the downtime table sums the «down»
time per instrument over a chosen month.

Filters are typed and bounded (``core.params``): a refused value is not applied. Another park's
incident is a 404.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from technopark.accounts.http import signed_in_user
from technopark.core.localtime import local_today, zone_named
from technopark.core.params import ID, Choice, Integer, param_value
from technopark.parks.http import access_of, park_of, require
from technopark.parks.models import Park
from technopark.spaces import queries, rules, services
from technopark.spaces.forms import IncidentCloseForm, IncidentForm
from technopark.spaces.models import Incident, IncidentSeverity

SEVERITY = Choice.of(IncidentSeverity.values)
STATE = Choice.of(queries.INCIDENT_STATES)
YEAR = Integer(low=2000, high=2100)
MONTH = Integer(low=1, high=12)


def _staff(request: HttpRequest) -> Park:
    require(rules.can_manage_incidents(access_of(request)))
    return park_of(request)


def _month_bounds(park: Park, year: int, month: int) -> tuple[datetime, datetime]:
    zone = zone_named(park.time_zone)
    first = datetime(year, month, 1, tzinfo=zone)
    following = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return first, following


@login_required
@require_http_methods(["GET", "POST"])
def incidents(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The list with its filters, the form to open an incident, and the month's downtime."""
    park = _staff(request)
    resources = list(queries.resources(park=park))
    form = IncidentForm(request.POST if request.method == "POST" else None, resources=resources)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.incident_open(
                    actor=signed_in_user(request),
                    resource=data["resource"],
                    severity=data["severity"],
                    description=data["description"],
                )
            except ValidationError as error:
                form.add_service_error(error)
                status = 400
            else:
                messages.success(request, _("The incident has been opened."))
                return redirect("spaces:incidents", park_slug=park.slug)
        else:
            status = 400
    params = request.GET
    resource_id = param_value(params, "resource", ID, None)
    if resource_id is not None and resource_id not in {resource.pk for resource in resources}:
        resource_id = None
    severity = param_value(params, "severity", SEVERITY, "")
    state = param_value(params, "state", STATE, "")
    today = local_today(park.time_zone, at=timezone.now())
    year = param_value(params, "year", YEAR, today.year)
    month = param_value(params, "month", MONTH, today.month)
    starts_at, ends_at = _month_bounds(park, year, month)
    return render(
        request,
        "spaces/incidents.html",
        {
            "form": form,
            "incidents": queries.incidents(
                park=park, resource_id=resource_id, severity=severity, state=state
            ),
            "resources": resources,
            "severities": IncidentSeverity.choices,
            "chosen": {
                "resource": resource_id,
                "severity": severity,
                "state": state,
                "year": year,
                "month": month,
            },
            "month_start": starts_at.date(),
            "months": range(1, 13),
            "downtime": queries.downtime(park=park, starts_at=starts_at, ends_at=ends_at),
        },
        status=status,
    )


def _incident_or_404(park: Park, pk: int) -> Incident:
    incident = queries.incident_in_park(park=park, pk=pk)
    if incident is None:
        raise Http404(_("No such incident in this park."))
    return incident


@login_required
@require_http_methods(["GET", "POST"])
def incident_detail(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """One incident; an open one is closed here with its resolution."""
    park = _staff(request)
    incident = _incident_or_404(park, pk)
    form = IncidentCloseForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.incident_close(
                    actor=signed_in_user(request),
                    incident=incident,
                    resolution=form.cleaned_data["resolution"],
                )
            except ValidationError as error:
                form.add_service_error(error)
                status = 400
            else:
                messages.success(request, _("The incident has been closed."))
                return redirect("spaces:incidents", park_slug=park.slug)
        else:
            status = 400
    return render(
        request,
        "spaces/incident.html",
        {"incident": incident, "form": form},
        status=status,
    )
