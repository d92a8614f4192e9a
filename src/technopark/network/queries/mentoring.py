"""Reads of mentoring: the visitor's pairings (with their session figures, in one query), a
pairing and its sessions, the staff form's choices, and the per-mentor figures the KPI pages
read (``mentoring_figures``)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Avg, Count, Max, Min, Q, QuerySet, Sum

from technopark.companies.models import Company
from technopark.core.localtime import local_today
from technopark.network.models import (
    MentoringSession,
    Pairing,
    PairingStatus,
    Profile,
    ProfileKind,
)
from technopark.parks.models import Park
from technopark.programmes.models import Cohort


def pairing_rows(
    *,
    park: Park,
    user: Any,
    staff: bool,
    member_ids: Collection[int],
    status: str | None = None,
    cohort_id: int | None = None,
    profile_id: int | None = None,
) -> QuerySet[Pairing]:
    """The pairings the visitor sees (staff: the park's; a mentor: those of their mentor
    profiles; a founder: their companies'), newest first, each with ``session_count``,
    ``last_held_on``, ``avg_mentor_rating`` and ``avg_company_rating`` (one aggregate query;
    the profile's holder, the company and the cohort joined in)."""
    rows = Pairing.all_parks.filter(park=park)
    if not staff:
        if not getattr(user, "is_authenticated", False):
            return rows.none()
        rows = rows.filter(Q(profile__user=user) | Q(company_id__in=list(member_ids)))
    if status:
        rows = rows.filter(status=status)
    if cohort_id:
        rows = rows.filter(cohort_id=cohort_id)
    if profile_id:
        rows = rows.filter(profile_id=profile_id)
    return (
        rows.select_related("profile__user", "company", "cohort")
        .annotate(
            session_count=Count("sessions"),
            last_held_on=Max("sessions__held_on"),
            avg_mentor_rating=Avg("sessions__mentor_rating"),
            avg_company_rating=Avg("sessions__company_rating"),
        )
        .order_by("-started_at", "-pk")
    )


def pairing_in_park(*, park: Park, pk: int) -> Pairing | None:
    """The park's pairing with its mentor profile (and holder), company and cohort."""
    return (
        Pairing.all_parks.filter(park=park, pk=pk)
        .select_related("profile__user", "company", "cohort")
        .first()
    )


def pairing_sessions(*, pairing: Pairing) -> list[MentoringSession]:
    """The pairing's sessions, latest first, each with its author (and ``pairing`` set to the
    one given, so that reading it costs nothing)."""
    rows = list(
        MentoringSession.all_parks.filter(pairing=pairing)
        .select_related("created_by")
        .order_by("-held_on", "-pk")
    )
    for row in rows:
        row.pairing = pairing
    return rows


def session_in_park(*, park: Park, pk: int) -> MentoringSession | None:
    """The park's session with its pairing (its mentor profile and company) and author."""
    return (
        MentoringSession.all_parks.filter(park=park, pk=pk)
        .select_related("pairing__profile__user", "pairing__company", "created_by")
        .first()
    )


def mentor_options(*, park: Park) -> QuerySet[Profile]:
    """The park's active mentor profiles, each with ``active_count`` (its active pairings; one
    query)."""
    return (
        Profile.all_parks.filter(park=park, kind=ProfileKind.MENTOR, is_active=True)
        .select_related("user")
        .annotate(active_count=Count("pairings", filter=Q(pairings__status=PairingStatus.ACTIVE)))
        .order_by("headline", "pk")
    )


def company_options(*, park: Park) -> QuerySet[Company]:
    return Company.all_parks.filter(park=park).order_by("short_name", "pk")


def cohort_options(*, park: Park) -> QuerySet[Cohort]:
    return Cohort.all_parks.filter(park=park, archived_at__isnull=True).order_by(
        "-starts_on", "name"
    )


@dataclass(frozen=True)
class MentorFigures:
    """One mentor profile's mentoring in a span of days."""

    profile_id: int
    headline: str
    sessions: int
    minutes: int
    avg_mentor_rating: float | None
    avg_company_rating: float | None
    # Pairings that started in the span, and the mean days from the start to the first session
    # (over those that had one; None when none had).
    pairings_started: int
    days_to_first_session: float | None

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


def mentoring_figures(park: Park, start: date, end: date) -> list[MentorFigures]:
    """Per mentor profile of ``park`` with a session held or a pairing started in
    ``[start, end]`` (the park's days): sessions, minutes (and hours), each side's average
    rating of those sessions, and the time from a pairing's start to its first session.
    Three queries, however many mentors."""
    sessions = (
        MentoringSession.all_parks.filter(park=park, held_on__gte=start, held_on__lte=end)
        .values("pairing__profile_id")
        .annotate(
            count=Count("pk"),
            minutes=Sum("duration_minutes"),
            mentor=Avg("mentor_rating"),
            company=Avg("company_rating"),
        )
    )
    by_profile: dict[int, dict[str, Any]] = {row["pairing__profile_id"]: row for row in sessions}
    # A day's instants lie within a day either side of its UTC midnight, whatever the zone.
    low = datetime.combine(start - timedelta(days=1), time.min, tzinfo=UTC)
    high = datetime.combine(end + timedelta(days=2), time.min, tzinfo=UTC)
    started = (
        Pairing.all_parks.filter(park=park, started_at__gte=low, started_at__lt=high)
        .annotate(first_held_on=Min("sessions__held_on"))
        .values("pk", "profile_id", "started_at", "first_held_on")
    )
    waits: dict[int, list[int]] = {}
    counts: dict[int, int] = {}
    for row in started:
        day = local_today(park.time_zone, at=row["started_at"])
        if not start <= day <= end:
            continue
        counts[row["profile_id"]] = counts.get(row["profile_id"], 0) + 1
        if row["first_held_on"] is not None:
            waits.setdefault(row["profile_id"], []).append((row["first_held_on"] - day).days)
    ids = set(by_profile) | set(counts)
    headlines = dict(Profile.all_parks.filter(park=park, pk__in=ids).values_list("pk", "headline"))
    result = []
    for profile_id in sorted(ids, key=lambda pk: (headlines.get(pk, ""), pk)):
        row = by_profile.get(profile_id, {})
        wait = waits.get(profile_id)
        result.append(
            MentorFigures(
                profile_id=profile_id,
                headline=headlines.get(profile_id, ""),
                sessions=row.get("count", 0),
                minutes=row.get("minutes") or 0,
                avg_mentor_rating=_rounded(row.get("mentor")),
                avg_company_rating=_rounded(row.get("company")),
                pairings_started=counts.get(profile_id, 0),
                days_to_first_session=round(sum(wait) / len(wait), 1) if wait else None,
            )
        )
    return result


def _rounded(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)
