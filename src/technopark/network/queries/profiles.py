"""Reads of the profiles part: the directory, one profile, the companies a profile accepted,
companies' needs and bookmarks."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from technopark.companies.models import Company
from technopark.core.params import ID, Choice, Param, Text, parse_or_none
from technopark.network import names
from technopark.network.models import (
    Bookmark,
    Introduction,
    IntroStatus,
    Need,
    Pairing,
    PairingStatus,
    Profile,
    ProfileKind,
    Visibility,
)
from technopark.parks.models import Direction, Park
from technopark.parks.rules import ParkAccess, is_staff

#: The longest free-text search of the directory.
Q_MAX = 100

#: The directory's query parameters, typed and bounded.
DIRECTORY_PARAMS: dict[str, Param] = {
    "kind": Choice.of(ProfileKind.values),
    "direction": ID,
    "language": Choice.of(names.LANGUAGE_CODES),
    "country": Choice.of(names.COUNTRY_CODES),
    "q": Text(max_length=Q_MAX),
}


@dataclass(frozen=True)
class DirectoryFilters:
    kind: str | None = None
    direction: int | None = None
    language: str | None = None
    country: str | None = None
    q: str = ""
    #: the parameters given but refused (shown as not applied)
    refused: tuple[str, ...] = field(default=())

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> DirectoryFilters:
        values: dict[str, Any] = {}
        refused = []
        for name, param in DIRECTORY_PARAMS.items():
            raw = params.get(name)
            if not isinstance(raw, str) or raw == "":
                continue
            if name == "country":
                raw = raw.upper()
            value = parse_or_none(param, raw)
            if value is None or value == "":
                refused.append(name)
            else:
                values[name] = value
        return cls(**values, refused=tuple(refused))


def _has_code(column: str, code: str) -> Q:
    """``column`` (comma-separated codes) holds ``code``."""
    return (
        Q(**{column: code})
        | Q(**{f"{column}__startswith": f"{code},"})
        | Q(**{f"{column}__endswith": f",{code}"})
        | Q(**{f"{column}__contains": f",{code},"})
    )


def _directions_prefetch() -> Prefetch[Any]:
    return Prefetch("directions", queryset=Direction.all_parks.order_by("position", "name", "pk"))


def visible_profiles(*, park: Park, access: ParkAccess) -> QuerySet[Profile]:
    """The park's profiles the visitor may see: active and visible ones, their own, and every one
    for the staff."""
    rows = Profile.all_parks.filter(park=park)
    if is_staff(access):
        return rows
    shown = Q(is_active=True, visibility=Visibility.PARK)
    if access.is_authenticated:
        shown |= Q(user=access.user)
    return rows.filter(shown)


def directory(*, park: Park, access: ParkAccess, filters: DirectoryFilters) -> QuerySet[Profile]:
    """The directory, filtered: each row with its holder, its directions (prefetched) and, for
    mentors, ``mentees`` (active pairings, counted in the same query). Three queries for a page
    (the count, the rows, the directions)."""
    rows = visible_profiles(park=park, access=access)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.direction:
        rows = rows.filter(
            Q(directions__pk=filters.direction) | Q(directions__parent_id=filters.direction)
        )
    if filters.language:
        rows = rows.filter(_has_code("languages", filters.language))
    if filters.country:
        rows = rows.filter(country=filters.country)
    if filters.q:
        rows = rows.filter(
            Q(headline__icontains=filters.q)
            | Q(organisation__icontains=filters.q)
            | Q(user__full_name__icontains=filters.q)
        )
    if filters.direction:
        rows = rows.distinct()
    return (
        rows.select_related("user")
        .prefetch_related(_directions_prefetch())
        .annotate(
            mentees=Count(
                "pairings", filter=Q(pairings__status=PairingStatus.ACTIVE), distinct=True
            )
        )
        .order_by("kind", "headline", "pk")
    )


def profile_detail(*, park: Park, pk: int) -> Profile | None:
    """One profile of the park with its holder, directions and active mentees (two queries)."""
    return (
        Profile.all_parks.filter(park=park, pk=pk)
        .select_related("user")
        .prefetch_related(_directions_prefetch())
        .annotate(
            mentees=Count(
                "pairings", filter=Q(pairings__status=PairingStatus.ACTIVE), distinct=True
            )
        )
        .first()
    )


def own_profiles(*, park: Park, user: Any) -> QuerySet[Profile]:
    return (
        Profile.all_parks.filter(park=park, user=user)
        .prefetch_related(_directions_prefetch())
        .order_by("kind", "pk")
    )


def connected_company_ids(profile: Profile) -> set[int]:
    """The companies the profile's holder accepted: an accepted introduction to the profile, or
    any pairing with it (one query)."""
    accepted = (
        Introduction.all_parks.filter(profile=profile, status=IntroStatus.ACCEPTED)
        .order_by()
        .values_list("company_id", flat=True)
    )
    paired = (
        Pairing.all_parks.filter(profile=profile).order_by().values_list("company_id", flat=True)
    )
    return set(accepted.union(paired))


def needs_of(
    *, park: Park, company_ids: Collection[int], open_only: bool = False
) -> QuerySet[Need]:
    rows = Need.all_parks.filter(park=park, company_id__in=list(company_ids))
    if open_only:
        rows = rows.filter(is_open=True)
    return (
        rows.select_related("company")
        .prefetch_related(_directions_prefetch())
        .order_by("-is_open", "company__short_name", "-created_at", "-pk")
    )


def need_in_park(*, park: Park, pk: int) -> Need | None:
    return (
        Need.all_parks.filter(park=park, pk=pk)
        .select_related("company")
        .prefetch_related("directions")
        .first()
    )


def bookmarks_of(*, park: Park, company_ids: Collection[int]) -> QuerySet[Bookmark]:
    return (
        # A profile hidden or paused after it was bookmarked is no longer shown.
        Bookmark.all_parks.filter(
            park=park,
            company_id__in=list(company_ids),
            profile__is_active=True,
            profile__visibility=Visibility.PARK,
        )
        .select_related("company", "profile", "profile__user")
        .order_by("company__short_name", "-created_at", "-pk")
    )


def bookmarked_company_ids(*, profile: Profile, company_ids: Collection[int]) -> set[int]:
    return set(
        Bookmark.all_parks.filter(profile=profile, company_id__in=list(company_ids)).values_list(
            "company_id", flat=True
        )
    )


def companies_named(*, park: Park, company_ids: Collection[int]) -> list[Any]:
    return list(
        Company.all_parks.filter(park=park, pk__in=list(company_ids)).order_by("short_name", "pk")
    )


def park_directions(*, park: Park) -> list[Direction]:
    return list(Direction.all_parks.filter(park=park).order_by("position", "name", "pk"))


def profiles_connected_to(*, park: Park, company_ids: Collection[int]) -> set[int]:
    """The profiles whose holders accepted one of ``company_ids`` (an accepted introduction or
    any pairing; one query): the list endpoint's contacts, without a query per row."""
    if not company_ids:
        return set()
    ids = list(company_ids)
    accepted = (
        Introduction.all_parks.filter(park=park, company_id__in=ids, status=IntroStatus.ACCEPTED)
        .order_by()
        .values_list("profile_id", flat=True)
    )
    paired = (
        Pairing.all_parks.filter(park=park, company_id__in=ids)
        .order_by()
        .values_list("profile_id", flat=True)
    )
    return set(accepted.union(paired))
