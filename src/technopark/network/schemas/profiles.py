"""Shapes of the profiles part of the network API: profiles (contacts only when allowed),
companies' needs and bookmarks."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from technopark.api.types import Id, Lines, Omittable, OneLine
from technopark.network.models import ProfileKind, Visibility
from technopark.network.queries.profiles import Q_MAX

Code = Annotated[str, Field(min_length=2, max_length=3, pattern=r"^[a-z]{2,3}$"), OneLine]
Country = Annotated[str, Field(max_length=2, pattern=r"^([A-Za-z]{2})?$"), OneLine]
Stage = Annotated[str, Field(max_length=20), OneLine]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("999999999999.99"), decimal_places=2)]


class NetworkProfileOut(Schema):
    id: int
    kind: str
    user_id: int
    name: str
    headline: str
    bio: str
    organisation: str
    position: str
    country: str
    country_name: str
    time_zone: str
    languages: list[str]
    directions: list[int]
    stages: list[str]
    ticket_min: Decimal | None
    ticket_max: Decimal | None
    instruments: str
    needs: str
    pilot_budget: Decimal | None
    capacity_mentees: int
    hours_per_month: int
    intros_per_month: int
    mentees: int | None = Field(None, description="Active mentees (mentor profiles).")
    visibility: str
    is_active: bool
    email: str | None = Field(None, description="Only for those who may see the contacts.")
    phone: str | None = Field(None, description="Only for those who may see the contacts.")


class NetworkProfilePageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[NetworkProfileOut]


class DirectoryParams(Schema):
    kind: ProfileKind | None = None
    direction: Id | None = None
    language: Code | None = None
    country: Country | None = None
    q: Annotated[str, Field(max_length=Q_MAX), OneLine] = ""


class NetworkProfileFields(Schema):
    headline: Annotated[str, Field(max_length=200), OneLine]
    bio: Annotated[str, Field(max_length=4000), Lines] = ""
    organisation: Annotated[str, Field(max_length=200), OneLine] = ""
    position: Annotated[str, Field(max_length=200), OneLine] = ""
    phone: Annotated[str, Field(max_length=32), OneLine] = ""
    country: Country = ""
    time_zone: Annotated[str, Field(max_length=64), OneLine] = "Europe/Moscow"
    languages: Annotated[list[Code], Field(max_length=12)] = ["ru"]
    directions: Annotated[list[Id], Field(max_length=100)] = []
    stages: Annotated[list[Stage], Field(max_length=10)] = []
    ticket_min: Money | None = None
    ticket_max: Money | None = None
    instruments: Annotated[str, Field(max_length=200), OneLine] = ""
    needs: Annotated[str, Field(max_length=4000), Lines] = ""
    pilot_budget: Money | None = None
    capacity_mentees: Annotated[int, Field(ge=0, le=50)] = 3
    hours_per_month: Annotated[int, Field(ge=0, le=200)] = 4
    intros_per_month: Annotated[int, Field(ge=0, le=100)] = 5
    visibility: Visibility = Visibility.PARK
    is_active: bool = True


class NetworkProfileIn(NetworkProfileFields):
    kind: ProfileKind
    user: Id | None = Field(None, description="Staff only: the member the profile is for.")


class NetworkProfilePatch(Schema):
    headline: Omittable[Annotated[str, Field(max_length=200), OneLine]] = None
    bio: Omittable[Annotated[str, Field(max_length=4000), Lines]] = None
    organisation: Omittable[Annotated[str, Field(max_length=200), OneLine]] = None
    position: Omittable[Annotated[str, Field(max_length=200), OneLine]] = None
    phone: Omittable[Annotated[str, Field(max_length=32), OneLine]] = None
    country: Omittable[Country] = None
    time_zone: Omittable[Annotated[str, Field(max_length=64), OneLine]] = None
    languages: Omittable[Annotated[list[Code], Field(max_length=12)]] = None
    directions: Omittable[Annotated[list[Id], Field(max_length=100)]] = None
    stages: Omittable[Annotated[list[Stage], Field(max_length=10)]] = None
    ticket_min: Money | None = None
    ticket_max: Money | None = None
    instruments: Omittable[Annotated[str, Field(max_length=200), OneLine]] = None
    needs: Omittable[Annotated[str, Field(max_length=4000), Lines]] = None
    pilot_budget: Money | None = None
    capacity_mentees: Omittable[Annotated[int, Field(ge=0, le=50)]] = None
    hours_per_month: Omittable[Annotated[int, Field(ge=0, le=200)]] = None
    intros_per_month: Omittable[Annotated[int, Field(ge=0, le=100)]] = None
    visibility: Omittable[Visibility] = None
    is_active: Omittable[bool] = None


class NeedOut(Schema):
    id: int
    company_id: int
    seeking: str
    summary: str
    directions: list[int]
    languages: list[str]
    is_open: bool
    created_at: datetime


class NeedIn(Schema):
    seeking: ProfileKind
    summary: Annotated[str, Field(min_length=1, max_length=2000), Lines]
    directions: Annotated[list[Id], Field(max_length=100)] = []
    languages: Annotated[list[Code], Field(max_length=12)] = []


class BookmarkOut(Schema):
    id: int
    company_id: int
    profile_id: int
    headline: str
    kind: str
    created_at: datetime


class BookmarkIn(Schema):
    profile: Id


class BookmarkRemovedOut(Schema):
    removed: bool
