"""Shapes of the matching API: suggestions with their explanations, weights, batch-matching
runs and their proposals."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema

from technopark.api.types import Id, Omittable
from technopark.network.models import ProfileKind

Weight = Annotated[int, Field(ge=0, le=10)]


class SuggestionParams(Schema):
    company: Id
    kind: ProfileKind = ProfileKind.MENTOR


class MatchFactorOut(Schema):
    factor: str = Field(description="The factor's code: directions, needs, stage, …")
    points: int
    label: str = Field(description="The factor's name in the reader's language.")


class SuggestionOut(Schema):
    profile_id: int
    headline: str
    kind: str
    organisation: str
    score: int = Field(description="The sum of the factors' points.")
    factors: list[MatchFactorOut] = Field(description="Every factor, largest first.")
    why: str = Field(description="What the score owes most to, in a sentence.")
    bookmarked: bool


class SuggestionsOut(Schema):
    company_id: int
    kind: str
    items: list[SuggestionOut]


class MatchWeightsParams(Schema):
    programme: Id | None = None


class MatchWeightsOut(Schema):
    programme_id: int | None
    own: bool = Field(description="False when these are inherited (the park's, or the defaults).")
    directions: int
    needs: int
    stage: int
    language: int
    time_zone: int
    ratings: int
    load: int


class MatchWeightsIn(Schema):
    programme: Omittable[Id] = None
    directions: Omittable[Weight] = None
    needs: Omittable[Weight] = None
    stage: Omittable[Weight] = None
    language: Omittable[Weight] = None
    time_zone: Omittable[Weight] = None
    ratings: Omittable[Weight] = None
    load: Omittable[Weight] = None


class MatchRunIn(Schema):
    cohort: Id
    mentors_per_company: Annotated[int, Field(ge=1, le=5)] = 1


class MatchProposalIn(Schema):
    company: Id
    profile: Id


class MatchProposalOut(Schema):
    id: int
    company_id: int
    company: str
    profile_id: int
    headline: str
    score: int
    factors: list[MatchFactorOut]
    why: str
    edited: bool


class MatchRunOut(Schema):
    id: int
    cohort_id: int
    cohort: str
    mentors_per_company: int
    status: str
    total_score: int
    pairs: int = Field(description="The pairs proposed (the optimum maximises these first).")
    greedy_score: int = Field(description="The score of the greedy baseline, for comparison.")
    greedy_pairs: int = Field(description="The pairs of the greedy baseline, for comparison.")
    unmatched: int = Field(description="Places of companies left without a mentor.")
    created_at: datetime
    published_at: datetime | None


class MatchRunPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[MatchRunOut]


class MatchRunDetailOut(MatchRunOut):
    proposals: list[MatchProposalOut]
