"""The parks part of the API: the parks a visitor sees, one park with its sites, its directions.

All three are public for a public park; a private park is seen by its members only (404 to
everyone else, as its pages). The park middleware resolves ``park_slug`` before these run.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from technopark.api.errors import documented
from technopark.parks import queries
from technopark.parks.http import park_of
from technopark.parks.schemas import DirectionTreeOut, ParkDetailOut, ParkOut

router = Router(tags=["parks"])


@router.get(
    "/parks",
    auth=None,
    **documented({200: list[ParkOut]}, 401),
    summary="Parks the visitor sees",
)
def park_list(request: HttpRequest) -> Any:
    """Public parks, and the private parks the signed-in person belongs to (one query).

    401 only for an invalid or revoked token: anonymous visitors are welcome.
    """
    return list(queries.parks_visible_to(user=request.user))


@router.get(
    "/parks/{slug:park_slug}",
    auth=None,
    **documented({200: ParkDetailOut}, 401, 404),
    summary="One park with its sites",
)
def park_detail(request: HttpRequest, park_slug: str) -> Any:
    """404 for an unknown park and for a private park the visitor is not a member of."""
    park = park_of(request)
    park.site_list = list(queries.sites(park=park))  # type: ignore[attr-defined]
    return park


@router.get(
    "/parks/{slug:park_slug}/directions",
    auth=None,
    **documented({200: list[DirectionTreeOut]}, 401, 404),
    summary="The park's directions, two levels deep",
)
def direction_tree(request: HttpRequest, park_slug: str) -> Any:
    """Top-level directions in their order, each with its sub-directions."""
    return queries.directions_tree(park=park_of(request))
