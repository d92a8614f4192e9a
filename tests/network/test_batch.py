"""Batch matching: never beyond a mentor's places or the places of a company, never a refused
pair, as many pairs as possible and then the greatest total score (checked against an
exhaustive search), never below the greedy baseline."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from technopark.network.batch import Mentor, Problem, build, feasible, greedy, solve
from technopark.network.scoring import CompanySide, ProfileSide, Weights


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n_c = draw(st.integers(1, 5))
    n_m = draw(st.integers(1, 4))
    mentors = [Mentor(id=100 + j, free=draw(st.integers(0, 3))) for j in range(n_m)]
    scores: dict[tuple[int, int], int] = {}
    for c in range(n_c):
        for mentor in mentors:
            value = draw(st.integers(0, 60))
            if value:  # 0: a conflict, an active pair or an unacceptable score: no arc
                scores[(c + 1, mentor.id)] = value
    return Problem(
        companies=list(range(1, n_c + 1)),
        mentors=mentors,
        scores=scores,
        mentors_per_company=draw(st.integers(1, 2)),
    )


def best_by_search(problem: Problem) -> tuple[int, int]:
    """(pairs, total score) of the best feasible set, by exhaustive search."""
    companies = list(problem.companies)
    mentors = [mentor.id for mentor in problem.mentors]
    free = {mentor.id: mentor.free for mentor in problem.mentors}
    best = (0, 0)

    def go(i: int, count: int, total: int) -> None:
        nonlocal best
        if i == len(companies):
            best = max(best, (count, total))
            return
        company = companies[i]
        options = [m for m in mentors if (company, m) in problem.scores]

        def pick(start: int, taken: int, count: int, total: int) -> None:
            go(i + 1, count, total)
            if taken == problem.mentors_per_company:
                return
            for k in range(start, len(options)):
                m = options[k]
                if free[m] > 0:
                    free[m] -= 1
                    pick(k + 1, taken + 1, count + 1, total + problem.scores[(company, m)])
                    free[m] += 1

        pick(0, 0, count, total)

    go(0, 0, 0)
    return best


@settings(max_examples=150)
@given(problems())
def test_optimal_against_exhaustive_search(problem: Problem) -> None:
    solution = solve(problem)
    pairs = [(pair.company, pair.mentor) for pair in solution.pairs]
    assert feasible(problem, pairs)
    assert (len(pairs), solution.total) == best_by_search(problem)
    assert solution.unmatched == problem.mentors_per_company * len(problem.companies) - len(pairs)


@settings(max_examples=150)
@given(problems())
def test_never_below_greedy(problem: Problem) -> None:
    optimal = solve(problem)
    baseline = greedy(problem)
    assert feasible(problem, [(pair.company, pair.mentor) for pair in baseline.pairs])
    assert (len(optimal.pairs), optimal.total) >= (len(baseline.pairs), baseline.total)
    assert optimal.total >= baseline.total or len(optimal.pairs) > len(baseline.pairs)


def test_strictly_beats_greedy_on_a_contested_mentor() -> None:
    # Both companies like X best; greedy gives X to the first and leaves the second a poor match.
    problem = Problem(
        companies=[1, 2],
        mentors=[Mentor(id=10, free=1), Mentor(id=11, free=1)],
        scores={(1, 10): 100, (1, 11): 90, (2, 10): 100, (2, 11): 10},
    )
    assert greedy(problem).total == 110
    optimal = solve(problem)
    assert optimal.total == 190
    assert {(pair.company, pair.mentor) for pair in optimal.pairs} == {(1, 11), (2, 10)}


def test_build_leaves_out_conflicts_active_pairs_full_mentors_and_zero_scores() -> None:
    companies = [CompanySide(id=1, directions=frozenset({1})), CompanySide(id=2)]
    mentors = [
        ProfileSide(id=10, directions=frozenset({1}), capacity=2),
        ProfileSide(id=11, directions=frozenset({1}), capacity=1, load=1),  # full
        ProfileSide(id=12, directions=frozenset({1}), capacity=3),
    ]
    weights = Weights(directions=10, needs=0, stage=0, language=0, time_zone=0, ratings=0, load=0)
    problem = build(companies, mentors, weights, forbidden=[(1, 12)])
    # company 2 names no direction (score 0), 11 is full, (1, 12) is a conflict
    assert set(problem.scores) == {(1, 10)}
    assert [pair.mentor for pair in solve(problem).pairs] == [10]


@pytest.mark.parametrize("seed", range(5))
def test_random_larger_cases_respect_every_capacity(seed: int) -> None:
    rng = random.Random(seed)
    mentors = [Mentor(id=1000 + j, free=rng.randint(0, 3)) for j in range(30)]
    scores = {
        (c, mentor.id): rng.randint(1, 700)
        for c in range(1, 81)
        for mentor in mentors
        if rng.random() < 0.5
    }
    problem = Problem(list(range(1, 81)), mentors, scores, mentors_per_company=2)
    solution = solve(problem)
    pairs = [(pair.company, pair.mentor) for pair in solution.pairs]
    assert feasible(problem, pairs)
    baseline = greedy(problem)
    assert (len(solution.pairs), solution.total) >= (len(baseline.pairs), baseline.total)


def test_more_pairs_can_mean_a_lower_total_than_greedy() -> None:
    # Greedy gives X to company 1 (100) and leaves company 2 nothing; the optimum makes two pairs.
    problem = Problem(
        companies=[1, 2],
        mentors=[Mentor(id=10, free=1), Mentor(id=11, free=1)],
        scores={(1, 10): 100, (1, 11): 1, (2, 10): 1},
    )
    baseline, optimal = greedy(problem), solve(problem)
    assert (len(baseline.pairs), baseline.total) == (1, 100)
    assert (len(optimal.pairs), optimal.total) == (2, 2)
    assert optimal.total < baseline.total


def test_mentors_a_company_already_has_take_its_places() -> None:
    problem = Problem(
        companies=[1, 2],
        mentors=[Mentor(id=10, free=2), Mentor(id=11, free=2)],
        scores={(1, 10): 50, (1, 11): 40, (2, 10): 50, (2, 11): 40},
        mentors_per_company=2,
        taken={1: 1, 2: 5},
    )
    for solution in (solve(problem), greedy(problem)):
        assert [(pair.company, pair.mentor) for pair in solution.pairs] == [(1, 10)]
        assert solution.unmatched == 0
    assert not feasible(problem, [(1, 10), (1, 11)])


def test_build_passes_what_companies_already_have() -> None:
    companies = [CompanySide(id=1, directions=frozenset({1}))]
    mentors = [ProfileSide(id=10, directions=frozenset({1}), capacity=2)]
    weights = Weights(directions=10, needs=0, stage=0, language=0, time_zone=0, ratings=0, load=0)
    problem = build(companies, mentors, weights, mentors_per_company=1, taken={1: 1})
    assert solve(problem).pairs == []
