"""The booking calendar: a time grid of one site's resources of one type, hours down.

The day view (the default, and what a phone should open) has the resources across; the week view
the seven days of one resource. Every free piece of an hour is a link to the booking form with the
resource and the times filled in; instruments that need a certificate are marked; the visitor's
own bookings (made by them or for their companies) are highlighted. A real table with row and
column headers, so that a keyboard reaches every link and a screen reader names each cell.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_date
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from technopark.core.fragments import Fragment
from technopark.core.localtime import local_today, zone_name
from technopark.core.params import ID, PAGE, Choice, Day, Integer, param_value
from technopark.parks.http import access_of, park_of, require
from technopark.parks.models import Park, Site
from technopark.parks.rules import ParkAccess, is_staff
from technopark.spaces import queries, rules, services
from technopark.spaces.grid import GridCell
from technopark.spaces.models import BookingKind, ResourceType
from technopark.spaces.views._common import _company_ids

DAY = Day(low=date(services.FIRST_YEAR, 1, 1), high=date(services.LAST_YEAR, 12, 31))

CALENDAR = Fragment(
    "spaces-calendar",
    topics=("spaces", "parks", "companies"),
    varies_on=(is_staff, rules.can_book),
    params={
        "site": Integer(),
        "type": Choice.of(ResourceType.values),
        "view": Choice.of(("day", "week")),
        "date": DAY,
        "resource": Integer(),
        "page": PAGE,
    },
)


@login_required
@require_GET
def calendar(request: HttpRequest, park_slug: str) -> HttpResponse:
    """A day (the default) or a week of one site and resource type; only that range is read.

    The content is the declared fragment ``CALENDAR``, kept per address and per visitor (whose
    bookings are highlighted, and what ``rules.can_see_booker`` shows: staff every company's name,
    others their own companies' and their own bookings'). A fresh render runs six queries however
    many bookings it shows (sites; resources, opening hours, closures and bookings of the range;
    the visitor's companies); a cached one only the last, and staff not even that.
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
        # whose bookings are the visitor's (highlighted; and, for others than staff, the names
        # rules.can_see_booker shows) and, without a date, «today»
        args=(
            tuple(sorted(company_ids)),
            request.user.pk,
            "" if valid_date(request) else now_bucket(),
        ),
    )
    return render(request, "spaces/calendar.html", {"calendar_content": mark_safe(content)})  # noqa: S308 - our template's output


def now_bucket() -> str:
    """Half-hours of UTC: «today» in every site's zone is the same within one."""
    now = timezone.now()
    return f"{now:%Y%m%d%H}{now.minute // 30}"


def valid_date(request: HttpRequest) -> bool:
    """A readable date within the years a calendar can step through (others: today)."""
    return param_value(request.GET, "date", DAY, None) is not None


def _pick_site(request: HttpRequest, sites: list[Site]) -> Site | None:
    site_id = param_value(request.GET, "site", ID, None)
    if site_id is not None:
        site = queries.site_in_park(park=park_of(request), site_id=site_id, options=sites)
        if site is None:
            raise Http404(_("No such site in this park."))
        return site
    return sites[0] if sites else None


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
    # The day view unless a week is asked for: it fits a phone, and a week of one resource
    # is a choice the visitor makes.
    view = "week" if request.GET.get("view") == "week" else "day"
    context: dict[str, Any] = {
        "sites": sites,
        "site": site,
        "types": ResourceType.choices,
        "resource_type": resource_type,
        "view": view,
    }
    if site is not None:
        zone = services.zone_of(site)
        day = parse_date(request.GET.get("date") or "") if valid_date(request) else None
        day = day or local_today(zone)
        first = day if view == "day" else day - timedelta(days=day.weekday())
        length = 1 if view == "day" else 7
        cal = queries.calendar(
            site=site,
            resource_type=resource_type,
            first_day=first,
            days=length,
            resource_id=param_value(request.GET, "resource", ID, None),
            # the day view's page of resources: a missing or unreadable one is the first, one
            # past the end the last
            page=param_value(request.GET, "page", PAGE, 1),
        )
        context.update(
            calendar=cal,
            table=mark_safe(  # noqa: S308 - every value is escaped in _grid_table
                _grid_table(
                    cal,
                    view=view,
                    park=park,
                    access=access,
                    company_ids=company_ids,
                    may_book=may_book,
                )
            ),
            resource_options=mark_safe(_resource_options(cal)),  # noqa: S308 - escaped there
            day=day,
            previous=(first - timedelta(days=length)).isoformat(),
            next=(first + timedelta(days=length)).isoformat(),
            today=local_today(zone).isoformat(),
            zone_label=zone_name(zone),
            resource_param=f"&resource={cal.resource.pk}" if cal.resource else "",
            # the day view keeps its page of resources when it steps through the days
            page_param=f"&page={cal.page}" if view == "day" and cal.page > 1 else "",
        )
        if view == "day" and cal.pages > 1:
            context.update(
                pager=True,
                previous_page=cal.page - 1 if cal.page > 1 else None,
                next_page=cal.page + 1 if cal.page < cal.pages else None,
                shown_from=(cal.page - 1) * queries.DAY_COLUMNS + 1,
                shown_to=(cal.page - 1) * queries.DAY_COLUMNS + len(cal.grid.columns),
            )
    return render_to_string("spaces/_calendar_content.html", context, request=request)


def _resource_options(cal: queries.Calendar) -> str:
    """The week view's resource picker, every resource of the type at the site (fifty rooms in
    a large park), in one pass rather than an ``<option>`` per row through the template."""
    chosen = cal.resource.pk if cal.resource is not None else None
    return "".join(
        f'<option value="{int(resource.pk)}"{" selected" if resource.pk == chosen else ""}>'
        f"{escape(resource.display_name)}</option>"
        for resource in cal.resources
    )


class _Words:
    """The translated words of the grid, looked up once per render."""

    def __init__(self) -> None:
        self.booked = escape(pgettext("calendar slot", "booked"))
        self.park = escape(pgettext("booked for", "Park"))
        self.certificate = escape(pgettext("resource needs", "certificate"))
        self.needs_certificate = escape(_("Only people with a valid training record may book it."))
        self.free = escape(pgettext("calendar slot", "free"))
        self.closed = escape(pgettext("calendar slot", "closed"))
        self.yours = escape(pgettext("calendar booking", "yours"))
        self.seat = escape(_("coworking seat"))
        self.time = escape(pgettext("calendar header", "Time"))
        self.continues = escape(pgettext("calendar booking", "continues"))


def _grid_table(
    cal: queries.Calendar,
    *,
    view: str,
    park: Park,
    access: ParkAccess,
    company_ids: frozenset[int],
    may_book: bool,
) -> str:
    """The grid as one ``<table>``, written here rather than in the template: a day of a busy
    site is thousands of cells, and this is ten times faster than the template loop. Everything
    shown is escaped."""
    grid = cal.grid
    if grid.is_empty:
        return ""
    words = _Words()
    booking_url = reverse("spaces:booking", kwargs={"park_slug": park.slug, "pk": 0})[:-2]
    user_id = access.user.pk if access.is_authenticated else None
    zone = cal.zone
    parts: list[str] = ['<div class="table-wrap calendar-scroll" tabindex="0"']
    parts.append(' role="region" aria-labelledby="calendar-caption">')
    parts.append('<table class="spaces-calendar spaces-grid" data-testid="calendar">')
    if view == "day":
        caption = f"{cal.site.display_name} — {dateformat.format(cal.days[0], 'l, j E Y')}"
    else:
        resource = cal.resource
        name = resource.display_name if resource is not None else ""
        caption = (
            f"{name} — {dateformat.format(cal.days[0], 'j E')}"
            f" – {dateformat.format(cal.days[-1], 'j E Y')}"
        )
    parts.append(f'<caption id="calendar-caption">{escape(caption)}')
    if view == "week" and cal.resource is not None and cal.resource.requires_certification:
        parts.append(
            f' <span class="tag tag-certificate" title="{words.needs_certificate}">'
            f"{words.certificate}</span>"
        )
    parts.append(f'</caption><thead><tr><th scope="col">{words.time}</th>')
    for column in grid.columns:
        if view == "day":
            resource = column.resource
            parts.append(f'<th scope="col">{escape(resource.display_name)}')
            if resource.capacity > 1:
                parts.append(f' <span class="muted">({resource.capacity})</span>')
            if resource.requires_certification:
                parts.append(
                    f' <span class="tag tag-certificate" title="{words.needs_certificate}">'
                    f"{words.certificate}</span>"
                )
            parts.append("</th>")
        else:
            parts.append(
                f'<th scope="col"><time datetime="{column.day.isoformat()}">'
                f"{escape(dateformat.format(column.day, 'D j M'))}</time></th>"
            )
    parts.append("</tr></thead><tbody>")
    for position, hour in enumerate(grid.hours):
        parts.append(f'<tr><th scope="row">{hour:02d}:00</th>')
        for column in grid.columns:
            cell = column.cells[position]
            parts.append(
                _cell(
                    cell,
                    resource_id=column.resource.pk,
                    words=words,
                    zone=zone,
                    booking_url=booking_url,
                    access=access,
                    company_ids=company_ids,
                    user_id=user_id,
                    may_book=may_book,
                )
            )
        parts.append("</tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts)


def _cell(
    cell: GridCell,
    *,
    resource_id: int,
    words: _Words,
    zone: Any,
    booking_url: str,
    access: ParkAccess,
    company_ids: frozenset[int],
    user_id: int | None,
    may_book: bool,
) -> str:
    if cell.closed and not cell.bookings:
        return f'<td class="slot-closed">{words.closed}</td>'
    parts = ['<td class="slot-busy">' if cell.bookings and not cell.free else "<td>"]
    for item in cell.bookings:
        booking = item.booking
        own = booking.booked_by_id == user_id or (
            booking.company_id is not None and booking.company_id in company_ids
        )
        classes = f"booking booking-{escape(booking.status)}"
        if own:
            classes += " booking-own"
        if not item.first:
            parts.append(
                f'<div class="{classes} booking-cont">'
                f'<span class="visually-hidden">{words.booked}, {words.continues}</span>'
                "</div>"
            )
            continue
        parts.append(f'<div class="{classes}">{item.start_label}–{item.end_label} ')
        if rules.can_see_booker(access, booking, company_ids):
            name = escape(booking.company.short_name) if booking.company else words.park
            parts.append(f'<a href="{booking_url}{booking.pk}/">{name}</a>')
            if booking.kind == BookingKind.SEAT:
                parts.append(
                    f' <span class="tag">{words.seat}</span>'
                    f' <span class="muted">{escape(booking.title)}</span>'
                )
        else:
            parts.append(words.booked)
        if own:
            parts.append(f' <strong class="tag tag-own">{words.yours}</strong>')
        parts.append("</div>")
    for start, end in cell.free:
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        whole = local_start.minute == 0 and (local_end - local_start) == timedelta(hours=1)
        label = words.free if whole else f"{local_start:%H:%M}–{local_end:%H:%M} {words.free}"
        if may_book:
            # relative to the calendar (/<park>/spaces/): a busy day has thousands of these
            parts.append(
                f'<a href="book/?resource={resource_id}'
                f"&amp;starts_at={_stamp(local_start)}&amp;ends_at={_stamp(local_end)}"
                f'">{label}</a>'
            )
        else:
            parts.append(f'<span class="slot-free">{label}</span>')
    parts.append("</td>")
    return "".join(parts)


def _stamp(value: datetime) -> str:
    return f"{value:%Y-%m-%dT%H:%M}"
