"""What programmes have waiting for a person (``parks.agenda``): a participant's sessions this
week, a mentor's companies, a guest's demo days; for staff, stage claims to confirm."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils.translation import ngettext

from technopark.parks import agenda
from technopark.parks.agenda import DUE, INFO, Item
from technopark.parks.models import Park, Role
from technopark.parks.rules import ParkAccess, has_role, is_member
from technopark.programmes import rules
from technopark.programmes.models import (
    CurriculumSession,
    DemoDayGuest,
    Participant,
    ParticipantStatus,
    ProposalStatus,
    StageProposal,
)

WEEK = timedelta(days=7)
# Members who may be invited to a demo day as guests (staff run it, founders pitch).
_GUEST_ROLES = frozenset({Role.PARTNER, Role.INVESTOR, Role.CUSTOMER, Role.MENTOR, Role.EXPERT})


def _mine(park: Park) -> str:
    return reverse("programmes:mine", kwargs={"park_slug": park.slug})


def participant_items(park: Park, user: Any, now: datetime) -> list[Item]:
    """Sessions of the person's active cohorts in the coming seven days (one query)."""
    # The person's cohorts: those where an active participant has them as an attendee, or has
    # them in its company's team. Two small subqueries driven by the person (never a join of
    # every participant, attendee and team member of the park, counted distinct).
    active = Participant.objects.filter(status=ParticipantStatus.ACTIVE)
    attending = active.filter(attendees__user=user).values("cohort_id")
    in_team = active.filter(company__team__user=user).values("cohort_id")
    totals = (
        CurriculumSession.objects.filter(
            cohort__park=park, starts_at__gte=now, starts_at__lt=now + WEEK
        )
        .filter(Q(cohort_id__in=attending) | Q(cohort_id__in=in_team))
        .order_by()
        .aggregate(n=Count("id"), first=Min("starts_at"))
    )
    if not totals["n"]:
        return []
    n = totals["n"]
    label = ngettext(
        "%(n)d programme session in the coming week",
        "%(n)d programme sessions in the coming week",
        n,
    ) % {"n": n}
    return [Item("programmes.sessions", label, n, _mine(park), INFO, totals["first"])]


def mentor_items(park: Park, user: Any) -> list[Item]:
    """The active participants the person mentors (one query)."""
    n = Participant.objects.filter(
        cohort__park=park, mentors=user, status=ParticipantStatus.ACTIVE
    ).count()
    if not n:
        return []
    label = ngettext(
        "%(n)d company in a programme is mentored by you",
        "%(n)d companies in programmes are mentored by you",
        n,
    ) % {"n": n}
    return [Item("programmes.mentees", label, n, _mine(park), INFO)]


def guest_items(park: Park, user: Any, now: datetime) -> list[Item]:
    """Demo days ahead to which the person is invited (one query)."""
    totals = (
        DemoDayGuest.objects.filter(
            demo_day__cohort__park=park,
            user=user,
            revoked_at__isnull=True,
            demo_day__starts_at__gte=now,
        )
        .order_by()
        .aggregate(
            n=Count("demo_day", distinct=True),
            one=Max("demo_day_id"),
            first=Min("demo_day__starts_at"),
        )
    )
    if not totals["n"]:
        return []
    n = totals["n"]
    label = ngettext(
        "%(n)d demo day ahead you are invited to",
        "%(n)d demo days ahead you are invited to",
        n,
    ) % {"n": n}
    url = (
        reverse("programmes:demo_day", kwargs={"park_slug": park.slug, "pk": totals["one"]})
        if n == 1
        else reverse("programmes:list", kwargs={"park_slug": park.slug})
    )
    return [Item("programmes.demo_days", label, n, url, INFO, totals["first"])]


def staff_items(park: Park) -> list[Item]:
    """Stage claims waiting for confirmation, in one line however many cohorts have them (a
    national park runs a hundred): the cohort's dashboard when it is one cohort (one query)."""
    totals = (
        StageProposal.objects.filter(participant__cohort__park=park, status=ProposalStatus.PROPOSED)
        .order_by()
        .aggregate(
            n=Count("id"),
            cohorts=Count("participant__cohort_id", distinct=True),
            cohort=Min("participant__cohort_id"),
        )
    )
    n = totals["n"]
    if not n:
        return []
    label = ngettext("%(n)d stage claim to confirm", "%(n)d stage claims to confirm", n) % {"n": n}
    if totals["cohorts"] == 1:
        url = reverse(
            "programmes:dashboard", kwargs={"park_slug": park.slug, "pk": totals["cohort"]}
        )
    else:
        url = reverse("programmes:list", kwargs={"park_slug": park.slug})
    return [Item("programmes.stage_claims", label, n, url, DUE)]


@agenda.reads("programmes", "companies")
def provider(park: Park, user: Any, access: ParkAccess, now: datetime) -> list[Item]:
    items: list[Item] = []
    if has_role(access, Role.FOUNDER):
        items += participant_items(park, user, now)
    if has_role(access, Role.MENTOR):
        items += mentor_items(park, user)
    if is_member(access) and access.roles & _GUEST_ROLES:
        items += guest_items(park, user, now)
    if rules.can_decide_stage(access):
        items += staff_items(park)
    return items
