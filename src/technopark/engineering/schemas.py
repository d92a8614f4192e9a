"""Shapes of the engineering API: requests, their changes of state, quotes with their lines."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from technopark.api.types import Day, Id, Lines, OneLine
from technopark.engineering.models import ApprovalSide, RequestState


class RequestOut(Schema):
    id: int
    company_id: int
    company: str
    title: str
    description: str
    desired_on: date | None
    confidential: bool
    state: str
    held_from: str
    responsible_id: int | None
    engineer_ids: list[int]
    act_number: str
    created_at: datetime
    changed_at: datetime


class RequestPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[RequestOut]


class RequestIn(Schema):
    company: Id
    title: Annotated[str, Field(min_length=1, max_length=200), OneLine]
    description: Annotated[str, Field(min_length=1, max_length=20_000), Lines]
    desired_on: Day | None = None
    confidential: bool = False


class RequestFilterParams(Schema):
    state: RequestState | None = None


class TransitionIn(Schema):
    to_state: RequestState
    reason: Annotated[str, Field(max_length=2000), Lines] = ""
    rating: Annotated[int, Field(ge=1, le=5)] | None = Field(
        None, description="The company's rating of the work, 1 to 5, when it accepts it."
    )
    rating_comment: Annotated[str, Field(max_length=2000), Lines] = Field(
        "", description="The company's comment on the work, when it accepts it."
    )


class QuoteLineOut(Schema):
    id: int
    kind: str
    service_id: int | None
    description: str
    quantity: Decimal
    unit: str
    tier: str
    unit_price: Decimal
    discount: Decimal
    discount_reason: str
    amount: Decimal


class QuoteOut(Schema):
    id: int
    request_id: int
    version: int
    number: str
    status: str
    expires_on: date | None
    total: Decimal
    currency: str
    needs_manager: bool
    approvals: list[str]
    lines: list[QuoteLineOut]


class ApproveIn(Schema):
    side: ApprovalSide = Field(
        ApprovalSide.COMPANY,
        description="`company` (someone acting for the company) or `manager` (the park's "
        "manager, needed too above the park's threshold).",
    )
