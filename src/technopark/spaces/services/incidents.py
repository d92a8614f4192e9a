"""Incidents on resources: open, close, and the «down» check a booking passes.

An open incident of severity ``down`` blocks new bookings and moves onto the resource
(``incident_blocking_check``, called by ``booking_create`` and ``booking_move`` inside the
transaction that inserts). On SQLite that transaction holds the write lock (IMMEDIATE), so a
booking and an incident's opening are ordered one after the other. On PostgreSQL (READ
COMMITTED) a booking whose check ran just before an incident committed can still commit after it:
that booking is not blocked, and it is not among the holders told either (the list is read when
the incident opens). Staff see it on the resource's calendar.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.core.fragments import writes
from technopark.core.inputs import text_problem
from technopark.core.localtime import to_local
from technopark.notices.services import notify
from technopark.spaces.models import (
    ACTIVE_STATUSES,
    Booking,
    Incident,
    IncidentSeverity,
    Resource,
)
from technopark.spaces.services._common import zone_of
from technopark.spaces.services.certificates import _park_language

TEXT_MAX = 2000


def open_down_incident(*, resource: Resource) -> Incident | None:
    """The earliest open «down» incident of ``resource``, if any. One query."""
    return (
        Incident.all_parks.filter(
            park_id=resource.park_id,
            resource=resource,
            severity=IncidentSeverity.DOWN,
            closed_at__isnull=True,
        )
        .order_by("opened_at", "id")
        .first()
    )


def incident_blocking_check(*, resource: Resource, moving: bool = False) -> None:
    """Refuse a booking of a resource that is out of service (an open «down» incident).
    ``moving``: a booking being moved onto it, whose holder is told they may cancel instead (a
    move is refused even within the same resource: when the repair ends is not known)."""
    incident = open_down_incident(resource=resource)
    if incident is None:
        return
    local = to_local(incident.opened_at, zone_of(resource.site))
    params = {
        "resource": resource.display_name,
        "since": formats.date_format(local, "SHORT_DATETIME_FORMAT"),
        "description": " ".join(incident.description.split())[:120],
    }
    if moving:
        message = (
            _(
                "%(resource)s has been out of service since %(since)s (%(description)s), so no "
                "booking can be moved onto it until the park's staff close the incident. You can "
                "cancel your booking instead."
            )
            % params
        )
    else:
        message = (
            _(
                "%(resource)s has been out of service since %(since)s (%(description)s). It can be "
                "booked again when the park's staff close the incident."
            )
            % params
        )
    raise ValidationError({"resource": ValidationError(message, code="out_of_service")})


def _clean_text(value: str, *, field: str, required_message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: required_message})
    if len(text) > TEXT_MAX:
        raise ValidationError(
            {field: _("Keep it under %(count)d characters.") % {"count": TEXT_MAX}}
        )
    problem = text_problem(text, multiline=True)
    if problem is not None:
        raise ValidationError({field: problem})
    return text


@transaction.atomic
def incident_open(
    *,
    actor: User,
    resource: Resource,
    severity: str,
    description: str,
    now: datetime | None = None,
) -> Incident:
    """Report something wrong with ``resource``. A ``down`` incident blocks new bookings until it
    is closed and tells the holders of the resource's upcoming active bookings (one notice each,
    ``spaces.incident_down``). Audited as ``spaces.incident_open``. Locking: none (the notices
    join this transaction)."""
    now = now or timezone.now()
    if severity not in IncidentSeverity.values:
        raise ValidationError({"severity": _("Choose a severity.")})
    text = _clean_text(description, field="description", required_message=_("Say what is wrong."))
    incident = Incident.all_parks.create(
        park_id=resource.park_id,
        resource=resource,
        severity=severity,
        description=text,
        reported_by=actor,
        opened_at=now,
    )
    audit_record(
        park=resource.park,
        actor=actor,
        action="spaces.incident_open",
        target=incident,
        summary=f"{resource.name}: {severity}",
        after={"resource": resource.pk, "severity": severity, "opened_at": now},
    )
    if severity == IncidentSeverity.DOWN:
        _tell_holders(incident=incident, resource=resource, now=now)
    writes("spaces", park_id=resource.park_id)
    return incident


def _tell_holders(*, incident: Incident, resource: Resource, now: datetime) -> int:
    holder_ids = set(
        Booking.all_parks.filter(
            park_id=resource.park_id,
            resource=resource,
            status__in=ACTIVE_STATUSES,
            ends_at__gt=now,
        ).values_list("booked_by_id", flat=True)
    )
    if not holder_ids:
        return 0
    park = resource.park
    return notify(
        recipients=list(User.objects.filter(pk__in=holder_ids).order_by("pk")),
        park=park,
        kind="spaces.incident_down",
        url=reverse("spaces:my", kwargs={"park_slug": park.slug}),
        key=f"spaces.incident_down:{incident.pk}",
        template="spaces/email/incident_down",
        context={
            "resource": resource.display_name,
            "park": park.display_name,
            "opened_at": incident.opened_at,
            "description": incident.description,
        },
        language=_park_language(park.languages),
        time_zone=resource.site.time_zone,
    )


@transaction.atomic
def incident_close(
    *, actor: User, incident: Incident, resolution: str, now: datetime | None = None
) -> Incident:
    """Close an open incident with its ``resolution``: a ``down`` one stops blocking bookings, and
    the resource's waitlist is offered its free slots (``waitlist_offer_after_downtime``).
    Audited as ``spaces.incident_close``. Locking, in this order: the incident's row (only it),
    the offers' inserts, then the audit head."""
    now = now or timezone.now()
    locked = (
        Incident.all_parks.select_for_update(of=("self",))
        .select_related("resource__park", "resource__site")
        .get(park_id=incident.park_id, pk=incident.pk)
    )
    if locked.closed_at is not None:
        raise ValidationError({"resolution": _("This incident is closed already.")})
    locked.resolution = _clean_text(
        resolution, field="resolution", required_message=_("Say how it was resolved.")
    )
    locked.closed_at = max(now, locked.opened_at)
    locked.closed_by = actor
    locked.save(update_fields=["resolution", "closed_at", "closed_by"])
    offered = 0
    if locked.severity == IncidentSeverity.DOWN:
        # Back in service: the waitlist is offered the slots freed meanwhile (a cancelled booking
        # offers nothing while the resource is down). Imported here: the waitlist's checks
        # import this module.
        from technopark.spaces.services.waitlist import waitlist_offer_after_downtime

        offered = len(waitlist_offer_after_downtime(resource=locked.resource, now=now))
    audit_record(
        park=locked.resource.park,
        actor=actor,
        action="spaces.incident_close",
        target=locked,
        summary=f"{locked.resource.name}: {locked.severity}",
        before={"closed_at": None},
        after={
            "closed_at": locked.closed_at,
            "resolution": locked.resolution,
            "waitlist_offers": offered,
        },
    )
    writes("spaces", park_id=locked.park_id)
    return locked
