"""The programmes part of the API: programmes and cohorts (read), one's own participation, the
sessions of a cohort (staff schedule them), and attendance (staff read and take it).

The same rules as the pages (``programmes.rules``), asked before a record is looked up:
anonymous → 401, not allowed → 403, not in this park → 404. Writes go through
``programmes.services``; their refusals are 422 naming the field.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from technopark.accounts.http import signed_in_user
from technopark.api.auth import signed_in
from technopark.api.errors import documented
from technopark.api.types import Id
from technopark.core.localtime import to_utc, wall_time
from technopark.parks.http import access_of, park_of, require
from technopark.parks.queries import site_options
from technopark.programmes import queries, rules, services
from technopark.programmes.models import Cohort, CurriculumSession
from technopark.programmes.queries import zone_name
from technopark.programmes.schemas import (
    AttendanceIn,
    AttendanceSheetOut,
    CohortDetailOut,
    ParticipationOut,
    ProgrammeOut,
    SessionIn,
    SessionOut,
)

router = Router(tags=["programmes"])

LOCAL = "%Y-%m-%dT%H:%M"


def _found(value: Any) -> Any:
    if value is None:
        raise Http404
    return value


def _session_out(session: CurriculumSession, cohort: Cohort, **extra: Any) -> dict[str, Any]:
    zone = zone_name(site=session.site, cohort=cohort)
    return {
        "id": session.pk,
        "kind": session.kind,
        "title": session.title,
        "speaker": session.speaker,
        "site_id": session.site_id,
        "room": session.room,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "time_zone": zone,
        "local_starts_at": wall_time(session.starts_at, zone).strftime(LOCAL),
        "local_ends_at": wall_time(session.ends_at, zone).strftime(LOCAL),
        **extra,
    }


@router.get(
    "/parks/{slug:park_slug}/programmes",
    auth=signed_in,
    **documented({200: list[ProgrammeOut]}, 401, 403, 404),
    summary="The park's programmes with their cohorts",
)
def programme_list(request: HttpRequest, park_slug: str) -> Any:
    """Members of the park read it. Two queries however many programmes and cohorts."""
    require(rules.can_list_programmes(access_of(request)))
    return queries.programme_list(park=park_of(request))


@router.get(
    "/parks/{slug:park_slug}/programmes/mine",
    auth=signed_in,
    **documented({200: list[ParticipationOut]}, 401, 403, 404),
    summary="My participations: cohorts, stage, schedule with my attendance",
)
def my_participations(request: HttpRequest, park_slug: str) -> Any:
    """The cohorts the signed-in person's companies take part in (as in "My programme")."""
    require(rules.can_view_my_programme(access_of(request)))
    participations = queries.my_participations(park=park_of(request), user=request.user)
    cohort_ids = [p.cohort_id for p in participations]
    sessions = queries.sessions_of_cohorts(cohort_ids=cohort_ids)
    marks = queries.attendance_of_users(user=request.user, cohort_ids=cohort_ids)
    return [
        {
            "id": p.pk,
            "cohort_id": p.cohort_id,
            "cohort_name": p.cohort.name,
            "programme_name": p.cohort.programme.name,
            "company_id": p.company_id,
            "company_name": p.company.short_name,
            "status": p.status,
            "stage": p.company.stage,
            "coworking_seat": p.coworking_seat,
            "sessions": [
                _session_out(s, p.cohort, present=marks.get(s.pk))
                for s in sessions.get(p.cohort_id, [])
            ],
        }
        for p in participations
    ]


@router.get(
    "/parks/{slug:park_slug}/cohorts/{cohort_id}",
    auth=signed_in,
    **documented({200: CohortDetailOut}, 401, 403, 404, 422),
    summary="One cohort with its participants",
)
def cohort_detail(request: HttpRequest, park_slug: str, cohort_id: Id) -> Any:
    access = access_of(request)
    require(rules.can_view_cohort(access))
    cohort = _found(queries.cohort_for(park=park_of(request), pk=cohort_id))
    require(rules.can_view_cohort(access, cohort))
    return {
        "id": cohort.pk,
        "name": cohort.name,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "capacity": cohort.capacity,
        "site_id": cohort.site_id,
        "intake_call_id": cohort.intake_call_id,
        "programme_id": cohort.programme_id,
        "programme_name": cohort.programme.name,
        "participants": [
            {
                "id": p.pk,
                "company_id": p.company_id,
                "company_name": p.company.short_name,
                "status": p.status,
                "stage": p.company.stage,
                "attendees": len(p.attendees.all()),
            }
            for p in queries.cohort_participants(cohort=cohort)
        ],
    }


@router.get(
    "/parks/{slug:park_slug}/cohorts/{cohort_id}/sessions",
    auth=signed_in,
    **documented({200: list[SessionOut]}, 401, 403, 404, 422),
    summary="A cohort's schedule",
)
def session_list(request: HttpRequest, park_slug: str, cohort_id: Id) -> Any:
    access = access_of(request)
    require(rules.can_view_cohort(access))
    cohort = _found(queries.cohort_for(park=park_of(request), pk=cohort_id))
    require(rules.can_view_cohort(access, cohort))
    return [_session_out(s, cohort) for s in queries.cohort_sessions(cohort=cohort)]


@router.post(
    "/parks/{slug:park_slug}/cohorts/{cohort_id}/sessions",
    auth=signed_in,
    **documented({201: SessionOut}, 400, 401, 403, 404, 422),
    summary="Schedule a session (staff)",
)
def session_create(request: HttpRequest, park_slug: str, cohort_id: Id, payload: SessionIn) -> Any:
    """Times without an offset are the wall-clock time at the site (see the schema)."""
    access = access_of(request)
    require(rules.can_manage_programmes(access))
    park = park_of(request)
    cohort = _found(queries.cohort_for(park=park, pk=cohort_id))
    site = None
    if payload.site is not None:
        site = next((s for s in site_options(park=park) if s.pk == payload.site), None)
        if site is None:
            raise ValidationError({"site": _("Choose a site of this park.")})
    zone = zone_name(site=site, cohort=cohort)
    session = services.session_create(
        cohort=cohort,
        actor=signed_in_user(request),
        kind=payload.kind,
        title=payload.title,
        speaker=payload.speaker,
        site=site,
        room=payload.room,
        starts_at=to_utc(payload.starts_at, zone=zone, field="starts_at"),
        ends_at=to_utc(payload.ends_at, zone=zone, field="ends_at"),
    )
    return Status(201, _session_out(session, cohort))


def _sheet(session: CurriculumSession) -> dict[str, Any]:
    return {
        "session": _session_out(session, session.cohort),
        "rows": [
            {
                "attendee_id": row["attendee"].pk,
                "user_id": row["attendee"].user_id,
                "full_name": row["attendee"].user.full_name or row["attendee"].user.email,
                "participant_id": row["attendee"].participant_id,
                "company_name": row["attendee"].participant.company.short_name,
                "present": row["present"],
            }
            for row in queries.session_sheet(session=session)
        ],
    }


@router.get(
    "/parks/{slug:park_slug}/sessions/{session_id}/attendance",
    auth=signed_in,
    **documented({200: AttendanceSheetOut}, 401, 403, 404, 422),
    summary="A session's attendance sheet (staff)",
)
def attendance_sheet(request: HttpRequest, park_slug: str, session_id: Id) -> Any:
    access = access_of(request)
    require(rules.can_take_attendance(access))
    session = _found(queries.session_for(park=park_of(request), pk=session_id))
    return _sheet(session)


@router.put(
    "/parks/{slug:park_slug}/sessions/{session_id}/attendance",
    auth=signed_in,
    **documented({200: AttendanceSheetOut}, 400, 401, 403, 404, 422),
    summary="Take attendance (staff)",
)
def attendance_take(
    request: HttpRequest, park_slug: str, session_id: Id, payload: AttendanceIn
) -> Any:
    """Present or absent per attendee; attendees left out keep their mark. Sending the same
    marks twice changes nothing."""
    access = access_of(request)
    require(rules.can_take_attendance(access))
    session = _found(queries.session_for(park=park_of(request), pk=session_id))
    marks: dict[int, bool] = {}
    for mark in payload.marks:
        if mark.attendee_id in marks:
            raise ValidationError({"marks": _("Each person is marked once.")})
        marks[mark.attendee_id] = mark.present
    services.attendance_record(session=session, actor=signed_in_user(request), marks=marks)
    return _sheet(session)
