"""Input and output shapes of the grants API. Money is a decimal string, never a float."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from technopark.api.types import Day, Id, Lines, Omittable, OneLine
from technopark.grants.models import BudgetKind, MilestoneStatus, ReportStatus, TrancheStatus

Money = Annotated[
    Decimal,
    Field(
        gt=0,
        max_digits=14,
        decimal_places=2,
        description='Roubles as a decimal string with at most two decimals, e.g. "500000.00".',
    ),
]
BudgetMoney = Annotated[
    Decimal,
    Field(ge=0, max_digits=14, decimal_places=2, description='Roubles, e.g. "900000.00".'),
]
MoneyOut = Annotated[Decimal, Field(description='Roubles as a decimal string, e.g. "500000.00".')]
Text = Annotated[str, Field(min_length=1, max_length=4000), Lines]
Reference = Annotated[str, Field(min_length=1, max_length=100), OneLine]


class BudgetLineOut(Schema):
    kind: BudgetKind
    amount: MoneyOut


class ApprovalOut(Schema):
    approver_id: int
    approver_name: str
    approved_at: datetime


class PaymentOut(Schema):
    id: int
    award_id: int
    tranche_id: int
    amount: MoneyOut
    payment_reference: str
    idempotency_key: str
    paid_on: date
    paid_by_id: int
    paid_at: datetime


class TrancheOut(Schema):
    id: int
    award_id: int
    number: int
    milestone_id: int
    amount: MoneyOut
    status: TrancheStatus
    requested_by_id: int
    requested_at: datetime
    approvals: list[ApprovalOut]
    payment: PaymentOut | None
    cancellation_reason: str | None


class MilestoneOut(Schema):
    id: int
    number: int
    title: str
    deliverables: str
    due_on: date
    status: MilestoneStatus
    overdue: bool
    reports: list[GrantReportOut] = []


class GrantReportOut(Schema):
    id: int
    status: ReportStatus
    summary: str
    filed_at: datetime
    spending: list[BudgetLineOut]


class ClawbackOut(Schema):
    id: int
    amount: MoneyOut
    reason: str
    reference: str
    decided_on: date


class LedgerOut(Schema):
    awarded: MoneyOut
    paid: MoneyOut
    clawed_back: MoneyOut
    remaining: MoneyOut


class GrantOut(Schema):
    id: int
    participant_id: int
    company_id: int
    company_name: str
    cohort_id: int
    cohort_name: str
    amount: MoneyOut
    cap: MoneyOut
    currency: str
    decision_reference: str
    decided_on: date
    ledger: LedgerOut
    overdue_milestones: int
    cancelled_at: datetime | None = Field(
        ..., description="When the whole grant was cancelled; null while it is not."
    )
    cancellation_reason: str


class GrantDetailOut(GrantOut):
    budget: list[BudgetLineOut]
    milestones: list[MilestoneOut]
    tranches: list[TrancheOut]
    clawbacks: list[ClawbackOut]


class GrantPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[GrantOut]


class GrantListParams(Schema):
    q: Annotated[str, Field(max_length=100), OneLine] = Field(
        "", description="Part of the company's name, its INN, or the decision reference."
    )
    cohort: Id | None = Field(None, description="A cohort id.")
    state: str = Field(
        "", pattern="^(|open|paid|overdue)$", description="open, paid or overdue; empty for all."
    )


class BudgetIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: BudgetKind
    amount: BudgetMoney


class MilestonePlanIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(min_length=1, max_length=200), OneLine]
    due_on: Day
    deliverables: Omittable[Annotated[str, Field(max_length=4000), Lines]] = None
    tranche_amount: Omittable[Money] = None


class GrantIn(Schema):
    model_config = ConfigDict(extra="forbid")

    participant_id: Id
    amount: Money
    decision_reference: Reference
    decided_on: Day
    budget: list[BudgetIn] = Field(..., min_length=1, max_length=5)
    milestones: list[MilestonePlanIn] = Field([], max_length=50)


class TrancheIn(Schema):
    model_config = ConfigDict(extra="forbid")

    milestone_id: Id
    amount: Money


class PaymentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    payment_reference: Reference
    idempotency_key: Reference = Field(
        ...,
        description="Chosen by the client, unique per payment: resending the same request "
        "with the same key returns the first payment (200) and pays nothing more.",
    )
    paid_on: Omittable[Day] = None


class CancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: Text


class GrantPolicyOut(Schema):
    pay_only_accepted_reports: bool = Field(
        ...,
        description="A tranche tied to a milestone is paid only when that milestone's report "
        "is accepted.",
    )
    segregation_of_duties: bool = Field(
        ...,
        description="The requester of a tranche cannot approve it, the two approvers are "
        "different people, and the payer is neither.",
    )
    can_change: bool = Field(..., description="Whether the caller may change the policy.")


class GrantPolicyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    pay_only_accepted_reports: bool
    segregation_of_duties: bool


class ClawbackIn(Schema):
    model_config = ConfigDict(extra="forbid")

    amount: Money
    reason: Text
    reference: Reference
    decided_on: Omittable[Day] = None


MilestoneOut.model_rebuild()


# --- Milestones and their reports (API parity with the award page and the report form) ------


class MilestoneIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(min_length=1, max_length=200), OneLine]
    due_on: Day
    deliverables: Omittable[Annotated[str, Field(max_length=4000), Lines]] = None


class ReportStateOut(Schema):
    id: int
    status: ReportStatus
    filed_at: datetime


class MilestoneStateOut(Schema):
    id: int
    number: int
    title: str
    deliverables: str
    due_on: date
    status: MilestoneStatus
    overdue: bool
    reports_filed: int = Field(..., description="How many times a report has been filed.")
    latest_report: ReportStateOut | None = Field(
        ..., description="The report filed last, or null when none has been."
    )


class MilestoneListOut(Schema):
    items: list[MilestoneStateOut]


class ReportAttachmentOut(Schema):
    id: int
    name: str
    size: int = Field(..., description="Bytes.")


class ReportDetailOut(Schema):
    id: int
    milestone_id: int
    status: ReportStatus
    summary: str
    filed_at: datetime
    filed_by_id: int
    spending: list[BudgetLineOut]
    attachments: list[ReportAttachmentOut]
    review_note: str
    reviewed_by_id: int | None


class ReportListOut(Schema):
    items: list[ReportDetailOut]


class ReportFileIn(Schema):
    """The form fields of a milestone report (``multipart/form-data``, with the files)."""

    summary: Text = Field(..., description="What was done.")
    spent_equipment: Omittable[BudgetMoney] = None
    spent_salaries: Omittable[BudgetMoney] = None
    spent_services: Omittable[BudgetMoney] = None
    spent_materials: Omittable[BudgetMoney] = None
    spent_other: Omittable[BudgetMoney] = None


class ReportReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["accept", "return"]
    note: Omittable[Annotated[str, Field(max_length=4000), Lines]] = Field(
        None, description="Required when the report is returned: what to change."
    )
