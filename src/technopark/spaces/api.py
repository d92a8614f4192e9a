"""The spaces part of the API: resources, free slots, bookings (create, move, cancel).

The same rules as the pages (``spaces.rules``) and the same services, so certificates, quotas and
approval apply alike. A booking whose time is taken is a 409 ``{"detail": …}`` naming the booking
in the way (resource and time range; the other company's name only for staff and that company's
own people). Other refusals from the services are 422 naming the field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from technopark.accounts.http import signed_in_user
from technopark.accounts.models import User
from technopark.api.auth import signed_in
from technopark.api.errors import ErrorOut, documented
from technopark.api.types import Day, Id, Lines, Moment, OneLine
from technopark.companies.models import Company
from technopark.parks.http import access_of, park_of, require
from technopark.spaces import queries, rules, services
from technopark.spaces.models import Booking, IncidentSeverity, ResourceType

router = Router(tags=["spaces"])

CONFLICT_MEANING = "The time is taken: `detail` names the booking in the way."


def documented_409(ok: dict[int, Any], *error_codes: int) -> dict[str, Any]:
    """``documented`` plus a 409 for a booking conflict."""
    spec = documented(ok, *[code for code in error_codes if code != 409])
    if 409 in error_codes:
        spec["response"][409] = ErrorOut
        spec["openapi_extra"]["responses"][409] = {"description": CONFLICT_MEANING}
    return spec


class ResourceOut(Schema):
    id: int
    name: str
    site_id: int
    site: str
    time_zone: str
    resource_type: str
    capacity: int
    features: list[str]
    requires_certification: bool


class ResourceFilterParams(Schema):
    site: Id | None = None
    resource_type: ResourceType | None = None


class FreeSlotParams(Schema):
    starts_at: Moment = Field(description="ISO 8601 with an offset, e.g. 2026-12-01T14:00:00+09:00")
    ends_at: Moment
    resource_type: ResourceType | None = None
    site: Id | None = None
    capacity: int = Field(1, ge=1, le=1000)

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if timezone.is_naive(value):
            raise ValueError(_("Give the time with its UTC offset."))
        return value


class BookingOut(Schema):
    id: int
    resource_id: int
    resource: str
    starts_at: datetime
    ends_at: datetime
    status: str
    kind: str
    company_id: int | None
    title: str


class BookingPageOut(Schema):
    items: list[BookingOut]


class BookingCreateIn(Schema):
    resource: Id
    starts_at: Moment
    ends_at: Moment
    company: Id | None = None
    title: Annotated[str, Field(max_length=200), OneLine] = ""

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if timezone.is_naive(value):
            raise ValueError(_("Give the time with its UTC offset."))
        return value


class BookingMoveIn(Schema):
    starts_at: Moment
    ends_at: Moment

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if timezone.is_naive(value):
            raise ValueError(_("Give the time with its UTC offset."))
        return value


def _resource_out(resource: Any) -> dict[str, Any]:
    return {
        "id": resource.pk,
        "name": resource.display_name,
        "site_id": resource.site_id,
        "site": resource.site.display_name,
        "time_zone": resource.site.time_zone,
        "resource_type": resource.resource_type,
        "capacity": resource.capacity,
        "features": resource.feature_list,
        "requires_certification": resource.requires_certification,
    }


def _booking_out(booking: Booking) -> dict[str, Any]:
    return {
        "id": booking.pk,
        "resource_id": booking.resource_id,
        "resource": booking.resource.display_name,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "status": booking.status,
        "kind": booking.kind,
        "company_id": booking.company_id,
        "title": booking.title,
    }


def _conflict(request: HttpRequest, error: services.BookingConflict) -> Status:
    """409 naming the booking in the way; whose only when ``rules.can_see_booker`` allows."""
    company_ids = services.acting_company_ids(user=request.user, park=park_of(request))
    show = rules.can_see_booker(access_of(request), error.booking, company_ids)
    return Status(
        409, {"detail": services.conflict_message(booking=error.booking, show_company=show)}
    )


@router.get(
    "/parks/{slug:park_slug}/spaces/resources",
    auth=signed_in,
    **documented({200: list[ResourceOut]}, 401, 403, 404, 422),
    summary="Bookable resources",
)
def resource_list(
    request: HttpRequest, park_slug: str, filters: Query[ResourceFilterParams]
) -> Any:
    """Members of the park: the park's bookable resources, by site and type. One query."""
    require(rules.can_view_spaces(access_of(request)))
    park = park_of(request)
    site = None
    if filters.site is not None:
        site = queries.site_in_park(
            park=park, site_id=filters.site, options=queries.sites(park=park)
        )
        if site is None:
            raise Http404
    rows = queries.resources(
        park=park,
        site=site,
        resource_type=filters.resource_type.value if filters.resource_type else "",
    )
    return [_resource_out(resource) for resource in rows]


@router.get(
    "/parks/{slug:park_slug}/spaces/free",
    auth=signed_in,
    **documented({200: list[ResourceOut]}, 401, 403, 404, 422),
    summary="Resources free for a whole time range",
)
def free_slots(request: HttpRequest, park_slug: str, params: Query[FreeSlotParams]) -> Any:
    """«A room for 6 tomorrow 14:00–16:00»: resources with no active booking or closure in the
    range and open for the whole of it. Three queries."""
    require(rules.can_view_spaces(access_of(request)))
    park = park_of(request)
    services.times_readable_check(starts_at=params.starts_at, ends_at=params.ends_at)
    if params.ends_at <= params.starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if (params.ends_at - params.starts_at).days > 31:
        raise ValidationError({"ends_at": _("Search at most 31 days at once.")})
    sites = queries.sites(park=park) if params.site is not None else []
    site = None
    if params.site is not None:
        site = queries.site_in_park(park=park, site_id=params.site, options=sites)
        if site is None:
            raise Http404
    rows = queries.free_resources(
        park=park,
        starts_at=params.starts_at,
        ends_at=params.ends_at,
        resource_type=params.resource_type.value if params.resource_type else "",
        site=site,
        capacity=params.capacity,
    )
    return [_resource_out(resource) for resource in rows]


@router.get(
    "/parks/{slug:park_slug}/spaces/bookings",
    auth=signed_in,
    **documented({200: BookingPageOut}, 401, 403, 404),
    summary="My bookings and my companies'",
)
def booking_list(request: HttpRequest, park_slug: str) -> Any:
    access = access_of(request)
    require(rules.can_subscribe(access))
    park = park_of(request)
    company_ids = services.acting_company_ids(user=request.user, park=park)
    rows = queries.my_bookings(park=park, user=request.user, company_ids=company_ids)
    return {"items": [_booking_out(booking) for booking in rows]}


def _company(park: Any, company_id: int | None) -> Company | None:
    if company_id is None:
        return None
    company = Company.all_parks.filter(park=park, pk=company_id).first()
    if company is None:
        raise ValidationError({"company": _("Choose a company of this park.")})
    return company


@router.post(
    "/parks/{slug:park_slug}/spaces/bookings",
    auth=signed_in,
    **documented_409({201: BookingOut}, 400, 401, 403, 404, 409, 422),
    summary="Book a resource",
)
def booking_create(request: HttpRequest, park_slug: str, payload: BookingCreateIn) -> Any:
    """Staff and founders (for a company they act for). Outside companies' bookings are created
    with status ``pending`` and wait for approval. A resource that needs a certificate is refused
    (422 on ``resource``) without a valid one."""
    access = access_of(request)
    require(rules.can_book(access))
    park = park_of(request)
    resource = queries.resource_in_park(park=park, pk=payload.resource)
    if resource is None:
        raise ValidationError({"resource": _("Choose a bookable resource of this park.")})
    try:
        booking = services.booking_create(
            access=access,
            resource=resource,
            starts_at=payload.starts_at,
            ends_at=payload.ends_at,
            company=_company(park, payload.company),
            title=payload.title,
        )
    except services.BookingConflict as error:
        return _conflict(request, error)
    return Status(201, _booking_out(booking))


def _own_booking(request: HttpRequest, booking_id: int) -> Booking:
    access = access_of(request)
    require(rules.can_book(access))
    park = park_of(request)
    booking = queries.booking_in_park(park=park, pk=booking_id)
    if booking is None:
        raise Http404
    company_ids = services.acting_company_ids(user=request.user, park=park)
    if not rules.can_view_booking(access, booking, company_ids):
        raise Http404  # another company's booking: not even its existence is told
    require(rules.can_change_booking(access, booking, company_ids))
    return booking


@router.patch(
    "/parks/{slug:park_slug}/spaces/bookings/{booking_id}",
    auth=signed_in,
    **documented_409({200: BookingOut}, 400, 401, 403, 404, 409, 422),
    summary="Move a booking",
)
def booking_move(
    request: HttpRequest, park_slug: str, booking_id: Id, payload: BookingMoveIn
) -> Any:
    booking = _own_booking(request, booking_id)
    try:
        services.booking_move(
            access=access_of(request),
            booking=booking,
            starts_at=payload.starts_at,
            ends_at=payload.ends_at,
        )
    except services.BookingConflict as error:
        return _conflict(request, error)
    return _booking_out(booking)


@router.post(
    "/parks/{slug:park_slug}/spaces/bookings/{booking_id}/cancel",
    auth=signed_in,
    **documented({200: BookingOut}, 401, 403, 404, 422),
    summary="Cancel a booking",
)
def booking_cancel(request: HttpRequest, park_slug: str, booking_id: Id) -> Any:
    booking = _own_booking(request, booking_id)
    cancelled = services.booking_cancel(access=access_of(request), booking=booking)
    return _booking_out(cancelled)


# --- certificates, training sessions, incidents ---------------------------------------------------


class CertificateOut(Schema):
    id: int
    user_id: int
    user: str
    resource_id: int
    resource: str
    trained_on: date
    expires_on: date
    last_used_at: datetime | None
    valid_through: date = Field(description="The last day it holds: its fixed date or disuse.")
    ends_by: Literal["expiry", "unused"] = Field(
        description="`expiry`: its fixed date; `unused`: it lapses for want of use."
    )
    lapsed: bool


def _certificate_out(row: Any) -> dict[str, Any]:
    return {
        "id": row.pk,
        "user_id": row.user_id,
        "user": row.user.email,
        "resource_id": row.resource_id,
        "resource": row.resource.display_name,
        "trained_on": row.trained_on,
        "expires_on": row.expires_on,
        "last_used_at": row.last_used_at,
        "valid_through": row.validity.valid_through,
        "ends_by": row.validity.reason,
        "lapsed": row.lapsed,
    }


@router.get(
    "/parks/{slug:park_slug}/spaces/certificates",
    auth=signed_in,
    **documented({200: list[CertificateOut]}, 401, 403, 404),
    summary="Certificates with the day they lapse",
)
def certificate_list(request: HttpRequest, park_slug: str) -> Any:
    """Staff: the park's certificates; every other member: their own. Each with the last day it
    holds (``valid_through``) and what ends it. At most 500, one query."""
    access = access_of(request)
    require(rules.can_view_own_certificates(access))
    park = park_of(request)
    user = None if rules.can_manage_certificates(access) else request.user
    return [
        _certificate_out(row) for row in queries.certificates_with_validity(park=park, user=user)
    ]


class TrainingSessionOut(Schema):
    id: int
    resource_id: int
    trainer_id: int
    starts_at: datetime
    duration_minutes: int
    notes: str
    people: list[int]


class TrainingSessionIn(Schema):
    resource: Id
    trainer: Id
    starts_at: Moment
    duration_minutes: int = Field(ge=1, le=24 * 60)
    people: list[Id] = Field(min_length=1, max_length=services.MAX_PEOPLE)
    expires_on: Day
    notes: Annotated[str, Field(max_length=2000), Lines] = ""

    @field_validator("starts_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if timezone.is_naive(value):
            raise ValueError(_("Give the time with its UTC offset."))
        return value


def _session_out(session: Any) -> dict[str, Any]:
    return {
        "id": session.pk,
        "resource_id": session.resource_id,
        "trainer_id": session.trainer_id,
        "starts_at": session.starts_at,
        "duration_minutes": session.duration_minutes,
        "notes": session.notes,
        "people": sorted(person.pk for person in session.people.all()),
    }


@router.get(
    "/parks/{slug:park_slug}/spaces/training-sessions",
    auth=signed_in,
    **documented({200: list[TrainingSessionOut]}, 401, 403, 404),
    summary="Training sessions",
)
def training_session_list(request: HttpRequest, park_slug: str) -> Any:
    """Staff: the park's latest 200 training sessions, newest first. Two queries."""
    require(rules.can_manage_certificates(access_of(request)))
    return [_session_out(row) for row in queries.training_sessions(park=park_of(request))]


@router.post(
    "/parks/{slug:park_slug}/spaces/training-sessions",
    auth=signed_in,
    **documented({201: TrainingSessionOut}, 400, 401, 403, 404, 422),
    summary="Record a training session",
)
def training_session_create(
    request: HttpRequest, park_slug: str, payload: TrainingSessionIn
) -> Any:
    """Staff: record a training; each person qualified gets a certificate of the resource valid
    through ``expires_on``, or has theirs renewed. All or nothing."""
    require(rules.can_manage_certificates(access_of(request)))
    park = park_of(request)
    resource = queries.resource_in_park(park=park, pk=payload.resource)
    if resource is None:
        raise ValidationError({"resource": _("Choose a resource of this park.")})
    wanted = {payload.trainer, *payload.people}
    found = {user.pk: user for user in User.objects.filter(pk__in=wanted)}
    if payload.trainer not in found:
        raise ValidationError({"trainer": _("The trainer must be a member of the park.")})
    missing = [pk for pk in payload.people if pk not in found]
    if missing:
        raise ValidationError({"people": _("Choose members of the park.")})
    session = services.training_session_record(
        actor=signed_in_user(request),
        resource=resource,
        trainer=found[payload.trainer],
        starts_at=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        people=[found[pk] for pk in dict.fromkeys(payload.people)],
        expires_on=payload.expires_on,
        notes=payload.notes,
    )
    return Status(201, _session_out(session))


class IncidentOut(Schema):
    id: int
    resource_id: int
    resource: str
    severity: IncidentSeverity
    description: str
    reported_by_id: int | None
    opened_at: datetime
    closed_at: datetime | None
    resolution: str
    closed_by_id: int | None


class IncidentFilterParams(Schema):
    resource: Id | None = None
    severity: IncidentSeverity | None = None
    state: Literal["open", "closed"] | None = None


class IncidentIn(Schema):
    resource: Id
    severity: IncidentSeverity
    description: Annotated[str, Field(min_length=1, max_length=2000), Lines]


class IncidentCloseIn(Schema):
    resolution: Annotated[str, Field(min_length=1, max_length=2000), Lines]


def _incident_out(incident: Any) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "resource_id": incident.resource_id,
        "resource": incident.resource.display_name,
        "severity": incident.severity,
        "description": incident.description,
        "reported_by_id": incident.reported_by_id,
        "opened_at": incident.opened_at,
        "closed_at": incident.closed_at,
        "resolution": incident.resolution,
        "closed_by_id": incident.closed_by_id,
    }


@router.get(
    "/parks/{slug:park_slug}/spaces/incidents",
    auth=signed_in,
    **documented({200: list[IncidentOut]}, 401, 403, 404, 422),
    summary="Incidents on resources",
)
def incident_list(
    request: HttpRequest, park_slug: str, filters: Query[IncidentFilterParams]
) -> Any:
    """Staff and engineers: the park's latest 200 incidents, newest first, by resource, severity
    and state (``open``/``closed``). One query."""
    require(rules.can_manage_incidents(access_of(request)))
    rows = queries.incidents(
        park=park_of(request),
        resource_id=filters.resource,
        severity=filters.severity.value if filters.severity else "",
        state=filters.state or "",
    )
    return [_incident_out(row) for row in rows]


@router.post(
    "/parks/{slug:park_slug}/spaces/incidents",
    auth=signed_in,
    **documented({201: IncidentOut}, 400, 401, 403, 404, 422),
    summary="Open an incident",
)
def incident_create(request: HttpRequest, park_slug: str, payload: IncidentIn) -> Any:
    """Staff and engineers. A ``down`` incident blocks new bookings of the resource until it is
    closed and tells the holders of its upcoming bookings."""
    require(rules.can_manage_incidents(access_of(request)))
    park = park_of(request)
    resource = queries.resource_in_park(park=park, pk=payload.resource)
    if resource is None:
        raise ValidationError({"resource": _("Choose a resource of this park.")})
    incident = services.incident_open(
        actor=signed_in_user(request),
        resource=resource,
        severity=payload.severity.value,
        description=payload.description,
    )
    return Status(201, _incident_out(incident))


@router.post(
    "/parks/{slug:park_slug}/spaces/incidents/{incident_id}/close",
    auth=signed_in,
    **documented({200: IncidentOut}, 400, 401, 403, 404, 422),
    summary="Close an incident",
)
def incident_close(
    request: HttpRequest, park_slug: str, incident_id: Id, payload: IncidentCloseIn
) -> Any:
    """Staff and engineers: close an open incident with its resolution (a closed one: 422)."""
    require(rules.can_manage_incidents(access_of(request)))
    incident = queries.incident_in_park(park=park_of(request), pk=incident_id)
    if incident is None:
        raise Http404
    closed = services.incident_close(
        actor=signed_in_user(request), incident=incident, resolution=payload.resolution
    )
    return _incident_out(closed)
