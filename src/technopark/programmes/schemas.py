"""Input and output shapes of programmes in the API.

Times are sent and returned as ISO 8601. Returned times are UTC, with the session's time zone
and its wall-clock start alongside. A time sent without an offset is the wall-clock time in the
session's site's zone (the cohort's site's, else the park's); with an offset it is taken as is.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict

from technopark.api.types import Id, Lines, Moment, OneLine
from technopark.companies.models import Stage
from technopark.programmes.models import GuestKind, ParticipantStatus, SessionKind

Title = Annotated[str, Field(max_length=200), OneLine]
Room = Annotated[str, Field(max_length=120), OneLine]


class CohortOut(Schema):
    id: int
    name: str
    starts_on: date
    ends_on: date
    capacity: int
    site_id: int | None
    intake_call_id: int | None


class CohortListItemOut(CohortOut):
    participants: int = Field(description="Active participants.")

    @staticmethod
    def resolve_participants(cohort: object) -> int:
        return int(getattr(cohort, "n_participants", 0))


class ProgrammeOut(Schema):
    id: int
    name: str
    description: str
    grant_cap: str = Field(description="Roubles, a decimal string (never a float).")
    currency: str
    coworking_seats: int
    length_weeks: int
    cohorts: list[CohortListItemOut]

    @staticmethod
    def resolve_grant_cap(programme: object) -> str:
        return str(programme.grant_cap)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_cohorts(programme: object) -> list[object]:
        return list(programme.cohorts.all())  # type: ignore[attr-defined]


class SeatOut(Schema):
    """A participant's coworking seat: a desk booked for every day of the cohort."""

    booking_id: int
    resource_id: int
    resource_name: str
    site_name: str
    starts_on: date = Field(description="The first day held (local to the desk's site).")
    ends_on: date = Field(description="The last day held, inclusive.")


class ParticipantOut(Schema):
    id: int
    company_id: int
    company_name: str
    status: ParticipantStatus
    stage: Stage
    attendees: int
    seat: SeatOut | None = Field(description="The coworking seat, when one is booked.")


class CohortDetailOut(CohortOut):
    programme_id: int
    programme_name: str
    participants: list[ParticipantOut]


class SessionOut(Schema):
    id: int
    kind: SessionKind
    title: str
    speaker: str
    site_id: int | None
    room: str
    starts_at: datetime = Field(description="UTC.")
    ends_at: datetime = Field(description="UTC.")
    time_zone: str = Field(description="The zone the session is held in.")
    local_starts_at: str = Field(description="Wall-clock start in that zone, YYYY-MM-DDTHH:MM.")
    local_ends_at: str


class MySessionOut(SessionOut):
    present: bool | None = Field(description="Your attendance; null when not taken.")


class ParticipationOut(Schema):
    id: int
    cohort_id: int
    cohort_name: str
    programme_name: str
    company_id: int
    company_name: str
    status: ParticipantStatus
    stage: Stage
    coworking_seat: str = Field(description="A note kept from before seats were booked.")
    seat: SeatOut | None = Field(description="The coworking seat, when one is booked.")
    sessions: list[MySessionOut]


class SessionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: SessionKind
    title: Title
    speaker: Title = ""
    site: Id | None = Field(None, description="A site of this park; its zone reads the times.")
    room: Room = ""
    starts_at: Moment = Field(description="Without an offset: wall-clock time at the site.")
    ends_at: Moment


class AttendanceRowOut(Schema):
    attendee_id: int
    user_id: int
    full_name: str
    participant_id: int
    company_name: str
    present: bool | None = Field(description="null when not taken yet.")


class AttendanceSheetOut(Schema):
    session: SessionOut
    rows: list[AttendanceRowOut]


class MarkIn(Schema):
    model_config = ConfigDict(extra="forbid")

    attendee_id: Id
    present: bool


class AttendanceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    marks: Annotated[list[MarkIn], Field(min_length=1, max_length=2000)]


# --- Coworking seats ------------------------------------------------------------------------------


class SeatChoiceOut(Schema):
    resource_id: int
    resource_name: str
    site_name: str


class SeatIn(Schema):
    model_config = ConfigDict(extra="forbid")

    resource_id: Id | None = Field(
        None, description="A desk of the free list; none: the first desk free for all the dates."
    )


class SeatReleaseOut(Schema):
    released: SeatOut | None = Field(description="The seat given back; null when there was none.")


# --- Demo day: guests and feedback ----------------------------------------------------------------

Name = Annotated[str, Field(max_length=200), OneLine]
Email = Annotated[str, Field(max_length=254), OneLine]
Note = Annotated[str, Field(max_length=5000), Lines]


class GuestOut(Schema):
    id: int
    user_id: int | None = Field(description="The member invited; null for a guest from outside.")
    name: str
    organisation: str
    kind: GuestKind
    outside: bool = Field(description="A guest from outside the park (no account).")
    email: str = Field(description="Where an outside guest's feedback link is sent.")
    link_sent_at: datetime | None
    revoked_at: datetime | None = Field(description="When the invitation was withdrawn.")


class GuestIn(Schema):
    model_config = ConfigDict(extra="forbid")

    user_id: Id | None = Field(None, description="An investor, customer or partner of the park.")
    name: Name = Field("", description="An outside guest's name (without user_id).")
    organisation: Name = ""
    kind: GuestKind | None = None
    email: Email = Field(
        "", description="An outside guest's address: they get a link to give feedback."
    )


class FeedbackOut(Schema):
    pitch_id: int
    position: int
    company_name: str
    guest_id: int
    guest_name: str
    organisation: str
    kind: GuestKind
    outside: bool = Field(description="From a guest from outside, through their link.")
    meet: bool
    invest: bool
    pilot: bool
    note: str
    updated_at: datetime


class MyFeedbackOut(Schema):
    pitch_id: int
    position: int
    company_name: str
    given: bool = Field(description="Whether you have given feedback on this pitch.")
    meet: bool
    invest: bool
    pilot: bool
    note: str


class FeedbackEntryIn(Schema):
    model_config = ConfigDict(extra="forbid")

    pitch_id: Id
    meet: bool = False
    invest: bool = False
    pilot: bool = False
    note: Note = ""


class FeedbackIn(Schema):
    model_config = ConfigDict(extra="forbid")

    entries: Annotated[list[FeedbackEntryIn], Field(min_length=1, max_length=500)]
