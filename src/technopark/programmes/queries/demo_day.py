"""Reads of the demo day: a demo day with its pitches, guests and feedback; who may be invited."""

from __future__ import annotations

from django.db.models import Prefetch

from technopark.accounts.models import User
from technopark.parks.models import Park, Role
from technopark.programmes.models import (
    DemoDay,
    DemoDayGuest,
    Pitch,
    PitchFeedback,
)
from technopark.programmes.queries._common import members_with_roles


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
