"""The waitlist: join, offers of freed time, accept, leave, expire."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.companies.models import Company
from technopark.core.fragments import writes
from technopark.core.scopes import in_park
from technopark.parks.rules import ParkAccess, is_staff
from technopark.spaces.models import (
    Booking,
    BookingKind,
    BookingStatus,
    Resource,
    WaitlistEntry,
    WaitlistStatus,
)
from technopark.spaces.services._checks import (
    _check_certificate,
    _check_open,
    _check_times,
    _end,
    _initial_status,
    _overlapping,
    _save_checked,
)
from technopark.spaces.services._common import (
    rule_for,
    times_readable_check,
)
from technopark.spaces.services.incidents import incident_blocking_check, open_down_incident

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
    taken (a free one is booked instead), and the resource in service (out of service, nobody
    joins: the refusal says since when, and the waitlist is offered its slots when the incident
    closes). Locking: none."""
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
    _check_certificate(user=access.user, resource=resource, ends_at=ends_at, now=now)
    incident_blocking_check(resource=resource)
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
    if open_down_incident(resource=resource) is not None:
        return []  # out of service: nobody is offered a slot of it until the incident closes
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


def waitlist_offer_after_downtime(*, resource: Resource, now: datetime) -> list[WaitlistEntry]:
    """Offer the free slots of ``resource`` to those still waiting for them, as when a booking
    is cancelled: called when an incident that took it out of service closes (in its
    transaction, after its writes). Nothing while another «down» incident is open."""
    waiting = WaitlistEntry.all_parks.filter(
        park_id=resource.park_id,
        resource=resource,
        status=WaitlistStatus.WAITING,
        starts_at__gt=now,
    )
    first = waiting.order_by("starts_at").values_list("starts_at", flat=True).first()
    last = waiting.order_by("-ends_at").values_list("ends_at", flat=True).first()
    if first is None or last is None:
        return []
    return _offer_freed(resource=resource, starts_at=first, ends_at=last, now=now)


@transaction.atomic
def waitlist_accept(
    *, access: ParkAccess, entry: WaitlistEntry, now: datetime | None = None
) -> Booking:
    """Take up an offer before it expires: the held booking becomes confirmed (or awaits
    approval, as the rules say). The checks of a booking that an offer may have outlived run
    again: the resource must be in service and the holder's certificate valid (a refusal keeps
    the offer open until it expires). Locking: the entry's row."""
    now = now or timezone.now()
    entry = (
        WaitlistEntry.all_parks.select_for_update(of=("self",))
        .select_related("booking__resource__site", "booking__resource__park", "company")
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
    incident_blocking_check(resource=booking.resource)
    _check_certificate(
        user=booking.booked_by, resource=booking.resource, ends_at=booking.ends_at, now=now
    )
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
