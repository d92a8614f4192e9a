"""Shapes of the introductions API: the request, the answers, and an introduction as its
visitor may see it (``contacts`` only once accepted)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from ninja import Field, Schema

from technopark.api.types import Id, Lines
from technopark.network.models import DeclineReason, IntroStatus
from technopark.network.services.intros import ANSWER_MAX_CHARS, NOTE_MAX_CHARS


class IntroIn(Schema):
    company: Id = Field(description="A company of this park the visitor acts for.")
    profile: Id = Field(description="The profile whose holder the company asks to meet.")
    note: Annotated[str, Field(min_length=1, max_length=NOTE_MAX_CHARS), Lines] = Field(
        description="The forwardable note: at most 100 words and 1,000 characters."
    )


class IntroAcceptIn(Schema):
    answer: Annotated[str, Field(max_length=ANSWER_MAX_CHARS), Lines] = ""


class IntroDeclineIn(Schema):
    reason: DeclineReason
    answer: Annotated[str, Field(max_length=ANSWER_MAX_CHARS), Lines] = ""


class IntroSide(StrEnum):
    RECEIVED = "received"
    SENT = "sent"
    ALL = "all"


class IntroFilterParams(Schema):
    side: IntroSide = Field(
        IntroSide.ALL,
        description="`received` by the visitor's profiles, `sent` by their companies, or `all` "
        "they may see (the staff: every one of the park).",
    )
    status: IntroStatus | None = None


class ContactsOut(Schema):
    holder_name: str
    holder_email: str
    holder_phone: str
    requester_name: str
    requester_email: str
    company: str


class IntroOut(Schema):
    id: int
    company_id: int
    company: str
    profile_id: int
    profile_headline: str
    profile_kind: str
    status: IntroStatus
    note: str
    decline_reason: str
    answer: str
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    contacts: ContactsOut | None = Field(
        None, description="Both sides' contacts: only once the holder accepted."
    )


class IntroPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[IntroOut]
