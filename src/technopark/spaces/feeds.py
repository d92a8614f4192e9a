"""iCal feeds behind a secret link: a person's bookings, or one resource's.

Times are written in the site's time zone (``TZID``) with its ``VTIMEZONE``; a cancelled,
rejected, released or expired booking stays in the feed as a cancelled event (``STATUS:CANCELLED``)
for 30 days, so that subscribed calendars remove it. Another company's name is shown only to
staff and to that company's own people.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from technopark.core.exports import plain_text
from technopark.core.localtime import to_local, zone_named
from technopark.parks.rules import access_for
from technopark.spaces.models import ACTIVE_STATUSES, Booking, BookingStatus, CalendarFeed
from technopark.spaces.rules import can_see_booker
from technopark.spaces.services import acting_company_ids

KEEP_ENDED = timedelta(days=30)
FEED_LIMIT = 2000


def _summary(booking: Booking, *, show_company: bool) -> str:
    name = booking.resource.display_name
    if show_company and booking.company is not None:
        return f"{name} — {booking.company.short_name}"
    if booking.status == BookingStatus.PENDING:
        return _("%(resource)s (awaiting approval)") % {"resource": name}
    return name


def feed_bookings(feed: CalendarFeed, *, now: Any = None) -> list[Booking]:
    now = now or timezone.now()
    since = now - KEEP_ENDED
    rows = Booking.all_parks.filter(park_id=feed.park_id, ends_at__gte=since)
    if feed.resource_id is not None:
        rows = rows.filter(resource_id=feed.resource_id)
    else:
        company_ids = acting_company_ids(user=feed.user, park=feed.park)
        rows = rows.filter(Q(booked_by_id=feed.user_id) | Q(company_id__in=company_ids))
    return list(
        rows.select_related("resource__site", "company").order_by("starts_at", "id")[:FEED_LIMIT]
    )


def render_feed(feed: CalendarFeed, *, host: str, now: Any = None) -> bytes:
    company_ids: Collection[int] = acting_company_ids(user=feed.user, park=feed.park)
    # The feed is read by a calendar client, not a signed-in visitor: its owner's access.
    access = access_for(feed.user, feed.park)
    calendar = Calendar()
    calendar.add("prodid", "-//Technopark//Spaces//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    title = (
        feed.resource.display_name
        if feed.resource_id is not None and feed.resource
        else _("My bookings")
    )
    calendar.add("x-wr-calname", plain_text(f"{feed.park.display_name}: {title}"))
    spans: dict[str, tuple[datetime, datetime]] = {}
    for booking in feed_bookings(feed, now=now):
        zone = booking.resource.site.time_zone
        low, high = spans.get(zone, (booking.starts_at, booking.ends_at))
        spans[zone] = (min(low, booking.starts_at), max(high, booking.ends_at))
        show_booker = can_see_booker(access, booking, company_ids)
        event = Event()
        event.add("uid", f"booking-{booking.pk}@{host}")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", to_local(booking.starts_at, zone))
        event.add("dtend", to_local(booking.ends_at, zone))
        event.add("summary", plain_text(_summary(booking, show_company=show_booker)))
        event.add(
            "location",
            plain_text(f"{booking.resource.site.display_name}, {booking.resource.site.address}"),
        )
        event.add("sequence", booking.sequence)
        if booking.status in ACTIVE_STATUSES:
            event.add(
                "status",
                "TENTATIVE"
                if booking.status in (BookingStatus.PENDING, BookingStatus.OFFERED)
                else "CONFIRMED",
            )
        else:
            event.add("status", "CANCELLED")
        if show_booker and booking.title:
            event.add("description", plain_text(booking.title))
        calendar.add_component(event)
    for name, (first, last) in sorted(spans.items()):
        calendar.add_component(vtimezone(name, first, last))
    return calendar.to_ical()


def _transitions(zone: zoneinfo.ZoneInfo, first: datetime, last: datetime) -> list[datetime]:
    """The UTC instants in ``[first, last]`` where the zone's offset changes (to the minute)."""
    found = []
    step = timedelta(days=1)
    moment = first
    offset = moment.astimezone(zone).utcoffset()
    while moment < last:
        following = min(moment + step, last)
        if following.astimezone(zone).utcoffset() != offset:
            low, high = moment, following
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            found.append(high.replace(second=0, microsecond=0))
            offset = following.astimezone(zone).utcoffset()
        moment = following
    return found


def vtimezone(name: str, first: datetime, last: datetime) -> Timezone:
    """A minimal ``VTIMEZONE`` that is exact over ``[first, last]``: the offset in force at the
    start and each change within the span. Long histories with irregular dates (Yakutsk's
    2011 and 2014 changes, say) are read wrongly by some clients; this form is read alike by all.
    """
    zone = zone_named(name)
    start = first - timedelta(days=1)
    end = last + timedelta(days=1)
    component = Timezone()
    component.add("tzid", name)
    before = start.astimezone(zone)
    points = [(start, before.utcoffset(), before.utcoffset(), before)]
    for instant in _transitions(zone, start, end):
        previous = (instant - timedelta(minutes=1)).astimezone(zone).utcoffset()
        after = instant.astimezone(zone)
        points.append((instant, previous, after.utcoffset(), after))
    for instant, offset_from, offset_to, local in points:
        observance = TimezoneDaylight() if local.dst() else TimezoneStandard()
        # An observance starts at the local time of the offset it replaces (RFC 5545 3.6.5).
        wall = (instant + offset_from).replace(tzinfo=None) if offset_from is not None else instant
        observance.add("dtstart", wall)
        observance.add("tzoffsetfrom", offset_from)
        observance.add("tzoffsetto", offset_to)
        observance.add("tzname", local.tzname() or name)
        component.add_component(observance)
    return component
