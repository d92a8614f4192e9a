"""The booking calendar as a time grid: hours down, columns across (the resources of one day, or
the days of one resource's week), each cell one hour of one column.

Pure: it takes the open intervals, closures and bookings already read and says, per cell, which
bookings cover it, which parts of it are free (each a bookable piece) and whether it is closed.
Nothing here reads the database; the calendar query reads, the view writes the HTML.

The rows run from the earliest opening to the latest closing of the days shown, in the site's
wall-clock hours, so a site open 09:00–18:00 shows nine rows, not twenty-four.
"""

from __future__ import annotations

import zoneinfo
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

# A free piece shorter than this is not offered (a booking is at least one slot of 5 minutes,
# usually 30; the form explains a refusal).
SHORTEST_FREE = timedelta(minutes=15)

Interval = tuple[datetime, datetime]


@dataclass
class GridBooking:
    booking: Any  # a spaces Booking (only its times, status, company, booker are read)
    first: bool  # the first cell this booking covers in its column: the label is shown here
    start_label: str
    end_label: str


@dataclass
class GridCell:
    closed: bool = False
    bookings: list[GridBooking] = field(default_factory=list)
    free: list[Interval] = field(default_factory=list)


@dataclass
class GridColumn:
    day: date
    resource: Any  # a spaces Resource
    cells: list[GridCell] = field(default_factory=list)
    slots: list[Interval] = field(default_factory=list)  # each row's hour, aware
    starts: list[datetime] = field(default_factory=list)
    bounds: Interval = field(default=(datetime.min, datetime.min))  # the whole local day


@dataclass
class Grid:
    hours: list[int]  # the rows: local hours, 0..23
    columns: list[GridColumn]

    @property
    def is_empty(self) -> bool:
        return not self.hours


def _subtract(pieces: list[Interval], cut: Interval) -> list[Interval]:
    low, high = cut
    result: list[Interval] = []
    for start, end in pieces:
        if high <= start or end <= low:
            result.append((start, end))
            continue
        if start < low:
            result.append((start, low))
        if high < end:
            result.append((high, end))
    return result


def _intersect(pieces: Iterable[Interval], window: Interval) -> list[Interval]:
    low, high = window
    return [(max(a, low), min(b, high)) for a, b in pieces if a < high and b > low]


def _slot(day: date, hour: int, zone: zoneinfo.ZoneInfo) -> Interval:
    start = datetime.combine(day, time(hour), zone)
    end = (
        datetime.combine(day + timedelta(days=1), time(0), zone)
        if hour == 23
        else datetime.combine(day, time(hour + 1), zone)
    )
    return start, end


def visible_hours(
    open_intervals: Sequence[Interval], days: Sequence[date], zone: zoneinfo.ZoneInfo
) -> list[int]:
    """The local hours from the earliest opening to the latest closing over ``days``."""
    low, high = 24, 0
    for day in days:
        window = (
            datetime.combine(day, time(0), zone),
            datetime.combine(day + timedelta(days=1), time(0), zone),
        )
        for start, end in _intersect(open_intervals, window):
            local_start, local_end = start.astimezone(zone), end.astimezone(zone)
            low = min(low, local_start.hour)
            if local_end.date() > day or end == window[1]:
                high = 24
            else:
                high = max(high, local_end.hour + (1 if local_end.minute else 0))
    return list(range(low, high)) if low < high else []


def build(
    *,
    columns: Sequence[tuple[date, Any]],
    open_intervals: Sequence[Interval],
    closures: Sequence[tuple[int | None, Interval]],
    bookings: Iterable[Any],
    zone: zoneinfo.ZoneInfo,
) -> Grid:
    """The grid of ``columns`` (each a day and a resource), open in ``open_intervals`` (aware,
    merged) except during ``closures`` (a resource id, or ``None`` for the whole site, and when),
    holding ``bookings`` (active ones, any order)."""
    days = sorted({day for day, _resource in columns})
    hours = visible_hours(open_intervals, days, zone)
    grid = Grid(hours=hours, columns=[])
    if not hours:
        return grid
    by_resource: dict[int, list[GridColumn]] = {}
    for day, resource in columns:
        column = GridColumn(day=day, resource=resource)
        column.bounds = (
            datetime.combine(day, time(0), zone),
            datetime.combine(day + timedelta(days=1), time(0), zone),
        )
        for hour in hours:
            slot = _slot(day, hour, zone)
            column.slots.append(slot)
            column.starts.append(slot[0])
            free = _intersect(open_intervals, slot)
            for resource_id, when in closures:
                if resource_id is None or resource_id == resource.pk:
                    free = _subtract(free, when)
            column.cells.append(GridCell(closed=not free, free=free))
        grid.columns.append(column)
        by_resource.setdefault(resource.pk, []).append(column)
    for booking in sorted(bookings, key=lambda b: (b.starts_at, b.pk)):
        local_start = booking.starts_at.astimezone(zone)
        local_end = booking.ends_at.astimezone(zone)
        for column in by_resource.get(booking.resource_id, ()):
            slots = column.slots
            day_start, day_end = column.bounds
            if booking.starts_at >= day_end or booking.ends_at <= day_start:
                continue
            start_label = f"{local_start:%H:%M}" if booking.starts_at >= day_start else "…"
            end_label = f"{local_end:%H:%M}" if booking.ends_at <= day_end else "…"
            first = True
            position = max(0, bisect_right(column.starts, booking.starts_at) - 1)
            while position < len(slots) and slots[position][0] < booking.ends_at:
                if booking.starts_at < slots[position][1]:
                    cell = column.cells[position]
                    cell.bookings.append(GridBooking(booking, first, start_label, end_label))
                    cell.free = _subtract(cell.free, (booking.starts_at, booking.ends_at))
                    first = False
                position += 1
            if first:
                # Entirely outside the rows shown (staff may book outside the hours): shown in
                # the nearest row, so that nothing booked is hidden.
                near = 0 if booking.ends_at <= slots[0][0] else len(slots) - 1
                column.cells[near].bookings.append(
                    GridBooking(booking, True, start_label, end_label)
                )
    for column in grid.columns:
        for cell in column.cells:
            cell.free = [(a, b) for a, b in cell.free if b - a >= SHORTEST_FREE]
    return grid
