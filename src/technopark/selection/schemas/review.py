"""Input and output shapes of the review part in the API: an expert's own assignments and reviews.

Inputs refuse unknown fields; scores are bounded here and checked against each criterion's scale
by the services. The total is a percentage with two decimals, sent as a string (exact).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict

from technopark.api.types import Id, Lines, Omittable, OneLine
from technopark.selection.models import Recommendation

Note = Annotated[str, Field(max_length=20_000), Lines]


class MyReviewSummaryOut(Schema):
    id: int = Field(description="The assignment's id.")
    application_id: int
    application_title: str
    call_id: int
    call_title: str
    applicant: str | None = Field(description="The company's short name; null for a blind call.")
    due_at: datetime | None
    overdue: bool
    state: str = Field(
        description="not_started, draft or filed.",
        json_schema_extra={"enum": ["not_started", "draft", "filed"]},
    )
    total: str | None = Field(description="The weighted total (0–100) once filed.")


class MyReviewListOut(Schema):
    count: int
    items: list[MyReviewSummaryOut]


class MyReviewCriterionOut(Schema):
    id: int
    name: str
    description: str
    weight: str
    scale_max: int


class MyReviewTeamMemberOut(Schema):
    full_name: str
    position: str


class MyReviewApplicantOut(Schema):
    short_name: str
    legal_name: str
    inn: str
    team: list[MyReviewTeamMemberOut]


class MyReviewAnswerOut(Schema):
    question: str
    answer: str


class MyReviewApplicationOut(Schema):
    id: int
    title: str
    directions: list[str] = Field(description="Direction codes.")
    applicant: MyReviewApplicantOut | None = Field(description="null for a blind call.")
    answers: list[MyReviewAnswerOut] = Field(description="File names are hidden for a blind call.")


class MyReviewScoreOut(Schema):
    criterion_id: int
    score: int | None = Field(description="null: not applicable.")


class MyReviewOut(Schema):
    recommendation: Recommendation | None
    note_for_council: str
    note_for_applicant: str
    scores: list[MyReviewScoreOut] = Field(description="Criteria not listed are not answered yet.")
    total: str | None
    submitted_at: datetime | None


class MyReviewOtherOut(Schema):
    expert: str
    recommendation: Recommendation | None
    total: str | None
    note_for_council: str
    scores: list[MyReviewScoreOut]


class MyReviewDetailOut(Schema):
    id: int
    call_id: int
    call_title: str
    blind: bool
    due_at: datetime | None
    overdue: bool
    application: MyReviewApplicationOut
    criteria: list[MyReviewCriterionOut]
    review: MyReviewOut | None = Field(description="null until a draft is saved.")
    others: list[MyReviewOtherOut] | None = Field(
        description="Other experts' filed reviews: null until this expert has filed theirs."
    )


class MyReviewScoreIn(Schema):
    model_config = ConfigDict(extra="forbid")

    criterion_id: Id
    score: Annotated[int, Field(ge=0, le=1000)] | None = Field(
        description="null marks the criterion not applicable (left out of the total)."
    )


class MyReviewIn(Schema):
    """What to save; fields left out keep their saved value. ``scores`` replaces the draft's."""

    model_config = ConfigDict(extra="forbid")

    scores: Omittable[Annotated[list[MyReviewScoreIn], Field(max_length=200)]] = None
    recommendation: Omittable[Recommendation] = None
    note_for_council: Omittable[Note] = None
    note_for_applicant: Omittable[Note] = None


class RecuseIn(Schema):
    """Why the expert has a conflict with the application (the managers read it)."""

    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(min_length=1, max_length=300), OneLine]


class RecuseOut(Schema):
    conflict_id: int = Field(description="The declared conflict the recusal became.")
    replacement_proposed: bool = Field(
        description="Whether the optimiser proposed another expert for the managers to publish."
    )
