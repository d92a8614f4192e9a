"""The calendar's and the free-slot search's bookings of a range equal the straightforward
overlap (every booking of the resources, filtered in Python) on bookings that cross the range's
edges; and on SQLite both are read through the (resource, ends_at, starts_at, status) index,
not by walking every earlier booking of a resource through (resource, starts_at)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from technopark.spaces import queries, services
from technopark.spaces.models import ACTIVE_STATUSES, Booking, BookingStatus, ResourceType
from tests.spaces.conftest import local

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def _rooms(spaces: Any, count: int) -> list[Any]:
    return [spaces.room] + [
        services.resource_create(
            site=spaces.site, name=f"Комната {n}", resource_type=ResourceType.ROOM, capacity=8
        )
        for n in range(1, count)
    ]


def _book(world: Any, resource: Any, starts_at: datetime, ends_at: datetime, **extra: Any) -> Any:
    return Booking.all_parks.create(
        park=world.park,
        resource=resource,
        booked_by=world.users["manager"],
        starts_at=starts_at,
        ends_at=ends_at,
        **extra,
    )


@pytest.fixture
def edges(spaces: Any, world: Any) -> tuple[list[Any], datetime, datetime]:
    """Seven rooms and bookings on every side of ``[start, end)`` (local day 2, 10:00–14:00)."""
    start, end = local(2, 10), local(2, 14)
    rooms = _rooms(spaces, 7)
    _book(world, rooms[0], start - 2 * HOUR, start)  # touches the start: outside
    _book(world, rooms[0], end, end + HOUR)  # touches the end: outside
    _book(world, rooms[0], start - 3 * timedelta(days=1), start - 2 * timedelta(days=1))  # before
    _book(world, rooms[0], end + timedelta(days=2), end + timedelta(days=3))  # after
    _book(world, rooms[1], start - HOUR, start + HOUR)  # starts before, ends inside
    _book(world, rooms[2], start + HOUR, start + 2 * HOUR)  # inside
    _book(world, rooms[2], start, end - 3 * HOUR)  # from the start exactly (room 2 has two)
    _book(world, rooms[3], end - HOUR, end + HOUR)  # starts inside, ends after
    _book(world, rooms[4], start - timedelta(days=1), end + timedelta(days=1))  # spans it all
    _book(world, rooms[5], start, end)  # the range exactly
    _book(world, rooms[6], start + HOUR, end - HOUR, status=BookingStatus.CANCELLED)
    _book(
        world,
        rooms[6],
        start - timedelta(minutes=1),
        start + timedelta(minutes=1),
        status=BookingStatus.PENDING,
    )  # pending is active: it holds the room
    return rooms, start, end


def _straightforward(resource_ids: list[int], starts_at: datetime, ends_at: datetime) -> list[int]:
    return [
        booking.pk
        for booking in sorted(Booking.all_parks.all(), key=lambda b: (b.starts_at, b.pk))
        if booking.resource_id in resource_ids
        and booking.status in ACTIVE_STATUSES
        and booking.starts_at < ends_at
        and booking.ends_at > starts_at
    ]


def _windows(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    return [
        (start, end),
        (start - HOUR, start),  # ends where the range starts
        (end, end + HOUR),  # starts where the range ends
        (start + timedelta(minutes=30), start + timedelta(minutes=90)),
        (start - timedelta(days=7), end + timedelta(days=7)),  # around everything
        (end + timedelta(days=4), end + timedelta(days=5)),  # nothing there
    ]


def test_bookings_in_range_equal_the_straightforward_overlap(edges):
    rooms, start, end = edges
    every = [room.pk for room in rooms]
    for low, high in _windows(start, end):
        for ids in (every, every[:1], every[1:4], every[4:]):
            found = queries.bookings_in_range(resource_ids=ids, starts_at=low, ends_at=high)
            assert [b.pk for b in found] == _straightforward(ids, low, high), (low, high, ids)
    # The range itself: the edge-touching and cancelled bookings are not in it.
    shown = queries.bookings_in_range(resource_ids=every, starts_at=start, ends_at=end)
    assert len(shown) == 7


def test_the_calendar_shows_the_range_bookings(edges, spaces):
    rooms, start, _end = edges
    services.opening_hours_set(site=spaces.site, hours={d: (time(0), time(0)) for d in range(7)})
    day = start.date()
    for room in rooms:
        week = queries.calendar(
            site=spaces.site, resource_type="room", first_day=day, days=1 + 6, resource_id=room.pk
        )
        first = datetime.combine(day, time(0), start.tzinfo)
        assert week.booking_count == len(
            _straightforward([room.pk], first, first + timedelta(days=7))
        )


def test_free_resources_equal_the_straightforward_search(edges, spaces):
    rooms, start, end = edges
    services.opening_hours_set(site=spaces.site, hours={d: (time(0), time(0)) for d in range(7)})
    for low, high in _windows(start, end)[:4]:
        free = queries.free_resources(
            park=spaces.site.park,
            starts_at=low,
            ends_at=high,
            resource_type="room",
            site=spaces.site,
        )
        expected = [room.pk for room in rooms if not _straightforward([room.pk], low, high)]
        assert sorted(r.pk for r in free) == sorted(expected), (low, high)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_sqlite_reads_the_range_through_the_end_index(edges, spaces):
    """Both reads search (resource, ends_at > start) and never walk (resource, starts_at < end)."""
    rooms, start, end = edges
    with CaptureQueriesContext(connection) as captured:
        queries.bookings_in_range(resource_ids=[rooms[0].pk], starts_at=start, ends_at=end)
        queries.bookings_in_range(
            resource_ids=[room.pk for room in rooms], starts_at=start, ends_at=end
        )
        queries.free_resources(park=spaces.site.park, starts_at=start, ends_at=end)
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if '"spaces_booking"' in q["sql"] or "spaces_booking U0" in q["sql"]
    ]
    assert len(reads) == 3
    for analyzed in (False, True):  # without statistics, and with national-scale ones
        if analyzed:
            _national_statistics()
        for sql in reads:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                plan = " / ".join(str(row[3]) for row in cursor.fetchall())
            assert "spaces_booking_res_end_idx (resource_id=? AND ends_at>?)" in plan, plan
            assert "spaces_booking_res_start_idx" not in plan, plan


#: rows per distinct value of an index's leading column in the national-scale bench data (200,000
#: bookings of 1,060 resources in two parks), as ``ANALYZE`` writes them
_PER_VALUE = {"resource_id": 190, "park_id": 100522, "status": 50261, "company_id": 41}


def _national_statistics() -> None:
    """``sqlite_stat1`` as ``ANALYZE`` leaves it on 200,000 bookings, loaded by SQLite's planner:
    with them, an unordered overlap on (resource, starts_at) looked as good as on (resource,
    ends_at), and SQLite took the one that walks every earlier booking."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'spaces_booking'")
        cursor.execute("PRAGMA index_list('spaces_booking')")
        for index in [row[1] for row in cursor.fetchall()]:
            cursor.execute(f"PRAGMA index_info('{index}')")
            columns = [row[2] for row in cursor.fetchall()]
            per_value = _PER_VALUE.get(columns[0], 1)
            stat = " ".join(["200000", str(per_value)] + ["1"] * (len(columns) - 1))
            cursor.execute(
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('spaces_booking', %s, %s)",
                [index, stat],
            )
        cursor.execute("ANALYZE sqlite_schema")  # SQLite reloads the statistics
