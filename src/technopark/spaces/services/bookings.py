"""Bookings: create, move, cancel, approve or reject, check in, release no-shows; weekly series."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.companies.models import Company
from technopark.core.fragments import writes
from technopark.core.localtime import to_local
from technopark.core.scopes import in_park
from technopark.parks.rules import ParkAccess, is_staff
from technopark.spaces.models import (
    Booking,
    BookingKind,
    BookingRule,
    BookingSeries,
    BookingStatus,
    Resource,
    WaitlistEntry,
    WaitlistStatus,
)
from technopark.spaces.services._checks import (
    _check_certificate,
    _check_open,
    _check_quota,
    _check_times,
    _end,
    _initial_status,
    _save_checked,
)
from technopark.spaces.services._common import (
    rule_for,
    times_readable_check,
    zone_of,
)
from technopark.spaces.services.certificates import certificate_use_record
from technopark.spaces.services.incidents import incident_blocking_check
from technopark.spaces.services.waitlist import _offer_freed

CHECK_IN_EARLY = timedelta(minutes=15)


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
    _check_certificate(user=access.user, resource=resource, ends_at=ends_at, now=now)
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
        incident_blocking_check(resource=resource)
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
    _check_certificate(user=booking.booked_by, resource=target, ends_at=ends_at, now=now)
    old = (booking.resource, booking.starts_at, booking.ends_at)
    with transaction.atomic():
        incident_blocking_check(resource=target, moving=True)
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
def booking_approve(*, actor: User, booking: Booking) -> Booking:
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
    *, actor: User, booking: Booking, reason: str = "", now: datetime | None = None
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
    """Check in from 15 minutes before the start until the end. A check-in is a *use* of the
    resource: the booker's certificates of it note it (``last_used_at``) in this transaction.
    Locking, in this order: the booking's row, then the booker's certificates of the resource
    by id, then the audit head (none is written here)."""
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
    certificate_use_record(
        user_id=booking.booked_by_id,
        resource_id=booking.resource_id,
        park_id=booking.park_id,
        at=now,
    )
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
