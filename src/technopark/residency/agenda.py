"""What residency has waiting for a person (``parks.agenda``): a founder's quarterly reports due
or returned; the staff's reports to review and residents behind with their reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, F, Max, Q, Value
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext

from technopark.companies.models import TeamMember
from technopark.parks import agenda
from technopark.parks.agenda import DUE, OVERDUE, Item
from technopark.parks.models import Park
from technopark.parks.rules import ParkAccess
from technopark.residency import queries, rules
from technopark.residency.models import (
    CURRENT_STATES,
    QuarterlyReport,
    ReportReview,
    ResidentStatus,
)
from technopark.residency.schedule import (
    Quarter,
    current_quarter,
    is_overdue,
    last_due_quarter,
)


def founder_items(park: Park, user: Any, now: datetime) -> list[Item]:
    """The current quarter's reports not filed (the banner's query) and reports returned for
    correction (one more query)."""
    items: list[Item] = []
    due = queries.due_reports_of_user(park=park, user=user, now=now)
    if due:
        quarter = current_quarter(park.time_zone, now)
        late = is_overdue(quarter, park.time_zone, now)
        n = len(due)
        if late:
            label = ngettext(
                "%(n)d quarterly report for %(quarter)s is overdue",
                "%(n)d quarterly reports for %(quarter)s are overdue",
                n,
            )
        else:
            label = ngettext(
                "%(n)d quarterly report for %(quarter)s is due",
                "%(n)d quarterly reports for %(quarter)s are due",
                n,
            )
        url = (
            reverse(
                "residency:report_file",
                kwargs={"park_slug": park.slug, "company_pk": due[0]["company_id"]},
            )
            if n == 1
            else reverse("residency:my_reports", kwargs={"park_slug": park.slug})
        )
        items.append(
            Item(
                "residency.report_due",
                label % {"n": n, "quarter": _quarter_label(quarter)},
                n,
                url,
                OVERDUE if late else DUE,
                quarter.due_date,
            )
        )
    # Reports of the companies the person acts for (their few team rows first).
    acting = TeamMember.objects.filter(user=user, acts_for_company=True).values("company_id")
    returned = (
        QuarterlyReport.all_parks.filter(
            park=park,
            review=ReportReview.RETURNED,
            resident__status__in=CURRENT_STATES,
            company_id__in=acting,
        )
        .order_by()
        .aggregate(n=Count("id"), company=Max("company_id"))
    )
    if returned["n"]:
        n = returned["n"]
        label = ngettext(
            "%(n)d quarterly report was returned for correction",
            "%(n)d quarterly reports were returned for correction",
            n,
        )
        url = reverse("residency:my_reports", kwargs={"park_slug": park.slug})
        items.append(Item("residency.report_returned", label % {"n": n}, n, url, DUE))
    return items


def _quarter_label(quarter: Quarter) -> str:
    return str(quarter)


def residents_behind(*, park: Park, now: datetime) -> int:
    """How many current residents have at least one overdue report: the rows of the overdue list
    (``queries.overdue_list``), counted with one join of the reports instead of a subquery per
    resident. A resident files at most one report a quarter, so it is behind exactly when it
    filed fewer reports from its first owed quarter to the last one due than those quarters."""
    last_due = last_due_quarter(park.time_zone, now).period
    in_range = Q(
        reports__park=park,
        reports__period__gte=F("reports_from"),
        reports__period__lte=last_due,
    )
    return (
        ResidentStatus.all_parks.filter(
            park=park, status__in=CURRENT_STATES, reports_from__lte=last_due
        )
        .order_by()
        .annotate(filed=Count("reports", filter=in_range))
        .filter(filed__lt=Value(last_due + 1) - F("reports_from"))
        .count()
    )


def staff_items(park: Park, now: datetime) -> list[Item]:
    """Reports filed and not reviewed, per quarter (one query), and residents with overdue
    reports (one query)."""
    items: list[Item] = []
    waiting = (
        QuarterlyReport.all_parks.filter(park=park, review=ReportReview.FILED)
        .order_by()
        .values("year", "quarter")
        .annotate(n=Count("id"))
        .order_by("year", "quarter")
    )
    for row in waiting:
        n = row["n"]
        quarter = Quarter(row["year"], row["quarter"])
        label = ngettext(
            "%(n)d quarterly report for %(quarter)s to review",
            "%(n)d quarterly reports for %(quarter)s to review",
            n,
        ) % {"n": n, "quarter": _quarter_label(quarter)}
        url = reverse("residency:staff_reports", kwargs={"park_slug": park.slug})
        url += "?" + urlencode({"year": quarter.year, "quarter": quarter.quarter})
        items.append(Item("residency.reports_to_review", label, n, url, DUE))
    behind = residents_behind(park=park, now=now)
    if behind:
        label = ngettext(
            "%(n)d resident is behind with quarterly reports",
            "%(n)d residents are behind with quarterly reports",
            behind,
        ) % {"n": behind}
        url = reverse("residency:staff_overdue", kwargs={"park_slug": park.slug})
        items.append(Item("residency.residents_behind", label, behind, url, OVERDUE))
    return items


@agenda.reads("residency", "companies")
def provider(park: Park, user: Any, access: ParkAccess, now: datetime) -> list[Item]:
    items: list[Item] = []
    if rules.can_file_reports(access):
        items += founder_items(park, user, now)
    if rules.can_manage_residents(access):
        items += staff_items(park, now)
    return items
