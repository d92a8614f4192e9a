"""Shapes of the engineering API: requests, their changes of state, quotes with their lines."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator

from technopark.api.types import Day, Id, Lines, Moment, OneLine
from technopark.engineering.models import ApprovalSide, PayerKind, RequestState


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


# --- Work orders ----------------------------------------------------------------------------


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        raise ValueError(_("Give the time with its UTC offset."))
    return value


Aware = AfterValidator(_aware)


class TaskOut(Schema):
    id: int
    title: str
    engineer_id: int | None
    state: str
    quote_line_id: int | None
    done_at: datetime | None


class TimeEntryOut(Schema):
    id: int
    work_order_id: int
    engineer_id: int
    task_id: int | None
    quote_line_id: int | None
    started_at: datetime
    ended_at: datetime | None
    minutes: int | None
    note: str


class TimeEntryPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[TimeEntryOut]


class InstrumentUseOut(Schema):
    id: int
    booking_id: int
    resource_id: int
    resource: str
    starts_at: datetime
    ends_at: datetime
    booking_status: str
    operator_id: int
    quote_line_id: int | None


class DeliveryOut(Schema):
    quote_line_id: int
    quantity: Decimal


class DeliveredLineOut(Schema):
    quote_line_id: int
    kind: str = Field(description="`time`, `instrument` or `delivered`.")
    description: str
    quoted_quantity: Decimal
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal


class WorkOrderOut(Schema):
    id: int
    request_id: int
    quote_id: int
    due_on: date | None
    created_at: datetime
    tasks: list[TaskOut]
    instrument_uses: list[InstrumentUseOut]
    deliveries: list[DeliveryOut]
    delivered: list[DeliveredLineOut]


class TaskIn(Schema):
    title: Annotated[str, Field(min_length=1, max_length=200), OneLine]
    engineer: Id | None = None
    quote_line: Id | None = None


class TimeMode(StrEnum):
    START = "start"
    DURATION = "duration"


class TimeEntryIn(Schema):
    mode: TimeMode = Field(
        description="`start` a timer now, or log a `duration`: `minutes` from `started_at`."
    )
    started_at: Annotated[Moment | None, Aware] = Field(
        None, description="For a duration: ISO 8601 with an offset."
    )
    minutes: int | None = Field(None, ge=1, le=24 * 60)
    task: Id | None = None
    quote_line: Id | None = Field(None, description="An hourly line of the approved quote.")
    note: Annotated[str, Field(max_length=300), OneLine] = ""


class InstrumentUseIn(Schema):
    operator: Id
    quote_line: Id | None = Field(None, description="An hourly line of the approved quote.")
    booking: Id | None = Field(None, description="Link this existing booking, or …")
    resource: Id | None = Field(None, description="… book this instrument from … to …")
    starts_at: Annotated[Moment | None, Aware] = None
    ends_at: Annotated[Moment | None, Aware] = None


# --- Charges --------------------------------------------------------------------------------

MoneyOut = Annotated[Decimal, Field(description='Roubles as a decimal string, e.g. "25000.00".')]


class ChargeLineOut(Schema):
    id: int
    kind: str
    quote_line_id: int | None
    tier: str
    description: str
    quantity: Decimal
    unit_price: MoneyOut
    amount: MoneyOut = Field(description="Signed for an adjusting line.")
    corrects_id: int | None


class AdjustmentOut(Schema):
    id: int
    charge_id: int
    line_id: int
    proposed_amount: MoneyOut
    reason: str
    status: str
    requested_by_id: int
    requested_at: datetime
    decided_by_id: int | None
    decided_at: datetime | None
    refusal_reason: str
    adjusting_line_id: int | None


class ChargeOut(Schema):
    id: int
    request_id: int
    company_id: int
    payer: str
    budget_line_id: int | None
    grant_id: int | None
    total: MoneyOut
    currency: str
    idempotency_key: str
    charged_on: date
    created_at: datetime
    lines: list[ChargeLineOut]
    adjustments: list[AdjustmentOut]


class ChargeIn(Schema):
    payer: PayerKind = Field(
        description="`company` (the company pays) or `budget_line` (a budget line of one of "
        "its grants, named by `budget_line_id`)."
    )
    budget_line_id: Id | None = None
    idempotency_key: Annotated[str, Field(min_length=1, max_length=100), OneLine] = Field(
        ...,
        description="Chosen by the client, unique per charge: resending the same request with "
        "the same key returns the first charge (200) and charges nothing more.",
    )


class AdjustmentIn(Schema):
    proposed_amount: Annotated[
        Decimal,
        Field(ge=0, max_digits=14, decimal_places=2, description="What the line should charge."),
    ]
    reason: Annotated[str, Field(min_length=1, max_length=2000), Lines]


class AdjustmentDecisionIn(Schema):
    accept: bool
    reason: Annotated[str, Field(max_length=2000), Lines] = Field(
        "", description="Required when refusing."
    )
