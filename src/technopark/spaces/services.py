"""Every write to spaces: resources and their hours, rules, certificates, bookings, the waitlist.

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
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.companies.models import Company, TeamMember
from technopark.core.fragments import writes
from technopark.core.localtime import to_local, zone_named
from technopark.core.scopes import in_park
from technopark.parks.models import Membership, MembershipStatus, Park, Site
from technopark.parks.rules import ParkAccess, is_staff
from technopark.spaces import eligibility
from technopark.spaces.constraints import NAME as NO_OVERLAP
from technopark.spaces.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingKind,
    BookingRule,
    BookingSeries,
    BookingStatus,
    CalendarFeed,
    Certificate,
    Closure,
    OpeningHours,
    Resource,
    WaitlistEntry,
    WaitlistStatus,
)

CHECK_IN_EARLY = timedelta(minutes=15)


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
        "zone": resource.site.time_zone,
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


# --- resources, hours, closures, rules ----------------------------------------------------------


@transaction.atomic
def resource_create(
    *,
    site: Site,
    name: str,
    resource_type: str,
    capacity: int = 1,
    name_en: str = "",
    features: str = "",
    description: str = "",
    requires_certification: bool = False,
) -> Resource:
    """Add a bookable resource to a site. Locking: none (unique names are the database's)."""
    resource = Resource(
        park_id=site.park_id,
        site=site,
        name=name,
        name_en=name_en,
        resource_type=resource_type,
        capacity=capacity,
        features=features,
        description=description,
        requires_certification=requires_certification,
    )
    resource.full_clean(exclude=["park", "site"], validate_unique=False)
    if Resource.all_parks.filter(park_id=site.park_id, site=site, name=name).exists():
        raise ValidationError({"name": _("This site already has a resource with this name.")})
    resource.save()
    writes("spaces", park_id=site.park_id)
    return resource


@transaction.atomic
def opening_hours_set(
    *, site: Site, hours: dict[int, tuple[time, time] | None]
) -> list[OpeningHours]:
    """Set the site's weekly hours: ``{weekday: (opens, closes)}``; ``None`` closes that day.

    ``closes`` of 00:00 is midnight at the end of the day. Locking: none.
    """
    result = []
    for weekday, span in sorted(hours.items()):
        if not 0 <= weekday <= 6:
            raise ValidationError({"weekday": _("Choose a day of the week.")})
        OpeningHours.all_parks.filter(park_id=site.park_id, site=site, weekday=weekday).delete()
        if span is None:
            continue
        opens, closes = span
        if closes != time(0) and closes <= opens:
            raise ValidationError({"closes": _("A site closes after it opens.")})
        result.append(
            OpeningHours.all_parks.create(
                park_id=site.park_id, site=site, weekday=weekday, opens=opens, closes=closes
            )
        )
    writes("spaces", park_id=site.park_id)
    return result


@transaction.atomic
def closure_create(
    *,
    site: Site,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    resource: Resource | None = None,
) -> Closure:
    """Close a site (a holiday) or one resource (maintenance). Existing bookings stay: staff
    cancel them if they must. Locking: none."""
    times_readable_check(starts_at=starts_at, ends_at=ends_at)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if resource is not None and resource.site_id != site.pk:
        raise ValidationError({"resource": _("Choose a resource of this site.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why it is closed.")})
    writes("spaces", park_id=site.park_id)
    return Closure.all_parks.create(
        park_id=site.park_id,
        site=site,
        resource=resource,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason.strip(),
    )


@transaction.atomic
def booking_rule_set(*, park: Park, resource_type: str, **values: Any) -> BookingRule:
    """Create or change the park's rule for a type. Locking: the rule's row."""
    rule = (
        BookingRule.all_parks.select_for_update()
        .filter(park=park, resource_type=resource_type)
        .first()
    ) or BookingRule(park=park, resource_type=resource_type)
    for name, value in values.items():
        setattr(rule, name, value)
    rule.full_clean(exclude=["park"], validate_unique=False)
    if rule.max_minutes < rule.min_minutes:
        raise ValidationError(
            {"max_minutes": _("The longest booking is shorter than the shortest.")}
        )
    rule.save()
    writes("spaces", park_id=park.pk)
    return rule


# --- certificates -------------------------------------------------------------------------------


def has_valid_certificate(*, user: Any, resource: Resource, on: date) -> bool:
    return Certificate.all_parks.filter(
        park_id=resource.park_id, user=user, resource=resource, expires_on__gte=on
    ).exists()


@transaction.atomic
def certificate_record(
    *,
    actor: Any,
    user: User,
    resource: Resource,
    trained_on: date,
    expires_on: date,
    note: str = "",
) -> Certificate:
    """Record that ``user`` was trained on ``resource`` (valid through ``expires_on``).

    The person must be a member of the resource's park. Audited as ``spaces.certify``.
    Locking: none (a record only adds).
    """
    if not Membership.all_parks.filter(
        park_id=resource.park_id, user=user, status=MembershipStatus.ACTIVE
    ).exists():
        raise ValidationError({"user": _("This person is not a member of the park.")})
    if expires_on < trained_on:
        raise ValidationError({"expires_on": _("A certificate expires after the training.")})
    certificate = Certificate.all_parks.create(
        park_id=resource.park_id,
        user=user,
        resource=resource,
        trained_on=trained_on,
        expires_on=expires_on,
        recorded_by=actor,
        note=note.strip(),
    )
    audit_record(
        park=resource.park,
        actor=actor,
        action="spaces.certify",
        target=certificate,
        summary=f"{user.email}: {resource.name}",
        after={"resource": resource.pk, "user": user.pk, "expires_on": expires_on},
    )
    return certificate


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


def _check_certificate(*, user: Any, resource: Resource, ends_at: datetime) -> None:
    if not resource.requires_certification:
        return
    last_day = to_local(ends_at, zone_of(resource.site)).date()
    if not has_valid_certificate(user=user, resource=resource, on=last_day):
        message = _(
            "%(resource)s needs a valid certificate: ask the park's staff for the training."
        ) % {"resource": resource.display_name}
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


# --- bookings -----------------------------------------------------------------------------------


def booking_create(
    *,
    access: ParkAccess,
    resource: Resource,
    starts_at: datetime,
    ends_at: datetime,
    company: Company | None = None,
    title: str = "",
    kind: str = BookingKind.REGULAR,
    series: BookingSeries | None = None,
    now: datetime | None = None,
) -> Booking:
    """Book ``resource`` for ``[starts_at, ends_at)`` for ``company`` as ``access.user``.

    Checks, in order: the resource is bookable in this park; who may book (staff; residents and
    participants acting for their company; outside companies, whose bookings wait for approval);
    slot, length and horizon; opening hours and closures; a valid certificate where the resource
    needs one; the company's weekly quota; and that the time is free — the last two inside one
    transaction with the insert (IMMEDIATE on SQLite; the exclusion constraint on PostgreSQL).
    Raises ``ValidationError`` naming the field, or ``BookingConflict`` naming the booking in the
    way. Locking: SQLite's write lock for the transaction; on PostgreSQL the constraint's.
    """
    now = now or timezone.now()
    times_readable_check(starts_at=starts_at, ends_at=ends_at)
    if access.park is None or not in_park(access.park, resource) or not resource.is_active:
        raise ValidationError({"resource": _("Choose a bookable resource of this park.")})
    if kind not in BookingKind.values:
        raise ValidationError({"kind": _("Unknown kind of booking.")})
    if kind == BookingKind.SEAT and not is_staff(access):
        raise ValidationError({"kind": _("Coworking seats are given by the park's staff.")})
    if len(title) > 200:
        raise ValidationError({"title": _("Keep the purpose under 200 characters.")})
    rule = rule_for(park=access.park, resource_type=resource.resource_type)
    status = _initial_status(access=access, company=company, rule=rule)
    staff = is_staff(access)
    _check_times(
        resource=resource,
        rule=rule,
        starts_at=starts_at,
        ends_at=ends_at,
        now=now,
        staff=staff,
        kind=kind,
    )
    _check_open(resource=resource, starts_at=starts_at, ends_at=ends_at)
    _check_certificate(user=access.user, resource=resource, ends_at=ends_at)
    booking = Booking(
        park_id=resource.park_id,
        resource=resource,
        company=company,
        booked_by=access.user,
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
        kind=kind,
        title=title.strip(),
        series=series,
    )
    with transaction.atomic():
        if not staff:
            _check_quota(
                rule=rule,
                resource=resource,
                company=company,
                starts_at=starts_at,
                ends_at=ends_at,
                exclude=None,
            )
        _save_checked(booking=booking)
    return booking


def _notice_passed(*, booking: Booking, rule: BookingRule, now: datetime) -> bool:
    return now > booking.starts_at - timedelta(minutes=rule.cancel_notice_minutes)


def booking_move(
    *,
    access: ParkAccess,
    booking: Booking,
    starts_at: datetime,
    ends_at: datetime,
    resource: Resource | None = None,
    now: datetime | None = None,
) -> Booking:
    """Move a booking to another time (and optionally another resource of the same type).

    The same checks as ``booking_create``; a founder may not move within the cancellation notice.
    The freed time is offered to the waitlist. Locking: as ``booking_create``.
    """
    now = now or timezone.now()
    times_readable_check(starts_at=starts_at, ends_at=ends_at)
    if not booking.is_active or booking.status == BookingStatus.CHECKED_IN:
        raise ValidationError({"status": _("Only an upcoming booking can be moved.")})
    target = resource or booking.resource
    if target.park_id != booking.park_id or not target.is_active:
        raise ValidationError({"resource": _("Choose a bookable resource of this park.")})
    if target.resource_type != booking.resource.resource_type:
        raise ValidationError({"resource": _("Move to a resource of the same type.")})
    rule = rule_for(park=booking.resource.park, resource_type=target.resource_type)
    staff = is_staff(access)
    if not staff and _notice_passed(booking=booking, rule=rule, now=now):
        raise ValidationError(
            {
                "starts_at": _(
                    "Too late to move: changes close %(minutes)d minutes before the start."
                )
                % {"minutes": rule.cancel_notice_minutes}
            }
        )
    _check_times(
        resource=target,
        rule=rule,
        starts_at=starts_at,
        ends_at=ends_at,
        now=now,
        staff=staff,
        kind=booking.kind,
    )
    _check_open(resource=target, starts_at=starts_at, ends_at=ends_at)
    _check_certificate(user=booking.booked_by, resource=target, ends_at=ends_at)
    old = (booking.resource, booking.starts_at, booking.ends_at)
    with transaction.atomic():
        if not staff:
            _check_quota(
                rule=rule,
                resource=target,
                company=booking.company,
                starts_at=starts_at,
                ends_at=ends_at,
                exclude=booking.pk,
            )
        booking.resource = target
        booking.starts_at = starts_at
        booking.ends_at = ends_at
        booking.sequence = F("sequence") + 1
        fields = ["resource", "starts_at", "ends_at", "sequence"]
        if not staff and booking.status == BookingStatus.CONFIRMED:
            # An approval was for the time and resource approved: a booking that needs one
            # waits for it again at its new place (as booking_create would decide).
            status = _initial_status(access=access, company=booking.company, rule=rule)
            if status == BookingStatus.PENDING:
                booking.status = status
                fields.append("status")
        _save_checked(booking=booking, update_fields=fields)
        booking.refresh_from_db(fields=["sequence"])
        _offer_freed(resource=old[0], starts_at=old[1], ends_at=old[2], now=now)
    return booking


def _end(booking: Booking, status: str, *, now: datetime, actor: Any = None) -> None:
    booking.status = status
    booking.cancelled_at = now
    if actor is not None:
        booking.decided_by = actor
    booking.sequence += 1
    booking.save(update_fields=["status", "cancelled_at", "decided_by", "sequence"])
    writes("spaces", park_id=booking.park_id)


@transaction.atomic
def booking_cancel(*, access: ParkAccess, booking: Booking, now: datetime | None = None) -> Booking:
    """Cancel an active booking; a founder only before the cancellation notice. The freed time
    goes to the waitlist. Locking: the booking's row."""
    now = now or timezone.now()
    booking = (
        Booking.all_parks.select_for_update().select_related("resource__site").get(pk=booking.pk)
    )
    if not booking.is_active:
        raise ValidationError({"status": _("This booking is no longer active.")})
    rule = rule_for(park=booking.resource.park, resource_type=booking.resource.resource_type)
    if (
        not is_staff(access)
        and booking.status != BookingStatus.PENDING
        and _notice_passed(booking=booking, rule=rule, now=now)
    ):
        raise ValidationError(
            {
                "status": _(
                    "Too late to cancel: cancellations close %(minutes)d minutes before the start."
                )
                % {"minutes": rule.cancel_notice_minutes}
            }
        )
    _end(booking, BookingStatus.CANCELLED, now=now)
    WaitlistEntry.all_parks.filter(
        park_id=booking.park_id, booking=booking, status=WaitlistStatus.OFFERED
    ).update(status=WaitlistStatus.CANCELLED)
    _offer_freed(
        resource=booking.resource, starts_at=booking.starts_at, ends_at=booking.ends_at, now=now
    )
    return booking


@transaction.atomic
def booking_approve(*, actor: Any, booking: Booking) -> Booking:
    """Staff approve a pending booking. Audited as ``spaces.approve``. Locking: the booking."""
    booking = (
        Booking.all_parks.select_for_update().select_related("resource__park").get(pk=booking.pk)
    )
    if booking.status != BookingStatus.PENDING:
        raise ValidationError({"status": _("Only a booking awaiting approval can be approved.")})
    booking.status = BookingStatus.CONFIRMED
    booking.decided_by = actor
    booking.sequence += 1
    booking.save(update_fields=["status", "decided_by", "sequence"])
    writes("spaces", park_id=booking.park_id)
    audit_record(
        park=booking.resource.park,
        actor=actor,
        action="spaces.approve",
        target=booking,
        summary=str(booking),
        before={"status": BookingStatus.PENDING},
        after={"status": BookingStatus.CONFIRMED},
    )
    return booking


@transaction.atomic
def booking_reject(
    *, actor: Any, booking: Booking, reason: str = "", now: datetime | None = None
) -> Booking:
    """Staff refuse a pending booking; the time is freed for the waitlist. Audited as
    ``spaces.reject``. Locking: the booking's row."""
    now = now or timezone.now()
    booking = (
        Booking.all_parks.select_for_update().select_related("resource__park").get(pk=booking.pk)
    )
    if booking.status != BookingStatus.PENDING:
        raise ValidationError({"status": _("Only a booking awaiting approval can be rejected.")})
    _end(booking, BookingStatus.REJECTED, now=now, actor=actor)
    audit_record(
        park=booking.resource.park,
        actor=actor,
        action="spaces.reject",
        target=booking,
        summary=reason.strip() or str(booking),
        before={"status": BookingStatus.PENDING},
        after={"status": BookingStatus.REJECTED},
    )
    _offer_freed(
        resource=booking.resource, starts_at=booking.starts_at, ends_at=booking.ends_at, now=now
    )
    return booking


@transaction.atomic
def booking_check_in(*, booking: Booking, now: datetime | None = None) -> Booking:
    """Check in from 15 minutes before the start until the end. Locking: the booking's row."""
    now = now or timezone.now()
    booking = Booking.all_parks.select_for_update().get(park_id=booking.park_id, pk=booking.pk)
    if booking.status != BookingStatus.CONFIRMED:
        raise ValidationError({"status": _("Only a confirmed booking can be checked in.")})
    if now < booking.starts_at - CHECK_IN_EARLY:
        raise ValidationError({"status": _("Check-in opens 15 minutes before the start.")})
    if now >= booking.ends_at:
        raise ValidationError({"status": _("This booking has ended.")})
    booking.status = BookingStatus.CHECKED_IN
    booking.checked_in_at = now
    booking.save(update_fields=["status", "checked_in_at"])
    writes("spaces", park_id=booking.park_id)
    return booking


def bookings_release_no_shows(*, now: datetime | None = None) -> int:
    """Release confirmed bookings nobody checked in to within the type's grace minutes (every
    park). Each release frees the rest of the time for the waitlist. Returns how many were
    released. Locking: each booking's row, one transaction per booking.
    """
    now = now or timezone.now()
    grace = {
        (rule.park_id, rule.resource_type): rule.check_in_grace_minutes
        for rule in BookingRule.all_parks.all()
    }
    default_grace = BookingRule._meta.get_field("check_in_grace_minutes").default
    candidates = Booking.all_parks.filter(
        status=BookingStatus.CONFIRMED,
        kind=BookingKind.REGULAR,
        starts_at__lte=now,
        starts_at__gte=now - timedelta(days=2),
    ).select_related("resource__site")
    released = 0
    for booking in candidates:
        minutes = grace.get((booking.park_id, booking.resource.resource_type), default_grace)
        if now < booking.starts_at + timedelta(minutes=minutes):
            continue
        with transaction.atomic():
            updated = Booking.all_parks.filter(
                pk=booking.pk, status=BookingStatus.CONFIRMED
            ).update(status=BookingStatus.RELEASED, cancelled_at=now, sequence=F("sequence") + 1)
            if updated and booking.ends_at > now:
                _offer_freed(
                    resource=booking.resource,
                    starts_at=max(booking.starts_at, now),
                    ends_at=booking.ends_at,
                    now=now,
                )
        if updated:
            writes("spaces", park_id=booking.park_id)
        released += updated
    return released


# --- weekly series ------------------------------------------------------------------------------


@dataclass
class SeriesResult:
    series: BookingSeries
    created: list[Booking] = field(default_factory=list)
    conflicts: list[tuple[date, str]] = field(default_factory=list)


def booking_series_create(
    *,
    access: ParkAccess,
    resource: Resource,
    starts_at: datetime,
    ends_at: datetime,
    weeks: int,
    company: Company | None = None,
    title: str = "",
    now: datetime | None = None,
) -> SeriesResult:
    """Book the same local time weekly for ``weeks`` weeks: every free date is booked, every
    refused date is reported with its reason (a conflict, a closure, the quota…).

    Each date is its own transaction (``booking_create``), so one refusal keeps the others.
    """
    times_readable_check(starts_at=starts_at, ends_at=ends_at)
    if not 1 <= weeks <= 52:
        raise ValidationError({"weeks": _("Repeat for 1 to 52 weeks.")})
    if not in_park(access, resource):
        raise ValidationError({"resource": _("Choose a bookable resource of this park.")})
    zone = zone_of(resource.site)
    local_start, local_end = to_local(starts_at, zone), to_local(ends_at, zone)
    series = BookingSeries.all_parks.create(
        park_id=resource.park_id,
        resource=resource,
        company=company,
        booked_by=access.user,
        first_starts_at=starts_at,
        duration=ends_at - starts_at,
        weeks=weeks,
    )
    result = SeriesResult(series=series)
    for week in range(weeks):
        # Same wall-clock time each week, whatever the offset does in between.
        start = datetime.combine(
            local_start.date() + timedelta(weeks=week), local_start.time(), zone
        )
        end = datetime.combine(local_end.date() + timedelta(weeks=week), local_end.time(), zone)
        try:
            result.created.append(
                booking_create(
                    access=access,
                    resource=resource,
                    starts_at=start,
                    ends_at=end,
                    company=company,
                    title=title,
                    series=series,
                    now=now,
                )
            )
        except ValidationError as error:
            result.conflicts.append((start.date(), " ".join(error.messages)))
    if not result.created:
        series.delete()
    return result


# --- the waitlist -------------------------------------------------------------------------------


@transaction.atomic
def waitlist_join(
    *,
    access: ParkAccess,
    resource: Resource,
    starts_at: datetime,
    ends_at: datetime,
    company: Company | None = None,
    now: datetime | None = None,
) -> WaitlistEntry:
    """Wait for a taken slot. The same checks as a booking except the overlap; the slot must be
    taken (a free one is booked instead). Locking: none."""
    now = now or timezone.now()
    times_readable_check(starts_at=starts_at, ends_at=ends_at)
    if access.park is None or not in_park(access.park, resource) or not resource.is_active:
        raise ValidationError({"resource": _("Choose a bookable resource of this park.")})
    rule = rule_for(park=access.park, resource_type=resource.resource_type)
    _initial_status(access=access, company=company, rule=rule)
    _check_times(
        resource=resource,
        rule=rule,
        starts_at=starts_at,
        ends_at=ends_at,
        now=now,
        staff=is_staff(access),
        kind=BookingKind.REGULAR,
    )
    _check_open(resource=resource, starts_at=starts_at, ends_at=ends_at)
    _check_certificate(user=access.user, resource=resource, ends_at=ends_at)
    if not _overlapping(resource=resource, starts_at=starts_at, ends_at=ends_at).exists():
        raise ValidationError({"starts_at": _("This time is free: book it instead.")})
    if WaitlistEntry.all_parks.filter(
        resource=resource,
        user=access.user,
        starts_at=starts_at,
        ends_at=ends_at,
        status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED],
    ).exists():
        raise ValidationError({"starts_at": _("You are already on the waitlist for this time.")})
    return WaitlistEntry.all_parks.create(
        park_id=resource.park_id,
        resource=resource,
        user=access.user,
        company=company,
        starts_at=starts_at,
        ends_at=ends_at,
    )


def _offer_freed(
    *, resource: Resource, starts_at: datetime, ends_at: datetime, now: datetime
) -> list[WaitlistEntry]:
    """Offer freed time to those waiting for it, first come first served: an offer is a booking
    in status ``offered`` that holds the slot until ``offer_expires_at``. Runs inside the
    caller's transaction."""
    rule = rule_for(park=resource.park, resource_type=resource.resource_type)
    waiting = WaitlistEntry.all_parks.filter(
        resource=resource,
        status=WaitlistStatus.WAITING,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
        starts_at__gt=now,
    ).select_related("user", "company")
    offered = []
    for entry in waiting:
        if _overlapping(
            resource=resource, starts_at=entry.starts_at, ends_at=entry.ends_at
        ).exists():
            continue
        booking = Booking(
            park_id=resource.park_id,
            resource=resource,
            company=entry.company,
            booked_by=entry.user,
            starts_at=entry.starts_at,
            ends_at=entry.ends_at,
            status=BookingStatus.OFFERED,
            offer_expires_at=now + timedelta(minutes=rule.offer_minutes),
        )
        try:
            _save_checked(booking=booking)
        except ValidationError:
            continue
        entry.status = WaitlistStatus.OFFERED
        entry.booking = booking
        entry.save(update_fields=["status", "booking"])
        offered.append(entry)
    return offered


@transaction.atomic
def waitlist_accept(
    *, access: ParkAccess, entry: WaitlistEntry, now: datetime | None = None
) -> Booking:
    """Take up an offer before it expires: the held booking becomes confirmed (or awaits
    approval, as the rules say). Locking: the entry's row."""
    now = now or timezone.now()
    entry = (
        WaitlistEntry.all_parks.select_for_update(of=("self",))
        .select_related("booking", "company")
        .get(pk=entry.pk)
    )
    booking = entry.booking
    if (
        entry.status != WaitlistStatus.OFFERED
        or booking is None
        or booking.status != BookingStatus.OFFERED
        or booking.offer_expires_at is None
        or booking.offer_expires_at <= now
    ):
        raise ValidationError({"status": _("This offer is no longer open.")})
    rule = rule_for(park=booking.resource.park, resource_type=booking.resource.resource_type)
    booking.status = _initial_status(access=access, company=entry.company, rule=rule)
    booking.offer_expires_at = None
    booking.sequence += 1
    booking.save(update_fields=["status", "offer_expires_at", "sequence"])
    writes("spaces", park_id=booking.park_id)
    entry.status = WaitlistStatus.ACCEPTED
    entry.save(update_fields=["status"])
    return booking


@transaction.atomic
def waitlist_leave(*, entry: WaitlistEntry, now: datetime | None = None) -> WaitlistEntry:
    """Leave the waitlist (or decline an offer: the slot goes to the next in line).
    Locking: the entry's row."""
    now = now or timezone.now()
    entry = (
        WaitlistEntry.all_parks.select_for_update(of=("self",))
        .select_related("booking")
        .get(pk=entry.pk)
    )
    if entry.status not in (WaitlistStatus.WAITING, WaitlistStatus.OFFERED):
        raise ValidationError({"status": _("You are no longer on this waitlist.")})
    booking = entry.booking
    entry.status = WaitlistStatus.CANCELLED
    entry.save(update_fields=["status"])
    if booking is not None and booking.status == BookingStatus.OFFERED:
        _end(booking, BookingStatus.EXPIRED, now=now)
        _offer_freed(
            resource=booking.resource, starts_at=booking.starts_at, ends_at=booking.ends_at, now=now
        )
    return entry


def offers_expire(*, now: datetime | None = None) -> int:
    """Expire offers nobody took up in time and offer the slot to the next in line.
    Locking: each offer's row, one transaction per offer."""
    now = now or timezone.now()
    expired = 0
    for booking in Booking.all_parks.filter(
        status=BookingStatus.OFFERED, offer_expires_at__lte=now
    ).select_related("resource__park"):
        with transaction.atomic():
            updated = Booking.all_parks.filter(
                park_id=booking.park_id, pk=booking.pk, status=BookingStatus.OFFERED
            ).update(status=BookingStatus.EXPIRED, cancelled_at=now, sequence=F("sequence") + 1)
            if not updated:
                continue
            WaitlistEntry.all_parks.filter(
                park_id=booking.park_id, booking=booking, status=WaitlistStatus.OFFERED
            ).update(status=WaitlistStatus.EXPIRED)
            _offer_freed(
                resource=booking.resource,
                starts_at=booking.starts_at,
                ends_at=booking.ends_at,
                now=now,
            )
            writes("spaces", park_id=booking.park_id)
            expired += 1
    return expired


# --- calendar feeds -----------------------------------------------------------------------------


@transaction.atomic
def feed_get_or_create(*, park: Park, user: Any, resource: Resource | None = None) -> CalendarFeed:
    """The person's secret feed link (their bookings, or one resource's). Locking: none; the
    unique constraints keep one link per person and target."""
    if resource is not None and not in_park(park, resource):
        raise ValidationError({"resource": _("Choose a resource of this park.")})
    feed = CalendarFeed.all_parks.filter(park=park, user=user, resource=resource).first()
    if feed is None:
        feed = CalendarFeed.all_parks.create(park=park, user=user, resource=resource)
    return feed


@transaction.atomic
def feed_rotate(*, feed: CalendarFeed) -> CalendarFeed:
    """A new secret for the link: the old address stops working. Locking: none."""
    from technopark.spaces.models import _new_feed_token

    feed.token = _new_feed_token()
    feed.save(update_fields=["token"])
    return feed
