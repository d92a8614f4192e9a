"""Output shapes of parks, their sites and their directions in the API."""

from __future__ import annotations

from ninja import Field, Schema


# A direction named by its code, in the companies and the register the API lists. (A comment,
# not a docstring: a docstring would become the schema's description in the OpenAPI.)
class DirectionRefOut(Schema):
    id: int
    code: str


class SiteOut(Schema):
    id: int
    name: str
    name_en: str
    address: str
    time_zone: str = Field(description="IANA time zone, e.g. Asia/Yakutsk.")


class ParkOut(Schema):
    slug: str = Field(description="The park's address: /api/v1/parks/{slug}.")
    name: str
    name_en: str
    description: str
    description_en: str
    region: str = Field(description="Two-digit code of the region of the Russian Federation.")
    time_zone: str
    languages: list[str]
    website: str
    is_public: bool

    @staticmethod
    def resolve_languages(park: object) -> list[str]:
        codes = str(getattr(park, "languages", "") or "")
        return [code.strip() for code in codes.split(",") if code.strip()]


class ParkDetailOut(ParkOut):
    sites: list[SiteOut]

    @staticmethod
    def resolve_sites(park: object) -> list[object]:
        # The view reads the sites in order through parks.queries.sites and hands them over here.
        return list(park.site_list)  # type: ignore[attr-defined]


class DirectionOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    position: int


class DirectionTreeOut(DirectionOut):
    """A top-level direction with its sub-directions (the taxonomy has two levels)."""

    subdirections: list[DirectionOut]
