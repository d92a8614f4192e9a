"""Bench-scale spaces: 1,000 resources and 1,000,000 bookings in a park, deterministic for a seed.

``generate_spaces(park=…, resources=1000, bookings=1_000_000)`` spreads the resources over the
park's sites (desks, rooms, lab instruments and engineering equipment in a fixed mix) and gives
each resource the same number of bookings, laid end to end from about a year ago forward so that
none overlap (what the exclusion constraint would refuse holds by construction): on working days
up to three bookings of 1–3 hours between 09:00 and 19:00 local time; past ones checked in (8 %
released as no-shows), 4 % cancelled, the rest confirmed.

On PostgreSQL the bookings are streamed with ``COPY`` (the exclusion constraint checks every row
as it arrives); elsewhere they go in ``bulk_create`` batches. Measured on the bench machine
(PostgreSQL 16, 2 cores): about 2–3 minutes for the million rows, see docs/guide/spaces-staff.md.
Idempotent: resources named «Bench …» that exist are reused; bookings are only added up to the
total.
"""

from __future__ import annotations

import random
import zoneinfo
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from technopark.companies.models import Company
from technopark.core.localtime import zone_named
from technopark.parks.models import Membership, Park, Site
from technopark.spaces.models import Booking, BookingStatus, Resource, ResourceType

SEED = 2026
BATCH_SIZE = 5_000
PREFIX = "Bench"
# Of every 20 resources: 10 desks, 5 rooms, 3 lab instruments, 2 pieces of equipment.
MIX = (
    [ResourceType.DESK] * 10
    + [ResourceType.ROOM] * 5
    + [ResourceType.LAB] * 3
    + [ResourceType.ENGINEERING] * 2
)

COLUMNS = (
    "park_id",
    "resource_id",
    "company_id",
    "booked_by_id",
    "starts_at",
    "ends_at",
    "status",
    "kind",
    "title",
    "created_at",
    "checked_in_at",
    "cancelled_at",
    "sequence",
)


def generate_resources(*, park: Park, total: int = 1_000) -> list[Resource]:
    """The park's bench resources, created up to ``total`` (in id order)."""
    sites = list(Site.all_parks.filter(park=park).order_by("id"))
    if not sites:
        sites = [
            Site.all_parks.create(
                park=park, name=f"{PREFIX} site", address="—", time_zone=park.time_zone
            )
        ]
    existing = list(
        Resource.all_parks.filter(park=park, name__startswith=PREFIX)
        .select_related("site")
        .order_by("id")[:total]
    )
    missing = total - len(existing)
    if missing > 0:
        new = []
        for n in range(len(existing), total):
            kind = MIX[n % len(MIX)]
            new.append(
                Resource(
                    park=park,
                    site=sites[n % len(sites)],
                    name=f"{PREFIX} {kind} {n + 1:04d}",
                    resource_type=kind,
                    capacity=1 if kind in (ResourceType.DESK, ResourceType.LAB) else 2 + n % 11,
                    requires_certification=kind in (ResourceType.LAB, ResourceType.ENGINEERING),
                )
            )
        Resource.all_parks.bulk_create(new, batch_size=BATCH_SIZE)
        existing = list(
            Resource.all_parks.filter(park=park, name__startswith=PREFIX)
            .select_related("site")
            .order_by("id")[:total]
        )
    return existing


def _rows(
    *,
    park: Park,
    resources: list[Resource],
    per_resource: int,
    first_day: date,
    rng: random.Random,
    companies: list[int],
    users: list[int],
    now: datetime,
) -> Iterator[tuple[Any, ...]]:
    zones: dict[int, zoneinfo.ZoneInfo] = {}
    for resource in resources:
        zone = zones.get(resource.site_id)
        if zone is None:
            zone = zones[resource.site_id] = zone_named(resource.site.time_zone)
        day = first_day
        made = 0
        while made < per_resource:
            if day.weekday() < 5:
                hour = 9
                for _ in range(3):
                    if made >= per_resource:
                        break
                    hour += rng.randint(0, 1)
                    length = rng.randint(1, 3)
                    if hour + length > 19:
                        break
                    starts_at = datetime.combine(day, time(hour), zone)
                    ends_at = starts_at + timedelta(hours=length)
                    hour += length
                    roll = rng.random()
                    if roll < 0.04:
                        status = BookingStatus.CANCELLED
                    elif ends_at < now:
                        status = BookingStatus.RELEASED if roll < 0.12 else BookingStatus.CHECKED_IN
                    else:
                        status = BookingStatus.CONFIRMED
                    yield (
                        park.pk,
                        resource.pk,
                        rng.choice(companies) if companies else None,
                        rng.choice(users),
                        starts_at,
                        ends_at,
                        status,
                        "regular",
                        "",
                        starts_at - timedelta(days=3),
                        starts_at if status == BookingStatus.CHECKED_IN else None,
                        starts_at
                        if status in (BookingStatus.CANCELLED, BookingStatus.RELEASED)
                        else None,
                        0,
                    )
                    made += 1
            day += timedelta(days=1)


def generate_spaces(
    *,
    park: Park,
    resources: int = 1_000,
    bookings: int = 1_000_000,
    seed: int = SEED,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add bench resources and bookings to ``park``; return how many bookings were added."""
    rows = generate_resources(park=park, total=resources)
    have = Booking.all_parks.filter(park=park, resource__name__startswith=PREFIX).count()
    if have >= bookings:
        return 0
    # Resources that have no bookings yet get them (a partial earlier run is topped up).
    booked = set(
        Booking.all_parks.filter(park=park, resource__in=rows)
        .values_list("resource_id", flat=True)
        .distinct()
    )
    todo = [resource for resource in rows if resource.pk not in booked]
    if not todo:
        return 0
    per_resource = max(1, (bookings - have) // len(todo))
    companies = list(
        Company.all_parks.filter(park=park).order_by("id").values_list("pk", flat=True)[:5_000]
    )
    users = list(
        Membership.all_parks.filter(park=park)
        .order_by("id")
        .values_list("user_id", flat=True)[:5_000]
    )
    if not users:
        raise ValueError("The park has no members to book for.")
    rng = random.Random(seed)
    now = timezone.now()
    # About a year back: per_resource bookings at ~2.5 per working day reach into the future.
    first_day = (now - timedelta(days=int(per_resource / 2.5 * 7 / 5 * 0.75))).date()
    generator = _rows(
        park=park,
        resources=todo,
        per_resource=per_resource,
        first_day=first_day,
        rng=rng,
        companies=companies,
        users=users,
        now=now,
    )
    added = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            columns = ", ".join(COLUMNS)
            with connection.cursor() as cursor:
                raw = cursor.cursor  # psycopg's own cursor, for COPY
                with raw.copy(f"COPY spaces_booking ({columns}) FROM STDIN") as copy:
                    for row in generator:
                        copy.write_row(row)
                        added += 1
                        if progress is not None and added % 100_000 == 0:
                            progress(added)
        else:
            batch: list[Booking] = []
            for row in generator:
                batch.append(Booking(**dict(zip(COLUMNS, row, strict=True))))
                if len(batch) >= BATCH_SIZE:
                    Booking.all_parks.bulk_create(batch)
                    added += len(batch)
                    batch = []
                    if progress is not None:
                        progress(added)
            Booking.all_parks.bulk_create(batch)
            added += len(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE spaces_booking")
            cursor.execute("ANALYZE spaces_resource")
    return added
