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
from technopark.programmes import queries, rules, services, tasks
from technopark.programmes.models import Cohort, CurriculumSession, DemoDay, DemoDayGuest
from technopark.programmes.queries import zone_name
from technopark.programmes.schemas import (
    AttendanceIn,
    AttendanceSheetOut,
    CohortDetailOut,
    FeedbackIn,
    FeedbackOut,
    GuestIn,
    GuestOut,
    MyFeedbackOut,
    ParticipationOut,
    ProgrammeOut,
    SeatChoiceOut,
    SeatIn,
    SeatOut,
    SeatReleaseOut,
    SessionIn,
    SessionOut,
)
from technopark.programmes.seats import SeatInfo

router = Router(tags=["programmes"])

LOCAL = "%Y-%m-%dT%H:%M"


def _found(value: Any) -> Any:
    if value is None:
        raise Http404
    return value


def _seat_out(seat: SeatInfo | None) -> dict[str, Any] | None:
    if seat is None:
        return None
    return {
        "booking_id": seat.booking_id,
        "resource_id": seat.resource_id,
        "resource_name": seat.resource_name,
        "site_name": seat.site_name,
        "starts_on": seat.starts_on,
        "ends_on": seat.ends_on,
    }


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
    seats = queries.participant_seats(participant_ids=[p.pk for p in participations])
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
            "seat": _seat_out(seats.get(p.pk)),
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
    participants = queries.cohort_participants(cohort=cohort)
    seats = queries.participant_seats(participant_ids=[p.pk for p in participants])
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
                "seat": _seat_out(seats.get(p.pk)),
            }
            for p in participants
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


# --- Coworking seats (issue 19) -------------------------------------------------------------------


def _participant_for_seat(request: HttpRequest, participant_id: int) -> Any:
    access = access_of(request)
    require(rules.can_allocate_seat(access))
    participant = _found(queries.participant_for(park=park_of(request), pk=participant_id))
    require(rules.can_allocate_seat(access, participant))
    return participant


@router.get(
    "/parks/{slug:park_slug}/participants/{participant_id}/seat/choices",
    auth=signed_in,
    **documented({200: list[SeatChoiceOut]}, 401, 403, 404, 422),
    summary="Desks free for a participant's whole cohort (staff)",
)
def seat_choices(request: HttpRequest, park_slug: str, participant_id: Id) -> Any:
    participant = _participant_for_seat(request, participant_id)
    return [
        {"resource_id": c.resource_id, "resource_name": c.resource_name, "site_name": c.site_name}
        for c in queries.seat_choices(participant=participant)
    ]


@router.post(
    "/parks/{slug:park_slug}/participants/{participant_id}/seat",
    auth=signed_in,
    **documented({201: SeatOut}, 400, 401, 403, 404, 422),
    summary="Give a participant a coworking seat for the cohort's dates (staff)",
)
def seat_allocate(request: HttpRequest, park_slug: str, participant_id: Id, payload: SeatIn) -> Any:
    """The desk named, or the first desk free for every day of the cohort (from today when it
    is running). 422 naming ``seat`` when none is free for all the dates."""
    participant = _participant_for_seat(request, participant_id)
    seat = services.participant_seat_allocate(
        participant=participant, actor=signed_in_user(request), resource_id=payload.resource_id
    )
    return Status(201, _seat_out(seat))


@router.delete(
    "/parks/{slug:park_slug}/participants/{participant_id}/seat",
    auth=signed_in,
    **documented({200: SeatReleaseOut}, 401, 403, 404, 422),
    summary="Release a participant's coworking seat from today (staff)",
)
def seat_release(request: HttpRequest, park_slug: str, participant_id: Id) -> Any:
    participant = _participant_for_seat(request, participant_id)
    released = services.participant_seat_release(
        participant=participant, actor=signed_in_user(request)
    )
    return {"released": _seat_out(released)}


# --- Demo day: guests and feedback (issue 19) -----------------------------------------------------


def _demo_day_of(request: HttpRequest, demo_day_id: int) -> DemoDay:
    access = access_of(request)
    require(rules.can_view_demo_days(access))
    demo_day: DemoDay = _found(queries.demo_day_for(park=park_of(request), pk=demo_day_id))
    require(rules.can_view_demo_day(access, demo_day))
    return demo_day


def _guest_out(guest: DemoDayGuest) -> dict[str, Any]:
    return {
        "id": guest.pk,
        "user_id": guest.user_id,
        "name": guest.display_name,
        "organisation": guest.organisation,
        "kind": guest.kind,
        "outside": guest.is_outside,
        "email": guest.email,
        "link_sent_at": guest.link_sent_at,
        "revoked_at": guest.revoked_at,
    }


@router.get(
    "/parks/{slug:park_slug}/demo-days/{demo_day_id}/guests",
    auth=signed_in,
    **documented({200: list[GuestOut]}, 401, 403, 404, 422),
    summary="A demo day's invited guests (staff)",
)
def guest_list(request: HttpRequest, park_slug: str, demo_day_id: Id) -> Any:
    require(rules.can_manage_demo_day(access_of(request)))
    demo_day = _demo_day_of(request, demo_day_id)
    return [_guest_out(g) for g in demo_day.guests.all()]


@router.post(
    "/parks/{slug:park_slug}/demo-days/{demo_day_id}/guests",
    auth=signed_in,
    **documented({201: GuestOut}, 400, 401, 403, 404, 422),
    summary="Invite a guest to a demo day (staff)",
)
def guest_create(request: HttpRequest, park_slug: str, demo_day_id: Id, payload: GuestIn) -> Any:
    """A member (``user_id``: an investor, customer or partner of the park), or a guest from
    outside by name; with ``email`` the outside guest is mailed a link to give feedback without
    an account, working until the end of the demo day."""
    require(rules.can_manage_demo_day(access_of(request)))
    park = park_of(request)
    demo_day = _demo_day_of(request, demo_day_id)
    user = None
    if payload.user_id is not None:
        user = next((u for u in queries.guest_options(park=park) if u.pk == payload.user_id), None)
        if user is None:
            raise ValidationError(
                {"user_id": _("Invite an investor, customer or partner of this park.")}
            )
    guest = services.guest_invite(
        demo_day=demo_day,
        user=user,
        name=payload.name,
        organisation=payload.organisation,
        kind=payload.kind or "",
        email=payload.email,
        actor=signed_in_user(request),
    )
    if guest.email:
        tasks.queue_guest_link(guest=guest, base_url=request.build_absolute_uri("/"))
    return Status(201, _guest_out(guest))


def _guest_of(request: HttpRequest, guest_id: int) -> DemoDayGuest:
    require(rules.can_manage_demo_day(access_of(request)))
    guest: DemoDayGuest = _found(queries.guest_for(park=park_of(request), pk=guest_id))
    return guest


@router.post(
    "/parks/{slug:park_slug}/demo-day-guests/{guest_id}/revoke",
    auth=signed_in,
    **documented({200: GuestOut}, 401, 403, 404, 422),
    summary="Withdraw an outside guest's invitation: the link stops working (staff)",
)
def guest_revoke(request: HttpRequest, park_slug: str, guest_id: Id) -> Any:
    guest = services.guest_revoke(guest=_guest_of(request, guest_id), actor=signed_in_user(request))
    return _guest_out(guest)


@router.post(
    "/parks/{slug:park_slug}/demo-day-guests/{guest_id}/resend",
    auth=signed_in,
    **documented({200: GuestOut}, 401, 403, 404, 422),
    summary="Mail an outside guest a fresh link; the earlier one stops working (staff)",
)
def guest_resend(request: HttpRequest, park_slug: str, guest_id: Id) -> Any:
    guest = services.guest_link_resend(
        guest=_guest_of(request, guest_id), actor=signed_in_user(request)
    )
    tasks.queue_guest_link(guest=guest, base_url=request.build_absolute_uri("/"))
    return _guest_out(guest)


@router.get(
    "/parks/{slug:park_slug}/demo-days/{demo_day_id}/feedback",
    auth=signed_in,
    **documented({200: list[FeedbackOut]}, 401, 403, 404, 422),
    summary="Every guest's feedback on a demo day, outside guests' marked (staff)",
)
def feedback_list(request: HttpRequest, park_slug: str, demo_day_id: Id) -> Any:
    require(rules.can_manage_demo_day(access_of(request)))
    demo_day = _demo_day_of(request, demo_day_id)
    return [
        {
            "pitch_id": f.pitch_id,
            "position": f.pitch.position,
            "company_name": f.pitch.participant.company.short_name,
            "guest_id": f.guest_id,
            "guest_name": f.guest.display_name,
            "organisation": f.guest.organisation,
            "kind": f.guest.kind,
            "outside": f.guest.is_outside,
            "meet": f.meet,
            "invest": f.invest,
            "pilot": f.pilot,
            "note": f.note,
            "updated_at": f.updated_at,
        }
        for f in queries.demo_day_feedback_rows(demo_day=demo_day)
    ]


def _my_feedback(demo_day: DemoDay, guest: DemoDayGuest) -> list[dict[str, Any]]:
    rows = []
    for pitch in demo_day.pitches.all():
        mine = next((f for f in pitch.feedback.all() if f.guest_id == guest.pk), None)
        rows.append(
            {
                "pitch_id": pitch.pk,
                "position": pitch.position,
                "company_name": pitch.participant.company.short_name,
                "given": mine is not None,
                "meet": bool(mine and mine.meet),
                "invest": bool(mine and mine.invest),
                "pilot": bool(mine and mine.pilot),
                "note": mine.note if mine else "",
            }
        )
    return rows


def _feedback_guest(request: HttpRequest, demo_day_id: int) -> tuple[DemoDay, DemoDayGuest]:
    access = access_of(request)
    demo_day = _demo_day_of(request, demo_day_id)
    require(rules.can_give_feedback(access, demo_day))
    guest = rules.guest_of(access, demo_day)
    return demo_day, _found(guest)


@router.get(
    "/parks/{slug:park_slug}/demo-days/{demo_day_id}/feedback/mine",
    auth=signed_in,
    **documented({200: list[MyFeedbackOut]}, 401, 403, 404, 422),
    summary="My feedback on each pitch of a demo day I am invited to",
)
def my_feedback(request: HttpRequest, park_slug: str, demo_day_id: Id) -> Any:
    demo_day, guest = _feedback_guest(request, demo_day_id)
    return _my_feedback(demo_day, guest)


@router.put(
    "/parks/{slug:park_slug}/demo-days/{demo_day_id}/feedback/mine",
    auth=signed_in,
    **documented({200: list[MyFeedbackOut]}, 400, 401, 403, 404, 422),
    summary="Give or change my feedback on pitches of a demo day I am invited to",
)
def my_feedback_put(
    request: HttpRequest, park_slug: str, demo_day_id: Id, payload: FeedbackIn
) -> Any:
    """One entry per pitch (pitches left out keep their feedback); open from the demo day's
    start. All entries are saved or none."""
    demo_day, guest = _feedback_guest(request, demo_day_id)
    pitches = {p.pk: p for p in demo_day.pitches.all()}
    seen: set[int] = set()
    for entry in payload.entries:
        if entry.pitch_id in seen:
            raise ValidationError({"entries": _("Give each pitch once.")})
        seen.add(entry.pitch_id)
        if entry.pitch_id not in pitches:
            raise ValidationError({"entries": _("Choose a pitch of this demo day.")})
    services.feedback_record_many(
        guest=guest,
        entries=[
            (
                pitches[entry.pitch_id],
                {
                    "meet": entry.meet,
                    "invest": entry.invest,
                    "pilot": entry.pilot,
                    "note": entry.note,
                },
            )
            for entry in payload.entries
        ],
    )
    fresh = _found(queries.demo_day_for(park=park_of(request), pk=demo_day.pk))
    return _my_feedback(fresh, guest)
