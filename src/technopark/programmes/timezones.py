"""Local time of a session or a demo day: entered and shown in its site's zone, stored in UTC."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def zone_name(*, site: Any = None, cohort: Any = None, park: Any = None) -> str:
    """The zone to use: the given site's, else the cohort's site's, else the park's."""
    if site is not None:
        return str(site.time_zone)
    if cohort is not None and cohort.site_id is not None and cohort.site is not None:
        return str(cohort.site.time_zone)
    if cohort is not None:
        park = cohort.park
    return str(getattr(park, "time_zone", "UTC") or "UTC")


def to_utc(value: datetime, *, zone: str, field: str) -> datetime:
    """``value`` as an aware UTC datetime; a naive value is wall-clock time in ``zone``.

    A wall-clock time that does not exist in the zone (skipped by a clock change) is refused
    with a message at ``field``; an ambiguous one takes its first occurrence.
    """
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    tz = zoneinfo.ZoneInfo(zone)
    aware = value.replace(tzinfo=tz, fold=0)
    back = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if back != value:
        raise ValidationError(
            {
                field: _("%(time)s does not exist in %(zone)s (the clocks change then).")
                % {"time": value.strftime("%Y-%m-%d %H:%M"), "zone": zone}
            }
        )
    return aware.astimezone(UTC)


def local(value: datetime, zone: str) -> datetime:
    return value.astimezone(zoneinfo.ZoneInfo(zone))


def wall(value: datetime, zone: str) -> datetime:
    """The wall-clock time in ``zone``, naive: templates show it as it is (no further shift)."""
    return value.astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)
