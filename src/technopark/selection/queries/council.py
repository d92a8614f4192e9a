"""Reads of the council part: the ranking table of a call, one application with its filed
reviews and decisions, and the decision notice an applicant may read.

The ranking table reads the applications' ranking rows (``models.ranking``), which the services
keep from the aggregate over the assignments and their reviews (``ranking_aggregates``) as they
write, so a page of it costs the same few queries, and about the same time, whether the call has
ten applications or five thousand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce

from technopark.parks.models import Park
from technopark.selection.models import (
    Application,
    ApplicationRanking,
    ApplicationStatus,
    AssignmentStatus,
    Call,
    CriterionScore,
    Decision,
    DecisionOutcome,
    EligibilityCheck,
    EligibilityState,
    Recommendation,
    Review,
)
from technopark.selection.models.applications import FAILING_CHECK

__all__ = [
    "DISAGREEMENT_SPREAD",
    "RANKED_STATUSES",
    "SORTS",
    "CouncilApplication",
    "DecisionNotice",
    "RankingFilters",
    "RankingRows",
    "council_application",
    "council_call",
    "decision_for_applicant",
    "decisions_of",
    "eligibility_hints",
    "eligibility_state",
    "latest_decisions",
    "ranking_aggregates",
    "ranking_count",
    "ranking_page",
    "ranking_table",
]

# Experts disagree widely when their totals (0–100) lie more than this many points apart.
DISAGREEMENT_SPREAD = Decimal("25")

# The applications the council ranks: submitted, and those already sent back or decided.
RANKED_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.INFO_REQUESTED,
    ApplicationStatus.ADMITTED,
    ApplicationStatus.REJECTED,
)

SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    # Highest weighted total first; applications without a filed review come last both ways.
    # (The ranking rows' keys sort a missing total or spread last both ways, see
    # ``models.ranking``; each order is one of their indexes.)
    "rank": ("-ranking__rank_key", "ranking__application_id"),
    "-rank": ("ranking__rank_key_low", "-ranking__application_id"),
    # Widest disagreement first.
    "spread": ("-ranking__spread_key", "ranking__application_id"),
    "-spread": ("ranking__spread_key_low", "ranking__application_id"),
    "company": ("company__short_name", "id"),
    "-company": ("-company__short_name", "-id"),
    "submitted": (F("ranking__submitted_at").asc(nulls_last=True), "ranking__application_id"),
    "-submitted": (F("ranking__submitted_at").desc(nulls_last=True), "-ranking__application_id"),
}

# The same orders on the ranking rows themselves.
_ROW_SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "rank": ("-rank_key", "application_id"),
    "-rank": ("rank_key_low", "-application_id"),
    "spread": ("-spread_key", "application_id"),
    "-spread": ("spread_key_low", "application_id"),
    "company": ("company__short_name", "application_id"),
    "-company": ("-company__short_name", "-application_id"),
    "submitted": (F("submitted_at").asc(nulls_last=True), "application_id"),
    "-submitted": (F("submitted_at").desc(nulls_last=True), "-application_id"),
}


@dataclass(frozen=True)
class RankingFilters:
    """The ranking table's filters and order, as the page and the API accept them."""

    status: str = ""
    flagged: bool = False
    sort: str = "rank"

    @classmethod
    def from_params(cls, params: Any) -> RankingFilters:
        """Build filters from a query dict; anything unusable is ignored rather than an error."""
        status = str(params.get("status") or "")
        sort = str(params.get("sort") or "rank")
        return cls(
            status=status if status in RANKED_STATUSES else "",
            flagged=str(params.get("flagged") or "") in {"1", "true", "on", "yes"},
            sort=sort if sort in SORTS else "rank",
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.status or self.flagged)


def council_call(*, park: Park, call_id: int) -> Call | None:
    """The call whose table the council reads (one query)."""
    return Call.all_parks.filter(park=park, pk=call_id).select_related("site").first()


def eligibility_state() -> Case:
    """Where an application stands on eligibility (an ``EligibilityState`` code), in SQL: a check
    needing a new decision first; then the staff's outcome, once given; then not screened (no check, or one still awaiting a manager's
    verdict); then ineligible when a check fails as decided; eligible otherwise."""
    checks = EligibilityCheck.objects.filter(application_id=OuterRef("pk"))
    return Case(
        When(
            Exists(checks.filter(needs_decision=True)), then=Value(EligibilityState.NEEDS_DECISION)
        ),
        # The staff's outcome for the application, once given, is what the council reads.
        When(eligibility_outcome="ineligible", then=Value(EligibilityState.INELIGIBLE)),
        When(eligibility_outcome="eligible", then=Value(EligibilityState.ELIGIBLE)),
        When(
            eligibility_outcome="needs_information",
            then=Value(EligibilityState.NEEDS_DECISION),
        ),
        When(~Exists(checks), then=Value(EligibilityState.NOT_SCREENED)),
        When(
            Exists(checks.filter(verdict="pending")),
            then=Value(EligibilityState.NOT_SCREENED),
        ),
        When(Exists(checks.filter(FAILING_CHECK)), then=Value(EligibilityState.INELIGIBLE)),
        default=Value(EligibilityState.ELIGIBLE),
        output_field=CharField(),
    )


def ranking_aggregates(applications: QuerySet[Any]) -> QuerySet[Any]:
    """``applications`` annotated with what the ranking shows of their reviews and eligibility,
    aggregated at read time: ``reviews_assigned`` (published assignments), ``reviews_filed``,
    ``total_sum``/``total_max``/``total_min`` of the filed totals, ``n_admit``/``n_conditions``/
    ``n_reject`` (the filed recommendations) and ``eligibility``. One query (aggregates over one
    LEFT JOIN of assignments and reviews, the eligibility as correlated EXISTS).

    The services keep each application's ``ApplicationRanking`` row from it (and the migration
    that created the rows filled them from it); the tests compare the rows with it."""
    filed = Q(assignments__review__submitted_at__isnull=False)
    return applications.annotate(
        reviews_assigned=Count(
            "assignments", filter=Q(assignments__status=AssignmentStatus.PUBLISHED)
        ),
        reviews_filed=Count("assignments__review", filter=filed),
        total_sum=Sum("assignments__review__total", filter=filed),
        total_max=Max("assignments__review__total", filter=filed),
        total_min=Min("assignments__review__total", filter=filed),
        n_admit=Count(
            "assignments__review",
            filter=filed & Q(assignments__review__recommendation=Recommendation.ADMIT),
        ),
        n_conditions=Count(
            "assignments__review",
            filter=filed
            & Q(assignments__review__recommendation=Recommendation.ADMIT_WITH_CONDITIONS),
        ),
        n_reject=Count(
            "assignments__review",
            filter=filed & Q(assignments__review__recommendation=Recommendation.REJECT),
        ),
        eligibility=eligibility_state(),
    )


def _rank() -> Any:
    """1 + the number of ranked applications of the row's call with a higher total (ties share
    a rank; without a filed review the key is below every total): the window ``Rank()`` over the
    whole call, counted on the index for the rows of the page only."""
    above = (
        ApplicationRanking.objects.filter(
            call_id=OuterRef("ranking__call_id"),
            ranked=True,
            rank_key__gt=OuterRef("ranking__rank_key"),
        )
        .order_by()
        .values("call_id")
        .annotate(above=Count("pk"))
        .values("above")
    )
    return Coalesce(Subquery(above, output_field=IntegerField()), 0) + 1


def _ranked_rows(*, call: Call, filters: RankingFilters) -> QuerySet[ApplicationRanking]:
    """The ranking rows of the table, filtered and sorted (the call is the park's: looked up
    in it by ``council_call``)."""
    rows = ApplicationRanking.objects.filter(call_id=call.pk, ranked=True)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.flagged:
        rows = rows.filter(flagged=True)
    return rows.order_by(*_ROW_SORTS[filters.sort])


def ranking_table(*, call: Call, filters: RankingFilters | None = None) -> QuerySet[Application]:
    """The applications of ``call`` the council ranks, each annotated with:

    ``weighted_total`` (the mean of the filed reviews' totals, 0–100), ``reviews_filed``,
    ``reviews_assigned`` (published assignments), ``total_max``/``total_min`` and ``spread``,
    ``n_admit``/``n_conditions``/``n_reject`` (the filed recommendations), ``flagged`` (the spread
    exceeds ``DISAGREEMENT_SPREAD`` or the recommendations split between admitting and rejecting),
    ``eligibility`` (an ``EligibilityState`` code) and ``rank``.

    ``rank`` is 1 for the highest total among all the applications of the call the council
    ranks (ties share a rank), whatever the filters, so a filtered table shows the ranks the
    applications hold in the call (1, 4, 7), not their places in the filtered list.

    Everything is read from the applications' ``ApplicationRanking`` rows, which the services
    keep up to date as they write; the company is joined. A page of it is ``ranking_page``.
    """
    filters = filters or RankingFilters()
    rows = Application.all_parks.filter(
        park_id=call.park_id, pk__in=_ranked_rows(call=call, filters=filters).values("pk")
    )
    return _annotated(rows).order_by(*SORTS[filters.sort])


def _annotated(rows: QuerySet[Application]) -> QuerySet[Application]:
    return rows.annotate(
        weighted_total=F("ranking__weighted_total"),
        reviews_filed=F("ranking__reviews_filed"),
        reviews_assigned=F("ranking__reviews_assigned"),
        total_max=F("ranking__total_max"),
        total_min=F("ranking__total_min"),
        spread=F("ranking__spread"),
        n_admit=F("ranking__n_admit"),
        n_conditions=F("ranking__n_conditions"),
        n_reject=F("ranking__n_reject"),
        flagged=F("ranking__flagged"),
        eligibility=F("ranking__eligibility"),
        rank=_rank(),
    ).select_related("company")


def ranking_count(*, call: Call, filters: RankingFilters | None = None) -> int:
    """How many applications the table shows with these filters (one query on an index)."""
    return _ranked_rows(call=call, filters=filters or RankingFilters()).order_by().count()


def ranking_page(
    *, call: Call, filters: RankingFilters | None = None, offset: int, limit: int
) -> list[Application]:
    """The rows ``offset`` to ``offset + limit`` of ``ranking_table``, in one query: the page's
    ids are a range of the index of the order (the company order sorts the call's rows by
    name), and only those rows are annotated (each rank counted on the index)."""
    filters = filters or RankingFilters()
    page = _ranked_rows(call=call, filters=filters).values("pk")[offset : offset + limit]
    # (The outer query sorts the page's rows again: an IN list keeps no order.)
    rows = Application.all_parks.filter(park_id=call.park_id, pk__in=page)
    return list(_annotated(rows).order_by(*SORTS[filters.sort]))


@dataclass(frozen=True)
class RankingRows:
    """The table as a paginator reads it: ``count()`` is ``ranking_count`` and a slice is a
    ``ranking_page`` (one query each)."""

    call: Call
    filters: RankingFilters = field(default_factory=RankingFilters)

    def count(self) -> int:
        return ranking_count(call=self.call, filters=self.filters)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Application]:
        start = window.start or 0
        return ranking_page(
            call=self.call, filters=self.filters, offset=start, limit=window.stop - start
        )


def eligibility_hints(*, application_ids: list[int]) -> dict[int, list[str]]:
    """The checks (``CheckCode`` values) that keep each application from being eligible: those
    failing as decided and those needing a new decision (one query, none for an empty list)."""
    if not application_ids:
        return {}
    hints: dict[int, list[str]] = {}
    for application_id, code in (
        EligibilityCheck.objects.filter(application_id__in=application_ids)
        .filter(FAILING_CHECK | Q(needs_decision=True))
        .order_by("application_id", "id")
        .values_list("application_id", "code")
    ):
        hints.setdefault(application_id, []).append(code)
    return hints


def latest_decisions(*, application_ids: list[int]) -> dict[int, Decision]:
    """The latest decision on each of the applications (one query, none for an empty list)."""
    if not application_ids:
        return {}
    result: dict[int, Decision] = {}
    for decision in (
        Decision.all_parks.filter(application_id__in=application_ids)
        .select_related("decided_by")
        .order_by("application_id", "-decided_at", "-id")
    ):
        result.setdefault(decision.application_id, decision)
    return result


def decisions_of(*, application: Application) -> QuerySet[Decision]:
    return (
        Decision.all_parks.filter(park_id=application.park_id, application=application)
        .select_related("decided_by", "site")
        .order_by("-decided_at", "-id")
    )


@dataclass
class CouncilApplication:
    """One application as the council reads it: its filed reviews (with the experts' names and
    notes for the council), their summary and its decisions, newest first."""

    application: Application
    reviews: list[Review]
    decisions: list[Decision]
    reviews_assigned: int
    weighted_total: Decimal | None = None
    spread: Decimal | None = None
    recommendations: dict[str, int] = field(default_factory=dict)
    flagged: bool = False


def council_application(*, call: Call, pk: int) -> CouncilApplication | None:
    """An application of ``call`` with everything the decision page shows (five queries: the
    application with its company and call, its published assignments, its filed reviews with
    their experts, their scores with criteria, its decisions)."""
    application = (
        Application.all_parks.filter(park_id=call.park_id, call=call, pk=pk)
        .select_related("company", "call", "call__site")
        .first()
    )
    if application is None:
        return None
    assigned = application.assignments.filter(status=AssignmentStatus.PUBLISHED).count()
    reviews = list(
        Review.objects.filter(assignment__application=application, submitted_at__isnull=False)
        .select_related("assignment__expert__user")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=CriterionScore.objects.select_related("criterion").order_by(
                    "criterion__position", "criterion_id"
                ),
            )
        )
        .order_by("submitted_at", "id")
    )
    totals = [review.total for review in reviews if review.total is not None]
    counts = {value: 0 for value in Recommendation.values}
    for review in reviews:
        if review.recommendation in counts:
            counts[review.recommendation] += 1
    weighted = (sum(totals, Decimal(0)) / len(totals)).quantize(Decimal("0.01")) if totals else None
    spread = (max(totals) - min(totals)) if totals else None
    splits = counts[Recommendation.REJECT] and (
        counts[Recommendation.ADMIT] or counts[Recommendation.ADMIT_WITH_CONDITIONS]
    )
    return CouncilApplication(
        application=application,
        reviews=reviews,
        decisions=list(decisions_of(application=application)),
        reviews_assigned=assigned,
        weighted_total=weighted,
        spread=spread,
        recommendations=counts,
        flagged=bool(splits) or (spread is not None and spread > DISAGREEMENT_SPREAD),
    )


@dataclass(frozen=True)
class DecisionNotice:
    """What an applicant is told of a decision: never the council's rationale, never who
    reviewed."""

    application_id: int
    outcome: str
    outcome_label: str
    message: str
    decided_at: datetime
    notes: list[str]


def decision_for_applicant(*, application: Application) -> DecisionNotice | None:
    """The latest decision on ``application`` as its applicant may read it, or None when the
    council has not decided yet (two queries: the decision, the experts' notes for the
    applicant)."""
    decision = (
        Decision.all_parks.filter(park_id=application.park_id, application=application)
        .only("id", "application_id", "outcome", "message_for_applicant", "decided_at")
        .order_by("-decided_at", "-id")
        .first()
    )
    if decision is None:
        return None
    notes = [
        note.strip()
        for note in Review.objects.filter(
            assignment__application=application, submitted_at__isnull=False
        )
        .order_by("submitted_at", "id")
        .values_list("note_for_applicant", flat=True)
        if note and note.strip()
    ]
    return DecisionNotice(
        application_id=application.pk,
        outcome=decision.outcome,
        outcome_label=str(DecisionOutcome(decision.outcome).label),
        message=decision.message_for_applicant,
        decided_at=decision.decided_at,
        notes=notes,
    )
