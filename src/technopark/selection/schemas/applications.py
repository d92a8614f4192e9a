"""Input and output shapes of calls and applications in the API.

Money and numbers are sent and returned as decimal strings (never floats). Inputs refuse unknown
fields; the services still check each answer against its question's kind.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict

from technopark.api.types import Id, Lines, Moment, OneLine
from technopark.selection.models import (
    ApplicationStatus,
    CallKind,
    CallStatus,
    CheckCode,
    CheckVerdict,
    EligibilityOutcome,
    FieldKind,
    RunTrigger,
)

Title = Annotated[str, Field(max_length=300), OneLine]
AnswerValue = (
    Annotated[str, Field(max_length=20_000), Lines]
    | bool
    | int
    | Annotated[list[Annotated[int, Field(ge=0, le=1000)]], Field(max_length=100)]
    | None
)


class CallDirectionOut(Schema):
    id: int
    code: str


class CallFieldOut(Schema):
    id: int
    position: int
    kind: FieldKind
    label: str
    help_text: str
    required: bool
    options: list[str] = Field(description="Choice questions: answer with the option's index.")
    max_size_mb: int
    allowed_types: list[str]

    @staticmethod
    def resolve_options(field: Any) -> list[str]:
        return list(field.option_list)

    @staticmethod
    def resolve_allowed_types(field: Any) -> list[str]:
        if field.kind != FieldKind.FILE:
            return []
        return [t for t in field.allowed_types.split(",") if t]


class CallCriterionOut(Schema):
    id: int
    name: str
    description: str
    weight: str = Field(description="A decimal number as a string.")
    scale_max: int

    @staticmethod
    def resolve_weight(criterion: Any) -> str:
        return str(criterion.weight)


class CallSummaryOut(Schema):
    id: int
    kind: CallKind
    title: str
    opens_at: datetime
    closes_at: datetime
    time_zone: str = Field(description="The zone the call's dates are set in (its site's).")
    directions: list[CallDirectionOut]
    is_open: bool

    @staticmethod
    def resolve_time_zone(call: Any) -> str:
        return str(call.time_zone_name)

    @staticmethod
    def resolve_is_open(call: Any) -> bool:
        return bool(call.is_open())


class CallDetailOut(CallSummaryOut):
    description: str
    reviews_per_application: int
    blind_review: bool
    fields: list[CallFieldOut]
    criteria: list[CallCriterionOut]


class OwnAnswerOut(Schema):
    field_id: int
    text: str
    number: str | None = Field(description="A decimal number as a string.")
    money: str | None = Field(description="Roubles, a decimal string with two places.")
    date: str | None
    flag: bool | None
    choices: list[int]
    file_name: str

    @staticmethod
    def resolve_number(answer: Any) -> str | None:
        return None if answer.number is None else str(answer.number.normalize())

    @staticmethod
    def resolve_money(answer: Any) -> str | None:
        return None if answer.money is None else str(answer.money)

    @staticmethod
    def resolve_date(answer: Any) -> str | None:
        return None if answer.date is None else answer.date.isoformat()


class ScreeningCheckOut(Schema):
    code: CheckCode
    passed: bool
    finding: str = Field(description="What the check found, as a code (``Finding``).")
    params: dict[str, Any] = Field(description="The finding's parameters (region codes, …).")
    reason: str = Field(description="The finding in the request's language.")
    verdict: CheckVerdict
    verdict_reason: str
    final_passed: bool
    needs_decision: bool = Field(
        description="A later run found otherwise than the result the verdict was given on."
    )


class ScreeningRunResultOut(Schema):
    code: CheckCode
    passed: bool
    changed: bool = Field(description="Differs from the check's result before this run.")


class ScreeningRunOut(Schema):
    at: Moment
    trigger: RunTrigger
    by: str | None = Field(description="Who ran it; null when the platform did.")
    results: list[ScreeningRunResultOut]

    @staticmethod
    def resolve_at(run: Any) -> datetime:
        return run.ran_at

    @staticmethod
    def resolve_by(run: Any) -> str | None:
        user = run.triggered_by
        return None if user is None else str(user.get_full_name())

    @staticmethod
    def resolve_results(run: Any) -> list[Any]:
        return list(run.results.all())


class OwnApplicationOut(Schema):
    id: int
    call_id: int
    company_id: int
    company_name: str
    status: ApplicationStatus
    title: str
    directions: list[CallDirectionOut]
    created_at: datetime
    submitted_at: datetime | None

    @staticmethod
    def resolve_company_name(application: Any) -> str:
        return str(application.company.short_name)


class OwnApplicationDetailOut(OwnApplicationOut):
    answers: list[OwnAnswerOut]
    declares_no_tax_debt: bool


class ScreenedApplicationOut(OwnApplicationOut):
    eligibility: EligibilityOutcome | None = Field(
        description="The staff's outcome; null until they give it."
    )
    eligibility_reason: str = Field(description="The staff's reason where they overrode.")
    automatic_eligibility: EligibilityOutcome | None = Field(
        description="The platform's verdict from the checks' results that count."
    )
    eligibility_checks: list[ScreeningCheckOut]
    runs: list[ScreeningRunOut] = Field(
        description="Every run of the checks, newest first, with what each found."
    )

    @staticmethod
    def resolve_runs(application: Any) -> list[Any]:
        return list(application.eligibility_runs.all())

    @staticmethod
    def resolve_eligibility(application: Any) -> str | None:
        return application.eligibility_outcome or None

    @staticmethod
    def resolve_automatic_eligibility(application: Any) -> str | None:
        checks = list(application.eligibility_checks.all())
        if not checks:
            return None
        return "eligible" if all(check.final_passed for check in checks) else "ineligible"


class CallStatusOut(Schema):
    id: int
    status: CallStatus


class EligibilityConfirmIn(Schema):
    model_config = ConfigDict(extra="forbid")

    applications: list[Id] = Field(
        min_length=1, max_length=1000, description="Ids of applications of the call."
    )


class EligibilityConfirmOut(Schema):
    confirmed: int
    items: list[ScreenedApplicationOut]


class EligibilityOutcomeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    outcome: EligibilityOutcome
    reason: Annotated[str, Field(max_length=500), OneLine] = Field(
        default="", description="Needed only when the outcome differs from the automatic verdict."
    )


class OwnApplicationListOut(Schema):
    items: list[OwnApplicationOut]


class ScreenedApplicationListOut(Schema):
    items: list[ScreenedApplicationOut]


class CallSummaryListOut(Schema):
    items: list[CallSummaryOut]


class OwnApplicationCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    call: Id
    company: Id


class OwnAnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    field: Id
    value: AnswerValue = Field(
        description=(
            "Text for text questions; a decimal string for number and money; YYYY-MM-DD for a "
            "date; true/false for a declaration; an option's index (or a list of them) for "
            "choices; null or empty to clear. Files are uploaded on the application page."
        )
    )


class OwnApplicationUpdateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    directions: Annotated[list[Id], Field(max_length=100)] | None = None
    answers: Annotated[list[OwnAnswerIn], Field(max_length=500)] = Field(default_factory=list)


class OwnApplicationSubmitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    declares_no_tax_debt: bool = Field(
        description="The company has no overdue taxes (an eligibility check)."
    )


class ApplicationFileOut(Schema):
    """A file answered to a question of the application's form."""

    answer_id: int = Field(description="Download it at `…/applications/{id}/files/{answer_id}`.")
    field_id: int
    question: str
    file_name: str = Field(
        description="The uploaded file's name; `attachment-<field_id>.<ext>` for an expert of "
        "a blind call, whom the name could tell who applied."
    )
    file_size: int = Field(description="Bytes.")


class ApplicationFileListOut(Schema):
    items: list[ApplicationFileOut]
