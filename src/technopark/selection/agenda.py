"""What selection has waiting for a person (``parks.agenda``): a founder's applications, an
expert's reviews, the staff's screening, assignments, overdue reviews and council decisions.

One aggregate query per kind of item, grouped by call where the place to act is the call's page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.db.models.lookups import In
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from technopark.parks import agenda
from technopark.parks.agenda import DUE, INFO, OVERDUE, Item
from technopark.parks.models import Park
from technopark.parks.rules import ParkAccess
from technopark.selection import rules
from technopark.selection.models import (
    Application,
    ApplicationStatus,
    AssignmentStatus,
    Call,
    CallStatus,
    EligibilityState,
    Review,
    ReviewAssignment,
)
from technopark.selection.queries.council import eligibility_state
from technopark.selection.queries.review import review_queue


def _url(name: str, park: Park, **kwargs: Any) -> str:
    return reverse(f"selection:{name}", kwargs={"park_slug": park.slug, **kwargs})


def founder_items(park: Park, user: Any, now: datetime) -> list[Item]:
    """Drafts of calls still open, requests for more information, applications under review
    (one query: the person's applications counted by status)."""
    rows = (
        Application.all_parks.filter(
            park=park, company__team__user=user, company__team__acts_for_company=True
        )
        .filter(
            Q(
                status=ApplicationStatus.DRAFT,
                call__status=CallStatus.PUBLISHED,
                call__closes_at__gt=now,
            )
            | Q(status__in=(ApplicationStatus.INFO_REQUESTED, ApplicationStatus.SUBMITTED))
        )
        .order_by()
        .values("status")
        .annotate(n=Count("id", distinct=True), one=Max("id"), closes=Min("call__closes_at"))
    )
    items = []
    for row in rows:
        n, status = row["n"], row["status"]
        single = n == 1
        if status == ApplicationStatus.DRAFT:
            label = ngettext(
                "%(n)d draft application is not submitted yet",
                "%(n)d draft applications are not submitted yet",
                n,
            )
            url = (
                _url("application_edit", park, pk=row["one"])
                if single
                else _url("application_list", park)
            )
            items.append(Item("selection.drafts", label % {"n": n}, n, url, DUE, row["closes"]))
        elif status == ApplicationStatus.INFO_REQUESTED:
            label = ngettext(
                "%(n)d application needs more information from you",
                "%(n)d applications need more information from you",
                n,
            )
            url = (
                _url("application_detail", park, pk=row["one"])
                if single
                else _url("application_list", park)
            )
            items.append(Item("selection.info_requested", label % {"n": n}, n, url, DUE))
        else:
            label = ngettext(
                "%(n)d application is under review", "%(n)d applications are under review", n
            )
            url = (
                _url("application_detail", park, pk=row["one"])
                if single
                else _url("application_list", park)
            )
            items.append(Item("selection.under_review", label % {"n": n}, n, url, INFO))
    return items


def expert_items(park: Park, user: Any, now: datetime) -> list[Item]:
    """The expert's reviews not filed yet, the overdue ones apart (one query, over the queue)."""
    totals = (
        review_queue(park=park, user=user)
        .filter(Q(review__isnull=True) | Q(review__submitted_at__isnull=True))
        .order_by()
        .aggregate(
            n=Count("id"),
            late=Count("id", filter=Q(due_at__lt=now)),
            one=Max("id"),
            due=Min("due_at", filter=Q(due_at__gte=now)),
            late_since=Min("due_at"),
        )
    )
    n, late = totals["n"], totals["late"]
    if not n:
        return []
    url = (
        _url("review_detail", park, assignment_id=totals["one"])
        if n == 1
        else _url("review_queue", park)
    )
    items = []
    if late:
        label = ngettext("%(n)d review is overdue", "%(n)d reviews are overdue", late)
        items.append(
            Item(
                "selection.reviews_overdue",
                label % {"n": late},
                late,
                url,
                OVERDUE,
                totals["late_since"],
            )
        )
    if n - late:
        label = ngettext("%(n)d review to write", "%(n)d reviews to write", n - late)
        items.append(
            Item(
                "selection.reviews_due", label % {"n": n - late}, n - late, url, DUE, totals["due"]
            )
        )
    return items


def _screening() -> Any:
    """The condition "to screen" (eligibility not screened or needing a decision), as an
    expression a filtered count can take: the state of ``eligibility_state()`` looked up."""
    return In(eligibility_state(), [EligibilityState.NOT_SCREENED, EligibilityState.NEEDS_DECISION])


def staff_items(park: Park, user: Any, now: datetime) -> list[Item]:
    """Per call: applications to screen, proposed assignments to publish, overdue reviews and
    applications of closed calls waiting for the council (two queries, grouped by call: the
    submitted applications counted both ways at once, the assignments likewise)."""
    items: list[Item] = []
    by_call = list(
        Application.all_parks.filter(park=park, status=ApplicationStatus.SUBMITTED)
        .order_by()
        .values("call_id", "call__title")
        .annotate(
            screen=Count("id", filter=_screening()),
            council=Count("id", filter=Q(call__closes_at__lte=now)),
        )
        .order_by("call_id")
    )
    for row in by_call:
        n = row["screen"]
        if not n:
            continue
        label = ngettext(
            "%(n)d application to screen in “%(call)s”",
            "%(n)d applications to screen in “%(call)s”",
            n,
        ) % {"n": n, "call": row["call__title"]}
        url = _url("call_screening", park, call_id=row["call_id"])
        items.append(Item("selection.screening", label, n, url, DUE))
    # A review is not filed while it has no row or its row has no submission date (a review
    # belongs to one assignment: "no filed review" is the same as the left join's test). Both
    # kinds are ranges of the assignments' (status, due date) index: the rows read are only
    # those counted, never every assignment of the park.
    filed = Review.objects.filter(assignment=OuterRef("pk"), submitted_at__isnull=False)
    proposed = Q(status=AssignmentStatus.PROPOSED)
    late = Q(~Exists(filed), status=AssignmentStatus.PUBLISHED, due_at__lt=now)
    assignments = (
        ReviewAssignment.objects.filter(application__park=park)
        .filter(proposed | Q(status=AssignmentStatus.PUBLISHED, due_at__lt=now))
        .order_by()
        .values("application__call_id", "application__call__title")
        .annotate(
            proposed=Count("id", filter=proposed),
            late=Count("id", filter=late),
            since=Min("due_at", filter=late),
        )
        .order_by("application__call_id")
    )
    rows = list(assignments)
    for proposal in rows:
        n = proposal["proposed"]
        if not n:
            continue
        label = ngettext(
            "%(n)d proposed assignment to publish in “%(call)s”",
            "%(n)d proposed assignments to publish in “%(call)s”",
            n,
        ) % {"n": n, "call": proposal["application__call__title"]}
        url = _url("assignment_board", park, call_id=proposal["application__call_id"])
        items.append(Item("selection.assignments", label, n, url, DUE))
    for overdue in rows:
        n = overdue["late"]
        if not n:
            continue
        label = ngettext(
            "%(n)d review overdue in “%(call)s”", "%(n)d reviews overdue in “%(call)s”", n
        ) % {"n": n, "call": overdue["application__call__title"]}
        url = _url("assignment_board", park, call_id=overdue["application__call_id"])
        items.append(Item("selection.reviews_late", label, n, url, OVERDUE, overdue["since"]))
    for row in by_call:
        n = row["council"]
        if not n:
            continue
        label = ngettext(
            "%(n)d application waits for the council's decision in “%(call)s”",
            "%(n)d applications wait for the council's decision in “%(call)s”",
            n,
        ) % {"n": n, "call": row["call__title"]}
        url = _url("council_ranking", park, call_id=row["call_id"])
        items.append(Item("selection.council", label, n, url, DUE))
    return items


def open_calls_by_park(parks: list[Park], now: datetime | None = None) -> dict[int, list[Any]]:
    """The front page's open calls of each listed park, soonest deadline first (one query)."""
    moment = now or timezone.now()
    by_park: dict[int, list[Any]] = {}
    rows = Call.all_parks.filter(
        park__in=[park.pk for park in parks],
        status=CallStatus.PUBLISHED,
        opens_at__lte=moment,
        closes_at__gt=moment,
    ).order_by("closes_at", "id")
    for call in rows.only("id", "park_id", "title", "closes_at"):
        by_park.setdefault(call.park_id, []).append(call)
    return by_park


@agenda.reads("selection", "companies")
def provider(park: Park, user: Any, access: ParkAccess, now: datetime) -> list[Item]:
    items: list[Item] = []
    if rules.can_list_own_applications(access):
        items += founder_items(park, user, now)
    if rules.can_review(access):
        items += expert_items(park, user, now)
    if rules.can_screen_applications(access) and rules.can_view_council(access):
        items += staff_items(park, user, now)
    return items
