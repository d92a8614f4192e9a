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

from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "FACTORS",
    "MAX_SCORE",
    "CompanySide",
    "Factor",
    "ProfileSide",
    "Score",
    "Weights",
    "score",
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
    if profile.rating is None:
        ratings = MAX_SUB // 2
    else:
        clamped = min(4.0, max(1.0, profile.rating))
        ratings = round((clamped - 1.0) / 3.0 * MAX_SUB)
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
