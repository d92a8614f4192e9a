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
    BookingRule,
    Certificate,
    Closure,
    OpeningHours,
    Resource,
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
