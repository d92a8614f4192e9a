"""Reads of spaces, shaped for the pages and the API that show them.

Each read runs a fixed number of queries however many bookings it shows: the calendar four (the
resources, the opening hours, the closures and the bookings of the visible range), the free-slot
search three.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    DateTimeField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone

from technopark.core.localtime import to_local
from technopark.parks.models import Park, Site
from technopark.spaces.grid import Grid
from technopark.spaces.grid import build as build_grid
from technopark.spaces.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingRule,
    BookingStatus,
    Certificate,
    Closure,
    Incident,
    IncidentSeverity,
    OpeningHours,
    Resource,
    ResourceType,
    TrainingSession,
    WaitlistEntry,
    WaitlistStatus,
)
from technopark.spaces.services import open_intervals, validity, zone_of


class _TstzRange(Func):
    function = "tstzrange"
    output_field = DateTimeField()


class _Overlaps(Func):
    template = "(%(expressions)s)"
    arg_joiner = " && "
    output_field = BooleanField()


class _Unindexed(Func):
    """SQLite's unary plus: the same value, but no index on the column serves the comparison."""

    template = "+%(expressions)s"
    output_field = DateTimeField()


def overlapping(rows: QuerySet[Any], starts_at: datetime, ends_at: datetime) -> QuerySet[Any]:
    """Bookings overlapping ``[starts_at, ends_at)``.

    On PostgreSQL written as the exclusion constraint's own expression,
    ``tstzrange(starts_at, ends_at, '[)') && tstzrange(…)``, so that its GiST index answers (with
    ``status IN`` the active statuses, the index's condition); elsewhere two comparisons, the
    start's through a unary plus: SQLite then searches (resource, ends_at > start) in
    ``spaces_booking_res_end_idx`` (migration 0006) and checks the start in that index, rather
    than walking every earlier booking of the resource through (resource, starts_at), which,
    after an ``ANALYZE``, it would otherwise pick.
    """
    if connection.vendor != "postgresql":
        if connection.vendor != "sqlite":
            return rows.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
        return rows.alias(start_unindexed=_Unindexed(F("starts_at"))).filter(
            start_unindexed__lt=ends_at, ends_at__gt=starts_at
        )
    bounds = Value("[)")
    return rows.filter(
        _Overlaps(
            _TstzRange(F("starts_at"), F("ends_at"), bounds),
            _TstzRange(
                Value(starts_at, output_field=DateTimeField()),
                Value(ends_at, output_field=DateTimeField()),
                bounds,
            ),
        )
    )


def sites(*, park: Park) -> list[Site]:
    return list(Site.all_parks.filter(park=park).order_by("name"))


def site_in_park(*, park: Park, site_id: int | None, options: Iterable[Site]) -> Site | None:
    for site in options:
        if site.pk == site_id:
            return site
    return None


def resources(
    *, park: Park, site: Site | None = None, resource_type: str = ""
) -> QuerySet[Resource]:
    rows = Resource.all_parks.filter(park=park, is_active=True).select_related("site")
    if site is not None:
        rows = rows.filter(site=site)
    if resource_type:
        rows = rows.filter(resource_type=resource_type)
    return rows.order_by("site__name", "resource_type", "name", "id")


def resource_in_park(*, park: Park, pk: int) -> Resource | None:
    return Resource.all_parks.filter(park=park, pk=pk).select_related("site").first()


def booking_in_park(*, park: Park, pk: int) -> Booking | None:
    return (
        Booking.all_parks.filter(park=park, pk=pk)
        .select_related("resource__site", "company", "booked_by")
        .first()
    )


# --- the calendar -------------------------------------------------------------------------------


#: the day view's resources per page: eight columns of a name and «free» read side by side on a
#: desktop, and a phone scrolls them; a hundred rooms would be 2,400 cells on one page
DAY_COLUMNS = 8


@dataclass
class Calendar:
    """One site's resources of one type over ``days`` local days, as a time grid: the day view's
    columns are the resources, the week view's the days of one resource (``resource``)."""

    site: Site
    resource_type: str
    days: list[date]
    starts_at: datetime
    ends_at: datetime
    zone: zoneinfo.ZoneInfo
    resources: list[Resource] = field(default_factory=list)
    resource: Resource | None = None  # the week view's one resource
    grid: Grid = field(default_factory=lambda: Grid(hours=[], columns=[]))
    open_days: bool = True  # whether the site opens at all on the days shown
    page: int = 1  # the day view's page of resources (columns), from 1
    pages: int = 1

    @property
    def booking_count(self) -> int:
        return len(
            {
                item.booking.pk
                for column in self.grid.columns
                for cell in column.cells
                for item in cell.bookings
            }
        )


def calendar(
    *,
    site: Site,
    resource_type: str,
    first_day: date,
    days: int,
    resource_id: int | None = None,
    page: int = 1,
    per_page: int = DAY_COLUMNS,
) -> Calendar:
    """Resources of one type at a site and their active bookings over ``days`` local days from
    ``first_day``, in the site's opening hours and closures. With ``days`` of 1 the resources are
    the columns, ``per_page`` of them on page ``page`` (from 1; past the last page, the last);
    with more, the days of one resource (``resource_id``, else the first) are.

    Four queries however many bookings and resources: the resources, the site's opening hours,
    its closures in the range, the bookings in the range; only the visible range and the shown
    resources' bookings are read."""
    zone = zone_of(site)
    starts_at = datetime.combine(first_day, time(0), zone)
    ends_at = datetime.combine(first_day + timedelta(days=days), time(0), zone)
    day_list = [first_day + timedelta(days=n) for n in range(days)]
    result = Calendar(
        site=site,
        resource_type=resource_type,
        days=day_list,
        starts_at=starts_at,
        ends_at=ends_at,
        zone=zone,
    )
    # Each resource says whether an open «down» incident takes it out of service (a subquery of
    # the same query; the incident writers renew the «spaces» fragments).
    down = Incident.all_parks.filter(
        resource=OuterRef("pk"), severity=IncidentSeverity.DOWN, closed_at__isnull=True
    )
    resource_rows = list(
        Resource.all_parks.filter(
            park_id=site.park_id, site=site, resource_type=resource_type, is_active=True
        )
        .annotate(out_of_service=Exists(down))
        .order_by("name", "id")
    )
    for resource in resource_rows:
        resource.site = site
    result.resources = resource_rows
    if not resource_rows:
        return result
    if days == 1:
        result.pages = -(-len(resource_rows) // per_page)
        result.page = min(max(page, 1), result.pages)
        offset = (result.page - 1) * per_page
        shown = resource_rows[offset : offset + per_page]
        columns = [(first_day, resource) for resource in shown]
    else:
        chosen = next((r for r in resource_rows if r.pk == resource_id), resource_rows[0])
        result.resource = chosen
        shown = [chosen]
        columns = [(day, chosen) for day in day_list]
    hours = list(OpeningHours.all_parks.filter(park_id=site.park_id, site=site))
    intervals = open_intervals(site=site, hours=hours, first=first_day, last=day_list[-1])
    closures = [
        (resource_id_, (closure_start, closure_end))
        for resource_id_, closure_start, closure_end in Closure.all_parks.filter(
            park_id=site.park_id, site=site, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).values_list("resource_id", "starts_at", "ends_at")
    ]
    shown_bookings = bookings_in_range(
        resource_ids=[resource.pk for resource in shown], starts_at=starts_at, ends_at=ends_at
    )
    result.grid = build_grid(
        columns=columns,
        open_intervals=intervals,
        closures=closures,
        bookings=shown_bookings,
        zone=zone,
    )
    result.open_days = not result.grid.is_empty
    return result


def bookings_in_range(
    *, resource_ids: list[int], starts_at: datetime, ends_at: datetime
) -> list[Booking]:
    """The active bookings of these resources that overlap ``[starts_at, ends_at)``, by start
    (then id), with their company's short name. One query, reading only the visible range.

    By resource only (the caller has read the resources in its park): with the park in the
    condition SQLite walks the park's index over every booking that starts before the range
    ends; by resource it reads only the shown resources' bookings. For the same reason the
    statuses are checked here, not in SQL, except on PostgreSQL (whose GiST index is on the
    active ones): given several resources and ``status IN``, SQLite walks the status index over
    every active booking of the park before the range (70 ms for a page of eight rooms among 400
    with 120,000 bookings, against 1 ms by resource). Unordered in SQL and sorted here: asked for
    ``ORDER BY starts_at`` SQLite prefers (resource, starts_at), which walks every earlier booking
    of the resource; unordered it takes (resource, ends_at, starts_at, status) (migration 0006),
    which reads only the bookings that end after the range starts and checks the start there.
    """
    rows = Booking.all_parks.filter(resource_id__in=resource_ids)
    if connection.vendor == "postgresql":
        rows = rows.filter(status__in=ACTIVE_STATUSES)
    bookings = (
        overlapping(rows, starts_at, ends_at)
        .select_related("company")
        .only(
            "id",
            "park_id",
            "resource_id",
            "company__id",
            "company__short_name",
            "booked_by_id",
            "starts_at",
            "ends_at",
            "status",
            "kind",
            "title",
        )
        .order_by()
    )
    return sorted(
        (booking for booking in bookings if booking.status in ACTIVE_STATUSES),
        key=lambda booking: (booking.starts_at, booking.pk),
    )


# --- the free-slot search -----------------------------------------------------------------------


def free_resources(
    *,
    park: Park,
    starts_at: datetime,
    ends_at: datetime,
    resource_type: str = "",
    site: Site | None = None,
    capacity: int = 1,
    limit: int = 50,
) -> list[Resource]:
    """Resources free for the whole of ``[starts_at, ends_at)``: no active booking, no closure,
    inside their site's opening hours. Three queries."""
    busy = overlapping(
        Booking.all_parks.filter(park=park, resource=OuterRef("pk"), status__in=ACTIVE_STATUSES),
        starts_at,
        ends_at,
    )
    closed = Closure.all_parks.filter(
        Q(resource=OuterRef("pk")) | Q(resource__isnull=True, site=OuterRef("site")),
        park=park,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    rows = Resource.all_parks.filter(park=park, is_active=True, capacity__gte=capacity)
    if resource_type:
        rows = rows.filter(resource_type=resource_type)
    if site is not None:
        rows = rows.filter(site=site)
    candidates = list(
        rows.filter(~Exists(busy), ~Exists(closed))
        .select_related("site")
        .order_by("capacity", "site__name", "name", "id")[: limit * 4]
    )
    site_ids = {resource.site_id for resource in candidates}
    hours: dict[int, list[OpeningHours]] = defaultdict(list)
    for row in OpeningHours.all_parks.filter(park=park, site_id__in=site_ids):
        hours[row.site_id].append(row)
    open_sites: dict[int, bool] = {}
    result = []
    for resource in candidates:
        if resource.site_id not in open_sites:
            zone = zone_of(resource.site)
            intervals = open_intervals(
                site=resource.site,
                hours=hours[resource.site_id],
                first=to_local(starts_at, zone).date(),
                last=to_local(ends_at, zone).date(),
            )
            open_sites[resource.site_id] = any(
                opens <= starts_at and ends_at <= closes for opens, closes in intervals
            )
        if open_sites[resource.site_id]:
            result.append(resource)
        if len(result) >= limit:
            break
    return result


# --- a person's bookings ------------------------------------------------------------------------


def my_bookings(
    *, park: Park, user: Any, company_ids: Collection[int], since: datetime | None = None
) -> list[Booking]:
    """The person's bookings and their companies', from ``since`` (default: a week ago)."""
    since = since or timezone.now() - timedelta(days=7)
    return list(
        Booking.all_parks.filter(park=park, ends_at__gte=since)
        .filter(Q(booked_by=user) | Q(company_id__in=list(company_ids)))
        .select_related("resource__site", "company", "booked_by")
        .order_by("starts_at", "id")[:500]
    )


def my_waitlist(*, park: Park, user: Any) -> list[WaitlistEntry]:
    return list(
        WaitlistEntry.all_parks.filter(
            park=park,
            user=user,
            status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED],
        )
        .select_related("resource__site", "booking", "company")
        .order_by("starts_at", "id")
    )


def waitlist_entry_in_park(*, park: Park, pk: int) -> WaitlistEntry | None:
    return (
        WaitlistEntry.all_parks.filter(park=park, pk=pk)
        .select_related("resource__site", "booking", "company")
        .first()
    )


def pending_approvals(*, park: Park) -> list[Booking]:
    return list(
        Booking.all_parks.filter(park=park, status=BookingStatus.PENDING)
        .select_related("resource__site", "company", "booked_by")
        .order_by("starts_at", "id")[:500]
    )


def certificates(*, park: Park) -> list[Certificate]:
    return list(
        Certificate.all_parks.filter(park=park)
        .select_related("user", "resource__site", "recorded_by")
        .order_by("-expires_on", "id")[:500]
    )


def certifiable_resources(*, park: Park) -> list[Resource]:
    return list(
        Resource.all_parks.filter(park=park, requires_certification=True)
        .select_related("site")
        .order_by("site__name", "name")
    )


# --- occupancy ----------------------------------------------------------------------------------


@dataclass
class OccupancyRow:
    label: str
    site: str
    resource_type: str
    open_minutes: float = 0
    booked_minutes: float = 0
    bookings: int = 0
    no_shows: int = 0

    @property
    def utilisation(self) -> float:
        return self.booked_minutes / self.open_minutes if self.open_minutes else 0.0

    @property
    def no_show_rate(self) -> float:
        return self.no_shows / self.bookings if self.bookings else 0.0


@dataclass
class Occupancy:
    first_day: date
    last_day: date
    resources: list[OccupancyRow]
    types: list[OccupancyRow]
    sites: list[OccupancyRow]


def period_bounds(*, period: str, day: date) -> tuple[date, date]:
    """The week (Monday to Sunday) or month holding ``day``: first and last local dates."""
    if period == "month":
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    first = day - timedelta(days=day.weekday())
    return first, first + timedelta(days=6)


def occupancy(*, park: Park, first_day: date, last_day: date) -> Occupancy:
    """Utilisation (booked ÷ open minutes) and no-show rate per resource, type and site over
    the local dates ``first_day``..``last_day``. Four queries."""
    resource_rows = list(
        Resource.all_parks.filter(park=park)
        .select_related("site")
        .order_by("site__name", "resource_type", "name")
    )
    hours: dict[int, list[OpeningHours]] = defaultdict(list)
    for row in OpeningHours.all_parks.filter(park=park):
        hours[row.site_id].append(row)
    open_by_site: dict[int, float] = {}
    bounds_by_site: dict[int, tuple[datetime, datetime]] = {}
    for resource in resource_rows:
        site = resource.site
        if site.pk in open_by_site:
            continue
        zone = zone_of(site)
        intervals = open_intervals(site=site, hours=hours[site.pk], first=first_day, last=last_day)
        open_by_site[site.pk] = sum((b - a).total_seconds() / 60 for a, b in intervals)
        bounds_by_site[site.pk] = (
            datetime.combine(first_day, time(0), zone),
            datetime.combine(last_day + timedelta(days=1), time(0), zone),
        )
    per_resource = {
        resource.pk: OccupancyRow(
            label=resource.display_name,
            site=resource.site.display_name,
            resource_type=resource.get_resource_type_display(),
            open_minutes=open_by_site[resource.site_id],
        )
        for resource in resource_rows
    }
    if bounds_by_site:
        earliest = min(a for a, _ in bounds_by_site.values())
        latest = max(b for _, b in bounds_by_site.values())
        counted = [BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.RELEASED]
        site_of = {resource.pk: resource.site_id for resource in resource_rows}
        for resource_id, status, starts_at, ends_at in Booking.all_parks.filter(
            park=park, status__in=counted, starts_at__lt=latest, ends_at__gt=earliest
        ).values_list("resource_id", "status", "starts_at", "ends_at"):
            row = per_resource.get(resource_id)
            if row is None:
                continue
            low, high = bounds_by_site[site_of[resource_id]]
            clipped = (min(ends_at, high) - max(starts_at, low)).total_seconds() / 60
            if clipped <= 0:
                continue
            row.bookings += 1
            if status == BookingStatus.RELEASED:
                row.no_shows += 1
            else:
                row.booked_minutes += clipped
    types: dict[str, OccupancyRow] = {}
    sites_total: dict[str, OccupancyRow] = {}
    for resource in resource_rows:
        row = per_resource[resource.pk]
        for key, target, label in (
            (f"{row.site}\x00{row.resource_type}", types, row.resource_type),
            (row.site, sites_total, row.site),
        ):
            total = target.get(key)
            if total is None:
                total = OccupancyRow(label=label, site=row.site, resource_type=row.resource_type)
                target[key] = total
            total.open_minutes += row.open_minutes
            total.booked_minutes += row.booked_minutes
            total.bookings += row.bookings
            total.no_shows += row.no_shows
    return Occupancy(
        first_day=first_day,
        last_day=last_day,
        resources=list(per_resource.values()),
        types=list(types.values()),
        sites=list(sites_total.values()),
    )


TYPE_CHOICES = ResourceType.choices


# --- the staff pages ----------------------------------------------------------------------------


def all_resources(*, park: Park) -> list[Resource]:
    """Every resource of the park, bookable or not, by site, type and name. One query."""
    return list(
        Resource.all_parks.filter(park=park)
        .select_related("site")
        .order_by("site__name", "resource_type", "name", "id")[:2000]
    )


def opening_hours(*, site: Site) -> list[OpeningHours]:
    return list(OpeningHours.all_parks.filter(park_id=site.park_id, site=site).order_by("weekday"))


def closures(*, site: Site, since: datetime | None = None) -> list[Closure]:
    """The site's closures that have not ended by ``since`` (default: now). One query."""
    since = since or timezone.now()
    return list(
        Closure.all_parks.filter(park_id=site.park_id, site=site, ends_at__gt=since)
        .select_related("resource")
        .order_by("starts_at", "id")[:500]
    )


def closure_in_park(*, park: Park, pk: int) -> Closure | None:
    return Closure.all_parks.filter(park=park, pk=pk).select_related("site", "resource").first()


def booking_rules(*, park: Park) -> list[BookingRule]:
    return list(BookingRule.all_parks.filter(park=park).order_by("resource_type"))


def certificate_in_park(*, park: Park, pk: int) -> Certificate | None:
    return (
        Certificate.all_parks.filter(park=park, pk=pk)
        .select_related("user", "resource__site")
        .first()
    )


# --- certificates that lapse, training sessions, incidents ------------------------------------------


def certificates_with_validity(
    *, park: Park, user: Any = None, now: datetime | None = None
) -> list[Certificate]:
    """The park's certificates (or ``user``'s), each with ``validity`` (until when it holds and
    what ends it) and ``lapsed`` (it no longer holds on ``now``'s day *at its resource's site*,
    as the booking check reckons it) set. One query; at most 500 rows."""
    now = now or timezone.now()
    rows = Certificate.all_parks.filter(park=park)
    if user is not None:
        rows = rows.filter(user=user)
    found = list(
        rows.select_related("user", "resource__site", "recorded_by").order_by("-expires_on", "id")[
            :500
        ]
    )
    for row in found:
        row.validity = validity(row, row.resource)
        today = to_local(now, zone_of(row.resource.site)).date()
        row.lapsed = not row.validity.holds_on(today)
    return found


def training_sessions(*, park: Park, limit: int = 200) -> list[TrainingSession]:
    """The park's training sessions, newest first, with their people. Two queries."""
    return list(
        TrainingSession.all_parks.filter(park=park)
        .select_related("resource__site", "trainer")
        .prefetch_related("people")
        .order_by("-starts_at", "-id")[:limit]
    )


INCIDENT_STATES = ("open", "closed")


def incidents(
    *,
    park: Park,
    resource_id: int | None = None,
    severity: str = "",
    state: str = "",
    limit: int = 200,
) -> list[Incident]:
    """The park's incidents, newest first, filtered by resource, severity and open/closed. One
    query."""
    rows = Incident.all_parks.filter(park=park)
    if resource_id is not None:
        rows = rows.filter(resource_id=resource_id)
    if severity:
        rows = rows.filter(severity=severity)
    if state == "open":
        rows = rows.filter(closed_at__isnull=True)
    elif state == "closed":
        rows = rows.filter(closed_at__isnull=False)
    return list(
        rows.select_related("resource__site", "reported_by", "closed_by").order_by(
            "-opened_at", "-id"
        )[:limit]
    )


def incident_in_park(*, park: Park, pk: int) -> Incident | None:
    return (
        Incident.all_parks.filter(park=park, pk=pk)
        .select_related("resource__site", "reported_by", "closed_by")
        .first()
    )


def merged_seconds(
    intervals: Iterable[tuple[datetime, datetime | None]],
    *,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> float:
    """Seconds of ``[starts_at, ends_at)`` covered by the union of ``intervals`` (an open one,
    ``None`` at its end, lasts until ``now``). Overlapping intervals count once."""
    clipped = []
    for opened, closed in intervals:
        end = min(closed if closed is not None else now, ends_at)
        start = max(opened, starts_at)
        if end > start:
            clipped.append((start, end))
    clipped.sort()
    total = 0.0
    current: tuple[datetime, datetime] | None = None
    for start, end in clipped:
        if current is None or start > current[1]:
            if current is not None:
                total += (current[1] - current[0]).total_seconds()
            current = (start, end)
        elif end > current[1]:
            current = (current[0], end)
    if current is not None:
        total += (current[1] - current[0]).total_seconds()
    return total


@dataclass
class DowntimeRow:
    resource: Resource
    seconds: float
    incidents: int

    @property
    def hours(self) -> float:
        return round(self.seconds / 3600, 2)


def downtime(
    *, park: Park, starts_at: datetime, ends_at: datetime, now: datetime | None = None
) -> list[DowntimeRow]:
    """Per resource of the park: the time it was down in ``[starts_at, ends_at)`` — the union of
    its «down» incidents clipped to the period, an open one counted until ``now``. Instruments
    (lab and engineering types) are listed even at zero; others only when they were down. Two
    queries."""
    now = now or timezone.now()
    rows = (
        Incident.all_parks.filter(
            park=park,
            severity=IncidentSeverity.DOWN,
            opened_at__lt=ends_at,
        )
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=starts_at))
        .values_list("resource_id", "opened_at", "closed_at")
    )
    by_resource: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for resource_id, opened, closed in rows:
        by_resource[resource_id].append((opened, closed))
    resources = (
        Resource.all_parks.filter(park=park)
        .filter(
            Q(resource_type__in=(ResourceType.LAB, ResourceType.ENGINEERING))
            | Q(pk__in=list(by_resource))
        )
        .select_related("site")
        .order_by("site__name", "name", "id")
    )
    return [
        DowntimeRow(
            resource=resource,
            seconds=merged_seconds(
                by_resource.get(resource.pk, []), starts_at=starts_at, ends_at=ends_at, now=now
            ),
            incidents=len(by_resource.get(resource.pk, [])),
        )
        for resource in resources
    ]
