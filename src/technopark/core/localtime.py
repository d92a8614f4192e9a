"""Local time: what a park's clock says, and the UTC instants we store.

Times are stored in UTC and entered and shown in a site's zone (DESIGN §7). These helpers are the
one way to cross between the two. They guarantee:

- **Nothing is guessed.** A zone is looked up by its IANA name and an unknown name raises
  ``ZoneInfoNotFoundError``; no helper falls back to the current or the server's zone (a wrong
  zone gives a wrong day without a word; an error is seen and fixed).
- **A wall-clock time that does not exist is refused.** A time skipped when the clocks go forward
  (02:30 on the last Sunday of March in Berlin) raises a ``ValidationError`` naming the time and
  the zone, at ``field`` when one is given. A time that happens twice (when the clocks go back)
  is read as its first occurrence, the earlier instant.
- **Extreme values are an input error, not a crash.** A moment that cannot be expressed in UTC or
  in the zone (year 1 read east of Greenwich, 31 December 9999 read west of it) raises a
  translated ``ValidationError`` instead of ``OverflowError``, so a page answers 400, not 500.

Naive datetimes are wall-clock times; aware ones are instants. A zone is given by name, or as a
``ZoneInfo`` already looked up.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import UTC, date, datetime
from typing import TypeAlias
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

__all__ = ["local_today", "to_local", "to_utc", "wall_time", "zone_name", "zone_named"]

Zone: TypeAlias = str | ZoneInfo


def zone_named(name: Zone) -> ZoneInfo:
    """The zone called ``name`` (a ``ZoneInfo`` is returned as it is).

    Raises ``ZoneInfoNotFoundError`` for a name that is not a zone: sites and parks validate
    their zone when saved, so an unknown one here is a bug to see, never to paper over.
    """
    return name if isinstance(name, ZoneInfo) else ZoneInfo(name)


# The zones of Russia (where the parks are) by the name people use for them; any other zone is
# named by its city. Lazy: translated in the reader's language when shown.
_ZONE_NAMES = {
    "Europe/Kaliningrad": pgettext_lazy("time zone", "Kaliningrad time"),
    "Europe/Moscow": pgettext_lazy("time zone", "Moscow time"),
    "Europe/Simferopol": pgettext_lazy("time zone", "Moscow time"),
    "Europe/Volgograd": pgettext_lazy("time zone", "Moscow time"),
    "Europe/Kirov": pgettext_lazy("time zone", "Moscow time"),
    "Europe/Samara": pgettext_lazy("time zone", "Samara time"),
    "Europe/Astrakhan": pgettext_lazy("time zone", "Samara time"),
    "Europe/Saratov": pgettext_lazy("time zone", "Samara time"),
    "Europe/Ulyanovsk": pgettext_lazy("time zone", "Samara time"),
    "Asia/Yekaterinburg": pgettext_lazy("time zone", "Yekaterinburg time"),
    "Asia/Omsk": pgettext_lazy("time zone", "Omsk time"),
    "Asia/Novosibirsk": pgettext_lazy("time zone", "Novosibirsk time"),
    "Asia/Barnaul": pgettext_lazy("time zone", "Novosibirsk time"),
    "Asia/Tomsk": pgettext_lazy("time zone", "Novosibirsk time"),
    "Asia/Novokuznetsk": pgettext_lazy("time zone", "Krasnoyarsk time"),
    "Asia/Krasnoyarsk": pgettext_lazy("time zone", "Krasnoyarsk time"),
    "Asia/Irkutsk": pgettext_lazy("time zone", "Irkutsk time"),
    "Asia/Chita": pgettext_lazy("time zone", "Yakutsk time"),
    "Asia/Yakutsk": pgettext_lazy("time zone", "Yakutsk time"),
    "Asia/Khandyga": pgettext_lazy("time zone", "Yakutsk time"),
    "Asia/Vladivostok": pgettext_lazy("time zone", "Vladivostok time"),
    "Asia/Ust-Nera": pgettext_lazy("time zone", "Vladivostok time"),
    "Asia/Magadan": pgettext_lazy("time zone", "Magadan time"),
    "Asia/Sakhalin": pgettext_lazy("time zone", "Magadan time"),
    "Asia/Srednekolymsk": pgettext_lazy("time zone", "Magadan time"),
    "Asia/Kamchatka": pgettext_lazy("time zone", "Kamchatka time"),
    "Asia/Anadyr": pgettext_lazy("time zone", "Kamchatka time"),
    "UTC": pgettext_lazy("time zone", "Coordinated Universal Time"),
}


def _offset(zone: ZoneInfo, at: datetime) -> str:
    delta = at.astimezone(zone).utcoffset()
    minutes = int(delta.total_seconds() // 60) if delta is not None else 0
    sign = "+" if minutes >= 0 else "\u2212"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_name(tz: Zone, language: str | None = None, *, at: datetime | None = None) -> str:
    """The zone ``tz`` named in words for a reader, with its offset from UTC at ``at`` (now when
    not given): "Yakutsk time, UTC+9", "якутское время, UTC+9" (it reads in parentheses after a
    time, too); a zone without a name of its own is named by its city ("Berlin, UTC+1"). In ``language`` (the active one when not given).
    Never the IANA id, which readers do not know. An unknown zone raises, as ``zone_named`` does.
    """
    zone = zone_named(tz)
    offset = _offset(zone, at if at is not None else timezone.now())
    with translation.override(language) if language else nullcontext():
        known = _ZONE_NAMES.get(zone.key)
        if known is not None:
            name = str(known)
            return name if zone.key == "UTC" else f"{name}, {offset}"
        city = zone.key.rsplit("/", 1)[-1].replace("_", " ")
        return f"{city}, {offset}"


def _shown(value: datetime) -> str:
    # strftime does not pad year 1 to four digits on every platform.
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}"


def _error(message: str, *, code: str, field: str | None) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


def _out_of_range(value: datetime, field: str | None) -> ValidationError:
    message = _("%(time)s is outside the dates this site can store.") % {"time": _shown(value)}
    return _error(message, code="out_of_range", field=field)


def local_today(zone: Zone, *, at: datetime | None = None) -> date:
    """The date in ``zone`` at the instant ``at`` (now when not given)."""
    return to_local(at if at is not None else timezone.now(), zone).date()


def to_local(value: datetime, zone: Zone, *, field: str | None = None) -> datetime:
    """The instant ``value`` (aware) as an aware datetime in ``zone``."""
    try:
        return value.astimezone(zone_named(zone))
    except OverflowError:
        raise _out_of_range(value, field) from None


def wall_time(value: datetime, zone: Zone, *, field: str | None = None) -> datetime:
    """What the clocks in ``zone`` show at the instant ``value``, naive: a template shows it as it
    is, with no further shift into the visitor's zone."""
    return to_local(value, zone, field=field).replace(tzinfo=None)


def to_utc(value: datetime, *, zone: Zone, field: str | None = None) -> datetime:
    """``value`` as an aware UTC datetime; a naive ``value`` is the wall-clock time in ``zone``.

    The result can always be shown in ``zone`` again. A wall-clock time that does not exist
    there (skipped by a clock change) is refused; an ambiguous one takes its first occurrence.
    """
    tz = zone_named(zone)
    try:
        if value.tzinfo is not None:
            instant = value.astimezone(UTC)
            instant.astimezone(tz)  # shown in the zone later: it must exist there
            return instant
        aware = value.replace(tzinfo=tz, fold=0)
        instant = aware.astimezone(UTC)
        back = instant.astimezone(tz).replace(tzinfo=None)
    except OverflowError:
        raise _out_of_range(value, field) from None
    if back != value:
        message = _("%(time)s does not exist in %(zone)s (the clocks change then).") % {
            "time": _shown(value),
            "zone": tz.key,
        }
        raise _error(message, code="nonexistent", field=field)
    return instant
