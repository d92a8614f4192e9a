"""Reads of the curriculum: a session and its attendance sheet, the sessions of cohorts and the
visitor's own marks.
"""

from __future__ import annotations

from typing import Any

from technopark.parks.models import Park
from technopark.programmes.models import (
    Attendance,
    Attendee,
    CurriculumSession,
    ParticipantStatus,
)


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
