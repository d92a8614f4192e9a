"""What spaces have waiting for a person (``parks.agenda``): their bookings today and offers
from the waitlist; for staff, the bookings awaiting approval."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import ngettext

from technopark.core.localtime import local_today, zone_named
from technopark.parks import agenda
from technopark.parks.agenda import DUE, INFO, Item
from technopark.parks.models import Park
from technopark.parks.rules import ParkAccess
from technopark.spaces import rules
from technopark.spaces.models import Booking, BookingStatus

_TODAY_STATES = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.PENDING)


def booker_items(park: Park, user: Any, now: datetime) -> list[Item]:
    """The person's bookings that start today (park's local day) and waitlist offers to accept
    (one query)."""
    today = local_today(park.time_zone, at=now)
    zone = zone_named(park.time_zone)
    day_starts = datetime.combine(today, time.min, tzinfo=zone)
    day_ends = day_starts + timedelta(days=1)
    totals = (
        Booking.all_parks.filter(park=park, booked_by=user)
        .filter(
            Q(status__in=_TODAY_STATES, starts_at__gte=day_starts, starts_at__lt=day_ends)
            | Q(status=BookingStatus.OFFERED, ends_at__gt=now)
        )
        .order_by()
        .aggregate(
            today=Count("id", filter=Q(status__in=_TODAY_STATES)),
            first=Min("starts_at", filter=Q(status__in=_TODAY_STATES)),
            offers=Count("id", filter=Q(status=BookingStatus.OFFERED)),
        )
    )
    url = reverse("spaces:my", kwargs={"park_slug": park.slug})
    items: list[Item] = []
    if totals["offers"]:
        n = totals["offers"]
        label = ngettext(
            "%(n)d place from the waitlist is offered to you",
            "%(n)d places from the waitlist are offered to you",
            n,
        ) % {"n": n}
        items.append(Item("spaces.offers", label, n, url, DUE))
    if totals["today"]:
        n = totals["today"]
        label = ngettext("%(n)d booking today", "%(n)d bookings today", n) % {"n": n}
        items.append(Item("spaces.today", label, n, url, INFO, totals["first"]))
    return items


def staff_items(park: Park) -> list[Item]:
    """Bookings awaiting approval: the approvals page's rows, counted (one query)."""
    n = Booking.all_parks.filter(park=park, status=BookingStatus.PENDING).count()
    if not n:
        return []
    label = ngettext("%(n)d booking awaits approval", "%(n)d bookings await approval", n) % {"n": n}
    url = reverse("spaces:approvals", kwargs={"park_slug": park.slug})
    return [Item("spaces.approvals", label, n, url, DUE)]


@agenda.reads("spaces")
def provider(park: Park, user: Any, access: ParkAccess, now: datetime) -> list[Item]:
    items: list[Item] = []
    if rules.can_book(access):
        items += booker_items(park, user, now)
    if rules.can_approve_bookings(access):
        items += staff_items(park)
    return items
