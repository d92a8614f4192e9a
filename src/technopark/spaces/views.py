"""The spaces pages: calendar (day, week), free-slot search, booking, my bookings, approvals,
certificates, occupancy (with XLSX), and the secret iCal feeds.

Each view checks a permission that needs no record first, then looks the record up in the
request's park (another park's record: 404), then checks the permission on the record. Writes go
through ``spaces.services``; reads through ``spaces.queries``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.accounts.models import User
from technopark.companies.models import Company
from technopark.core.fragments import Fragment
from technopark.core.localtime import local_today, wall_time, zone_named
from technopark.core.params import Choice, Clock, Day, Integer
from technopark.parks.http import access_of, park_of, require
from technopark.parks.models import Membership, MembershipStatus, Park, Site
from technopark.parks.rules import ParkAccess, access_for, is_member, is_staff
from technopark.spaces import exports, feeds, queries, rules, services
from technopark.spaces.forms import (
    BookingForm,
    CertificateForm,
    MoveForm,
    SearchForm,
    default_times,
)
from technopark.spaces.models import Booking, CalendarFeed, ResourceType


def _company_ids(request: HttpRequest) -> set[int]:
    return services.acting_company_ids(user=request.user, park=park_of(request))


def _conflict_text(request: HttpRequest, error: services.BookingConflict) -> str:
    """The booking in the way; whose only when ``rules.can_see_booker`` allows."""
    show = rules.can_see_booker(access_of(request), error.booking, _company_ids(request))
    return services.conflict_message(booking=error.booking, show_company=show)


def _booking_or_404(request: HttpRequest, pk: int) -> Booking:
    booking = queries.booking_in_park(park=park_of(request), pk=pk)
    if booking is None:
        raise Http404(_("No such booking in this park."))
    return booking


# --- calendar -----------------------------------------------------------------------------------


_DAY = Day(low=date(services.FIRST_YEAR, 1, 1), high=date(services.LAST_YEAR, 12, 31))

CALENDAR = Fragment(
    "spaces-calendar",
    topics=("spaces", "parks", "companies"),
    varies_on=(is_staff, rules.can_book),
    params={
        "site": Integer(),
        "type": Choice.of(ResourceType.values),
        "view": Choice.of(("day", "week")),
        "date": _DAY,
    },
)

SEARCH = Fragment(
    "spaces-search",
    topics=("spaces", "parks"),
    varies_on=(rules.can_book,),
    params={
        "site": Integer(),
        "resource_type": Choice.of(ResourceType.values),
        "day": _DAY,
        "start": Clock(),
        "end": Clock(),
        "capacity": Integer(high=1000),
    },
)


@login_required
@require_GET
def calendar(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Day or week of one site and resource type; only the visible range is read.

    The content is the declared fragment ``CALENDAR``, kept per address and what the visitor may
    see (``rules.can_see_booker``: staff every company's name, others their own companies' and
    their own bookings'). A fresh render runs four queries however many bookings it shows (sites,
    resources, the bookings of the visible range, the visitor's companies); a cached one only the
    last, and staff not even that.
    """
    access = access_of(request)
    require(rules.can_view_spaces(access))
    park = park_of(request)
    staff = is_staff(access)
    company_ids = frozenset() if staff else frozenset(_company_ids(request))
    may_book = rules.can_book(access)
    content = CALENDAR.get(
        request,
        build=lambda: _render_calendar(
            request, park, access=access, company_ids=company_ids, may_book=may_book
        ),
        # what rules.can_see_booker shows a visitor who is not staff (their companies' and their
        # own bookings) and, without a date, «today»
        args=(
            tuple(sorted(company_ids)),
            None if staff else request.user.pk,
            "" if _valid_date(request) else _now_bucket(),
        ),
    )
    return render(request, "spaces/calendar.html", {"calendar_content": mark_safe(content)})  # noqa: S308 - our template's output


def _now_bucket() -> str:
    """Half-hours of UTC: «today» in every site's zone is the same within one."""
    now = timezone.now()
    return f"{now:%Y%m%d%H}{now.minute // 30}"


def _render_calendar(
    request: HttpRequest,
    park: Park,
    *,
    access: ParkAccess,
    company_ids: frozenset[int],
    may_book: bool,
) -> str:
    sites = queries.sites(park=park)
    site = _pick_site(request, sites)
    resource_type = request.GET.get("type", "")
    if resource_type not in ResourceType.values:
        resource_type = ResourceType.ROOM
    view = "day" if request.GET.get("view") == "day" else "week"
    context: dict[str, Any] = {
        "sites": sites,
        "site": site,
        "types": ResourceType.choices,
        "resource_type": resource_type,
        "view": view,
    }
    if site is not None:
        zone = services.zone_of(site)
        day = parse_date(request.GET.get("date") or "") if _valid_date(request) else None
        day = day or local_today(zone)
        first = day if view == "day" else day - timedelta(days=day.weekday())
        length = 1 if view == "day" else 7
        cal = queries.calendar(site=site, resource_type=resource_type, first_day=first, days=length)
        context.update(
            calendar=cal,
            table_body=mark_safe(  # noqa: S308 - every value is escaped in _calendar_rows
                _calendar_rows(
                    cal, park=park, access=access, company_ids=company_ids, may_book=may_book
                )
            ),
            day=day,
            previous=(first - timedelta(days=length)).isoformat(),
            next=(first + timedelta(days=length)).isoformat(),
            today=local_today(zone).isoformat(),
        )
    return render_to_string("spaces/_calendar_content.html", context, request=request)


def _calendar_rows(
    cal: queries.Calendar,
    *,
    park: Park,
    access: ParkAccess,
    company_ids: frozenset[int],
    may_book: bool,
) -> str:
    """The table's rows, written here rather than in the template: a week of a busy site is a
    thousand bookings, and this is ten times faster than the template loop. Everything shown is
    escaped."""
    booking_url = reverse("spaces:booking", kwargs={"park_slug": park.slug, "pk": 0})[:-2]
    book_url = reverse("spaces:book", kwargs={"park_slug": park.slug})
    booked, park_label = escape(_("booked")), escape(_("Park"))
    certificate, book_label = escape(_("certificate")), escape(_("Book"))
    parts: list[str] = []
    for row in cal.rows:
        resource = row.resource
        parts.append(f'<tr><th scope="row">{escape(resource.display_name)}')
        if resource.capacity > 1:
            parts.append(f' <span class="muted">({resource.capacity})</span>')
        if resource.requires_certification:
            parts.append(f' <span class="tag">{certificate}</span>')
        if may_book:
            parts.append(f'<br><a href="{book_url}?resource={resource.pk}">{book_label}</a>')
        parts.append("</th>")
        for cell in row.cells:
            parts.append("<td>")
            for item in cell:
                booking = item.booking
                parts.append(
                    f'<div class="booking booking-{escape(booking.status)}">'
                    f"{item.start_label}–{item.end_label} "
                )
                if rules.can_see_booker(access, booking, company_ids):
                    name = escape(booking.company.short_name) if booking.company else park_label
                    parts.append(f'<a href="{booking_url}{booking.pk}/">{name}</a>')
                else:
                    parts.append(booked)
                parts.append("</div>")
            parts.append("</td>")
        parts.append("</tr>")
    return "".join(parts)


def _valid_date(request: HttpRequest) -> bool:
    """A readable date within the years a calendar can step through (others: today)."""
    try:
        day = parse_date(request.GET.get("date") or "")
    except ValueError:
        return False
    return day is not None and services.FIRST_YEAR <= day.year <= services.LAST_YEAR


def _pick_site(request: HttpRequest, sites: list[Site]) -> Site | None:
    raw = request.GET.get("site", "")
    if raw.isdigit():
        site = queries.site_in_park(park=park_of(request), site_id=int(raw), options=sites)
        if site is None:
            raise Http404(_("No such site in this park."))
        return site
    return sites[0] if sites else None


# --- free-slot search ---------------------------------------------------------------------------


@login_required
@require_GET
def search(request: HttpRequest, park_slug: str) -> HttpResponse:
    """«A room for 6 tomorrow 14:00–16:00»: resources free for the whole time.

    The declared fragment ``SEARCH``; a fresh search runs four queries (sites,
    the free resources, their sites' opening hours; and nothing more however many bookings the
    park holds), a cached one none.
    """
    access = access_of(request)
    require(rules.can_view_spaces(access))
    park = park_of(request)
    may_book = rules.can_book(access)
    content = SEARCH.get(
        request,
        build=lambda: _render_search(request, park, may_book=may_book),
        args=(_now_bucket(),),  # «tomorrow» when no day is given
    )
    return render(request, "spaces/search.html", {"search_content": mark_safe(content)})  # noqa: S308 - our template's output


def _render_search(request: HttpRequest, park: Park, *, may_book: bool) -> str:
    sites = queries.sites(park=park)
    params = request.GET.copy()
    if params and "day" not in params:  # «… tomorrow 14:00–16:00» without a date: tomorrow
        tomorrow = local_today(park.time_zone) + timedelta(days=1)
        params["day"] = tomorrow.isoformat()
    form = SearchForm(params or None, sites=sites)
    results = None
    starts_at = ends_at = None
    if params and form.is_valid():
        data = form.cleaned_data
        site = queries.site_in_park(park=park, site_id=data["site"], options=sites)
        zone = services.zone_of(site) if site is not None else zone_named(park.time_zone)
        starts_at = datetime.combine(data["day"], data["start"], zone)
        end_day = data["day"] + timedelta(days=1 if data["end"] <= data["start"] else 0)
        ends_at = datetime.combine(end_day, data["end"], zone)
        results = queries.free_resources(
            park=park,
            starts_at=starts_at,
            ends_at=ends_at,
            resource_type=data["resource_type"],
            site=site,
            capacity=data["capacity"],
        )
    return render_to_string(
        "spaces/_search_content.html",
        {
            "form": form,
            "results": results,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "may_book": may_book,
        },
        request=request,
    )


# --- booking ------------------------------------------------------------------------------------


def _booking_form(request: HttpRequest, data: Any = None, initial: Any = None) -> BookingForm:
    access = access_of(request)
    park = park_of(request)
    staff = is_staff(access)
    resources = list(queries.resources(park=park))
    if staff:
        companies = list(Company.all_parks.filter(park=park).order_by("short_name"))
    else:
        companies = list(
            Company.all_parks.filter(park=park, pk__in=_company_ids(request)).order_by("short_name")
        )
    form = BookingForm(
        data,
        initial=initial,
        resources=resources,
        companies=companies,
        company_required=not staff,
    )
    return form


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
        resource_id = request.GET.get("resource", "")
        if resource_id.isdigit():
            resource = queries.resource_in_park(park=park, pk=int(resource_id))
            if resource is not None:
                initial["resource"] = resource.pk
                zone = services.zone_of(resource.site)
                start, end = default_times(timezone.now(), zone)
                for name, value in (("starts_at", start), ("ends_at", end)):
                    raw = request.GET.get(name, "")
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
    return render(request, "spaces/move.html", {"form": form, "booking": booking}, status=status)


def _booking_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    access = access_of(request)
    if action in ("approve", "reject"):
        require(rules.can_approve_bookings(access))
    else:
        require(rules.can_book(access))
    booking = _booking_or_404(request, pk)
    if action not in ("approve", "reject"):
        require(rules.can_change_booking(access, booking, _company_ids(request)))
    try:
        if action == "cancel":
            services.booking_cancel(access=access, booking=booking)
            messages.success(request, _("The booking has been cancelled."))
        elif action == "check_in":
            services.booking_check_in(booking=booking)
            messages.success(request, _("Checked in."))
        elif action == "approve":
            services.booking_approve(actor=request.user, booking=booking)
            messages.success(request, _("The booking has been approved."))
        else:
            services.booking_reject(
                actor=request.user, booking=booking, reason=request.POST.get("reason", "")[:200]
            )
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


# --- my bookings, waitlist, feeds ---------------------------------------------------------------


@login_required
@require_GET
def my_bookings(request: HttpRequest, park_slug: str) -> HttpResponse:
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
            "feeds": [
                (
                    feed,
                    request.build_absolute_uri(
                        reverse("spaces:feed", kwargs={"park_slug": park.slug, "token": feed.token})
                    ),
                )
                for feed in feeds_list
            ],
            "may_book": rules.can_book(access),
        },
    )


@login_required
@require_POST
def feed_create(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = access_of(request)
    require(rules.can_subscribe(access))
    park = park_of(request)
    resource = None
    raw = request.POST.get("resource", "")
    if raw:
        resource = queries.resource_in_park(park=park, pk=int(raw)) if raw.isdigit() else None
        if resource is None:
            raise Http404(_("No such resource in this park."))
    feed = services.feed_get_or_create(park=park, user=request.user, resource=resource)
    if request.POST.get("rotate"):
        services.feed_rotate(feed=feed)
        messages.success(request, _("The link has been renewed: the old one no longer works."))
    else:
        messages.success(request, _("Your calendar link is ready: keep it secret."))
    return redirect("spaces:my", park_slug=park.slug)


@require_GET
def feed(request: HttpRequest, park_slug: str, token: str) -> HttpResponse:
    """The iCal feed: the secret in the address is the only key (calendar apps send no cookie),
    and only while its owner is still an active member of the park."""
    found = (
        CalendarFeed.all_parks.filter(park=park_of(request), token=token)
        .select_related("park", "user", "resource")
        .first()
    )
    if found is None or len(token) < 20 or not _still_member(found):
        raise Http404(_("No such calendar."))
    body = feeds.render_feed(found, host=request.get_host().split(":")[0])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="bookings.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


feed.park_secret_link = True  # type: ignore[attr-defined]


def _still_member(found: CalendarFeed) -> bool:
    """A feed stops when its owner's account is closed or they leave the park."""
    return bool(found.user.is_active and is_member(access_for(found.user, found.park)))


@login_required
@require_POST
def waitlist_join(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = access_of(request)
    require(rules.can_use_waitlist(access))
    park = park_of(request)
    form = _booking_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.waitlist_join(
                access=access,
                resource=data["resource"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                company=data["company"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("You are on the waitlist: if the time frees, it is offered to you.")
            )
            return redirect("spaces:my", park_slug=park.slug)
    return render(request, "spaces/book.html", {"form": form, "conflict": None}, status=400)


def _waitlist_action(request: HttpRequest, pk: int, accept: bool) -> HttpResponse:
    access = access_of(request)
    require(rules.can_use_waitlist(access))
    park = park_of(request)
    entry = queries.waitlist_entry_in_park(park=park, pk=pk)
    if entry is None:
        raise Http404(_("No such waitlist entry."))
    require(rules.can_change_waitlist_entry(access, entry))
    try:
        if accept:
            booking = services.waitlist_accept(access=access, entry=entry)
            messages.success(request, _("The time is yours."))
            return redirect("spaces:booking", park_slug=park.slug, pk=booking.pk)
        services.waitlist_leave(entry=entry)
        messages.success(request, _("You have left the waitlist."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("spaces:my", park_slug=park.slug)


@login_required
@require_POST
def waitlist_accept(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    return _waitlist_action(request, pk, accept=True)


@login_required
@require_POST
def waitlist_leave(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    return _waitlist_action(request, pk, accept=False)


# --- certificates -------------------------------------------------------------------------------


def _people(park: Park) -> list[tuple[int, str]]:
    ids = Membership.all_parks.filter(park=park, status=MembershipStatus.ACTIVE).values("user_id")
    return [
        (user.pk, f"{user.full_name} <{user.email}>" if user.full_name else user.email)
        for user in User.objects.filter(pk__in=ids).order_by("email")
    ]


@login_required
@require_http_methods(["GET", "POST"])
def certificates(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Training records: staff record them; the list shows who may use which instrument."""
    require(rules.can_manage_certificates(access_of(request)))
    park = park_of(request)
    people = _people(park)
    resources = queries.certifiable_resources(park=park)
    form = CertificateForm(
        request.POST if request.method == "POST" else None,
        people=people,
        resources=resources,
        initial={"trained_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.certificate_record(
                    actor=request.user,
                    user=User.objects.get(pk=int(data["user"])),
                    resource=data["resource"],
                    trained_on=data["trained_on"],
                    expires_on=data["expires_on"],
                    note=data["note"],
                )
            except ValidationError as error:
                form.add_service_error(error)
                status = 400
            else:
                messages.success(request, _("The training has been recorded."))
                return redirect("spaces:certificates", park_slug=park.slug)
        else:
            status = 400
    return render(
        request,
        "spaces/certificates.html",
        {
            "form": form,
            "certificates": queries.certificates(park=park),
            "today": timezone.localdate(),
        },
        status=status,
    )


# --- occupancy ----------------------------------------------------------------------------------


def _occupancy(request: HttpRequest) -> tuple[queries.Occupancy, str, date]:
    period = "month" if request.GET.get("period") == "month" else "week"
    day = (parse_date(request.GET.get("date") or "") if _valid_date(request) else None) or (
        timezone.localdate()
    )
    first, last = queries.period_bounds(period=period, day=day)
    return queries.occupancy(park=park_of(request), first_day=first, last_day=last), period, day


@login_required
@require_GET
def occupancy(request: HttpRequest, park_slug: str) -> HttpResponse:
    require(rules.can_view_occupancy(access_of(request)))
    data, period, day = _occupancy(request)
    step = timedelta(days=7) if period == "week" else timedelta(days=31)
    return render(
        request,
        "spaces/occupancy.html",
        {
            "occupancy": data,
            "period": period,
            "day": day,
            "previous": (data.first_day - timedelta(days=1)).isoformat(),
            "next": (data.first_day + step).isoformat()
            if period == "week"
            else (data.last_day + timedelta(days=1)).isoformat(),
        },
    )


@login_required
@require_GET
def occupancy_export(request: HttpRequest, park_slug: str) -> HttpResponse:
    require(rules.can_view_occupancy(access_of(request)))
    data, period, _day = _occupancy(request)
    response = HttpResponse(
        exports.occupancy_xlsx(data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"occupancy-{park_of(request).slug}-{period}-{data.first_day.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
