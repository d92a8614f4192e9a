"""What grants have waiting for a person (``parks.agenda``): a founder's milestones due or
overdue and reports returned; the staff's tranches to approve or pay and reports to review."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, FilteredRelation, Max, Min, OuterRef, Q
from django.urls import reverse
from django.utils.translation import ngettext

from technopark.companies.models import TeamMember
from technopark.core.localtime import local_today
from technopark.grants import rules
from technopark.grants.models import (
    GrantReport,
    Milestone,
    MilestoneStatus,
    ReportStatus,
    Tranche,
    TrancheStatus,
)
from technopark.parks import agenda
from technopark.parks.agenda import DUE, OVERDUE, Item
from technopark.parks.models import Park
from technopark.parks.rules import ParkAccess

# A milestone shows on the founder's home this many days before it is due.
MILESTONE_HORIZON_DAYS = 30


def _award_url(park: Park, award_id: int | None, n: int, fallback: str) -> str:
    if n == 1 and award_id is not None:
        return reverse("grants:detail", kwargs={"park_slug": park.slug, "pk": award_id})
    return reverse(fallback, kwargs={"park_slug": park.slug})


def _awards(totals: dict[str, Any], figure: str) -> int:
    """1 when every row counted in ``figure`` is of one award (its smallest and largest award
    ids are equal: ``_award_url`` then links to it), 2 otherwise; cheaper than counting the
    distinct awards."""
    first, last = totals[f"{figure}_first"], totals[f"{figure}_last"]
    return 1 if first is not None and first == last else 2


def founder_items(park: Park, user: Any, now: datetime) -> list[Item]:
    """Open milestones of the person's grants that are overdue or due within the horizon, and
    milestones whose latest report was returned (two queries)."""
    today = local_today(park.time_zone, at=now)
    # The companies the person acts for first (their few team rows): a milestone is then counted
    # once, with no join that repeats it per team member (and no distinct count).
    acting = TeamMember.objects.filter(user=user, acts_for_company=True).values("company_id")
    horizon = today + timedelta(days=MILESTONE_HORIZON_DAYS)
    returned = Exists(
        GrantReport.objects.filter(milestone=OuterRef("pk"), status=ReportStatus.RETURNED).exclude(
            Exists(
                GrantReport.objects.filter(
                    milestone=OuterRef("milestone"), filed_at__gt=OuterRef("filed_at")
                )
            )
        )
    )
    totals = (
        Milestone.objects.filter(
            award__park=park,
            award__cancelled_at__isnull=True,
            award__participant__company_id__in=acting,
            status=MilestoneStatus.OPEN,
        )
        .annotate(returned=returned)  # built once, read by three counts
        .order_by()
        .aggregate(
            late=Count("id", filter=Q(due_on__lt=today, returned=False)),
            soon=Count("id", filter=Q(due_on__gte=today, due_on__lte=horizon, returned=False)),
            returned_n=Count("id", filter=Q(returned=True)),
            award_first=Min("award_id"),
            award_last=Max("award_id"),
            late_since=Min("due_on", filter=Q(due_on__lt=today)),
            next_due=Min("due_on", filter=Q(due_on__gte=today)),
        )
    )
    totals["award"] = totals["award_last"]
    totals["awards"] = _awards(totals, "award")
    one_award = totals["awards"]
    items: list[Item] = []
    if totals["late"]:
        n = totals["late"]
        label = ngettext(
            "%(n)d grant milestone is overdue: report on it",
            "%(n)d grant milestones are overdue: report on them",
            n,
        ) % {"n": n}
        url = _award_url(park, totals["award"], one_award, "grants:my_grants")
        items.append(Item("grants.milestones_late", label, n, url, OVERDUE, totals["late_since"]))
    if totals["soon"]:
        n = totals["soon"]
        label = ngettext(
            "%(n)d grant milestone is due soon", "%(n)d grant milestones are due soon", n
        ) % {"n": n}
        url = _award_url(park, totals["award"], one_award, "grants:my_grants")
        items.append(Item("grants.milestones_due", label, n, url, DUE, totals["next_due"]))
    if totals["returned_n"]:
        n = totals["returned_n"]
        label = ngettext(
            "%(n)d grant report was returned for changes",
            "%(n)d grant reports were returned for changes",
            n,
        ) % {"n": n}
        url = _award_url(park, totals["award"], one_award, "grants:my_grants")
        items.append(Item("grants.reports_returned", label, n, url, DUE))
    return items


def staff_items(park: Park, user: Any, now: datetime) -> list[Item]:
    """Tranches waiting for this person's approval, approved tranches waiting for payment
    (one query) and grant reports waiting for review (one query)."""
    # The person's own approval is joined (at most one per tranche and person) rather than
    # looked up in a subquery per figure: each tranche is read once, whatever the figures.
    to_approve = Q(status=TrancheStatus.REQUESTED, my_approval__isnull=True) & ~Q(
        requested_by_id=user.pk
    )
    to_pay = Q(status=TrancheStatus.APPROVED)
    totals = (
        Tranche.objects.filter(award__park=park, award__cancelled_at__isnull=True)
        .filter(status__in=(TrancheStatus.REQUESTED, TrancheStatus.APPROVED))
        .annotate(
            my_approval=FilteredRelation("approvals", condition=Q(approvals__approver_id=user.pk))
        )
        .order_by()
        .aggregate(
            to_approve=Count("id", filter=to_approve),
            approve_first=Min("award_id", filter=to_approve),
            approve_last=Max("award_id", filter=to_approve),
            to_pay=Count("id", filter=to_pay),
            pay_first=Min("award_id", filter=to_pay),
            pay_last=Max("award_id", filter=to_pay),
        )
    )
    items: list[Item] = []
    if totals["to_approve"]:
        n = totals["to_approve"]
        label = ngettext(
            "%(n)d tranche waits for your approval", "%(n)d tranches wait for your approval", n
        ) % {"n": n}
        url = _award_url(park, totals["approve_last"], _awards(totals, "approve"), "grants:list")
        items.append(Item("grants.tranches_to_approve", label, n, url, DUE))
    if totals["to_pay"]:
        n = totals["to_pay"]
        label = ngettext(
            "%(n)d approved tranche waits for payment",
            "%(n)d approved tranches wait for payment",
            n,
        ) % {"n": n}
        url = _award_url(park, totals["pay_last"], _awards(totals, "pay"), "grants:list")
        items.append(Item("grants.tranches_to_pay", label, n, url, DUE))
    reports = (
        GrantReport.objects.filter(
            milestone__award__park=park,
            milestone__award__cancelled_at__isnull=True,
            status=ReportStatus.SUBMITTED,
        )
        .order_by()
        .aggregate(
            n=Count("id"),
            reports_first=Min("milestone__award_id"),
            reports_last=Max("milestone__award_id"),
        )
    )
    if reports["n"]:
        n = reports["n"]
        label = ngettext("%(n)d grant report to review", "%(n)d grant reports to review", n) % {
            "n": n
        }
        url = _award_url(park, reports["reports_last"], _awards(reports, "reports"), "grants:list")
        items.append(Item("grants.reports_to_review", label, n, url, DUE))
    return items


@agenda.reads("grants", "companies", "programmes")
def provider(park: Park, user: Any, access: ParkAccess, now: datetime) -> list[Item]:
    items: list[Item] = []
    if rules.can_view_my_grants(access):
        items += founder_items(park, user, now)
    if rules.can_manage_grants(access):
        items += staff_items(park, user, now)
    return items
