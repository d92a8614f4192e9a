"""Reads of residents and their reports, shaped for the pages and the API that show them.

Overdue reports are counted in SQL: a current resident owes one report for every quarter from its
first (``reports_from``) to the last quarter now past its due date; those it filed are subtracted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from technopark.companies.models import Company, TeamMember
from technopark.core.params import ID, Choice, Integer, Param, Text, param_value
from technopark.parks.models import Direction, Park
from technopark.residency.models import (
    CURRENT_STATES,
    QuarterlyReport,
    ReportReview,
    ResidentState,
    ResidentStatus,
    StatusChange,
)
from technopark.residency.schedule import (
    Quarter,
    current_quarter,
    last_due_quarter,
    overdue_quarters,
)

# Two overdue reports flag a resident for suspension (staff decide; nothing is automatic).
FLAG_THRESHOLD = 2

REGISTER_STATES = ("current", *ResidentState.values, "all")

#: the register's filters as its page and its API read them from the address
FILTER_PARAMS: dict[str, Param] = {
    "q": Text(max_length=100),
    "direction": Integer(),
    "status": Choice.of(REGISTER_STATES),
}


def _as_int(params: Any, name: str) -> int | None:
    value = param_value(params, name, ID, None)
    return value if isinstance(value, int) else None


def _text(params: Any, name: str) -> str:
    """A search text: at most 100 characters, no control character (PostgreSQL cannot compare
    with NUL); anything else is no search."""
    return str(param_value(params, name, FILTER_PARAMS["q"], ""))


@dataclass(frozen=True)
class RegisterFilters:
    """The public register's search and filters. ``status`` "current" (the default) lists active
    and suspended residents; "all" adds former ones."""

    q: str = ""
    direction: int | None = None
    status: str = "current"

    @classmethod
    def from_params(cls, params: Any) -> RegisterFilters:
        status = str(params.get("status") or "current")
        return cls(
            q=_text(params, "q"),
            direction=_as_int(params, "direction"),
            status=status if status in REGISTER_STATES else "current",
        )


def _directions_prefetch() -> Prefetch:
    return Prefetch("directions", queryset=Direction.objects.order_by("position", "name"))


def _filtered(rows: QuerySet[ResidentStatus], park: Park, q: str, direction: int | None) -> Any:
    if q:
        rows = rows.filter(company__search_text__contains=q.casefold())
    if direction is not None:
        matching = Direction.all_parks.filter(park=park).filter(
            Q(pk=direction) | Q(parent_id=direction)
        )
        rows = rows.filter(
            pk__in=ResidentStatus.directions.through.objects.filter(direction__in=matching).values(
                "residentstatus_id"
            )
        )
    return rows


def _status_filter(rows: QuerySet[ResidentStatus], status: str) -> QuerySet[ResidentStatus]:
    if status == "current":
        return rows.filter(status__in=CURRENT_STATES)
    if status in ResidentState.values:
        return rows.filter(status=status)
    return rows


def register_list(*, park: Park, filters: RegisterFilters) -> QuerySet[ResidentStatus]:
    """The public register: residents with their company and site, and their directions.

    Two queries however many rows are read (plus the count when paged).
    """
    rows = _status_filter(ResidentStatus.all_parks.filter(park=park), filters.status)
    rows = _filtered(rows, park, filters.q, filters.direction)
    return (
        rows.select_related("company", "site")
        .prefetch_related(_directions_prefetch())
        .order_by("company__short_name", "id")
    )


def with_overdue(rows: QuerySet[ResidentStatus], *, tz: str, now: datetime | None = None) -> Any:
    """Annotate ``overdue_count``: reports of current residents that are past due and not filed
    (0 for former residents)."""
    last_due = last_due_quarter(tz, now).period
    filed = Subquery(
        QuarterlyReport.all_parks.filter(
            park=OuterRef("park"),
            resident=OuterRef("pk"),
            period__gte=OuterRef("reports_from"),
            period__lte=last_due,
        )
        .order_by()
        .values("resident")
        .annotate(n=Count("id"))
        .values("n"),
        output_field=IntegerField(),
    )
    owed = Greatest(Value(last_due + 1) - F("reports_from"), Value(0))
    return rows.annotate(
        overdue_count=Greatest(
            owed - Coalesce(filed, Value(0)), Value(0), output_field=IntegerField()
        )
    )


@dataclass(frozen=True)
class StaffFilters:
    """The staff's resident list: search, status (any by default), direction, flagged only."""

    q: str = ""
    status: str = "all"
    direction: int | None = None
    flagged: bool = False
    overdue: bool = False

    @classmethod
    def from_params(cls, params: Any) -> StaffFilters:
        status = str(params.get("status") or "all")
        return cls(
            q=_text(params, "q"),
            status=status if status in REGISTER_STATES else "all",
            direction=_as_int(params, "direction"),
            flagged=str(params.get("flagged") or "") in ("1", "on", "true"),
            overdue=str(params.get("overdue") or "") in ("1", "on", "true"),
        )


def staff_resident_list(
    *, park: Park, filters: StaffFilters, now: datetime | None = None
) -> QuerySet[ResidentStatus]:
    """Residents for the staff: with ``overdue_count``; flagged ones (two or more overdue) or
    those with any overdue report on request. Two queries a page (plus the count)."""
    rows: Any = _status_filter(ResidentStatus.all_parks.filter(park=park), filters.status)
    rows = _filtered(rows, park, filters.q, filters.direction)
    rows = with_overdue(rows, tz=park.time_zone, now=now)
    if filters.flagged:
        rows = rows.filter(status__in=CURRENT_STATES, overdue_count__gte=FLAG_THRESHOLD)
    elif filters.overdue:
        rows = rows.filter(status__in=CURRENT_STATES, overdue_count__gte=1)
    order = (
        ("-overdue_count", "company__short_name", "id")
        if filters.overdue or filters.flagged
        else (
            "company__short_name",
            "id",
        )
    )
    return (
        rows.select_related("company", "site")
        .prefetch_related(_directions_prefetch())
        .order_by(*order)
    )


def overdue_list(*, park: Park, now: datetime | None = None) -> QuerySet[ResidentStatus]:
    """Current residents with at least one overdue report, most overdue first, with their
    reports' periods loaded (to name the missing quarters): two queries a page plus the count."""
    rows = with_overdue(
        ResidentStatus.all_parks.filter(park=park, status__in=CURRENT_STATES),
        tz=park.time_zone,
        now=now,
    ).filter(overdue_count__gte=1)
    return (
        rows.select_related("company", "park")
        .prefetch_related(
            Prefetch(
                "reports", queryset=QuarterlyReport.objects.only("id", "resident_id", "period")
            )
        )
        .order_by("-overdue_count", "company__short_name", "id")
    )


def missing_quarters(resident: ResidentStatus, *, now: datetime | None = None) -> list[Quarter]:
    """The overdue quarters of a resident whose reports are loaded (no query)."""
    if not resident.is_current:
        return []
    filed = {report.period for report in resident.reports.all()}
    return overdue_quarters(
        reports_from=resident.reports_from, filed=filed, tz=resident.park.time_zone, now=now
    )


def resident_detail(*, park: Park, pk: int, now: datetime | None = None) -> ResidentStatus | None:
    """One resident with its company, site, directions, history and reports (four queries)."""
    return (
        with_overdue(ResidentStatus.all_parks.filter(park=park, pk=pk), tz=park.time_zone, now=now)
        .select_related("company", "site", "park")
        .prefetch_related(
            _directions_prefetch(),
            Prefetch(
                "history",
                queryset=StatusChange.objects.select_related("decided_by").order_by(
                    "-decided_at", "-id"
                ),
            ),
            Prefetch(
                "reports",
                queryset=QuarterlyReport.objects.select_related("submitted_by").order_by("-period"),
            ),
        )
        .first()
    )


def reports_of_quarter(*, park: Park, quarter: Quarter) -> QuerySet[QuarterlyReport]:
    """Every report filed for ``quarter`` in the park, with the resident and company (one query)."""
    return (
        QuarterlyReport.all_parks.filter(park=park, period=quarter.period)
        .select_related("resident", "company", "submitted_by")
        .order_by("company__short_name", "id")
    )


def quarter_summary(*, park: Park, quarter: Quarter) -> dict[str, int]:
    """How many current residents owed ``quarter``'s report, how many filed it, and how many of
    those wait for review or were returned for correction (one query)."""
    owed = ResidentStatus.all_parks.filter(
        park=park, status__in=CURRENT_STATES, reports_from__lte=quarter.period
    )

    def filed(**review: Any) -> Count:
        reports = QuarterlyReport.all_parks.filter(
            resident=OuterRef("pk"), period=quarter.period, **review
        )
        return Count("id", filter=Q(Exists(reports)))

    totals = owed.aggregate(
        owed=Count("id"),
        filed=filed(),
        waiting=filed(review=ReportReview.FILED),
        returned=filed(review=ReportReview.RETURNED),
    )
    return {key: totals[key] for key in ("owed", "filed", "waiting", "returned")}


def report_for_staff(*, park: Park, pk: int) -> QuarterlyReport | None:
    """One report of the park with its resident, company and the people who filed and reviewed
    it (one query); None when the park has no such report."""
    return (
        QuarterlyReport.all_parks.filter(park=park, pk=pk)
        .select_related("resident", "company", "submitted_by", "reviewed_by")
        .first()
    )


def founder_residents(*, park: Park, user: Any) -> list[ResidentStatus]:
    """Current residencies of the companies ``user`` acts for, with their reports (two queries)."""
    if not getattr(user, "is_authenticated", False):
        return []
    acting = TeamMember.objects.filter(
        company=OuterRef("company_id"), user=user, acts_for_company=True
    )
    return list(
        ResidentStatus.all_parks.filter(park=park, status__in=CURRENT_STATES)
        .filter(Exists(acting))
        .select_related("company", "park")
        .prefetch_related(Prefetch("reports", queryset=QuarterlyReport.objects.order_by("-period")))
        .order_by("company__short_name", "id")
    )


def founder_resident(*, park: Park, company_id: int) -> ResidentStatus | None:
    """The current residency of a company of the park, with its company's team loaded, so that
    whether the visitor acts for it needs no further query (three queries)."""
    return (
        ResidentStatus.all_parks.filter(park=park, company_id=company_id, status__in=CURRENT_STATES)
        .select_related("company", "park")
        .prefetch_related(
            Prefetch("company__team", queryset=TeamMember.objects.all()),
            Prefetch("reports", queryset=QuarterlyReport.objects.order_by("-period")),
        )
        .first()
    )


def due_reports_of_user(
    *, park: Park, user: Any, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The banner's content: the user's resident companies whose current report is owed and not
    filed, as plain data (one query)."""
    quarter = current_quarter(park.time_zone, now)
    # The person's companies first (a few rows of their own), then those companies' residents:
    # never a look-up of the person in the team of every resident of the park.
    acting = TeamMember.objects.filter(user=user, acts_for_company=True).values("company_id")
    filed = QuarterlyReport.all_parks.filter(
        park=park, resident=OuterRef("pk"), period=quarter.period
    )
    rows = (
        ResidentStatus.all_parks.filter(
            park=park,
            status__in=CURRENT_STATES,
            reports_from__lte=quarter.period,
            company_id__in=acting,
        )
        .exclude(Exists(filed))
        .order_by("company__short_name", "id")
        .values("company_id", "company__short_name")
    )
    return [
        {"company_id": row["company_id"], "company_name": row["company__short_name"]}
        for row in rows
    ]


def holds_resident_status(*, company: Company) -> bool:
    """The company holds a current resident agreement: active or suspended (a suspended resident
    cannot be admitted again). The selection's "not already a resident" check asks this. One query."""
    return ResidentStatus.all_parks.filter(
        park_id=company.park_id, company=company, status__in=CURRENT_STATES
    ).exists()


def is_active_resident(*, company: Company) -> bool:
    """The company is a resident in good standing (active, not suspended): it enjoys a resident's
    rights, such as booking the park's spaces without approval. One query."""
    return ResidentStatus.all_parks.filter(
        park_id=company.park_id, company=company, status=ResidentState.ACTIVE
    ).exists()


def resident_company_ids(*, park: Park) -> set[int]:
    """Ids of the park's companies that are current residents, active or suspended (one query)."""
    return set(
        ResidentStatus.all_parks.filter(park=park, status__in=CURRENT_STATES).values_list(
            "company_id", flat=True
        )
    )


def company_by_inn(*, park: Park, inn: str) -> Company | None:
    return Company.all_parks.filter(park=park, inn=inn.strip()).first()
