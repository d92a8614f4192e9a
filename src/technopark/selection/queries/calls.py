"""Reads of calls, their forms and criteria, shaped for their pages and endpoints."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from technopark.parks.models import Direction, Park
from technopark.selection.models import Call, CallStatus, Criterion, FormField


def open_calls(*, park: Park, at: datetime | None = None) -> QuerySet[Call]:
    """Published calls taking applications now, soonest deadline first: two queries (the calls
    with their sites, their directions)."""
    now = at or timezone.now()
    return (
        Call.all_parks.filter(
            park=park, status=CallStatus.PUBLISHED, opens_at__lte=now, closes_at__gt=now
        )
        .select_related("site", "park")
        .prefetch_related(Prefetch("directions", queryset=Direction.objects.order_by("position")))
        .order_by("closes_at", "id")
    )


def upcoming_calls(*, park: Park, at: datetime | None = None) -> QuerySet[Call]:
    """Published calls that open later."""
    now = at or timezone.now()
    return (
        Call.all_parks.filter(park=park, status=CallStatus.PUBLISHED, opens_at__gt=now)
        .select_related("site", "park")
        .prefetch_related(Prefetch("directions", queryset=Direction.objects.order_by("position")))
        .order_by("opens_at", "id")
    )


def all_calls(*, park: Park, archived: bool = False) -> QuerySet[Call]:
    """The park's calls for staff (the archived ones, or all the others), with how many
    applications each has by state."""
    calls = Call.all_parks.filter(park=park)
    calls = (
        calls.filter(status=CallStatus.ARCHIVED)
        if archived
        else calls.exclude(status=CallStatus.ARCHIVED)
    )
    return (
        calls.select_related("site", "park")
        .annotate(
            n_submitted=Count(
                "applications", filter=Q(applications__status__in=["submitted", "info_requested"])
            ),
            n_drafts=Count("applications", filter=Q(applications__status="draft")),
        )
        .order_by("-opens_at", "id")
    )


def call_detail(*, park: Park, pk: int) -> Call | None:
    """One call with its site, directions, form and criteria (four queries)."""
    return (
        Call.all_parks.filter(park=park, pk=pk)
        .select_related("site", "park")
        .prefetch_related(
            Prefetch("directions", queryset=Direction.objects.order_by("position")),
            Prefetch("fields", queryset=FormField.objects.order_by("position", "id")),
            Prefetch("criteria", queryset=Criterion.objects.order_by("position", "id")),
        )
        .first()
    )


def direction_options(*, park: Park, keep: Iterable[int] = ()) -> list[Direction]:
    """The park's directions a call may name: archived ones only when the call has them."""
    return list(
        Direction.all_parks.filter(park=park)
        .filter(Q(archived_at__isnull=True) | Q(pk__in=list(keep)))
        .order_by("position", "name")
    )


def archived_count(*, park: Park) -> int:
    return Call.all_parks.filter(park=park, status=CallStatus.ARCHIVED).count()
