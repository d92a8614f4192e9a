"""The match score: pure, explainable (the factors add up to the total), bounded and monotonic
in every weight."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from technopark.network.scoring import (
    FACTORS,
    MAX_SCORE,
    CompanySide,
    ProfileSide,
    Weights,
    hours_overlap,
    score,
    total_matrix,
)

directions = st.frozensets(st.integers(1, 6), max_size=4)
languages = st.frozensets(st.sampled_from(["ru", "en", "de", "sah"]), max_size=3)
stages = st.sampled_from(["idea", "prototype", "production", "market"])
offsets = st.sampled_from([-5.0, 0.0, 1.0, 3.0, 5.5, 9.0, 10.0, 12.0])
weight = st.integers(0, 10)

companies = st.builds(
    CompanySide,
    id=st.just(1),
    directions=directions,
    need_directions=directions,
    kinds_sought=st.frozensets(st.sampled_from(["mentor", "expert", "investor"])),
    stage=stages,
    languages=languages,
    utc_offset=offsets,
)


@st.composite
def profiles(draw: st.DrawFn) -> ProfileSide:
    capacity = draw(st.integers(0, 10))
    return ProfileSide(
        id=2,
        kind=draw(st.sampled_from(["mentor", "expert", "investor"])),
        directions=draw(directions),
        stages=draw(st.frozensets(stages, max_size=3)),
        languages=draw(languages),
        utc_offset=draw(offsets),
        rating=draw(st.none() | st.floats(1, 4)),
        load=draw(st.integers(0, capacity)),
        capacity=capacity,
    )


weights_st = st.builds(Weights, *[weight] * len(FACTORS))


@given(companies, profiles(), weights_st)
def test_total_is_the_sum_of_the_factors_and_bounded(
    company: CompanySide, profile: ProfileSide, weights: Weights
) -> None:
    result = score(company, profile, weights)
    assert result.total == sum(factor.points for factor in result.factors)
    assert 0 <= result.total <= MAX_SCORE
    assert sorted(factor.code for factor in result.factors) == sorted(FACTORS)
    points = [factor.points for factor in result.factors]
    assert points == sorted(points, reverse=True)
    for factor in result.factors:
        assert 0 <= factor.points <= 10 * weights.of(factor.code)


@given(companies, profiles(), weights_st, st.sampled_from(FACTORS), st.integers(0, 10))
def test_monotonic_in_each_weight(
    company: CompanySide, profile: ProfileSide, weights: Weights, code: str, more: int
) -> None:
    raised = dataclasses.replace(weights, **{code: min(10, weights.of(code) + more)})
    assert score(company, profile, raised).total >= score(company, profile, weights).total


def test_each_factor_on_a_known_pair() -> None:
    company = CompanySide(
        id=1,
        directions=frozenset({1, 2}),
        need_directions=frozenset({3}),
        stage="prototype",
        languages=frozenset({"ru"}),
        utc_offset=9,
    )
    profile = ProfileSide(
        id=2,
        directions=frozenset({1, 3}),
        stages=frozenset({"prototype"}),
        languages=frozenset({"ru", "en"}),
        utc_offset=3,
        rating=4,
        load=1,
        capacity=2,
    )
    weights = Weights(directions=4, needs=3, stage=2, language=1, time_zone=1, ratings=1, load=1)
    result = score(company, profile, weights)
    points = {factor.code: factor.points for factor in result.factors}
    assert points == {
        "directions": 4 * 5,  # one of two directions
        "needs": 3 * 10,  # the need's only direction
        "stage": 2 * 10,
        "language": 10,
        "time_zone": 3,  # 3 hours of 9 shared
        "ratings": 10,  # the best rating
        "load": 5,  # half the places free
    }
    assert result.total == 98
    assert [factor.code for factor in result.top()] == ["needs", "directions", "stage"]


def test_no_weights_no_score() -> None:
    zero = Weights(0, 0, 0, 0, 0, 0, 0)
    result = score(CompanySide(id=1), ProfileSide(id=2), zero)
    assert result.total == 0
    assert result.top() == []


def test_time_zone_overlap_wraps_around_the_day() -> None:
    assert hours_overlap(9, 9) == 9
    assert hours_overlap(3, 9) == 3
    assert hours_overlap(-11, 12) == 8  # one hour apart across the date line
    assert hours_overlap(-3, 9) == 0


def test_unknown_rating_is_neutral() -> None:
    weights = Weights(0, 0, 0, 0, 0, ratings=10, load=0)
    unknown = score(CompanySide(id=1), ProfileSide(id=2), weights)
    worst = score(CompanySide(id=1), ProfileSide(id=2, rating=1), weights)
    best = score(CompanySide(id=1), ProfileSide(id=2, rating=4), weights)
    assert (worst.total, unknown.total, best.total) == (0, 50, 100)


@given(
    st.lists(companies, min_size=1, max_size=4),
    st.lists(profiles(), min_size=1, max_size=4),
    weights_st,
)
def test_the_matrix_equals_the_score_of_each_pair(
    cs: list[CompanySide], ps: list[ProfileSide], weights: Weights
) -> None:
    matrix = total_matrix(cs, ps, weights)
    assert matrix.shape == (len(cs), len(ps))
    for i, company in enumerate(cs):
        for j, profile in enumerate(ps):
            assert matrix[i, j] == score(company, profile, weights).total
