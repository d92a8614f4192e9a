"""The demo day: planning it, its page, the pitch order, the guests and their feedback."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.core.exports import BOM, safe_row
from technopark.core.localtime import to_utc, wall_time
from technopark.parks.http import access_of, park_of, require
from technopark.parks.queries import site_options
from technopark.programmes import queries, rules, services, tasks
from technopark.programmes.forms import (
    DemoDayForm,
    FeedbackForm,
    GuestForm,
    PitchOrderForm,
)
from technopark.programmes.models import DemoDay
from technopark.programmes.queries import zone_name
from technopark.programmes.views._common import _cohort, _found

# --- Demo day -------------------------------------------------------------------------------------


def _demo_day(request: HttpRequest, pk: int) -> DemoDay:
    access = access_of(request)
    require(rules.can_view_demo_days(access))
    demo_day: DemoDay = _found(queries.demo_day_for(park=park_of(request), pk=pk))
    require(rules.can_view_demo_day(access, demo_day))
    return demo_day


@login_required
@require_http_methods(["GET", "POST"])
def demo_day_edit(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Plan the cohort's demo day (``pk`` is the cohort): title, time, place, minutes per pitch."""
    require(rules.can_manage_demo_day(access_of(request)))
    park = park_of(request)
    cohort = _cohort(request, pk)
    existing = queries.cohort_demo_day(cohort=cohort)
    initial: dict[str, Any] = {"site": cohort.site_id or ""}
    if existing is not None:
        zone = zone_name(site=existing.site, cohort=cohort)
        initial = {
            "title": existing.title,
            "starts_at": wall_time(existing.starts_at, zone),
            "minutes_per_pitch": existing.minutes_per_pitch,
            "site": existing.site_id or "",
            "room": existing.room,
        }
    form = DemoDayForm(
        request.POST if request.method == "POST" else None,
        sites=site_options(park=park),
        initial=initial,
    )
    if form.is_valid():
        data = form.cleaned_data
        zone = zone_name(site=data["site"], cohort=cohort)
        try:
            demo_day = services.demo_day_save(
                cohort=cohort,
                actor=request.user,
                title=data["title"],
                starts_at=to_utc(data["starts_at"], zone=zone, field="starts_at"),
                minutes_per_pitch=data["minutes_per_pitch"],
                site=data["site"],
                room=data["room"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The demo day has been saved."))
            return redirect("programmes:demo_day", park_slug=park.slug, pk=demo_day.pk)
    title = _("Demo day of %(cohort)s") % {"cohort": cohort.name}
    return render(request, "programmes/form.html", {"form": form, "title": title})


def _render_demo_day(
    request: HttpRequest,
    demo_day: DemoDay,
    *,
    order_form: PitchOrderForm | None = None,
    guest_form: GuestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    access = access_of(request)
    park = park_of(request)
    cohort = demo_day.cohort
    zone = zone_name(site=demo_day.site, cohort=cohort)
    pitches = list(demo_day.pitches.all())
    manage = rules.can_manage_demo_day(access, demo_day)
    if manage and order_form is None:
        order_form = PitchOrderForm(
            participants=queries.cohort_participants(cohort=cohort),
            positions={p.participant_id: p.position for p in pitches},
        )
    if manage and guest_form is None:
        guest_form = GuestForm(people=queries.guest_options(park=park))
    return render(
        request,
        "programmes/demo_day.html",
        {
            "demo_day": demo_day,
            "cohort": cohort,
            "zone": zone,
            "starts": wall_time(demo_day.starts_at, zone),
            "pitches": [{"pitch": p, "starts": wall_time(p.starts_at, zone)} for p in pitches],
            "guests": list(demo_day.guests.all()),
            "links_open": timezone.now() < queries.guest_links_expire_at(demo_day),
            "manage": manage,
            "order_form": order_form,
            "guest_form": guest_form,
            "guest": rules.guest_of(access, demo_day),
            "may_give_feedback": rules.can_give_feedback(access, demo_day),
        },
        status=status,
    )


@login_required
@require_GET
def demo_day_detail(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    return _render_demo_day(request, _demo_day(request, pk))


@login_required
@require_POST
def demo_day_order(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    require(rules.can_manage_demo_day(access_of(request)))
    demo_day = _demo_day(request, pk)
    form = PitchOrderForm(
        request.POST,
        participants=queries.cohort_participants(cohort=demo_day.cohort),
        positions={},
    )
    if form.is_valid():
        try:
            services.demo_day_set_order(
                demo_day=demo_day, participant_ids=form.cleaned_data["order"]
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The pitch order has been saved."))
            return redirect("programmes:demo_day", park_slug=park_slug, pk=demo_day.pk)
    return _render_demo_day(request, demo_day, order_form=form, status=400)


@login_required
@require_POST
def demo_day_invite(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    require(rules.can_manage_demo_day(access_of(request)))
    demo_day = _demo_day(request, pk)
    form = GuestForm(request.POST, people=queries.guest_options(park=park_of(request)))
    if form.is_valid():
        data = form.cleaned_data
        try:
            guest = services.guest_invite(
                demo_day=demo_day,
                user=data["user"],
                name=data["name"],
                organisation=data["organisation"],
                kind=data["kind"],
                email=data["email"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if guest.email:
                tasks.queue_guest_link(guest=guest, base_url=request.build_absolute_uri("/"))
                messages.success(
                    request,
                    _("The guest has been invited: a feedback link goes to %(email)s.")
                    % {"email": guest.email},
                )
            else:
                messages.success(request, _("The guest has been invited."))
            return redirect("programmes:demo_day", park_slug=park_slug, pk=demo_day.pk)
    return _render_demo_day(request, demo_day, guest_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def demo_day_feedback(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """An invited guest's interest in each pitch, in one form."""
    access = access_of(request)
    require(rules.can_view_demo_days(access))
    demo_day = _demo_day(request, pk)
    require(rules.can_give_feedback(access, demo_day))
    guest = rules.guest_of(access, demo_day)
    if guest is None:  # pragma: no cover - can_give_feedback holds
        raise PermissionDenied
    pitches = list(demo_day.pitches.all())
    existing = {f.pitch_id: f for p in pitches for f in p.feedback.all() if f.guest_id == guest.pk}
    form = FeedbackForm(
        request.POST if request.method == "POST" else None, pitches=pitches, existing=existing
    )
    if form.is_valid():
        try:
            services.feedback_record_many(guest=guest, entries=form.entries())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Thank you: your feedback has been saved."))
            return redirect("programmes:demo_day", park_slug=park_slug, pk=demo_day.pk)
    zone = zone_name(site=demo_day.site, cohort=demo_day.cohort)
    return render(
        request,
        "programmes/demo_day_feedback.html",
        {
            "demo_day": demo_day,
            "form": form,
            "rows": form.rows(),
            "zone": zone,
            "starts": wall_time(demo_day.starts_at, zone),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_GET
def demo_day_feedback_export(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Staff: every guest's feedback as CSV, outside guests marked as such."""
    require(rules.can_manage_demo_day(access_of(request)))
    demo_day = _demo_day(request, pk)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Position"),
            _("Start-up"),
            _("Guest"),
            _("Organisation"),
            pgettext("guest kind", "Kind"),
            pgettext("organisation of a guest", "From"),
            _("Meet"),
            _("Invest"),
            _("Pilot"),
            pgettext("comment", "Note"),
        ]
    )
    for f in queries.demo_day_feedback_rows(demo_day=demo_day):
        writer.writerow(
            safe_row(
                [
                    f.pitch.position,
                    f.pitch.participant.company.short_name,
                    f.guest.display_name,
                    f.guest.organisation,
                    f.guest.get_kind_display(),
                    _("outside guest") if f.guest.is_outside else _("member of the park"),
                    pgettext("yes or no", "yes") if f.meet else "",
                    pgettext("yes or no", "yes") if f.invest else "",
                    pgettext("yes or no", "yes") if f.pilot else "",
                    f.note,
                ]
            )
        )
    response = HttpResponse(BOM + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="demo-day-{demo_day.pk}-feedback.csv"'
    return response
