"""The demo's matching: the park's default match weights, and one running cohort matched with
the park's mentors and published (its pairings open, source "batch matching").

A no-op where the park has no mentor profiles (the profiles part seeds them), no manager
account, or no running cohort with active participants; idempotent (a cohort already matched
is left alone).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError

from technopark.network.models import MatchRun, MatchRunStatus, Profile, ProfileKind
from technopark.network.services import matching
from technopark.parks.models import Park
from technopark.parks.rules import access_for
from technopark.programmes.models import Cohort, ParticipantStatus

# Directions and needs count most; a common language matters for a programme run in Russian.
DEMO_WEIGHTS = {
    "directions": 6,
    "needs": 5,
    "stage": 3,
    "language": 4,
    "time_zone": 2,
    "ratings": 2,
    "load": 2,
}


def _account(accounts: Any, role: str) -> Any:
    if not isinstance(accounts, dict):
        return None
    found = accounts.get(role)
    return found if found is not None else accounts.get(f"{role}@demo.technopark")


def seed_matching(park: Park, *, accounts: Any, now: datetime) -> MatchRun | None:
    """Set the weights and publish the batch matching of one running cohort; the run, or None
    when there was nothing to do."""
    manager = _account(accounts, "manager")
    if manager is None:
        return None
    if not Profile.all_parks.filter(park=park, kind=ProfileKind.MENTOR, is_active=True).exists():
        return None
    staff = access_for(manager, park)
    matching.weights_save(access=staff, values=DEMO_WEIGHTS, now=now)
    today = now.date()
    cohort = (
        Cohort.all_parks.filter(
            park=park,
            archived_at__isnull=True,
            starts_on__lte=today,
            ends_on__gte=today,
            participants__status=ParticipantStatus.ACTIVE,
        )
        .order_by("-starts_on", "pk")
        .distinct()
        .first()
    )
    if cohort is None:
        return None
    if MatchRun.all_parks.filter(park=park, cohort=cohort).exists():
        return None
    try:
        run = matching.run_create(access=staff, cohort=cohort, mentors_per_company=1, now=now)
        if run.total_score > 0:
            return matching.run_publish(access=staff, run=run, now=now)
        return run if run.status == MatchRunStatus.DRAFT else None
    except ValidationError:  # no mentor with a place left: the demo simply has no matching
        return None
