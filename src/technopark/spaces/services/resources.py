"""Resources, their opening hours and closures, the park's booking rules, and certificates."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.core.fragments import writes
from technopark.parks.models import Membership, MembershipStatus, Park, Site
from technopark.spaces.models import (
    Booking,
    BookingRule,
    CalendarFeed,
    Certificate,
    Closure,
    OpeningHours,
    Resource,
    WaitlistEntry,
)
from technopark.spaces.services._common import (
    times_readable_check,
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
    certificate_lapses_after_days: int | None = None,
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
        certificate_lapses_after_days=certificate_lapses_after_days,
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


@transaction.atomic
def certificate_record(
    *,
    actor: User,
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


# --- changing and removing what staff set up (the staff pages) -----------------------------------

RESOURCE_FIELDS = (
    "name",
    "name_en",
    "resource_type",
    "capacity",
    "features",
    "description",
    "requires_certification",
    "certificate_lapses_after_days",
    "is_active",
)


@transaction.atomic
def resource_update(*, resource: Resource, **values: Any) -> Resource:
    """Change a resource's name, type, capacity, features, certificate flag or whether it is
    bookable (``RESOURCE_FIELDS``). Bookings it holds stay as they are. Locking: the row."""
    locked = Resource.all_parks.select_for_update().get(pk=resource.pk)
    for name, value in values.items():
        if name not in RESOURCE_FIELDS:
            raise TypeError(name)
        setattr(locked, name, value)
    locked.full_clean(exclude=["park", "site"], validate_unique=False)
    if (
        Resource.all_parks.filter(site_id=locked.site_id, name=locked.name)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise ValidationError({"name": _("This site already has a resource with this name.")})
    locked.save()
    writes("spaces", park_id=locked.park_id)
    return locked


def resource_dependents(*, resource: Resource) -> bool:
    """Whether anything refers to the resource: a booking (of any status, the history counts),
    a certificate, a closure, a waitlist entry or a calendar feed."""
    return any(
        rows.filter(park_id=resource.park_id, resource=resource).exists()
        for rows in (
            Booking.all_parks,
            Certificate.all_parks,
            Closure.all_parks,
            WaitlistEntry.all_parks,
            CalendarFeed.all_parks,
        )
    )


@transaction.atomic
def resource_remove(*, resource: Resource) -> str:
    """Delete a resource nothing refers to (answers ``"deleted"``); one with bookings,
    certificates, closures, a waitlist or feeds is only made unbookable (``"archived"``), so its
    history stays. Locking: the row."""
    locked = Resource.all_parks.select_for_update().get(pk=resource.pk)
    writes("spaces", park_id=locked.park_id)
    if resource_dependents(resource=locked):
        if locked.is_active:
            locked.is_active = False
            locked.save(update_fields=["is_active"])
        return "archived"
    locked.delete()
    return "deleted"


@transaction.atomic
def closure_update(
    *,
    closure: Closure,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    resource: Resource | None = None,
) -> Closure:
    """Change a closure's time, reason or resource (of the same site). Locking: none."""
    times_readable_check(starts_at=starts_at, ends_at=ends_at)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if resource is not None and resource.site_id != closure.site_id:
        raise ValidationError({"resource": _("Choose a resource of this site.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why it is closed.")})
    closure.starts_at, closure.ends_at = starts_at, ends_at
    closure.reason, closure.resource = reason.strip(), resource
    closure.save(update_fields=["starts_at", "ends_at", "reason", "resource"])
    writes("spaces", park_id=closure.park_id)
    return closure


@transaction.atomic
def closure_delete(*, closure: Closure) -> None:
    """Lift a closure: the time is bookable again. Nothing refers to a closure. Locking: none."""
    writes("spaces", park_id=closure.park_id)
    closure.delete()


@transaction.atomic
def booking_rule_reset(*, park: Park, resource_type: str) -> bool:
    """Drop the park's rule for a type: the type is booked by the defaults again. Answers whether
    there was a rule. Bookings made under it stay. Locking: none."""
    deleted, _detail = BookingRule.all_parks.filter(park=park, resource_type=resource_type).delete()
    writes("spaces", park_id=park.pk)
    return bool(deleted)


@transaction.atomic
def certificate_update(
    *, actor: User, certificate: Certificate, trained_on: date, expires_on: date, note: str = ""
) -> Certificate:
    """Correct a training record's dates or note (a renewal moves ``expires_on``). Audited as
    ``spaces.certify_change`` with the dates before and after. Locking: the row."""
    locked = Certificate.all_parks.select_for_update().get(pk=certificate.pk)
    if expires_on < trained_on:
        raise ValidationError({"expires_on": _("A certificate expires after the training.")})
    before = {"trained_on": locked.trained_on, "expires_on": locked.expires_on}
    locked.trained_on, locked.expires_on, locked.note = trained_on, expires_on, note.strip()
    locked.save(update_fields=["trained_on", "expires_on", "note"])
    audit_record(
        park=locked.park,
        actor=actor,
        action="spaces.certify_change",
        target=locked,
        summary=f"{locked.user.email}: {locked.resource.name}",
        before=before,
        after={"trained_on": trained_on, "expires_on": expires_on},
    )
    return locked


@transaction.atomic
def certificate_withdraw(*, actor: User, certificate: Certificate) -> None:
    """Delete a training record (recorded by mistake, or withdrawn): its holder can no longer
    book the instrument; bookings made already stay. Audited as ``spaces.certify_withdraw``
    (the entry keeps who, which instrument and the dates). Locking: the row."""
    locked = Certificate.all_parks.select_for_update().get(pk=certificate.pk)
    audit_record(
        park=locked.park,
        actor=actor,
        action="spaces.certify_withdraw",
        target=locked,
        summary=f"{locked.user.email}: {locked.resource.name}",
        before={
            "resource": locked.resource_id,
            "user": locked.user_id,
            "trained_on": locked.trained_on,
            "expires_on": locked.expires_on,
        },
    )
    locked.delete()
