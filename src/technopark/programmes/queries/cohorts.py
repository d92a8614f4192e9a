"""Reads of programmes and their cohorts: the list, a cohort with its participants, schedule and
demo day, the park's programme-intake calls.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q

from technopark.parks.models import Park
from technopark.programmes.models import (
    Attendee,
    Cohort,
    CurriculumSession,
    DemoDay,
    Participant,
    ParticipantStatus,
    Programme,
)
from technopark.selection.models import CallKind


def programme_list(*, park: Park) -> list[Programme]:
    """The park's programmes with their cohorts (two queries): current programmes first, then
    archived ones; each with ``current_cohorts`` and ``archived_cohorts``."""
    programmes = list(
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
    for programme in programmes:
        cohorts = list(programme.cohorts.all())
        programme.current_cohorts = [c for c in cohorts if c.archived_at is None]
        programme.archived_cohorts = [c for c in cohorts if c.archived_at is not None]
    return sorted(programmes, key=lambda p: p.archived_at is not None)


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
    return DemoDay.objects.filter(cohort=cohort).select_related("site", "cohort").first()


def programme_calls(*, park: Park) -> list[Any]:
    from technopark.selection.models import Call

    return list(Call.all_parks.filter(park=park, kind=CallKind.PROGRAMME).order_by("-opens_at"))
