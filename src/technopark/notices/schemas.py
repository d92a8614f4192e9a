"""Shapes of notices in the API."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from technopark.api.types import Id


class NoticeFilterParams(Schema):
    unread: bool = Field(False, description="Only the notices not read yet.")


class NoticeOut(Schema):
    id: Id
    park: str | None = Field(description="The park's slug, or null for the whole platform.")
    kind: str = Field(description="What waits, as a slug: grants.tranche_to_approve, …")
    subject: str
    body: str = Field(description="Plain text; escape it before showing it as HTML.")
    url: str = Field(description="The page it is about: a path inside the site.")
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_park(notice: object) -> str | None:
        park = notice.park  # type: ignore[attr-defined]
        return None if park is None else str(park.slug)


class NoticePageOut(Schema):
    count: int = Field(description="How many notices match, on every page.")
    limit: int
    offset: int
    items: list[NoticeOut]


class NoticesMarkedOut(Schema):
    marked: int = Field(description="How many notices were unread and are read now.")
