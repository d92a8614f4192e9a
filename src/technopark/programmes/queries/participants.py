"""Reads of participants and their progress: a participant's page, stage proposals, the
applications that may fill a cohort, mentors, a founder's participations, and whether a company
takes part in a running cohort (asked by spaces).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from technopark.accounts.models import User
from technopark.companies.models import Company, TeamMember
from technopark.core.localtime import local_today
from technopark.parks.models import Park, Role
from technopark.programmes.models import (
    Attendance,
    Attendee,
    Cohort,
    Participant,
    ParticipantStatus,
    PitchFeedback,
    StageProposal,
)
from technopark.programmes.queries._common import members_with_roles
from technopark.programmes.seats import SeatChoice, SeatInfo, seat_provider
from technopark.selection.models import Application, ApplicationStatus, CallKind


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


def mentor_options(*, park: Park) -> list[User]:
    return members_with_roles(park=park, roles=[Role.MENTOR])


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


# --- Coworking seats (given by the app that registered a seat provider: spaces) ------------------


def seats_offered() -> bool:
    """Whether an app gives real coworking seats (else the pages offer no allocation)."""
    return seat_provider() is not None


def participant_seat(*, participant: Participant) -> SeatInfo | None:
    provider = seat_provider()
    return provider.describe(participant=participant) if provider is not None else None


def participant_seats(*, participant_ids: list[int]) -> dict[int, SeatInfo]:
    """Current seats by participant id (one query; empty without a provider)."""
    provider = seat_provider()
    if provider is None or not participant_ids:
        return {}
    return provider.describe_many(participant_ids=participant_ids)


def seat_choices(*, participant: Participant) -> list[SeatChoice]:
    """Desks free for the participant's whole remaining cohort (empty without a provider)."""
    provider = seat_provider()
    return provider.free_seats(participant=participant) if provider is not None else []
