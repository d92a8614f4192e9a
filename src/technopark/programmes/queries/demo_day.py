"""Reads of the demo day: a demo day with its pitches, guests and feedback; who may be invited."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Prefetch

from technopark.accounts.models import User
from technopark.core.localtime import to_local, zone_named
from technopark.parks.models import Park, Role
from technopark.programmes.models import (
    DemoDay,
    DemoDayGuest,
    Pitch,
    PitchFeedback,
)
from technopark.programmes.queries._common import members_with_roles, zone_name


def guest_options(*, park: Park) -> list[User]:
    return members_with_roles(park=park, roles=[Role.INVESTOR, Role.CUSTOMER, Role.PARTNER])


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


def guest_links_expire_at(demo_day: DemoDay) -> datetime:
    """When outside guests' feedback links stop working: the midnight after the demo day's date,
    in the zone it is held in (its site's, else the cohort's site's, else the park's)."""
    zone = zone_named(zone_name(site=demo_day.site, cohort=demo_day.cohort))
    day = to_local(demo_day.starts_at, zone).date()
    return datetime.combine(day + timedelta(days=1), time(0), zone)


def guest_by_link(*, demo_day_id: int, secret_hash: str) -> DemoDayGuest | None:
    """The outside guest of that demo day whose link has this hash, with the demo day, its
    pitches and the guest's own feedback (four queries)."""
    if not secret_hash:
        return None
    return (
        DemoDayGuest.objects.filter(
            demo_day_id=demo_day_id, link_hash=secret_hash, user__isnull=True
        )
        .select_related("demo_day__cohort__park", "demo_day__cohort__site", "demo_day__site")
        .first()
    )


def demo_day_feedback_rows(*, demo_day: DemoDay) -> list[PitchFeedback]:
    """Every guest's feedback on the demo day's pitches, members' and outside guests' (one
    query), in pitch order."""
    return list(
        PitchFeedback.objects.filter(pitch__demo_day=demo_day)
        .select_related("pitch__participant__company", "guest__user")
        .order_by("pitch__position", "guest__kind", "guest__name", "id")
    )


def guest_for(*, park: Park, pk: int) -> DemoDayGuest | None:
    return (
        DemoDayGuest.objects.filter(demo_day__cohort__park=park, pk=pk)
        .select_related(
            "demo_day__cohort__park", "demo_day__cohort__site", "demo_day__site", "user"
        )
        .first()
    )


def guest_pitches(*, demo_day: DemoDay) -> list[Pitch]:
    """The demo day's pitches in order with their feedback (two queries)."""
    return list(
        Pitch.objects.filter(demo_day=demo_day)
        .select_related("participant__company")
        .prefetch_related("feedback")
        .order_by("position")
    )
