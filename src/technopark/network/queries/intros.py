"""Reads of introductions: the visitor's (received by their profiles, sent by their companies;
the staff: the park's), one introduction with its sides loaded, and the agenda's counts."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet

from technopark.companies.models import Company
from technopark.network.models import Introduction, IntroStatus, Profile
from technopark.parks.models import Park

RECEIVED = "received"
SENT = "sent"
ALL = "all"
SIDES = (RECEIVED, SENT, ALL)

#: the agenda's horizons
EXPIRING_WITHIN = timedelta(days=2)
ACCEPTED_WITHIN = timedelta(days=7)


def _loaded(rows: QuerySet[Introduction]) -> QuerySet[Introduction]:
    return rows.select_related("profile", "profile__user", "company", "requested_by")


def intros_of(
    *,
    park: Park,
    user: Any,
    side: str,
    member_ids: Collection[int],
    staff: bool,
    status: str | None = None,
) -> QuerySet[Introduction]:
    """The introductions of one ``side``: ``received`` by the user's profiles, ``sent`` by the
    companies whose team they are in (``member_ids``), or ``all`` of the park (the staff only;
    anyone else gets both of their own sides). Newest first; one query with the sides loaded."""
    rows = Introduction.all_parks.filter(park=park)
    if side == RECEIVED:
        rows = rows.filter(profile__user=user)
    elif side == SENT:
        rows = rows.filter(company_id__in=list(member_ids))
    elif not staff:
        rows = rows.filter(Q(profile__user=user) | Q(company_id__in=list(member_ids)))
    if status:
        rows = rows.filter(status=status)
    return _loaded(rows).order_by("-created_at", "-pk")


def intro_in_park(*, park: Park, pk: int) -> Introduction | None:
    """The park's introduction with its profile (and holder), company and requester loaded."""
    return _loaded(Introduction.all_parks.filter(park=park, pk=pk)).first()


def holder_waiting(*, park: Park, user: Any, now: datetime) -> int:
    """Requests to the user's profiles waiting for their answer (not expired; one query)."""
    return Introduction.all_parks.filter(
        park=park, profile__user=user, status=IntroStatus.REQUESTED, expires_at__gt=now
    ).count()


def founder_counts(*, park: Park, user: Any, now: datetime) -> dict[str, int]:
    """For the companies the user acts for: introductions accepted in the last seven days and
    requests that expire within two days (one aggregate query)."""
    return Introduction.all_parks.filter(
        park=park,
        company__team__user=user,
        company__team__acts_for_company=True,
    ).aggregate(
        accepted=Count(
            "pk",
            filter=Q(status=IntroStatus.ACCEPTED, answered_at__gt=now - ACCEPTED_WITHIN),
            distinct=True,
        ),
        expiring=Count(
            "pk",
            filter=Q(
                status=IntroStatus.REQUESTED,
                expires_at__gt=now,
                expires_at__lte=now + EXPIRING_WITHIN,
            ),
            distinct=True,
        ),
    )


def profile_in_park(*, park: Park, pk: int) -> Profile | None:
    """The park's profile with its holder and directions loaded (two queries)."""
    return (
        Profile.all_parks.filter(park=park, pk=pk)
        .select_related("user")
        .prefetch_related("directions")
        .first()
    )


def companies_among(*, park: Park, ids: Collection[int]) -> QuerySet[Company]:
    """The park's companies of ``ids`` (those the visitor acts for), by name."""
    return Company.all_parks.filter(park=park, pk__in=list(ids)).order_by("short_name", "pk")
