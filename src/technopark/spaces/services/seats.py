"""Coworking seats of cohort participants: a long booking on a desk for the cohort's dates.

Programmes asks for seats through ``technopark.programmes.seats`` (it cannot import spaces);
``SpacesSeatProvider`` below is what ``SpacesConfig.ready()`` hands it.

A seat is a hold from midnight of the cohort's first day (or, when the cohort is running already,
from the current minute: a booking on that desk earlier today that has ended does not stand in the
way) to the midnight after the cohort's last day, in the desk's site's zone. Staff give it, so the per-company limits of ordinary bookings (length, horizon, weekly
quota, opening hours) do not apply; the overlap rule does, as for every booking
(``_save_checked``: the exclusion constraint on PostgreSQL, the IMMEDIATE transaction on
SQLite). Closures do not end a hold: the desk is still the participant's after a holiday.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.audit.services import audit_record
from technopark.core.fragments import writes
from technopark.core.localtime import local_today, to_local
from technopark.programmes.models import Participant, ParticipantStatus
from technopark.programmes.seats import SeatChoice, SeatInfo
from technopark.spaces.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingKind,
    BookingStatus,
    Resource,
    ResourceType,
    SeatAllocation,
)
from technopark.spaces.services._checks import _end, _save_checked
from technopark.spaces.services._common import BookingConflict, zone_of
from technopark.spaces.services.waitlist import _offer_freed


def _period(participant: Participant, resource: Resource) -> tuple[datetime, datetime]:
    """The hold's bounds at the desk's site: from the cohort's first midnight, or from now (to
    the minute) when it runs already, to the midnight after its last day."""
    cohort = participant.cohort
    zone = zone_of(resource.site)
    now = timezone.now()
    today = local_today(zone, at=now)
    if cohort.ends_on < today:
        raise ValidationError({"seat": _("The cohort has ended: there is no seat to give.")})
    starts_at = datetime.combine(cohort.starts_on, time(0), zone)
    if cohort.starts_on <= today:
        starts_at = max(starts_at, now.replace(second=0, microsecond=0))
    return (starts_at, datetime.combine(cohort.ends_on + timedelta(days=1), time(0), zone))


def _desks(participant: Participant) -> list[Resource]:
    """The park's bookable desks, those at the cohort's site first (one query)."""
    desks = list(
        Resource.all_parks.filter(
            park_id=participant.cohort.park_id,
            resource_type=ResourceType.DESK,
            is_active=True,
        )
        .select_related("site")
        .order_by("site__name", "name", "id")
    )
    site_id = participant.cohort.site_id
    return sorted(desks, key=lambda desk: desk.site_id != site_id)


def _free_desks(participant: Participant) -> list[tuple[Resource, datetime, datetime]]:
    """Desks free for the participant's whole period, with that period (two queries)."""
    periods = [(desk, *_period(participant, desk)) for desk in _desks(participant)]
    if not periods:
        return []
    earliest = min(starts for _d, starts, _e in periods)
    latest = max(ends for _d, _s, ends in periods)
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    for resource_id, starts_at, ends_at in Booking.all_parks.filter(
        park_id=participant.cohort.park_id,
        resource_id__in=[desk.pk for desk, _s, _e in periods],
        status__in=ACTIVE_STATUSES,
        starts_at__lt=latest,
        ends_at__gt=earliest,
    ).values_list("resource_id", "starts_at", "ends_at"):
        busy.setdefault(resource_id, []).append((starts_at, ends_at))
    return [
        (desk, starts, ends)
        for desk, starts, ends in periods
        if not any(a < ends and b > starts for a, b in busy.get(desk.pk, []))
    ]


def _info(allocation: SeatAllocation) -> SeatInfo:
    booking = allocation.booking
    resource = booking.resource
    zone = zone_of(resource.site)
    return SeatInfo(
        booking_id=booking.pk,
        resource_id=resource.pk,
        resource_name=resource.display_name,
        site_name=resource.site.display_name,
        starts_on=to_local(booking.starts_at, zone).date(),
        ends_on=_last_day(booking.ends_at, zone),
    )


def _last_day(ends_at: datetime, zone: Any) -> date:
    return to_local(ends_at - timedelta(microseconds=1), zone).date()


def _current(participant_ids: list[int]) -> list[SeatAllocation]:
    return list(
        SeatAllocation.all_parks.filter(
            participant_id__in=participant_ids,
            released_at__isnull=True,
            booking__status__in=ACTIVE_STATUSES,
        ).select_related("booking__resource__site")
    )


def seat_free_choices(*, participant: Participant) -> list[SeatChoice]:
    """Desks free for the participant's whole remaining cohort period (three queries)."""
    try:
        free = _free_desks(participant)
    except ValidationError:
        return []
    return [
        SeatChoice(
            resource_id=desk.pk,
            resource_name=desk.display_name,
            site_name=desk.site.display_name,
        )
        for desk, _s, _e in free
    ]


def seat_allocate(
    *, participant: Participant, actor: Any, resource_id: int | None = None
) -> SeatInfo:
    """Hold a desk for an active participant over the cohort's (remaining) dates: the first free
    desk (the cohort's site first), or the one chosen. One seat per participant.

    Refused (``ValidationError`` keyed ``seat``, nothing changes) when no desk — or not the
    chosen one — is free for the whole period, the participant is not active, the cohort has
    ended, or the participant holds a seat already. Audited as ``spaces.seat_allocate``.

    Locking: the overlap rule of bookings (PostgreSQL's exclusion constraint; SQLite's write
    lock), so two staff taking the last desk at once get it once: the loser moves on to the next
    free desk and, when there is none, gets the refusal. The partial unique constraint on the
    allocation keeps one seat per participant against a concurrent allocation.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise ValueError("a seat is allocated by a person")
    with transaction.atomic():
        participant = Participant.objects.select_related("cohort__park", "company").get(
            pk=participant.pk
        )
        if participant.status != ParticipantStatus.ACTIVE:
            raise ValidationError({"seat": _("Only an active participant gets a seat.")})
        stale = SeatAllocation.all_parks.filter(participant=participant, released_at__isnull=True)
        if _current([participant.pk]):
            raise ValidationError({"seat": _("This participant has a coworking seat already.")})
        # A seat booking cancelled in the spaces pages leaves its allocation behind: close it.
        stale.update(released_at=timezone.now(), released_by=actor)
        free = _free_desks(participant)
        if resource_id is not None:
            free = [row for row in free if row[0].pk == resource_id]
            if not free:
                raise ValidationError(
                    {"seat": _("This desk is not free for all the cohort's dates.")}
                )
        cohort = participant.cohort
        for desk, starts_at, ends_at in free:
            booking = Booking(
                park_id=desk.park_id,
                resource=desk,
                company=participant.company,
                booked_by=actor,
                starts_at=starts_at,
                ends_at=ends_at,
                status=BookingStatus.CONFIRMED,
                kind=BookingKind.SEAT,
                title=f"{cohort.programme.name} · {cohort.name}"[:200],
            )
            try:
                _save_checked(booking=booking)
            except BookingConflict:  # taken since we looked: the next desk
                continue
            try:
                with transaction.atomic():
                    allocation = SeatAllocation.all_parks.create(
                        park_id=desk.park_id,
                        participant=participant,
                        booking=booking,
                        allocated_by=actor,
                    )
            except IntegrityError as error:
                raise ValidationError(
                    {"seat": _("This participant has a coworking seat already.")}
                ) from error
            info = _info(allocation)
            audit_record(
                park=cohort.park,
                actor=actor,
                action="spaces.seat_allocate",
                target=allocation,
                summary=f"{participant.company.short_name}: {info.resource_name}",
                before={"seat": None},
                after={
                    "participant": participant.pk,
                    "resource": desk.pk,
                    "booking": booking.pk,
                    "starts_on": info.starts_on,
                    "ends_on": info.ends_on,
                },
            )
            return info
        if resource_id is not None:
            raise ValidationError({"seat": _("This desk is not free for all the cohort's dates.")})
        raise ValidationError({"seat": _("No coworking seat is free for all the cohort's dates.")})


@transaction.atomic
def seat_release(
    *, participant: Participant, actor: Any, now: datetime | None = None
) -> SeatInfo | None:
    """Free the participant's seat from today on (the desk's local midnight): a hold that has
    not started is cancelled, one that has is cut short; the past stays as it was. The freed
    time goes to the waitlist. Audited as ``spaces.seat_release``; None when there was no seat.

    Locking: the allocation row, then its booking's.
    """
    now = now or timezone.now()
    allocation = (
        SeatAllocation.all_parks.select_for_update()
        .filter(participant_id=participant.pk, released_at__isnull=True)
        .first()
    )
    if allocation is None:
        return None
    booking = (
        Booking.all_parks.select_for_update()
        .select_related("resource__site", "resource__park")
        .get(pk=allocation.booking_id)
    )
    allocation.booking = booking
    before = _info(allocation)
    zone = zone_of(booking.resource.site)
    today_starts = datetime.combine(local_today(zone, at=now), time(0), zone)
    freed_from = max(booking.starts_at, today_starts)
    old_end = booking.ends_at
    if booking.is_active and old_end > today_starts:
        if booking.starts_at >= today_starts:
            _end(booking, BookingStatus.CANCELLED, now=now, actor=actor)
        else:
            Booking.all_parks.filter(pk=booking.pk).update(
                ends_at=today_starts, sequence=F("sequence") + 1
            )
            booking.refresh_from_db(fields=["ends_at", "sequence"])
            writes("spaces", park_id=booking.park_id)
        _offer_freed(resource=booking.resource, starts_at=freed_from, ends_at=old_end, now=now)
    allocation.released_at = now
    allocation.released_by = actor
    allocation.save(update_fields=["released_at", "released_by"])
    audit_record(
        park=booking.resource.park,
        actor=actor,
        action="spaces.seat_release",
        target=allocation,
        summary=f"{before.resource_name}",
        before={"resource": before.resource_id, "ends_on": before.ends_on},
        after={
            "status": booking.status,
            "ends_on": _last_day(booking.ends_at, zone),
            "released_at": now,
        },
    )
    return before


def seat_of(*, participant: Participant) -> SeatInfo | None:
    found = _current([participant.pk])
    return _info(found[0]) if found else None


def seats_of(*, participant_ids: list[int]) -> dict[int, SeatInfo]:
    """Current seats by participant id (one query)."""
    return {a.participant_id: _info(a) for a in _current(participant_ids)}


class SpacesSeatProvider:
    """What programmes is handed (``programmes.seats.SeatProvider``)."""

    def free_seats(self, *, participant: Any) -> list[SeatChoice]:
        return seat_free_choices(participant=participant)

    def allocate(self, *, participant: Any, actor: Any, resource_id: int | None = None) -> SeatInfo:
        return seat_allocate(participant=participant, actor=actor, resource_id=resource_id)

    def release(self, *, participant: Any, actor: Any) -> SeatInfo | None:
        return seat_release(participant=participant, actor=actor)

    def describe(self, *, participant: Any) -> SeatInfo | None:
        return seat_of(participant=participant)

    def describe_many(self, *, participant_ids: list[int]) -> dict[int, SeatInfo]:
        return seats_of(participant_ids=participant_ids)
