"""The curriculum: scheduling a session and taking its attendance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from technopark.accounts.http import signed_in_user
from technopark.core.localtime import to_utc, wall_time
from technopark.parks.http import access_of, park_of, require
from technopark.parks.queries import site_options
from technopark.programmes import queries, rules, services
from technopark.programmes.forms import (
    AttendanceForm,
    SessionForm,
)
from technopark.programmes.queries import zone_name
from technopark.programmes.views._common import _cohort, _found

# --- Curriculum -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    require(rules.can_manage_programmes(access_of(request)))
    park = park_of(request)
    cohort = _cohort(request, pk)
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        sites=site_options(park=park),
        initial={"site": cohort.site_id or ""},
    )
    if form.is_valid():
        data = form.cleaned_data
        zone = zone_name(site=data["site"], cohort=cohort)
        try:
            session = services.session_create(
                cohort=cohort,
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
            messages.success(request, _("%(title)s is on the schedule.") % {"title": session.title})
            return redirect("programmes:cohort", park_slug=park.slug, pk=cohort.pk)
    title = _("New session for %(cohort)s") % {"cohort": cohort.name}
    return render(request, "programmes/form.html", {"form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def session_attendance(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Take attendance for a whole session in one form (checked: present)."""
    access = access_of(request)
    require(rules.can_take_attendance(access))
    session = _found(queries.session_for(park=park_of(request), pk=pk))
    require(rules.can_take_attendance(access, session))
    started = session.starts_at <= timezone.now()
    sheet = queries.session_sheet(session=session) if started else []
    form = AttendanceForm(
        request.POST if request.method == "POST" and started else None, sheet=sheet
    )
    refused = request.method == "POST" and not started
    if form.is_valid():
        try:
            services.attendance_record(
                session=session, actor=signed_in_user(request), marks=form.marks()
            )
        except ValidationError as error:
            for messages_ in getattr(error, "message_dict", {"": error.messages}).values():
                for message in messages_:
                    form.add_error(None, message)
        else:
            messages.success(request, _("Attendance has been saved."))
            return redirect("programmes:cohort", park_slug=park_slug, pk=session.cohort_id)
    zone = zone_name(site=session.site, cohort=session.cohort)
    return render(
        request,
        "programmes/session_attendance.html",
        {
            "session": session,
            "form": form,
            "rows": form.rows(),
            "zone": zone,
            "starts": wall_time(session.starts_at, zone),
            "ends": wall_time(session.ends_at, zone),
            "started": started,
            "refused": refused,
        },
        status=400 if refused or (form.is_bound and form.errors) else 200,
    )
