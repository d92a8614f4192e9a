"""Changing and removing programmes, cohorts and sessions (staff).

Removing asks first (``core.confirm``) and says what will happen: a programme with cohorts, or a
cohort with participants, is archived (it leaves the lists, its record stays, it can be
restored); one nothing depends on is deleted. A session is deleted only while no attendance has
been taken for it; after that it stays in the record and can only be changed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from technopark.accounts.http import signed_in_user
from technopark.companies.queries import direction_options
from technopark.core.confirm import confirmation, confirmed
from technopark.core.localtime import to_utc, wall_time
from technopark.parks.http import access_of, park_of, require
from technopark.parks.queries import site_options
from technopark.programmes import queries, rules, services
from technopark.programmes.forms import CohortForm, ProgrammeForm, SessionForm
from technopark.programmes.queries import zone_name
from technopark.programmes.views._common import _cohort, _found


def _list_url(request: HttpRequest, anchor: str = "") -> str:
    return reverse("programmes:list", kwargs={"park_slug": park_of(request).slug}) + anchor


def _cohort_url(request: HttpRequest, cohort_pk: int, anchor: str = "") -> str:
    return (
        reverse("programmes:cohort", kwargs={"park_slug": park_of(request).slug, "pk": cohort_pk})
        + anchor
    )


def _programme(request: HttpRequest, pk: int) -> Any:
    require(rules.can_manage_programmes(access_of(request)))
    return _found(queries.programme_detail(park=park_of(request), pk=pk))


def _sites_with(current: Any, park: Any) -> list[Any]:
    """The sites to choose from, with the record's own site even when it has been archived."""
    return site_options(park=park, keep=current.pk if current is not None else None)


def _form_page(request: HttpRequest, form: Any, title: str) -> HttpResponse:
    return render(
        request,
        "programmes/form.html",
        {"form": form, "title": title},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- Programmes -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    park = park_of(request)
    initial = {
        "name": programme.name,
        "description": programme.description,
        "grant_cap": programme.grant_cap,
        "coworking_seats": programme.coworking_seats,
        "length_weeks": programme.length_weeks,
        "directions": [str(pk) for pk in programme.directions.values_list("pk", flat=True)],
    }
    form = ProgrammeForm(
        request.POST if request.method == "POST" else None,
        directions=direction_options(park=park, keep=[int(pk) for pk in initial["directions"]]),
        initial=initial,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.programme_update(
                programme=programme,
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
            messages.success(request, _("The programme has been saved."))
            return redirect(_list_url(request, f"#programme-{programme.pk}"))
    return _form_page(request, form, _("Edit the programme %(name)s") % {"name": programme.name})


@login_required
@require_POST
def programme_remove(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    if not confirmed(request):
        if services.programme_in_use(programme):
            message = _(
                "The programme has cohorts, so it will be archived, not deleted: it takes no "
                "new cohorts, and its cohorts, participants and grants stay. You can restore it."
            )
            action = pgettext("programme or cohort", "Archive")
        else:
            message = _("The programme has no cohorts, so it will be deleted.")
            action = pgettext("programme, cohort or session", "Delete")
        return confirmation(
            request,
            title=_("Remove the programme %(name)s?") % {"name": programme.name},
            message=message,
            action=action,
            back=_list_url(request, f"#programme-{programme.pk}"),
        )
    result = services.programme_remove(programme=programme, actor=signed_in_user(request))
    messages.success(request, _removed_message(result))
    return redirect(_list_url(request))


@login_required
@require_POST
def programme_restore(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    services.programme_restore(programme=programme, actor=signed_in_user(request))
    messages.success(request, _("The programme is back: it takes new cohorts again."))
    return redirect(_list_url(request, f"#programme-{programme.pk}"))


def _removed_message(result: str) -> str:
    if result == "archived":
        return _("Archived: it has left the lists; its record stays.")
    return _("Deleted.")


# --- Cohorts --------------------------------------------------------------------------------------


def _managed_cohort(request: HttpRequest, pk: int) -> Any:
    require(rules.can_manage_programmes(access_of(request)))
    return _cohort(request, pk)


@login_required
@require_http_methods(["GET", "POST"])
def cohort_edit(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    cohort = _managed_cohort(request, pk)
    park = park_of(request)
    form = CohortForm(
        request.POST if request.method == "POST" else None,
        sites=_sites_with(cohort.site, park),
        calls=queries.programme_calls(park=park),
        initial={
            "name": cohort.name,
            "starts_on": cohort.starts_on,
            "ends_on": cohort.ends_on,
            "capacity": cohort.capacity,
            "site": str(cohort.site_id or ""),
            "intake_call": str(cohort.intake_call_id or ""),
        },
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.cohort_update(
                cohort=cohort,
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
            messages.success(request, _("The cohort has been saved."))
            return redirect(_cohort_url(request, cohort.pk))
    return _form_page(request, form, _("Edit the cohort %(name)s") % {"name": cohort.name})


@login_required
@require_POST
def cohort_remove(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    cohort = _managed_cohort(request, pk)
    if not confirmed(request):
        if services.cohort_in_use(cohort):
            message = _(
                "The cohort has participants or demo-day guests, so it will be archived, not "
                "deleted: it leaves the programme's list, and its participants, attendance, "
                "progress, grants, guests and their feedback stay. You can restore it."
            )
            action = pgettext("programme or cohort", "Archive")
        else:
            message = _(
                "The cohort has no participants, so it will be deleted with its scheduled "
                "sessions and demo day."
            )
            action = pgettext("programme, cohort or session", "Delete")
        return confirmation(
            request,
            title=_("Remove the cohort %(name)s?") % {"name": cohort.name},
            message=message,
            action=action,
            back=_cohort_url(request, cohort.pk),
        )
    result = services.cohort_remove(cohort=cohort, actor=signed_in_user(request))
    messages.success(request, _removed_message(result))
    if result == "archived":
        return redirect(_cohort_url(request, cohort.pk))
    return redirect(_list_url(request))


@login_required
@require_POST
def cohort_restore(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    cohort = _managed_cohort(request, pk)
    services.cohort_restore(cohort=cohort, actor=signed_in_user(request))
    messages.success(request, _("The cohort is back in the programme's list."))
    return redirect(_cohort_url(request, cohort.pk))


# --- Sessions -------------------------------------------------------------------------------------


def _managed_session(request: HttpRequest, pk: int) -> Any:
    require(rules.can_manage_programmes(access_of(request)))
    return _found(queries.session_for(park=park_of(request), pk=pk))


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    session = _managed_session(request, pk)
    cohort = session.cohort
    zone = zone_name(site=session.site, cohort=cohort)
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        sites=_sites_with(session.site, park_of(request)),
        initial={
            "kind": session.kind,
            "title": session.title,
            "speaker": session.speaker,
            "site": str(session.site_id or ""),
            "room": session.room,
            "starts_at": wall_time(session.starts_at, zone),
            "ends_at": wall_time(session.ends_at, zone),
        },
    )
    if form.is_valid():
        data = form.cleaned_data
        zone = zone_name(site=data["site"], cohort=cohort)
        try:
            services.session_update(
                session=session,
                actor=signed_in_user(request),
                kind=data["kind"],
                title=data["title"],
                speaker=data["speaker"],
                site=data["site"],
                room=data["room"],
                starts_at=to_utc(data["starts_at"], zone=zone, field="starts_at"),
                ends_at=to_utc(data["ends_at"], zone=zone, field="ends_at"),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The session has been saved."))
            return redirect(_cohort_url(request, cohort.pk, "#schedule-title"))
    return _form_page(request, form, _("Edit the session %(title)s") % {"title": session.title})


@login_required
@require_POST
def session_remove(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    session = _managed_session(request, pk)
    back = _cohort_url(request, session.cohort_id, "#schedule-title")
    problem = services.session_removal_problem(session)
    if problem is None and not confirmed(request):
        return confirmation(
            request,
            title=_("Delete the session %(title)s?") % {"title": session.title},
            message=_("No attendance has been taken for it. It leaves the cohort's schedule."),
            action=pgettext("programme, cohort or session", "Delete"),
            back=back,
        )
    try:
        if problem is not None:
            raise problem
        services.session_remove(session=session, actor=signed_in_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, _("The session has been deleted."))
    return redirect(back)
