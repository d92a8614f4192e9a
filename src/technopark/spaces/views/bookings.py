"""Booking pages: book (once, or weekly), a booking, move, cancel, check in, approve or reject,
the approvals queue, my bookings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.accounts.http import signed_in_user
from technopark.core import pickers
from technopark.core.confirm import confirmation, confirmed
from technopark.core.inputs import check_text
from technopark.core.localtime import wall_time, zone_name
from technopark.core.params import ID, Text, param_value
from technopark.parks.http import access_of, park_of, require
from technopark.spaces import queries, rules, services
from technopark.spaces.forms import (
    MoveForm,
    default_times,
)
from technopark.spaces.models import CalendarFeed
from technopark.spaces.views._common import (
    _booking_form,
    _booking_or_404,
    _company_ids,
    _conflict_text,
)

# --- booking ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Book a resource (once, or weekly); a conflict names the booking in the way and offers the
    waitlist."""
    access = access_of(request)
    require(rules.can_book(access))
    park = park_of(request)
    conflict = None
    if request.method == "POST":
        form = _booking_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["weeks"] > 1:
                    result = services.booking_series_create(
                        access=access,
                        resource=data["resource"],
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        weeks=data["weeks"],
                        company=data["company"],
                        title=data["title"],
                    )
                    return render(request, "spaces/series_result.html", {"result": result})
                booking = services.booking_create(
                    access=access,
                    resource=data["resource"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    company=data["company"],
                    title=data["title"],
                )
            except services.BookingConflict as error:
                conflict = error
                form.add_error(None, _conflict_text(request, error))
            except ValidationError as error:
                form.add_service_error(error)
            else:
                if booking.status == "pending":
                    messages.info(request, _("Your booking awaits a manager's approval."))
                else:
                    messages.success(request, _("Booked."))
                return redirect("spaces:booking", park_slug=park.slug, pk=booking.pk)
        status = 409 if conflict is not None else 400
    else:
        initial: dict[str, Any] = {"weeks": 1}
        resource_id = param_value(request.GET, "resource", ID, None)
        if resource_id is not None:
            resource = queries.resource_in_park(park=park, pk=resource_id)
            if resource is not None:
                initial["resource"] = resource.pk
                zone = services.zone_of(resource.site)
                start, end = default_times(timezone.now(), zone)
                for name, value in (("starts_at", start), ("ends_at", end)):
                    raw = param_value(request.GET, name, Text(max_length=16), "")
                    initial[name] = raw or value.strftime("%Y-%m-%dT%H:%M")
        form = _booking_form(request, initial=initial)
        status = 200
    return render(request, "spaces/book.html", {"form": form, "conflict": conflict}, status=status)


@login_required
@require_GET
def booking_detail(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    access = access_of(request)
    require(rules.can_book(access) or rules.can_approve_bookings(access))
    booking = _booking_or_404(request, pk)
    company_ids = _company_ids(request)
    require(rules.can_view_booking(access, booking, company_ids))
    zone = services.zone_of(booking.resource.site)
    return render(
        request,
        "spaces/booking_detail.html",
        {
            "booking": booking,
            "zone": zone,
            "range": services.describe_range(booking.starts_at, booking.ends_at, zone),
            "zone_label": zone_name(zone),
            "may_change": rules.can_change_booking(access, booking, company_ids),
            "may_approve": rules.can_approve_bookings(access),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def booking_move(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    access = access_of(request)
    require(rules.can_book(access))
    booking = _booking_or_404(request, pk)
    require(rules.can_change_booking(access, booking, _company_ids(request)))
    zone = services.zone_of(booking.resource.site)
    status = 200
    if request.method == "POST":
        form = MoveForm(request.POST, zone=zone)
        if form.is_valid():
            try:
                services.booking_move(
                    access=access,
                    booking=booking,
                    starts_at=form.cleaned_data["starts_at"],
                    ends_at=form.cleaned_data["ends_at"],
                )
            except services.BookingConflict as error:
                form.add_error(None, _conflict_text(request, error))
                status = 409
            except ValidationError as error:
                form.add_service_error(error)
                status = 400
            else:
                messages.success(request, _("The booking has been moved."))
                return redirect("spaces:booking", park_slug=park_slug, pk=booking.pk)
        else:
            status = 400
        booking = _booking_or_404(request, pk)
    else:
        form = MoveForm(
            zone=zone,
            initial={
                "starts_at": wall_time(booking.starts_at, zone).strftime("%Y-%m-%dT%H:%M"),
                "ends_at": wall_time(booking.ends_at, zone).strftime("%Y-%m-%dT%H:%M"),
            },
        )
    return render(
        request,
        "spaces/move.html",
        {"form": form, "booking": booking, "zone_label": zone_name(zone)},
        status=status,
    )


def _booking_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    access = access_of(request)
    if action in ("approve", "reject"):
        require(rules.can_approve_bookings(access))
    else:
        require(rules.can_book(access))
    booking = _booking_or_404(request, pk)
    if action not in ("approve", "reject"):
        require(rules.can_change_booking(access, booking, _company_ids(request)))
    if action in ("cancel", "reject") and not confirmed(request):
        zone = services.zone_of(booking.resource.site)
        when = services.describe_range(booking.starts_at, booking.ends_at, zone)
        params = {"resource": booking.resource.display_name, "range": when}
        back = reverse("spaces:booking", kwargs={"park_slug": park_of(request).slug, "pk": pk})
        if action == "cancel":
            return confirmation(
                request,
                title=_("Cancel the booking?"),
                message=_("%(resource)s, %(range)s: the time is freed and offered to the waitlist.")
                % params,
                action=_("Cancel the booking"),
                back=back,
            )
        return confirmation(
            request,
            title=_("Reject the booking?"),
            message=_("%(resource)s, %(range)s: the booker is told, and the time is freed.")
            % params,
            action=pgettext("booking", "Reject"),
            back=back,
        )
    try:
        if action == "cancel":
            services.booking_cancel(access=access, booking=booking)
            messages.success(request, _("The booking has been cancelled."))
        elif action == "check_in":
            services.booking_check_in(booking=booking)
            messages.success(request, _("Checked in."))
        elif action == "approve":
            services.booking_approve(actor=signed_in_user(request), booking=booking)
            messages.success(request, _("The booking has been approved."))
        else:
            reason = request.POST.get("reason", "")[:200]
            check_text(reason)  # read without a form: the same rule, refused below
            services.booking_reject(actor=signed_in_user(request), booking=booking, reason=reason)
            messages.success(request, _("The booking has been rejected."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    target = request.POST.get("next", "")
    if target.startswith(f"/{park_of(request).slug}/spaces/"):
        return redirect(target)
    return redirect("spaces:booking", park_slug=park_of(request).slug, pk=booking.pk)


@login_required
@require_POST
def booking_cancel(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    return _booking_action(request, pk, "cancel")


@login_required
@require_POST
def booking_check_in(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    return _booking_action(request, pk, "check_in")


@login_required
@require_POST
def booking_approve(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    return _booking_action(request, pk, "approve")


@login_required
@require_POST
def booking_reject(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    return _booking_action(request, pk, "reject")


@login_required
@require_GET
def approvals(request: HttpRequest, park_slug: str) -> HttpResponse:
    require(rules.can_approve_bookings(access_of(request)))
    return render(
        request,
        "spaces/approvals.html",
        {"bookings": queries.pending_approvals(park=park_of(request))},
    )


# --- my bookings ---------------------------------------------------------------------------------


@login_required
@require_GET
def my_bookings(request: HttpRequest, park_slug: str) -> HttpResponse:
    return render_my_bookings(request)


@never_cache
def render_my_bookings(
    request: HttpRequest, new_feed: tuple[CalendarFeed, str] | None = None
) -> HttpResponse:
    """The person's bookings, waitlist and calendar links; ``new_feed`` (a link just made or
    renewed, with its address) is shown on this response only: only its hash is kept."""
    access = access_of(request)
    require(rules.can_subscribe(access))
    park = park_of(request)
    company_ids = _company_ids(request)
    feeds_list = list(
        CalendarFeed.all_parks.filter(park=park, user=request.user).select_related("resource")
    )
    now = timezone.now()
    bookings = queries.my_bookings(park=park, user=request.user, company_ids=company_ids)
    for booking in bookings:
        zone = services.zone_of(booking.resource.site)
        booking.range_label = services.describe_range(  # type: ignore[attr-defined]
            booking.starts_at, booking.ends_at, zone
        )
        booking.can_check_in = (  # type: ignore[attr-defined]
            booking.status == "confirmed"
            and booking.starts_at - services.CHECK_IN_EARLY <= now < booking.ends_at
        )
    return render(
        request,
        "spaces/my.html",
        {
            "upcoming": [b for b in bookings if b.ends_at >= now],
            "past": [b for b in bookings if b.ends_at < now],
            "waitlist": queries.my_waitlist(park=park, user=request.user),
            "feeds": feeds_list,
            "has_personal_feed": any(feed.resource_id is None for feed in feeds_list),
            "new_feed": new_feed[0] if new_feed else None,
            "new_feed_url": new_feed[1] if new_feed else None,
            "may_book": rules.can_book(access),
            "can_manage_incidents": rules.can_manage_incidents(access),
        },
    )


@login_required
@require_GET
def pick_company(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The booking form's company picker: the companies the visitor may book for, matching
    ``q`` (name or INN)."""
    require(rules.can_book(access_of(request)))
    form = _booking_form(request)
    return pickers.options_response(request, form.fields["company"])  # type: ignore[arg-type]
