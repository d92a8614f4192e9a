"""Input and output shapes of the residency API. Money is a decimal string, never a float."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from technopark.api.types import Id, Lines, OneLine
from technopark.parks.schemas import DirectionRefOut
from technopark.residency.models import ResidentState

Money = Annotated[
    Decimal,
    Field(
        ge=0,
        max_digits=14,
        decimal_places=2,
        description='Roubles as a decimal string with at most two decimals, e.g. "1250000.50".',
    ),
]
MoneyOut = Annotated[Decimal, Field(description='Roubles as a decimal string, e.g. "1250000.50".')]
Count = Annotated[int, Field(ge=0, le=1_000_000)]


class RegisterParams(Schema):
    q: Annotated[str, Field(max_length=100), OneLine] = Field(
        "", description="Words of the name, the legal name, the INN or the OGRN."
    )
    direction: Id | None = Field(None, description="A direction id; its sub-directions match too.")
    status: Literal["current", "active", "suspended", "revoked", "ended", "all"] = Field(
        "current", description="current (the default) = active and suspended; all = with former."
    )


class RegisterEntryOut(Schema):
    """What the public register holds about a resident: legal data and the agreement."""

    company_id: int
    short_name: str
    legal_name: str
    inn: str
    ogrn: str
    agreement_number: str
    agreement_date: date
    status: ResidentState
    status_since: date
    end_date: date | None
    site: str | None
    directions: list[DirectionRefOut]


class RegisterPageOut(Schema):
    count: int = Field(description="How many residents match, on every page.")
    limit: int
    offset: int
    items: list[RegisterEntryOut]


class QuarterlyReportOut(Schema):
    id: int
    resident_id: int
    company_id: int
    company_name: str
    year: int
    quarter: int
    revenue: MoneyOut
    taxes_paid: MoneyOut
    investment_raised: MoneyOut
    rnd_spending: MoneyOut
    exports: MoneyOut
    headcount: int
    ip_registered: int
    ip_note: str
    submitted_at: datetime
    review: Literal["filed", "accepted", "returned"] = Field(
        description="filed: waits for the park's review; returned: to be corrected and filed again."
    )
    review_note: str
    reviewed_at: datetime | None


class QuarterlyReportReviewIn(Schema):
    """Accept a filed report, or return it with a note of what to correct (required then)."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["accept", "return"]
    note: Annotated[str, Field(max_length=2000), Lines] = ""


class ReportPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[QuarterlyReportOut]


class OwnResidentOut(Schema):
    resident_id: int
    company_id: int
    company_name: str
    status: ResidentState
    current_year: int
    current_quarter: int
    current_due_date: date
    current_filed: bool = Field(description="Whether the current quarter's report is filed.")
    overdue: list[str] = Field(description='Quarters overdue and not filed, e.g. ["2026-Q1"].')
    reports: list[QuarterlyReportOut] = Field(description="Newest first.")


class ReportIn(Schema):
    """A quarter's report. ``year`` and ``quarter`` default to the current one (the last quarter
    that has ended); an earlier quarter still owed may be named."""

    model_config = ConfigDict(extra="forbid")

    company_id: Id
    year: int | None = Field(None, ge=2000, le=2100)
    quarter: int | None = Field(None, ge=1, le=4)
    revenue: Money
    taxes_paid: Money
    investment_raised: Money
    rnd_spending: Money
    exports: Money
    headcount: Count
    ip_registered: Count
    ip_note: Annotated[str, Field(max_length=5000), Lines] = ""


class QuarterParams(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="Default: the current quarter.")
    quarter: int | None = Field(None, ge=1, le=4)


class OverdueOut(Schema):
    resident_id: int
    company_id: int
    company_name: str
    status: ResidentState
    overdue_count: int
    flagged: bool = Field(description="Two or more overdue reports: flagged for suspension.")
    overdue: list[str]


class OverduePageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[OverdueOut]
