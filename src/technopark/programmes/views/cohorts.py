"""Programmes and their cohorts: the list, creating them, the cohort's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from technopark.accounts.http import signed_in_user
from technopark.companies.queries import direction_options
from technopark.core.localtime import wall_time
from technopark.parks.http import access_of, park_of, require
from technopark.parks.queries import site_options
from technopark.programmes import queries, rules, services
from technopark.programmes.forms import (
    CohortForm,
    ProgrammeForm,
)
from technopark.programmes.queries import zone_name
from technopark.programmes.views._common import _cohort, _found, _schedule

# --- Programmes and cohorts -----------------------------------------------------------------------


@login_required
@require_GET
def programme_list(request: HttpRequest, park_slug: str) -> HttpResponse:
    require(rules.can_list_programmes(access_of(request)))
    programmes = queries.programme_list(park=park_of(request))
    return render(request, "programmes/programme_list.html", {"programmes": programmes})


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest, park_slug: str) -> HttpResponse:
    require(rules.can_manage_programmes(access_of(request)))
    park = park_of(request)
    form = ProgrammeForm(
        request.POST if request.method == "POST" else None,
        directions=direction_options(park=park),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            programme = services.programme_create(
                park=park,
                actor=signed_in_user(request),
                name=data["name"],
                description=data["description"],
                grant_cap=data["grant_cap"],
                coworking_seats=data["coworking_seats"],
                length_weeks=data["length_weeks"],
                directions=form.chosen_directions(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("The programme %(name)s has been created.") % {"name": programme.name}
            )
            return redirect(
                "programmes:cohort_create", park_slug=park.slug, programme_pk=programme.pk
            )
    return render(request, "programmes/form.html", {"form": form, "title": _("New programme")})


@login_required
@require_http_methods(["GET", "POST"])
def cohort_create(request: HttpRequest, park_slug: str, programme_pk: int) -> HttpResponse:
    require(rules.can_manage_programmes(access_of(request)))
    park = park_of(request)
    programme = _found(queries.programme_detail(park=park, pk=programme_pk))
    form = CohortForm(
        request.POST if request.method == "POST" else None,
        sites=site_options(park=park),
        calls=queries.programme_calls(park=park),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            cohort = services.cohort_create(
                programme=programme,
                actor=signed_in_user(request),
                name=data["name"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                capacity=data["capacity"],
                site=data["site"],
                intake_call=data["intake_call"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The cohort has been created."))
            return redirect("programmes:cohort", park_slug=park.slug, pk=cohort.pk)
    title = _("New cohort of %(programme)s") % {"programme": programme.name}
    return render(request, "programmes/form.html", {"form": form, "title": title})


@login_required
@require_GET
def cohort_detail(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    access = access_of(request)
    require(rules.can_view_cohort(access))
    cohort = _cohort(request, pk)
    require(rules.can_view_cohort(access, cohort))
    demo_day = queries.cohort_demo_day(cohort=cohort)
    demo_zone = zone_name(site=demo_day.site, cohort=cohort) if demo_day else ""
    return render(
        request,
        "programmes/cohort_detail.html",
        {
            "cohort": cohort,
            "participants": queries.cohort_participants(cohort=cohort),
            "schedule": _schedule(queries.cohort_sessions(cohort=cohort), cohort),
            "demo_day": demo_day,
            "demo_day_starts": wall_time(demo_day.starts_at, demo_zone) if demo_day else None,
            "demo_zone": demo_zone,
        },
    )
