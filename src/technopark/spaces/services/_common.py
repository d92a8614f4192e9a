"""Shared by the parts of the spaces services: the conflict a booking meets, the site's zone, the
park's rule for a type, who a person acts for, and how a time range reads."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from technopark.companies.models import TeamMember
from technopark.core.localtime import to_local, zone_name, zone_named
from technopark.parks.models import Park, Site
from technopark.spaces.models import (
    Booking,
    BookingRule,
)


class BookingConflict(ValidationError):
    """The time is taken: ``booking`` is the active booking in the way.

    ``text`` does not say whose booking it is: a service cannot ask ``rules.can_see_booker``
    (rules sit above services). A page or endpoint that may name the company says so with
    ``conflict_message(booking=error.booking, show_company=rules.can_see_booker(…))``.
    """

    def __init__(self, *, booking: Booking) -> None:
        message = conflict_message(booking=booking, show_company=False)
        super().__init__({"starts_at": [message]}, code="conflict")
        self.booking = booking
        self.text = message


# --- small helpers -------------------------------------------------------------------------------


def zone_of(site: Site) -> zoneinfo.ZoneInfo:
    """The zone of a site's clocks: its hours, bookings and weeks are counted in it."""
    return zone_named(site.time_zone)


def rule_for(*, park: Park, resource_type: str) -> BookingRule:
    """The park's rule for a type, or the defaults (an unsaved rule) when it has none."""
    rule = BookingRule.all_parks.filter(park=park, resource_type=resource_type).first()
    return rule or BookingRule(park=park, resource_type=resource_type)


def acting_company_ids(*, user: Any, park: Park) -> set[int]:
    """The companies of ``park`` that ``user`` acts for (one query)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        TeamMember.objects.filter(user=user, acts_for_company=True, company__park=park).values_list(
            "company_id", flat=True
        )
    )


def describe_range(starts_at: datetime, ends_at: datetime, zone: zoneinfo.ZoneInfo) -> str:
    """«27.11.2026 14:00–16:00» in the site's time zone (both dates when it crosses midnight)."""
    start, end = to_local(starts_at, zone), to_local(ends_at, zone)
    first = formats.date_format(start, "SHORT_DATE_FORMAT") + " " + start.strftime("%H:%M")
    if start.date() == end.date():
        return f"{first}–{end:%H:%M}"
    return f"{first} – " + formats.date_format(end, "SHORT_DATE_FORMAT") + f" {end:%H:%M}"


def conflict_message(*, booking: Booking, show_company: bool) -> str:
    """What is in the way: the resource and time range, and whose only when the viewer may know."""
    resource = booking.resource
    params = {
        "resource": resource.display_name,
        "range": describe_range(booking.starts_at, booking.ends_at, zone_of(resource.site)),
        "zone": zone_name(resource.site.time_zone),
    }
    if show_company and booking.company is not None:
        params["company"] = booking.company.short_name
        return _("%(resource)s is already booked %(range)s (%(zone)s) by %(company)s.") % params
    return _("%(resource)s is already booked %(range)s (%(zone)s).") % params


# Bookings live between these years: the calendar's arithmetic (a day, a week ahead) stays
# within what a date can hold.
FIRST_YEAR = 1900
LAST_YEAR = 9000


def times_readable_check(**values: datetime) -> None:
    """Each value is an aware date and time within the years bookings may use."""
    for name, value in values.items():
        if value is None or timezone.is_naive(value):
            raise ValidationError({name: _("Give a date and time.")})
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValidationError(
                {
                    name: _("Give a time between the years %(first)d and %(last)d.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR}
                }
            )
