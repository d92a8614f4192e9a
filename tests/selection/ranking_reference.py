"""The council's ranking as it was computed at every read before the ranking rows existed: the
straightforward aggregate over the assignments and their reviews, ranked by a window over the
whole call. The tests compare the rows the services keep (``selection.models.ranking``) and the
table read from them with it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import FirstValue, Rank

from technopark.selection.models import (
    Application,
    ApplicationRanking,
    AssignmentStatus,
    Call,
    Recommendation,
)
from technopark.selection.queries.council import (
    DISAGREEMENT_SPREAD,
    RANKED_STATUSES,
    RankingFilters,
    eligibility_state,
    ranking_table,
)

__all__ = ["FIELDS", "assert_ranking_matches", "reference_table"]

REFERENCE_SORTS: dict[str, tuple[Any, ...]] = {
    "rank": (F("weighted_total").desc(nulls_last=True), "id"),
    "-rank": (F("weighted_total").asc(nulls_last=True), "-id"),
    "spread": (F("spread").desc(nulls_last=True), "id"),
    "-spread": (F("spread").asc(nulls_last=True), "id"),
    "company": ("company__short_name", "id"),
    "-company": ("-company__short_name", "-id"),
    "submitted": (F("submitted_at").asc(nulls_last=True), "id"),
    "-submitted": (F("submitted_at").desc(nulls_last=True), "-id"),
}

FIELDS = (
    "reviews_assigned",
    "reviews_filed",
    "weighted_total",
    "total_max",
    "total_min",
    "spread",
    "n_admit",
    "n_conditions",
    "n_reject",
    "flagged",
    "eligibility",
    "rank",
)


def reference_table(*, call: Call, filters: RankingFilters | None = None) -> QuerySet[Any]:
    """The ranking table aggregated at read time (the query the page ran before)."""
    filters = filters or RankingFilters()
    filed = Q(assignments__review__submitted_at__isnull=False)
    rows = Application.all_parks.filter(park_id=call.park_id, call=call, status__in=RANKED_STATUSES)
    rows = rows.annotate(
        reviews_assigned=Count(
            "assignments", filter=Q(assignments__status=AssignmentStatus.PUBLISHED)
        ),
        reviews_filed=Count("assignments__review", filter=filed),
        weighted_total=Avg("assignments__review__total", filter=filed),
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
    ).annotate(spread=F("total_max") - F("total_min"))
    rows = rows.annotate(
        flagged=Case(
            When(
                Q(spread__gt=DISAGREEMENT_SPREAD)
                | (Q(n_reject__gt=0) & (Q(n_admit__gt=0) | Q(n_conditions__gt=0))),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        eligibility=eligibility_state(),
        rank=Window(Rank(), order_by=F("weighted_total").desc(nulls_last=True)),
    )
    if filters.status:
        rows = rows.annotate(
            row_status=Window(FirstValue("status"), partition_by=[F("pk")])
        ).filter(row_status=filters.status)
    if filters.flagged:
        rows = rows.annotate(
            row_flagged=Window(FirstValue("flagged"), partition_by=[F("pk")])
        ).filter(row_flagged=True)
    return rows.select_related("company").order_by(*REFERENCE_SORTS[filters.sort])


def _plain(value: Any) -> Any:
    """Totals compared to the hundredth of a point (SQLite's AVG is a float)."""
    if value is None or isinstance(value, bool | str | int):
        return value
    return Decimal(str(value)).quantize(Decimal("0.0001"))


def _row(row: Any) -> tuple[Any, ...]:
    return (row.pk, *(_plain(getattr(row, name)) for name in FIELDS))


def assert_ranking_matches(call: Call, *, filters: tuple[RankingFilters, ...] = ()) -> None:
    """The table read from the ranking rows equals the reference, row for row and in order,
    with every filter and order given (the default's alone when none), and every ranking row of
    the call says what the reference says of its application."""
    for chosen in filters or (RankingFilters(),):
        expected = [_row(row) for row in reference_table(call=call, filters=chosen)]
        shown = [_row(row) for row in ranking_table(call=call, filters=chosen)]
        assert shown == expected, chosen
    ranked = set(
        ApplicationRanking.objects.filter(call_id=call.pk, ranked=True).values_list(
            "application_id", flat=True
        )
    )
    assert ranked == set(
        Application.all_parks.filter(call=call, status__in=RANKED_STATUSES).values_list(
            "pk", flat=True
        )
    )
