"""Input and output shapes of companies in the API.

Inputs refuse unknown fields (a misspelt field is a 422, not silently ignored) and bound every
value; the services still validate the data itself (INN and OGRN check digits, uniqueness, that a
site or direction belongs to the park).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

from technopark.api.types import Day, Id, Lines, Omittable, OneLine
from technopark.companies.models import Stage
from technopark.companies.queries import SORTS
from technopark.parks.schemas import DirectionRefOut

LegalName = Annotated[str, Field(max_length=300), OneLine]
ShortName = Annotated[str, Field(max_length=120), OneLine]
Inn = Annotated[str, Field(max_length=12, description="10 or 12 digits."), OneLine]
Ogrn = Annotated[str, Field(max_length=15, description="13 (OGRN) or 15 (OGRNIP) digits."), OneLine]
RegionCode = Annotated[str, Field(max_length=2, description="Two-digit region code."), OneLine]
Website = Annotated[str, Field(max_length=200), OneLine]
LongText = Annotated[str, Field(max_length=20_000), Lines]
Position = Annotated[str, Field(max_length=120), OneLine]
DirectionIds = Annotated[list[Id], Field(max_length=100)]


def _known_sort(value: str) -> str:
    if value not in SORTS:
        raise ValueError(f"Sort by one of: {', '.join(SORTS)}.")
    return value


class CompanyFilterParams(Schema):
    """The company list's search, filters and order (the same as the companies page)."""

    q: Annotated[str, Field(max_length=100), OneLine] = Field(
        "", description="Words of the name, the legal name, the INN or the OGRN."
    )
    direction: Id | None = Field(None, description="A direction id; its sub-directions match too.")
    stage: Stage | None = None
    site: Id | None = Field(None, description="A site id.")
    sort: Annotated[
        str, Field(json_schema_extra={"enum": list(SORTS)}), OneLine, AfterValidator(_known_sort)
    ] = "name"


class CompanyOut(Schema):
    id: int
    short_name: str
    legal_name: str
    inn: str
    ogrn: str
    region: str
    is_sme: bool
    founded_on: date | None
    website: str
    description: str
    stage: Stage
    started_in_park: bool
    supported_by_park: bool
    site_id: int | None
    directions: list[DirectionRefOut]
    created_at: datetime
    updated_at: datetime


class CompanyPageOut(Schema):
    count: int = Field(description="How many companies match, on every page.")
    limit: int
    offset: int
    items: list[CompanyOut]


class TeamMemberOut(Schema):
    user_id: int
    full_name: str
    position: str
    acts_for_company: bool

    @staticmethod
    def resolve_full_name(member: object) -> str:
        user = member.user  # type: ignore[attr-defined]
        return str(user.full_name or user.email)


class StageChangeOut(Schema):
    from_stage: Stage | None = Field(description="null for the company's first stage.")
    to_stage: Stage
    changed_at: datetime
    evidence: str

    @staticmethod
    def resolve_from_stage(change: object) -> str | None:
        return getattr(change, "from_stage", "") or None


class CompanyDetailOut(CompanyOut):
    team: list[TeamMemberOut]
    stage_history: list[StageChangeOut] = Field(description="Newest first.")


class CompanyCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    legal_name: LegalName
    short_name: ShortName
    inn: Inn
    ogrn: Ogrn
    region: RegionCode
    is_sme: bool = True
    founded_on: Day | None = None
    website: Website = ""
    description: LongText = ""
    site: Id | None = Field(None, description="A site of this park.")
    directions: DirectionIds = Field(default_factory=list, description="Directions of this park.")
    stage: Stage = Stage.IDEA
    started_in_park: bool = Field(False, description="Staff only.")
    supported_by_park: bool = Field(False, description="Staff only.")
    position: Position | None = Field(
        None,
        description=(
            "A founder who registers their own company joins its team with this position "
            '("Founder" when left out). Staff register companies for others and do not join.'
        ),
    )


class CompanyUpdateIn(Schema):
    """A partial update: only the fields sent change. ``site`` and ``founded_on`` may be null."""

    model_config = ConfigDict(extra="forbid")

    legal_name: Omittable[LegalName] = None
    short_name: Omittable[ShortName] = None
    inn: Omittable[Inn] = None
    ogrn: Omittable[Ogrn] = None
    region: Omittable[RegionCode] = None
    is_sme: Omittable[bool] = None
    founded_on: Day | None = None
    website: Omittable[Website] = None
    description: Omittable[LongText] = None
    site: Id | None = Field(None, description="A site of this park, or null for none.")
    directions: Omittable[DirectionIds] = Field(None, description="Replaces the directions.")
    stage: Omittable[Stage] = Field(None, description="A new stage is kept in the history.")
    stage_evidence: Omittable[LongText] = Field(
        None, description="What shows the company reached the new stage."
    )
    started_in_park: Omittable[bool] = Field(None, description="Staff only.")
    supported_by_park: Omittable[bool] = Field(None, description="Staff only.")
