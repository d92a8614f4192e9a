"""Explainable match scores of a company and a network profile (pure: no Django here).

A score is the sum of seven factors. Each factor's points are its weight (0–10, the columns
of ``MatchWeights``) times a sub-score from 0 to 10 that says how well the pair does on it:

=============  ==============================================================================
``directions``  the share of the company's directions the profile shares (0 when it names none)
``needs``       the share of the directions of the company's open needs the profile covers; a
                need naming no direction counts 10 when it seeks the profile's kind, else 0
``stage``       10 when the company's stage is one the profile works with, 5 when the profile
                names no stage (no preference), else 0
``language``    10 when they have a language in common, else 0
``time_zone``   the overlap of their working hours (9:00–18:00 local): 10 for full overlap, 0
                for none
``ratings``     the profile's past average rating by companies (1–4) mapped to 0–10; 5 (neutral)
                when it has none yet
``load``        the share of the profile's places still free (10 for a profile with no load)
=============  ==============================================================================

so ``total == sum(points)`` always, the total is between 0 and ``MAX_SCORE`` and it never
decreases when a weight grows. The factors come sorted by points, largest first (ties in the
order above): the first ones are what the pages show as the reasons ("shared directions: 40
points"). The labels are translated by code in the view layer, never here.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "FACTORS",
    "MAX_SCORE",
    "CompanySide",
    "Factor",
    "ProfileSide",
    "Score",
    "Weights",
    "score",
    "total_matrix",
]

#: The factors' codes, in the order used to break ties.
FACTORS = ("directions", "needs", "stage", "language", "time_zone", "ratings", "load")
MAX_WEIGHT = 10
MAX_SUB = 10
MAX_SCORE = MAX_WEIGHT * MAX_SUB * len(FACTORS)
WORKDAY_HOURS = 9.0  # 9:00–18:00


@dataclass(frozen=True)
class CompanySide:
    id: int
    directions: frozenset[int] = frozenset()
    need_directions: frozenset[int] = frozenset()
    kinds_sought: frozenset[str] = frozenset()
    stage: str = ""
    languages: frozenset[str] = frozenset({"ru"})
    utc_offset: float = 0.0  # hours


@dataclass(frozen=True)
class ProfileSide:
    id: int
    kind: str = "mentor"
    directions: frozenset[int] = frozenset()
    stages: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset({"ru"})
    utc_offset: float = 0.0  # hours
    rating: float | None = None  # past average rating by companies, 1–4
    load: int = 0  # companies mentored now
    capacity: int = 0  # places in all (0: capacity does not apply)

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.load)


@dataclass(frozen=True)
class Weights:
    directions: int = 5
    needs: int = 4
    stage: int = 2
    language: int = 3
    time_zone: int = 2
    ratings: int = 2
    load: int = 2

    def of(self, code: str) -> int:
        value: int = getattr(self, code)
        return value


@dataclass(frozen=True)
class Factor:
    code: str
    points: int


@dataclass(frozen=True)
class Score:
    total: int
    factors: list[Factor] = field(default_factory=list)

    def top(self, count: int = 3) -> list[Factor]:
        """The factors that contributed most (those with points only)."""
        return [factor for factor in self.factors[:count] if factor.points > 0]


def _share(part: int, whole: int) -> int:
    """``10 × part / whole`` rounded half up, in integers (0 when ``whole`` is 0)."""
    if whole <= 0:
        return 0
    return (2 * MAX_SUB * part + whole) // (2 * whole)


def hours_overlap(offset_a: float, offset_b: float) -> float:
    """Hours of 9:00–18:00 local that two time zones (UTC offsets in hours) share."""
    gap = abs(offset_a - offset_b) % 24
    gap = min(gap, 24 - gap)
    return max(0.0, WORKDAY_HOURS - gap)


def sub_scores(company: CompanySide, profile: ProfileSide) -> dict[str, int]:
    """Each factor's sub-score, 0–10."""
    if company.need_directions:
        needs = _share(
            len(company.need_directions & profile.directions), len(company.need_directions)
        )
    else:
        needs = MAX_SUB if profile.kind in company.kinds_sought else 0
    if not profile.stages:
        stage = MAX_SUB // 2
    else:
        stage = MAX_SUB if company.stage in profile.stages else 0
    overlap = hours_overlap(company.utc_offset, profile.utc_offset)
    ratings = _rating_sub(profile)
    load = MAX_SUB if profile.capacity <= 0 else _share(profile.free, profile.capacity)
    return {
        "directions": _share(len(company.directions & profile.directions), len(company.directions)),
        "needs": needs,
        "stage": stage,
        "language": MAX_SUB if company.languages & profile.languages else 0,
        "time_zone": round(overlap / WORKDAY_HOURS * MAX_SUB),
        "ratings": ratings,
        "load": load,
    }


def score(company: CompanySide, profile: ProfileSide, weights: Weights) -> Score:
    """The pair's score and its factors, largest first."""
    subs = sub_scores(company, profile)
    factors = [Factor(code, weights.of(code) * subs[code]) for code in FACTORS]
    factors.sort(key=lambda factor: -factor.points)  # stable: ties keep FACTORS order
    return Score(total=sum(factor.points for factor in factors), factors=factors)


def factors_json(factors: Iterable[Factor]) -> list[dict[str, object]]:
    """The factors as stored on a proposal: ``[{"factor": code, "points": n}, …]``."""
    return [{"factor": factor.code, "points": factor.points} for factor in factors]


def _rating_sub(profile: ProfileSide) -> int:
    if profile.rating is None:
        return MAX_SUB // 2
    clamped = min(4.0, max(1.0, profile.rating))
    return round((clamped - 1.0) / 3.0 * MAX_SUB)


def _incidence(rows: Sequence[Iterable[Hashable]], index: dict[Hashable, int]) -> np.ndarray:
    matrix = np.zeros((len(rows), max(len(index), 1)), dtype=np.int64)
    for i, items in enumerate(rows):
        for item in items:
            matrix[i, index[item]] = 1
    return matrix


def _index(*groups: Iterable[Iterable[Hashable]]) -> dict[Hashable, int]:
    found: dict[Hashable, int] = {}
    for group in groups:
        for items in group:
            for item in items:
                found.setdefault(item, len(found))
    return found


def total_matrix(
    companies: Sequence[CompanySide], profiles: Sequence[ProfileSide], weights: Weights
) -> np.ndarray:
    """``score(c, p, weights).total`` for every company (rows) and profile (columns) at once,
    with numpy: the same rules as ``sub_scores`` (a property test holds them equal), for batch
    matching's thousands of pairs."""
    n_c, n_p = len(companies), len(profiles)
    if n_c == 0 or n_p == 0:
        return np.zeros((n_c, n_p), dtype=np.int64)
    directions = _index(
        (c.directions for c in companies),
        (c.need_directions for c in companies),
        (p.directions for p in profiles),
    )
    p_dir = _incidence([p.directions for p in profiles], directions).T

    def share(company_sets: list[frozenset[int]]) -> tuple[np.ndarray, np.ndarray]:
        matrix = _incidence(company_sets, directions)
        whole = matrix.sum(axis=1).reshape(-1, 1)
        part = matrix @ p_dir
        sub = (2 * MAX_SUB * part + whole) // np.maximum(2 * whole, 1)
        return np.where(whole > 0, sub, 0), whole

    directions_sub, _whole = share([c.directions for c in companies])
    needs_share, need_count = share([c.need_directions for c in companies])
    kinds = _index((c.kinds_sought for c in companies), ([p.kind] for p in profiles))
    sought = _incidence([c.kinds_sought for c in companies], kinds)[
        :, [kinds[p.kind] for p in profiles]
    ]
    needs_sub = np.where(need_count > 0, needs_share, sought * MAX_SUB)

    stages = _index(([c.stage] for c in companies), (p.stages for p in profiles))
    p_stages = _incidence([p.stages for p in profiles], stages)
    has_stage = p_stages[:, [stages[c.stage] for c in companies]].T  # n_c × n_p
    no_stages = np.array([not p.stages for p in profiles]).reshape(1, -1)
    stage_sub = np.where(no_stages, MAX_SUB // 2, has_stage * MAX_SUB)

    languages = _index((c.languages for c in companies), (p.languages for p in profiles))
    common = (
        _incidence([c.languages for c in companies], languages)
        @ _incidence([p.languages for p in profiles], languages).T
    )
    language_sub = np.where(common > 0, MAX_SUB, 0)

    c_off = np.array([c.utc_offset for c in companies], dtype=np.float64).reshape(-1, 1)
    p_off = np.array([p.utc_offset for p in profiles], dtype=np.float64).reshape(1, -1)
    gap = np.abs(c_off - p_off) % 24
    gap = np.minimum(gap, 24 - gap)
    overlap = np.maximum(0.0, WORKDAY_HOURS - gap)
    time_sub = np.rint(overlap / WORKDAY_HOURS * MAX_SUB).astype(np.int64)

    per_profile = np.array(
        [
            weights.ratings * _rating_sub(p)
            + weights.load * (MAX_SUB if p.capacity <= 0 else _share(p.free, p.capacity))
            for p in profiles
        ],
        dtype=np.int64,
    ).reshape(1, -1)
    total: np.ndarray = (
        weights.directions * directions_sub
        + weights.needs * needs_sub
        + weights.stage * stage_sub
        + weights.language * language_sub
        + weights.time_zone * time_sub
        + per_profile
    )
    return total.astype(np.int64)
