"""Reads of programmes, shaped for the pages and the API; each runs a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from technopark.accounts.models import User
from technopark.companies.models import Company, TeamMember
from technopark.core.localtime import local_today
from technopark.parks.models import Membership, MembershipStatus, Park, Role
from technopark.programmes.models import (
    Attendance,
    Attendee,
    Cohort,
    CurriculumSession,
    DemoDay,
    DemoDayGuest,
    Participant,
    ParticipantStatus,
    Pitch,
    PitchFeedback,
    Programme,
    ProposalStatus,
    StageProposal,
)
from technopark.selection.models import Application, ApplicationStatus, CallKind


def programme_list(*, park: Park) -> list[Programme]:
    """The park's programmes with their cohorts (two queries)."""
    return list(
        Programme.all_parks.filter(park=park)
        .prefetch_related(
            Prefetch(
                "cohorts",
                queryset=Cohort.objects.annotate(
                    n_participants=Count(
                        "participants", filter=Q(participants__status=ParticipantStatus.ACTIVE)
                    )
                ).order_by("-starts_on", "name"),
            )
        )
        .order_by("name", "id")
    )


def programme_detail(*, park: Park, pk: int) -> Programme | None:
    return Programme.all_parks.filter(park=park, pk=pk).first()


def cohort_for(*, park: Park, pk: int) -> Cohort | None:
    """The cohort with its programme, site and park (one query)."""
    return (
        Cohort.all_parks.filter(park=park, pk=pk)
        .select_related("programme", "site", "park", "intake_call")
        .first()
    )


def cohort_participants(*, cohort: Cohort) -> list[Participant]:
    """Participants with company, its team, attendees and mentors (four queries): whether the
    visitor may open each participant is then answered without a query."""
    return list(
        cohort.participants.select_related("company")
        .prefetch_related(
            Prefetch("attendees", queryset=Attendee.objects.select_related("user")),
            "mentors",
            "company__team",
        )
        .order_by("company__short_name", "id")
    )


def cohort_sessions(*, cohort: Cohort) -> list[CurriculumSession]:
    """The schedule in time order with each session's site (one query)."""
    return list(cohort.sessions.select_related("site").order_by("starts_at", "id"))


def cohort_demo_day(*, cohort: Cohort) -> DemoDay | None:
    return DemoDay.objects.filter(cohort=cohort).select_related("site").first()


def participant_for(*, park: Park, pk: int) -> Participant | None:
    """One participant with what its page and its permission checks read (four queries)."""
    return (
        Participant.objects.filter(cohort__park=park, pk=pk)
        .select_related("cohort__programme", "cohort__site", "cohort__park", "company")
        .prefetch_related(
            Prefetch("attendees", queryset=Attendee.objects.select_related("user")),
            "mentors",
            Prefetch("company__team", queryset=TeamMember.objects.select_related("user")),
            Prefetch(
                "stage_proposals",
                queryset=StageProposal.objects.select_related("proposed_by", "decided_by"),
            ),
        )
        .first()
    )


def proposal_for(*, park: Park, pk: int) -> StageProposal | None:
    return (
        StageProposal.objects.filter(participant__cohort__park=park, pk=pk)
        .select_related("participant__cohort", "participant__company")
        .first()
    )


def participant_attendance(*, participant: Participant) -> list[dict[str, Any]]:
    """Each past session of the cohort with who of the team was there (two queries)."""
    sessions = list(participant.cohort.sessions.select_related("site").order_by("starts_at"))
    marks: dict[int, dict[int, bool]] = {}
    for row in Attendance.objects.filter(attendee__participant=participant).values(
        "session_id", "attendee_id", "present"
    ):
        marks.setdefault(row["session_id"], {})[row["attendee_id"]] = row["present"]
    return [{"session": s, "marks": marks.get(s.pk, {})} for s in sessions]


def participant_follow_ups(*, participant: Participant) -> list[PitchFeedback]:
    """Guests who want to meet, invest or pilot after the participant's pitch (one query)."""
    return list(
        PitchFeedback.objects.filter(pitch__participant=participant)
        .filter(Q(meet=True) | Q(invest=True) | Q(pilot=True))
        .select_related("guest__user", "pitch")
        .order_by("guest__kind", "guest__name", "id")
    )


def admitted_applications(*, cohort: Cohort) -> list[Application]:
    """Admitted applications of the cohort's intake call (or of the park's programme-intake calls
    when the cohort names none) whose companies are not in the cohort yet (one query)."""
    rows = Application.all_parks.filter(
        park_id=cohort.park_id, status=ApplicationStatus.ADMITTED, call__kind=CallKind.PROGRAMME
    )
    if cohort.intake_call_id is not None:
        rows = rows.filter(call_id=cohort.intake_call_id)
    rows = rows.exclude(company__participations__cohort=cohort)
    return list(rows.select_related("company", "call").order_by("company__short_name", "id"))


def applications_by_ids(*, cohort: Cohort, ids: list[int]) -> list[Application]:
    return list(
        Application.all_parks.filter(park_id=cohort.park_id, pk__in=ids).select_related(
            "company", "call"
        )
    )


def programme_calls(*, park: Park) -> list[Any]:
    from technopark.selection.models import Call

    return list(Call.all_parks.filter(park=park, kind=CallKind.PROGRAMME).order_by("-opens_at"))


def members_with_roles(*, park: Park, roles: list[str]) -> list[User]:
    """Active people of the park who hold one of ``roles`` (one query)."""
    ids = Membership.all_parks.filter(
        park=park, role__in=roles, status=MembershipStatus.ACTIVE
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "email"))


def mentor_options(*, park: Park) -> list[User]:
    return members_with_roles(park=park, roles=[Role.MENTOR])


def guest_options(*, park: Park) -> list[User]:
    return members_with_roles(park=park, roles=[Role.INVESTOR, Role.CUSTOMER, Role.PARTNER])


def session_for(*, park: Park, pk: int) -> CurriculumSession | None:
    return (
        CurriculumSession.objects.filter(cohort__park=park, pk=pk)
        .select_related("cohort__park", "cohort__site", "site")
        .first()
    )


def session_sheet(*, session: CurriculumSession) -> list[dict[str, Any]]:
    """Every attendee of the cohort (active participants) with their mark, if any (two queries)."""
    attendees = list(
        Attendee.objects.filter(
            participant__cohort_id=session.cohort_id,
            participant__status=ParticipantStatus.ACTIVE,
        )
        .select_related("user", "participant__company")
        .order_by("participant__company__short_name", "user__full_name", "id")
    )
    marks = dict(Attendance.objects.filter(session=session).values_list("attendee_id", "present"))
    return [{"attendee": a, "present": marks.get(a.pk)} for a in attendees]


def my_participations(*, park: Park, user: Any) -> list[Participant]:
    """The visitor's participations in the park: as an attendee or as someone in the team."""
    if not user.is_authenticated:
        return []
    return list(
        Participant.objects.filter(cohort__park=park)
        .filter(Q(attendees__user=user) | Q(company__team__user=user))
        .distinct()
        .select_related("cohort__programme", "cohort__site", "cohort__park", "company")
        .order_by("-cohort__starts_on", "id")
    )


def sessions_of_cohorts(*, cohort_ids: list[int]) -> dict[int, list[CurriculumSession]]:
    rows: dict[int, list[CurriculumSession]] = {}
    for s in (
        CurriculumSession.objects.filter(cohort_id__in=cohort_ids)
        .select_related("site")
        .order_by("starts_at", "id")
    ):
        rows.setdefault(s.cohort_id, []).append(s)
    return rows


def attendance_of_users(*, user: Any, cohort_ids: list[int]) -> dict[int, bool]:
    """session id → present, for the visitor's own marks in those cohorts (one query)."""
    return dict(
        Attendance.objects.filter(
            attendee__user=user, session__cohort_id__in=cohort_ids
        ).values_list("session_id", "present")
    )


def demo_day_for(*, park: Park, pk: int) -> DemoDay | None:
    """A demo day with its pitches, guests and feedback (four queries)."""
    return (
        DemoDay.objects.filter(cohort__park=park, pk=pk)
        .select_related("cohort__park", "cohort__programme", "site")
        .prefetch_related(
            Prefetch(
                "pitches",
                queryset=Pitch.objects.select_related("participant__company").order_by("position"),
            ),
            Prefetch("guests", queryset=DemoDayGuest.objects.select_related("user")),
            Prefetch(
                "pitches__feedback",
                queryset=PitchFeedback.objects.select_related("guest__user"),
            ),
        )
        .first()
    )


# --- The cohort dashboard -------------------------------------------------------------------------


@dataclass
class DashboardRow:
    participant: Participant
    present: int = 0
    marked: int = 0
    confirmed_moves: int = 0
    pending: StageProposal | None = None
    grant: Any = None

    @property
    def rate(self) -> int | None:
        return round(100 * self.present / self.marked) if self.marked else None


@dataclass
class SessionRate:
    session: CurriculumSession
    present: int
    marked: int

    @property
    def rate(self) -> int | None:
        return round(100 * self.present / self.marked) if self.marked else None


@dataclass
class Dashboard:
    cohort: Cohort
    rows: list[DashboardRow]
    sessions: list[SessionRate]
    totals: dict[str, Any] = field(default_factory=dict)


# Participant id → what the dashboard shows of that participant's grant (read by ``grant_view``).
GrantSummaries = Callable[[Cohort], Mapping[int, Any]]
_grant_summaries: list[GrantSummaries] = []


def provide_grant_summaries(source: GrantSummaries) -> None:
    """The grants app hands in its per-participant summary (``GrantsConfig.ready``): grants
    depends on programmes (an award is a participant's), so programmes never imports grants."""
    _grant_summaries[:] = [source]


def cohort_dashboard(*, cohort: Cohort) -> Dashboard:
    """Attendance, stage moves, grant status and overdue milestones of every participant.

    Four queries of its own whatever the size (participants with companies; attendance per
    participant; sessions with their rates; stage proposals), plus the grants app's summary
    (``grants.queries.grant_summary_by_participant``, handed in: its own fixed number).
    """
    participants = list(
        cohort.participants.select_related("company").order_by("company__short_name", "id")
    )
    rows = {p.pk: DashboardRow(participant=p) for p in participants}
    for item in (
        Attendance.objects.filter(session__cohort=cohort)
        .values("attendee__participant_id")
        .annotate(present=Count("id", filter=Q(present=True)), marked=Count("id"))
    ):
        row = rows.get(item["attendee__participant_id"])
        if row is not None:
            row.present, row.marked = item["present"], item["marked"]
    sessions = [
        SessionRate(session=s, present=s.n_present, marked=s.n_marked)
        for s in cohort.sessions.select_related("site")
        .annotate(
            n_present=Count("attendance", filter=Q(attendance__present=True)),
            n_marked=Count("attendance"),
        )
        .order_by("starts_at", "id")
    ]
    for proposal in StageProposal.objects.filter(participant__cohort=cohort).order_by(
        "proposed_at", "id"
    ):
        row = rows.get(proposal.participant_id)
        if row is None:
            continue
        if proposal.status == ProposalStatus.CONFIRMED:
            row.confirmed_moves += 1
        elif proposal.status == ProposalStatus.PROPOSED:
            row.pending = proposal
    for source in _grant_summaries:
        for participant_id, value in source(cohort).items():
            if participant_id in rows:
                rows[participant_id].grant = grant_view(value)
    ordered = list(rows.values())
    present = sum(r.present for r in ordered)
    marked = sum(r.marked for r in ordered)
    totals = {
        "participants": len(ordered),
        "active": sum(1 for r in ordered if r.participant.status == ParticipantStatus.ACTIVE),
        "rate": round(100 * present / marked) if marked else None,
        "moves": sum(r.confirmed_moves for r in ordered),
        "pending": sum(1 for r in ordered if r.pending is not None),
        "overdue": sum((r.grant or {}).get("overdue_milestones", 0) or 0 for r in ordered),
    }
    return Dashboard(
        cohort=cohort,
        rows=ordered,
        sessions=sessions,
        totals=totals,
    )


_GRANT_KEYS = ("status", "status_label", "awarded", "paid", "overdue_milestones")


def grant_view(value: Any) -> dict[str, Any]:
    """What the dashboard shows of a participant's grant, from a dict or an object alike:
    ``status``/``status_label``, ``awarded``, ``paid`` (Decimals) and ``overdue_milestones``."""
    if isinstance(value, dict):
        found = {key: value.get(key) for key in _GRANT_KEYS}
    else:
        found = {key: getattr(value, key, None) for key in _GRANT_KEYS}
        display = getattr(value, "get_status_display", None)
        if callable(display) and found["status_label"] is None:
            found["status_label"] = display()
    found["status_label"] = found["status_label"] or found["status"] or ""
    found["overdue_milestones"] = int(found["overdue_milestones"] or 0)
    return found


def participants_query(*, park: Park) -> QuerySet[Participant]:
    return Participant.objects.filter(cohort__park=park)


def is_active_participant(*, company: Company) -> bool:
    """The company takes part in a cohort running today (in the park's time zone) and has not left
    or graduated. Spaces ask this: participants book like residents. One query."""
    today = local_today(company.park.time_zone)
    return Participant.objects.filter(
        company=company,
        status=ParticipantStatus.ACTIVE,
        cohort__starts_on__lte=today,
        cohort__ends_on__gte=today,
    ).exists()


def zone_name(*, site: Any = None, cohort: Any = None, park: Any = None) -> str:
    """The zone a session or demo day is held in: the given site's, else the cohort's site's,
    else the park's."""
    if site is not None:
        return str(site.time_zone)
    if cohort is not None and cohort.site_id is not None and cohort.site is not None:
        return str(cohort.site.time_zone)
    if cohort is not None:
        park = cohort.park
    return str(getattr(park, "time_zone", "UTC") or "UTC")
