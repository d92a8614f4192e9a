"""Input and output shapes of the council part of the API.

Totals and spreads are decimals (0–100, two places) written as strings, never floats. Inputs
refuse unknown fields and bound every value; the services still validate the decision itself.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

from technopark.api.types import Day, Id, Lines, OneLine
from technopark.selection.models import (
    ApplicationStatus,
    CheckCode,
    DecisionOutcome,
    EligibilityState,
)
from technopark.selection.queries.council import RANKED_STATUSES, SORTS
from technopark.selection.services.council import MAX_BATCH, MAX_TEXT

__all__ = [
    "BatchDecisionIn",
    "BatchDecisionOut",
    "CouncilApplicationOut",
    "CouncilReviewOut",
    "DecisionIn",
    "DecisionNoticeOut",
    "DecisionOut",
    "RankingFilterParams",
    "RankingPageOut",
    "RankingRowOut",
]

LongText = Annotated[str, Field(max_length=MAX_TEXT), Lines]
AgreementNumber = Annotated[str, Field(max_length=50), OneLine]


def _decimal(value: Decimal | float | None) -> str | None:
    if value is None:
        return None
    return str(Decimal(str(value)).quantize(Decimal("0.01")))


def _known_sort(value: str) -> str:
    if value not in SORTS:
        raise ValueError(f"Sort by one of: {', '.join(SORTS)}.")
    return value


def _ranked_status(value: str | None) -> str | None:
    if value is not None and value not in RANKED_STATUSES:
        raise ValueError(f"Filter by one of: {', '.join(s.value for s in RANKED_STATUSES)}.")
    return value


class RankingFilterParams(Schema):
    """The ranking table's filters and order (the same as the council's page)."""

    status: Annotated[
        ApplicationStatus | None,
        Field(description="submitted, info_requested, admitted or rejected; all four if left out."),
        AfterValidator(_ranked_status),
    ] = None
    flagged: bool = Field(False, description="Only the applications the experts disagree on.")
    sort: Annotated[
        str, Field(json_schema_extra={"enum": list(SORTS)}), OneLine, AfterValidator(_known_sort)
    ] = "rank"


class RecommendationCountsOut(Schema):
    admit: int
    conditions: int = Field(description="Admit with conditions.")
    reject: int


class RankingRowOut(Schema):
    application_id: int
    title: str
    company_id: int
    company_name: str
    status: ApplicationStatus
    rank: int | None = Field(
        description=(
            "1 for the highest total among all the applications of the call the council ranks,"
            " whatever the filters (ties share a rank); null without a filed review."
        )
    )
    weighted_total: str | None = Field(description="Mean of the filed reviews' totals, 0–100.")
    reviews_filed: int
    reviews_assigned: int
    spread: str | None = Field(description="Highest minus lowest filed total.")
    recommendations: RecommendationCountsOut
    flagged: bool = Field(description="The experts disagree widely.")
    decision: DecisionOutcome | None = Field(description="The latest decision, if any.")
    eligibility: EligibilityState = Field(
        description=(
            "eligible, ineligible (a check fails as decided), needs_decision (a re-run found"
            " otherwise than a manager's verdict) or not_screened (a check awaits a verdict)."
        )
    )
    failing_checks: list[CheckCode] = Field(
        description="The checks that fail as decided or need a new decision."
    )

    @staticmethod
    def build(row: Any) -> dict[str, Any]:
        latest = getattr(row, "latest_decision", None)
        has_total = row.weighted_total is not None
        return {
            "application_id": row.pk,
            "title": row.title,
            "company_id": row.company_id,
            "company_name": row.company.short_name,
            "status": row.status,
            "rank": row.rank if has_total else None,
            "weighted_total": _decimal(row.weighted_total),
            "reviews_filed": row.reviews_filed,
            "reviews_assigned": row.reviews_assigned,
            "spread": _decimal(row.spread),
            "recommendations": {
                "admit": row.n_admit,
                "conditions": row.n_conditions,
                "reject": row.n_reject,
            },
            "flagged": bool(row.flagged),
            "decision": latest.outcome if latest else None,
            "eligibility": row.eligibility,
            "failing_checks": list(getattr(row, "failing_checks", [])),
        }


class RankingPageOut(Schema):
    count: int = Field(description="How many applications match, on every page.")
    limit: int
    offset: int
    items: list[RankingRowOut]


class DecisionOut(Schema):
    id: int
    application_id: int
    outcome: DecisionOutcome
    rationale: str = Field(description="For the council; never shown to the applicant.")
    message_for_applicant: str
    agreement_number: str
    start_date: date | None
    site_id: int | None
    decided_by: str
    decided_at: datetime

    @staticmethod
    def resolve_decided_by(decision: Any) -> str:
        user = decision.decided_by
        return str(user.full_name or user.email)


class ScoreOut(Schema):
    criterion: str
    score: int | None = Field(description="null: not applicable.")
    scale_max: int


class CouncilReviewOut(Schema):
    expert: str
    recommendation: str
    total: str | None
    note_for_council: str
    note_for_applicant: str
    submitted_at: datetime
    scores: list[ScoreOut]

    @staticmethod
    def build(review: Any) -> dict[str, Any]:
        user = review.assignment.expert.user
        return {
            "expert": str(user.full_name or user.email),
            "recommendation": review.recommendation,
            "total": _decimal(review.total),
            "note_for_council": review.note_for_council,
            "note_for_applicant": review.note_for_applicant,
            "submitted_at": review.submitted_at,
            "scores": [
                {
                    "criterion": score.criterion.name,
                    "score": score.score,
                    "scale_max": score.criterion.scale_max,
                }
                for score in review.scores.all()
            ],
        }


class CouncilApplicationOut(Schema):
    application_id: int
    call_id: int
    title: str
    company_id: int
    company_name: str
    status: ApplicationStatus
    submitted_at: datetime | None
    weighted_total: str | None
    spread: str | None
    flagged: bool
    reviews_assigned: int
    reviews: list[CouncilReviewOut] = Field(description="The filed reviews, oldest first.")
    decisions: list[DecisionOut] = Field(description="Newest first.")


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    outcome: DecisionOutcome
    rationale: LongText = Field(description="The council's reasons; the applicant never sees it.")
    message_for_applicant: LongText = Field(
        "", description="Sent to the applicant. Required to ask for more information."
    )
    agreement_number: AgreementNumber = Field(
        "", description="Admission to a residency call: the resident agreement's number."
    )
    start_date: Day | None = Field(
        None, description="Admission to a residency call: when the residency starts."
    )
    site: Id | None = Field(
        None, description="Admission to a residency call: a site of this park (the call's if null)."
    )


class BatchDecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    applications: Annotated[list[Id], Field(min_length=1, max_length=MAX_BATCH)] = Field(
        description="Ids of applications of this call awaiting the council."
    )
    outcome: DecisionOutcome = Field(
        description="Admission to a residency call is decided one application at a time."
    )
    rationale: LongText
    message_for_applicant: LongText = ""


class BatchDecisionOut(Schema):
    decisions: list[DecisionOut]


class DecisionNoticeOut(Schema):
    """What the applicant is told: never the council's rationale, never who reviewed."""

    application_id: int
    outcome: DecisionOutcome
    message: str
    decided_at: datetime
    notes_for_applicant: list[str] = Field(description="The experts' notes for the applicant.")
