"""Limit/offset pages of a list, with the total count, for the list endpoints."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from ninja import Field, Schema

from technopark.core.params import Integer, Param

MAX_PAGE_SIZE = 100
# Far beyond any list the park keeps, and safely within a 64-bit OFFSET on every database.
MAX_OFFSET = 10_000_000


#: limit and offset as a cached API list declares them (``core.fragments``)
PAGE_PARAMS: dict[str, Param] = {
    "limit": Integer(high=MAX_PAGE_SIZE),
    "offset": Integer(low=0, high=MAX_OFFSET),
}


class PageParams(Schema):
    limit: int = Field(
        settings.TECHNOPARK_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"How many items to return (at most {MAX_PAGE_SIZE}).",
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")


def paginate(rows: QuerySet[Any], page: PageParams) -> dict[str, Any]:
    """One page of ``rows``: two queries (the count, the page) plus the rows' own prefetches."""
    return {
        "count": rows.count(),
        "limit": page.limit,
        "offset": page.offset,
        "items": list(rows[page.offset : page.offset + page.limit]),
    }
