"""The checks a booking passes, shared by bookings and the waitlist.

No double booking, ever. ``_insert_booking`` checks for an overlapping *active* booking of the
resource and inserts in the same transaction:

* on SQLite the transaction is ``BEGIN IMMEDIATE`` (settings' ``transaction_mode``): it holds the
  database's write lock from its first statement, so concurrent bookers queue and each check sees
  every booking committed before it;
* on PostgreSQL the check only finds the booking to name in the refusal; the exclusion
  constraint ``spaces_booking_no_overlap`` refuses the loser of a race (the insert waits for the
  winner's transaction and then fails), which is turned into the same ``BookingConflict``.

Times are aware datetimes; slot alignment, opening hours and weeks are reckoned in the site's
time zone.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.companies.models import Company
from technopark.core.fragments import writes
from technopark.core.localtime import to_local
from technopark.core.scopes import in_park
from technopark.parks.models import Site
from technopark.parks.rules import ParkAccess, is_staff
from technopark.spaces import eligibility
from technopark.spaces.constraints import NAME as NO_OVERLAP
from technopark.spaces.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingKind,
    BookingRule,
    BookingStatus,
    Closure,
    OpeningHours,
    Resource,
)
from technopark.spaces.services._common import (
    BookingConflict,
    acting_company_ids,
    describe_range,
    zone_of,
)
from technopark.spaces.services.certificates import certificate_refusal

# --- the checks a booking passes ----------------------------------------------------------------


def _initial_status(*, access: ParkAccess, company: Company | None, rule: BookingRule) -> str:
    """Who may book, and whether they wait for approval. Raises on ``company``."""
    staff = is_staff(access)
    if company is not None:
        if access.park is None or not in_park(access.park, company):
            raise ValidationError({"company": _("Choose a company of this park.")})
        if not staff and company.pk not in acting_company_ids(user=access.user, park=access.park):
            raise ValidationError({"company": _("You do not act for this company.")})
    if staff:
        return BookingStatus.CONFIRMED
    if company is None:
        raise ValidationError({"company": _("Choose the company you book for.")})
    standing = eligibility.company_standing(company)
    if (standing == eligibility.Standing.RESIDENT and rule.allow_residents) or (
        standing == eligibility.Standing.PARTICIPANT and rule.allow_participants
    ):
        allowed, approval = True, False
    elif rule.allow_outside:
        allowed, approval = True, True
    else:
        allowed, approval = False, False
    if not allowed:
        raise ValidationError({"company": _("Your company may not book this type of resource.")})
    return BookingStatus.PENDING if approval or rule.requires_approval else BookingStatus.CONFIRMED


def _check_times(
    *,
    resource: Resource,
    rule: BookingRule,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    staff: bool,
    kind: str,
) -> None:
    """Slot alignment, length, not in the past, not too far ahead (staff and seats: no limits
    of length and horizon)."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if starts_at < now - timedelta(minutes=1):
        raise ValidationError({"starts_at": _("This time has passed.")})
    zone = zone_of(resource.site)
    slot = rule.slot_minutes
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        local = to_local(value, zone)
        if local.second or local.microsecond or (local.hour * 60 + local.minute) % slot:
            raise ValidationError(
                {name: _("Bookings go in slots of %(minutes)d minutes.") % {"minutes": slot}}
            )
    minutes = (ends_at - starts_at).total_seconds() / 60
    if minutes < rule.min_minutes:
        raise ValidationError(
            {
                "ends_at": _("The shortest booking is %(minutes)d minutes.")
                % {"minutes": rule.min_minutes}
            }
        )
    if staff or kind == BookingKind.SEAT:
        return
    if minutes > rule.max_minutes:
        raise ValidationError(
            {
                "ends_at": _("The longest booking is %(minutes)d minutes.")
                % {"minutes": rule.max_minutes}
            }
        )
    if starts_at > now + timedelta(days=rule.max_days_ahead):
        raise ValidationError(
            {"starts_at": _("Bookings open %(days)d days ahead.") % {"days": rule.max_days_ahead}}
        )


def open_intervals(
    *, site: Site, hours: Iterable[OpeningHours], first: date, last: date
) -> list[tuple[datetime, datetime]]:
    """The site's open intervals over local dates ``first``..``last`` (aware, merged)."""
    zone = zone_of(site)
    by_day = {row.weekday: row for row in hours}
    if not by_day:
        start = datetime.combine(first, time(0), zone)
        return [(start, datetime.combine(last + timedelta(days=1), time(0), zone))]
    intervals: list[tuple[datetime, datetime]] = []
    day = first
    while day <= last:
        row = by_day.get(day.weekday())
        if row is not None:
            opens = datetime.combine(day, row.opens, zone)
            closes = (
                datetime.combine(day + timedelta(days=1), time(0), zone)
                if row.closes == time(0)
                else datetime.combine(day, row.closes, zone)
            )
            if intervals and intervals[-1][1] == opens:
                intervals[-1] = (intervals[-1][0], closes)
            else:
                intervals.append((opens, closes))
        day += timedelta(days=1)
    return intervals


def _check_open(*, resource: Resource, starts_at: datetime, ends_at: datetime) -> None:
    """Inside the site's opening hours and outside its closures (holidays, maintenance)."""
    site = resource.site
    zone = zone_of(site)
    hours = list(OpeningHours.all_parks.filter(park_id=site.park_id, site=site))
    first = to_local(starts_at, zone).date()
    last = to_local(ends_at, zone).date()
    intervals = open_intervals(site=site, hours=hours, first=first, last=last)
    if not any(opens <= starts_at and ends_at <= closes for opens, closes in intervals):
        raise ValidationError({"starts_at": _("The site is closed at this time.")})
    closure = (
        Closure.all_parks.filter(
            park_id=site.park_id, site=site, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .filter(Q(resource__isnull=True) | Q(resource=resource))
        .first()
    )
    if closure is not None:
        raise ValidationError(
            {
                "starts_at": _("Closed %(range)s: %(reason)s")
                % {
                    "range": describe_range(closure.starts_at, closure.ends_at, zone),
                    "reason": closure.reason,
                }
            }
        )


def _check_certificate(
    *, user: Any, resource: Resource, ends_at: datetime, now: datetime | None = None
) -> None:
    """A certificate that covers the booking's last day and has not lapsed for want of use
    (``services.certificates``); the refusal says which and since when."""
    if not resource.requires_certification:
        return
    last_day = to_local(ends_at, zone_of(resource.site)).date()
    message = certificate_refusal(user=user, resource=resource, on=last_day, now=now)
    if message is not None:
        raise ValidationError({"resource": ValidationError(message, code="certificate")})


def week_bounds(moment: datetime, zone: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 (local) of the week holding ``moment``."""
    local = to_local(moment, zone).date()
    monday = local - timedelta(days=local.weekday())
    return (
        datetime.combine(monday, time(0), zone),
        datetime.combine(monday + timedelta(days=7), time(0), zone),
    )


def _check_quota(
    *,
    rule: BookingRule,
    resource: Resource,
    company: Company | None,
    starts_at: datetime,
    ends_at: datetime,
    exclude: int | None,
) -> None:
    """The company's active minutes of this type in the booking's week stay within the quota."""
    if rule.weekly_quota_minutes is None or company is None:
        return
    week_start, week_end = week_bounds(starts_at, zone_of(resource.site))
    rows = Booking.all_parks.filter(
        park_id=resource.park_id,
        company=company,
        resource__resource_type=resource.resource_type,
        status__in=ACTIVE_STATUSES,
        starts_at__gte=week_start,
        starts_at__lt=week_end,
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    used = sum(
        (
            (end - start).total_seconds() / 60
            for start, end in rows.values_list("starts_at", "ends_at")
        ),
        0.0,
    )
    wanted = (ends_at - starts_at).total_seconds() / 60
    if used + wanted > rule.weekly_quota_minutes:
        raise ValidationError(
            {
                "ends_at": _(
                    "This would exceed your company's weekly quota of %(quota)d minutes "
                    "(%(used)d already booked)."
                )
                % {"quota": rule.weekly_quota_minutes, "used": int(used)}
            }
        )


def _overlapping(
    *, resource: Resource, starts_at: datetime, ends_at: datetime, exclude: int | None = None
) -> QuerySet[Booking]:
    rows = Booking.all_parks.filter(
        park_id=resource.park_id,
        resource=resource,
        status__in=ACTIVE_STATUSES,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows.select_related("resource__site", "company").order_by("starts_at")


def _is_no_overlap_violation(error: IntegrityError) -> bool:
    cause = error.__cause__
    diag = getattr(cause, "diag", None)
    return getattr(diag, "constraint_name", None) == NO_OVERLAP or NO_OVERLAP in str(error)


def _save_checked(*, booking: Booking, update_fields: list[str] | None = None) -> None:
    """Check for an overlap and save, in the caller's transaction (see the module docstring)."""
    in_the_way = _overlapping(
        resource=booking.resource,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        exclude=booking.pk,
    ).first()
    if in_the_way is not None:
        raise BookingConflict(booking=in_the_way)
    try:
        with transaction.atomic():
            if update_fields is None:
                booking.save()
            else:
                booking.save(update_fields=update_fields)
            writes("spaces", park_id=booking.park_id)
    except IntegrityError as error:  # PostgreSQL: a concurrent booking won the race
        if not _is_no_overlap_violation(error):
            raise
        winner = _overlapping(
            resource=booking.resource,
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            exclude=booking.pk,
        ).first()
        if winner is None:  # pragma: no cover - the winner was cancelled in between
            raise ValidationError({"starts_at": _("This time was just taken.")}) from error
        raise BookingConflict(booking=winner) from error


# --- ending a booking (bookings and the waitlist) ------------------------------------------------


def _end(booking: Booking, status: str, *, now: datetime, actor: User | None = None) -> None:
    booking.status = status
    booking.cancelled_at = now
    if actor is not None:
        booking.decided_by = actor
    booking.sequence += 1
    booking.save(update_fields=["status", "cancelled_at", "decided_by", "sequence"])
    writes("spaces", park_id=booking.park_id)
