"""The pages that read the spaces: the calendar (day, week), the free-slot search, occupancy
(with XLSX)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from technopark.core.fragments import Fragment
from technopark.core.localtime import local_today, zone_named
from technopark.core.params import ID, Choice, Clock, Day, Integer, param_value
from technopark.parks.http import access_of, park_of, require
from technopark.parks.models import Park, Site
from technopark.parks.rules import ParkAccess, is_staff
from technopark.spaces import exports, queries, rules, services
from technopark.spaces.forms import (
    SearchForm,
)
from technopark.spaces.models import BookingKind, ResourceType
from technopark.spaces.views._common import (
    _company_ids,
)

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
    seat_label = escape(_("coworking seat"))
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
                    if booking.kind == BookingKind.SEAT:
                        # a cohort participant's seat: whose cohort it is
                        parts.append(
                            f' <span class="tag">{seat_label}</span>'
                            f' <span class="muted">{escape(booking.title)}</span>'
                        )
                else:
                    parts.append(booked)
                parts.append("</div>")
            parts.append("</td>")
        parts.append("</tr>")
    return "".join(parts)


def _valid_date(request: HttpRequest) -> bool:
    """A readable date within the years a calendar can step through (others: today)."""
    return param_value(request.GET, "date", _DAY, None) is not None


def _pick_site(request: HttpRequest, sites: list[Site]) -> Site | None:
    site_id = param_value(request.GET, "site", ID, None)
    if site_id is not None:
        site = queries.site_in_park(park=park_of(request), site_id=site_id, options=sites)
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
