"""Shapes of the mentoring API: pairings, their sessions, ratings, the fit answer, ending."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from technopark.api.types import Day, Id, Lines, OneLine
from technopark.network.models import Fit, PairingStatus, SessionFormat
from technopark.network.services.mentoring import (
    DURATION_MAX,
    DURATION_MIN,
    GOALS_MAX,
    NOTES_MAX,
    REASON_MAX,
    TOPICS_MAX,
)

Rating = Annotated[int, Field(ge=1, le=4)]


class PairingOut(Schema):
    id: int
    profile_id: int
    mentor: str
    company_id: int
    company: str
    cohort_id: int | None
    source: str
    status: str
    goals: str
    fit: str
    fit_answered_at: datetime | None
    started_at: datetime
    ended_at: datetime | None
    end_reason: str
    session_count: int
    last_held_on: date | None
    avg_mentor_rating: float | None
    avg_company_rating: float | None


class PairingPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[PairingOut]


class PairingFilterParams(Schema):
    status: PairingStatus | None = None
    cohort: Id | None = Field(None, description="Staff only: pairings of this cohort.")
    mentor: Id | None = Field(None, description="Staff only: pairings of this mentor profile.")


class PairingIn(Schema):
    profile: Id
    company: Id
    cohort: Id | None = None
    goals: Annotated[str, Field(max_length=GOALS_MAX), Lines] = ""


class MentoringSessionOut(Schema):
    id: int
    pairing_id: int
    held_on: date
    duration_minutes: int
    format: str
    topics: str
    notes: str | None = Field(
        None, description="The pair's private notes: present for the pair only, never for staff."
    )
    mentor_rating: int | None
    company_rating: int | None
    created_by_id: int
    created_at: datetime


class MentoringSessionIn(Schema):
    held_on: Day
    duration_minutes: Annotated[int, Field(ge=DURATION_MIN, le=DURATION_MAX)]
    format: SessionFormat = SessionFormat.ONLINE
    topics: Annotated[str, Field(max_length=TOPICS_MAX), OneLine] = ""
    notes: Annotated[str, Field(max_length=NOTES_MAX), Lines] = ""
    rating: Rating | None = Field(None, description="Your side's rating, 1 to 4.")


class SessionRatingIn(Schema):
    rating: Rating


class PairingFitIn(Schema):
    fit: Fit


class PairingFitOut(Schema):
    pairing: PairingOut
    rematch_url: str | None = Field(
        None, description="After “poor”: the suggestions page to look for another mentor."
    )


class PairingEndIn(Schema):
    reason: Annotated[str, Field(max_length=REASON_MAX), OneLine] = ""
