"""Reads of the matching part: the scoring inputs of a park (companies and profiles as
``scoring`` sides, in a fixed number of queries), the conflicts of interest, the weights in
force, a company's suggestions and a run's preview."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from technopark.companies.models import Company, TeamMember
from technopark.network.models import (
    Bookmark,
    Introduction,
    IntroStatus,
    MatchProposal,
    MatchRun,
    MatchWeights,
    MentoringSession,
    Need,
    Pairing,
    PairingStatus,
    Profile,
    ProfileKind,
    Visibility,
)
from technopark.network.scoring import CompanySide, ProfileSide, Score, Weights, score
from technopark.parks.models import Park
from technopark.programmes.models import Cohort, ParticipantStatus, Programme

WEIGHT_FIELDS = ("directions", "needs", "stage", "language", "time_zone", "ratings", "load")
DEFAULT_LANGUAGES = frozenset({"ru"})


def _codes(text: str) -> frozenset[str]:
    return frozenset(code.strip() for code in text.split(",") if code.strip())


def utc_offset_hours(zone: str, now: datetime) -> float:
    try:
        offset = now.astimezone(ZoneInfo(zone)).utcoffset()
    except (KeyError, ValueError):  # pragma: no cover - time zones are validated on save
        return 0.0
    return offset.total_seconds() / 3600 if offset is not None else 0.0


# --- weights ------------------------------------------------------------------------------


def weights_for(park: Park, programme: Any = None) -> MatchWeights:
    """The programme's weights, else the park's default, else the model's defaults (unsaved).
    At most two queries."""
    if programme is not None:
        row = MatchWeights.all_parks.filter(park=park, programme=programme).first()
        if row is not None:
            return row
    row = MatchWeights.all_parks.filter(park=park, programme__isnull=True).first()
    return row if row is not None else MatchWeights(park=park, programme=None)


def weights_of(row: MatchWeights) -> Weights:
    return Weights(**{name: int(getattr(row, name)) for name in WEIGHT_FIELDS})


# --- scoring inputs -----------------------------------------------------------------------


def company_sides(park: Park, companies: QuerySet[Company], now: datetime) -> list[CompanySide]:
    """``companies`` (of ``park``) as scoring sides: directions, open needs, stage, languages of
    the needs, the UTC offset of their site (else the park's). Four queries."""
    rows = companies.select_related("site").prefetch_related(
        "directions",
        Prefetch(
            "network_needs",
            queryset=Need.all_parks.filter(is_open=True).prefetch_related("directions"),
            to_attr="open_needs",
        ),
    )
    offsets: dict[str, float] = {}
    sides = []
    for company in rows:
        zone = company.site.time_zone if company.site is not None else park.time_zone
        if zone not in offsets:
            offsets[zone] = utc_offset_hours(zone, now)
        needs = company.open_needs
        languages = frozenset().union(*(_codes(need.languages) for need in needs))
        sides.append(
            CompanySide(
                id=company.pk,
                directions=frozenset(d.pk for d in company.directions.all()),
                need_directions=frozenset(d.pk for need in needs for d in need.directions.all()),
                kinds_sought=frozenset(need.seeking for need in needs),
                stage=company.stage,
                languages=languages or DEFAULT_LANGUAGES,
                utc_offset=offsets[zone],
            )
        )
    return sides


def profiles_with_load(park: Park) -> QuerySet[Profile]:
    """The park's profiles annotated with ``load`` (active pairings) and ``rating`` (the
    average rating companies gave in their sessions), by subqueries, with directions
    prefetched."""
    load = (
        Pairing.all_parks.filter(profile=OuterRef("pk"), status=PairingStatus.ACTIVE)
        .values("profile")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rating = (
        MentoringSession.all_parks.filter(
            pairing__profile=OuterRef("pk"), company_rating__isnull=False
        )
        .values("pairing__profile")
        .annotate(avg=Avg("company_rating"))
        .values("avg")
    )
    return (
        Profile.all_parks.filter(park=park)
        .select_related("user")
        .prefetch_related("directions")
        .annotate(
            load=Coalesce(Subquery(load, output_field=IntegerField()), 0),
            rating=Subquery(rating),
        )
    )


def profile_side(profile: Profile, offsets: dict[str, float], now: datetime) -> ProfileSide:
    """A profile loaded by ``profiles_with_load`` as a scoring side."""
    if profile.time_zone not in offsets:
        offsets[profile.time_zone] = utc_offset_hours(profile.time_zone, now)
    mentor = profile.kind == ProfileKind.MENTOR
    rating = getattr(profile, "rating", None)
    return ProfileSide(
        id=profile.pk,
        kind=profile.kind,
        directions=frozenset(d.pk for d in profile.directions.all()),
        stages=_codes(profile.stages),
        languages=_codes(profile.languages),
        utc_offset=offsets[profile.time_zone],
        rating=float(rating) if rating is not None else None,
        load=int(getattr(profile, "load", 0)) if mentor else 0,
        capacity=int(profile.capacity_mentees) if mentor else 0,
    )


def conflicts(
    park: Park, companies: Sequence[Company], profiles: Iterable[Profile]
) -> set[tuple[int, int]]:
    """(company id, profile id) pairs with a conflict of interest: the profile's holder is in
    the company's team, or the profile's organisation is the company's legal or short name
    (case and surrounding spaces ignored). One query."""
    ids = [company.pk for company in companies]
    team: dict[int, set[int]] = {}
    for company_id, user_id in TeamMember.objects.filter(company_id__in=ids).values_list(
        "company_id", "user_id"
    ):
        team.setdefault(user_id, set()).add(company_id)
    names: dict[str, set[int]] = {}
    for company in companies:
        for name in (company.legal_name, company.short_name):
            key = name.strip().casefold()
            if key:
                names.setdefault(key, set()).add(company.pk)
    found: set[tuple[int, int]] = set()
    for profile in profiles:
        for company_id in team.get(profile.user_id, ()):
            found.add((company_id, profile.pk))
        for company_id in names.get(profile.organisation.strip().casefold(), ()):
            found.add((company_id, profile.pk))
    return found


def active_pairs(park: Park, company_ids: Collection[int]) -> set[tuple[int, int]]:
    """(company id, profile id) of the active pairings of these companies. One query."""
    return set(
        Pairing.all_parks.filter(
            park=park, company_id__in=company_ids, status=PairingStatus.ACTIVE
        ).values_list("company_id", "profile_id")
    )


def active_mentor_counts(park_id: int, company_ids: Collection[int]) -> dict[int, int]:
    """Company id → its active pairings (mentors it already has). One grouped query."""
    return dict(
        Pairing.all_parks.filter(
            park_id=park_id, company_id__in=company_ids, status=PairingStatus.ACTIVE
        )
        .order_by()
        .values("company_id")
        .annotate(n=Count("pk"))
        .values_list("company_id", "n")
    )


# --- suggestions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    profile: Profile
    score: Score
    bookmarked: bool

    @property
    def top(self) -> list[Any]:
        return self.score.top(3)


def company_in_park(park: Park, pk: int) -> Company | None:
    return Company.all_parks.filter(park=park, pk=pk).first()


def suggestions(
    park: Park,
    company: Company,
    kind: str,
    weights: MatchWeights,
    *,
    now: datetime,
    limit: int = 20,
) -> list[Suggestion]:
    """The park's active, visible profiles of ``kind`` ranked by their score with ``company``,
    best first: not the company's own people (conflicts), not already paired with it or
    introduced to it (a request waiting or accepted), mentors with a place left, and a score
    above 0. Bookmarks of the company are marked. Nine queries, however many profiles."""
    side = company_sides(park, Company.all_parks.filter(pk=company.pk), now)[0]
    taken = set(
        Introduction.all_parks.filter(
            company=company, status__in=[IntroStatus.REQUESTED, IntroStatus.ACCEPTED]
        ).values_list("profile_id", flat=True)
    )
    taken |= {profile_id for _c, profile_id in active_pairs(park, [company.pk])}
    bookmarked = set(
        Bookmark.all_parks.filter(company=company).values_list("profile_id", flat=True)
    )
    profiles = list(
        profiles_with_load(park).filter(kind=kind, is_active=True, visibility=Visibility.PARK)
    )
    refused = conflicts(park, [company], profiles)
    offsets: dict[str, float] = {}
    found = []
    chosen = weights_of(weights)
    for profile in profiles:
        if profile.pk in taken or (company.pk, profile.pk) in refused:
            continue
        candidate = profile_side(profile, offsets, now)
        if kind == ProfileKind.MENTOR and candidate.free <= 0:
            continue
        result = score(side, candidate, chosen)
        if result.total > 0:
            found.append(Suggestion(profile, result, profile.pk in bookmarked))
    found.sort(key=lambda item: (-item.score.total, item.profile.headline, item.profile.pk))
    return found[:limit]


# --- runs ---------------------------------------------------------------------------------


def runs(park: Park) -> QuerySet[MatchRun]:
    return (
        MatchRun.all_parks.filter(park=park)
        .select_related("cohort", "cohort__programme", "created_by")
        .annotate(pairs=Count("proposals"))
    )


def run_in_park(park: Park, pk: int) -> MatchRun | None:
    return (
        MatchRun.all_parks.filter(park=park, pk=pk)
        .select_related("cohort", "cohort__programme")
        .annotate(pairs=Count("proposals"))
        .first()
    )


def proposal_in_park(park: Park, pk: int) -> MatchProposal | None:
    return MatchProposal.all_parks.filter(park=park, pk=pk).select_related("run").first()


def run_companies(run: MatchRun) -> QuerySet[Company]:
    """The companies the run matches: the cohort's active participants."""
    return Company.all_parks.filter(
        participations__cohort_id=run.cohort_id,
        participations__status=ParticipantStatus.ACTIVE,
    ).order_by("short_name", "pk")


def cohort_companies(cohort: Any) -> QuerySet[Company]:
    return Company.all_parks.filter(
        participations__cohort=cohort, participations__status=ParticipantStatus.ACTIVE
    ).order_by("short_name", "pk")


def mentor_profiles(park: Park) -> QuerySet[Profile]:
    """The park's active mentor profiles shown to the park's members (hidden ones are never
    proposed), with load and rating (batch matching's side)."""
    return profiles_with_load(park).filter(
        kind=ProfileKind.MENTOR, is_active=True, visibility=Visibility.PARK
    )


@dataclass
class CompanyRow:
    company: Company
    proposals: list[MatchProposal]


def run_preview(run: MatchRun) -> list[CompanyRow]:
    """Per company of the run (the cohort's active participants, and any company with a
    proposal) its proposals, best first. Two queries."""
    proposals = list(
        MatchProposal.all_parks.filter(run=run)
        .select_related("company", "profile", "profile__user")
        .order_by("company__short_name", "company_id", "-score", "pk")
    )
    rows: dict[int, CompanyRow] = {
        company.pk: CompanyRow(company, []) for company in run_companies(run)
    }
    for proposal in proposals:
        rows.setdefault(proposal.company_id, CompanyRow(proposal.company, [])).proposals.append(
            proposal
        )
    return sorted(rows.values(), key=lambda row: (row.company.short_name, row.company.pk))


def mentors_with_places(park: Park) -> list[Profile]:
    """Active mentor profiles with a place left, for the add form (one query)."""
    return [
        profile
        for profile in mentor_profiles(park).order_by("headline", "pk")
        if profile.load < profile.capacity_mentees  # type: ignore[attr-defined]
    ]


def cohorts_for_runs(park: Park) -> Any:
    return Cohort.all_parks.filter(park=park, archived_at__isnull=True).select_related("programme")


def programmes_for_weights(park: Park) -> Any:
    return Programme.all_parks.filter(park=park, archived_at__isnull=True)


def programme_in_park(park: Park, pk: int) -> Any:
    return Programme.all_parks.filter(park=park, pk=pk).first()


def cohort_in_park(park: Park, pk: int) -> Any:
    return Cohort.all_parks.filter(park=park, pk=pk).select_related("programme").first()


def companies_for_suggestions(park: Park, ids: Collection[int] | None) -> QuerySet[Company]:
    """The companies a visitor may ask suggestions for: ``ids`` (those they act for), or every
    company of the park (staff, ``ids`` None)."""
    rows = Company.all_parks.filter(park=park)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.order_by("short_name", "pk")
