"""Reminders of milestone reports: a milestone due within a week, or overdue, with no report
filed (its status is ``open``: never reported, or a report returned for changes) — the people
who act for the company are told. Safe to run every day: each reminder goes once per milestone
and kind (due soon, overdue), by its notice key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef

from technopark.core.localtime import local_today
from technopark.grants.models import (
    GrantAward,
    Milestone,
    MilestoneStatus,
    Tranche,
    TrancheStatus,
)
from technopark.grants.services.notices import tell_company
from technopark.parks.models import Park

DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class ReminderRun:
    milestones: int  # milestones reminded of
    notices: int  # notices made (people × milestones, each once)


def grants_report_reminders(*, at: datetime | None = None, park: Park | None = None) -> ReminderRun:
    """Remind every company whose milestone report is due within ``DUE_SOON_DAYS`` days or
    overdue (dates in each park's time zone at the instant ``at``, now when not given). Awards
    that are cancelled are left alone. Reads across parks (the caller opens the scope); each
    park's reminders are written in a transaction of their own. Nothing is locked: the notices'
    keys keep a reminder from going twice."""
    parks = [park] if park is not None else list(Park.objects.order_by("pk"))
    milestones = notices = 0
    for each in parks:
        today = local_today(each.time_zone, at=at)
        due = (
            Milestone.objects.filter(
                award__park=each,
                award__cancelled_at__isnull=True,
                status=MilestoneStatus.OPEN,
                due_on__lte=today + timedelta(days=DUE_SOON_DAYS),
            )
            # A milestone dropped by the commission (its tranches all cancelled) owes nothing.
            .exclude(
                Exists(Tranche.objects.filter(milestone=OuterRef("pk")))
                & ~Exists(
                    Tranche.objects.filter(milestone=OuterRef("pk")).exclude(
                        status=TrancheStatus.CANCELLED
                    )
                )
            )
            .select_related("award__participant__company")
            .order_by("due_on", "pk")
        )
        with transaction.atomic():
            for milestone in due:
                award: GrantAward = milestone.award
                kind = "report_overdue" if milestone.due_on < today else "report_due"
                told = tell_company(
                    award=award,
                    park=each,
                    kind=kind,
                    context={"milestone": milestone},
                    key=f"grants.milestone:{milestone.pk}:{kind}",
                )
                if told:
                    milestones += 1
                    notices += told
    return ReminderRun(milestones=milestones, notices=notices)
