"""Reads of companies, shaped for the pages and the API that show them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.expressions import OrderBy, RawSQL

from technopark.companies import search_index
from technopark.companies.models import (
    Company,
    Stage,
    StageChange,
    TeamChange,
    TeamInvitation,
    TeamInvitationStatus,
    TeamMember,
)
from technopark.core.params import ID, Choice, Integer, Param, Text, param_value
from technopark.parks.models import Direction, Park

SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "name": ("short_name", "id"),
    "-name": ("-short_name", "-id"),
    # Companies without a founding date come last both ways, on every database.
    "founded": (F("founded_on").asc(nulls_last=True), "id"),
    "-founded": (F("founded_on").desc(nulls_last=True), "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    # Stages sort along the way from idea to market, not by their codes' spelling.
    "stage": ("stage_rank", "short_name", "id"),
    "-stage": ("-stage_rank", "short_name", "id"),
}

_STAGE_RANK = Case(
    *(When(stage=stage, then=Value(rank)) for rank, stage in enumerate(Stage.values)),
    default=Value(len(Stage.values)),
    output_field=IntegerField(),
)


#: the company list's filters as its page and its API read them from the address
FILTER_PARAMS: dict[str, Param] = {
    "q": Text(max_length=100),
    "direction": Integer(),
    "stage": Choice.of(Stage.values),
    "site": Integer(),
    "sort": Choice.of(SORTS),
}


@dataclass(frozen=True)
class CompanyFilters:
    """A company list's search, filters and order, as the pages and the API accept them."""

    q: str = ""
    direction: int | None = None
    stage: str = ""
    site: int | None = None
    sort: str = "name"

    @classmethod
    def from_params(cls, params: Any) -> CompanyFilters:
        """Build filters from a query dict; anything unusable is ignored rather than an error."""

        return cls(
            q=param_value(params, "q", Text(max_length=100), ""),
            direction=param_value(params, "direction", ID, None),
            stage=param_value(params, "stage", Choice.of(Stage.values), ""),
            site=param_value(params, "site", ID, None),
            sort=param_value(params, "sort", Choice.of(SORTS), "name"),
        )


def company_list(*, park: Park, filters: CompanyFilters) -> QuerySet[Company]:
    """Companies of ``park`` matching ``filters``, with site and directions loaded.

    Two queries however many rows are read: the companies (with their site joined) and their
    directions. A direction filter matches the direction and its sub-directions.
    """
    rows = Company.all_parks.filter(park=park)
    if filters.q:
        rows = rows.filter(_search(filters.q, using=rows.db))
    if filters.stage:
        rows = rows.filter(stage=filters.stage)
    if filters.site is not None:
        rows = rows.filter(site_id=filters.site)
    if filters.direction is not None:
        matching = Direction.all_parks.filter(park=park).filter(
            Q(pk=filters.direction) | Q(parent_id=filters.direction)
        )
        rows = rows.filter(
            pk__in=Company.directions.through.objects.filter(direction__in=matching).values(
                "company_id"
            )
        )
    if "stage" in filters.sort:
        rows = rows.annotate(stage_rank=_STAGE_RANK)
    return (
        rows.select_related("site")
        .prefetch_related(Prefetch("directions", queryset=Direction.objects.order_by("position")))
        .order_by(*SORTS[filters.sort])
    )


#: the columns the list page's table shows (``companies.rows``); the API and the export read them all
TABLE_FIELDS = (
    "short_name",
    "legal_name",
    "inn",
    "stage",
    "founded_on",
    "site__name",
    "site__name_en",
)


def company_table(*, park: Park, filters: CompanyFilters) -> QuerySet[Company]:
    """``company_list`` as the list page's table reads it: only the columns it shows, and no
    directions (``directions_of`` reads those of the page's rows without making a model instance
    per row and direction)."""
    return company_list(park=park, filters=filters).prefetch_related(None).only(*TABLE_FIELDS)


def directions_of(*, park: Park, companies: Iterable[Company]) -> dict[int, list[Direction]]:
    """The directions of each of ``companies`` (by id), in the park's order (one query; none for
    no company). As ``company.directions.all()`` after ``company_list``, but one ``Direction`` per
    direction rather than per company and direction, with only its names."""
    ids = [company.pk for company in companies]
    if not ids:
        return {}
    pairs = (
        Company.directions.through.objects.filter(company_id__in=ids, direction__park=park)
        .order_by("direction__position", "direction_id")
        .values_list("company_id", "direction_id", "direction__name", "direction__name_en")
    )
    made: dict[int, Direction] = {}
    found: dict[int, list[Direction]] = {}
    for company_id, direction_id, name, name_en in pairs:
        direction = made.get(direction_id)
        if direction is None:
            direction = made[direction_id] = Direction(
                pk=direction_id, park_id=park.pk, name=name, name_en=name_en
            )
        found.setdefault(company_id, []).append(direction)
    return found


def _search(q: str, *, using: str) -> Q:
    """Companies whose names, INN or OGRN contain ``q``, whatever its case.

    On SQLite with the trigram index (``search_index``) the matching ids come from the index;
    elsewhere, and for fewer than three characters, the column is compared row by row (on
    PostgreSQL its pg_trgm index serves that). Both give the same rows.
    """
    needle = q.casefold()
    phrase = (
        search_index.match_phrase(needle) if search_index.supported(connections[using]) else None
    )
    if phrase is None:
        return Q(search_text__contains=needle)
    return Q(pk__in=RawSQL(search_index.MATCHING_IDS, [phrase]))  # noqa: S611 - a constant, bound


def company_detail(*, park: Park, pk: int) -> Company | None:
    """One company with everything its page shows (four queries)."""
    return (
        Company.all_parks.filter(park=park, pk=pk)
        .select_related("site", "created_by")
        .prefetch_related(
            Prefetch("directions", queryset=Direction.objects.order_by("position")),
            Prefetch("team", queryset=TeamMember.objects.select_related("user")),
            Prefetch(
                "stage_history",
                queryset=StageChange.objects.select_related("changed_by").order_by(
                    "-changed_at", "-id"
                ),
            ),
        )
        .first()
    )


def direction_options(*, park: Park, keep: Iterable[int] = ()) -> list[Direction]:
    """The park's directions in tree order, each parent before its children (one query).

    Each direction gets ``depth``: 0 for a top-level direction, 1 for a sub-direction. Archived
    directions (and the children of an archived one) are not offered, except those in ``keep``:
    the record being edited still has them, and saving its form must not drop them.
    """
    kept = [pk for pk in keep if pk is not None]
    rows = list(
        Direction.all_parks.filter(park=park)
        .filter(Q(archived_at__isnull=True) | Q(pk__in=kept))
        .order_by("position", "name", "id")
    )
    children: dict[int, list[Direction]] = {}
    for row in rows:
        if row.parent_id is not None:
            children.setdefault(row.parent_id, []).append(row)
    ordered: list[Direction] = []
    shown = {row.pk for row in rows}
    for row in rows:
        # A kept child whose parent is archived stands on its own; the other children of an
        # archived direction are not offered.
        if row.parent_id is None or (row.parent_id not in shown and row.pk in kept):
            row.depth = 0
            ordered.append(row)
            for child in children.get(row.pk, []):
                child.depth = 1  # type: ignore[attr-defined]
                ordered.append(child)
    return ordered


def companies_of_user(*, park: Park, user: Any) -> QuerySet[Company]:
    if not user.is_authenticated:
        return Company.all_parks.none()
    return Company.all_parks.filter(park=park, team__user=user).order_by("short_name")


def open_team_offers(*, company: Company) -> list[TeamInvitation]:
    """The offers of a seat in the company's team still waiting for an answer (one query)."""
    return list(
        TeamInvitation.objects.filter(company=company, status=TeamInvitationStatus.PENDING)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def pending_team_invitations(*, park: Park, user: Any) -> list[TeamInvitation]:
    """The offers of a team seat in ``park`` waiting for ``user``'s answer (none for anonymous
    visitors, without a query)."""
    if not user.is_authenticated:
        return []
    return list(
        TeamInvitation.objects.filter(
            company__park=park, user=user, status=TeamInvitationStatus.PENDING
        )
        .select_related("company")
        .order_by("-created_at", "-pk")
    )


def team_changes_since(*, company_id: int, since: Any) -> list[TeamChange]:
    """Who joined or left the company's team after ``since`` (oldest first), with the people."""
    if since is None:
        return []
    return list(
        TeamChange.objects.filter(company_id=company_id, at__gt=since)
        .select_related("user", "by")
        .order_by("at", "pk")
    )


def headline_figures(*, park: Park) -> dict[str, Any]:
    """The public figures of a park: companies, started, supported, and the count at each stage."""
    # Counting ``stage`` (never null) rather than ``id``: the figures index holds every column this
    # reads, so the database counts from the index alone.
    totals = Company.all_parks.filter(park=park).aggregate(
        total=Count("stage"),
        started=Count("stage", filter=Q(started_in_park=True)),
        supported=Count("stage", filter=Q(supported_by_park=True)),
        **{f"stage_{stage}": Count("stage", filter=Q(stage=stage)) for stage in Stage.values},
    )
    return {
        "total": totals["total"],
        "started": totals["started"],
        "supported": totals["supported"],
        "by_stage": [(stage, totals[f"stage_{stage.value}"]) for stage in Stage],
    }
