"""The optimiser: correct (capacity, conflicts, shortfall) and optimal (against exhaustive search)."""

from __future__ import annotations

import itertools
import random

import pytest

from technopark.selection.optimiser import (
    LOAD_WEIGHT,
    MATCH_WEIGHT,
    ApplicationNode,
    ExpertNode,
    Problem,
    load_cost,
    match_cost,
    objective,
    solve,
)


def _random_problem(rng: random.Random) -> Problem:
    n_apps = rng.randint(1, 4)
    n_experts = rng.randint(1, 4)
    apps = [
        ApplicationNode(
            id=10 + i,
            need=rng.randint(0, 2),
            directions=frozenset(rng.sample(range(4), rng.randint(0, 2))),
        )
        for i in range(n_apps)
    ]
    experts = []
    for j in range(n_experts):
        capacity = rng.randint(0, 3)
        experts.append(
            ExpertNode(
                id=100 + j,
                capacity=capacity,
                load=rng.randint(0, capacity),
                directions=frozenset(rng.sample(range(4), rng.randint(0, 3))),
            )
        )
    forbidden = frozenset((a.id, e.id) for a in apps for e in experts if rng.random() < 0.25)
    return Problem(applications=apps, experts=experts, forbidden=forbidden)


def _exhaustive(problem: Problem) -> tuple[int, int]:
    """The best (−assigned, cost) over every way to choose experts for every application."""
    choices = []
    for app in problem.applications:
        allowed = [e.id for e in problem.experts if (app.id, e.id) not in problem.forbidden]
        options = [
            combo
            for size in range(0, min(app.need, len(allowed)) + 1)
            for combo in itertools.combinations(allowed, size)
        ]
        choices.append([(app.id, combo) for combo in options])
    free = {e.id: e.free for e in problem.experts}
    best = (1, 0)
    for plan in itertools.product(*choices):
        used: dict[int, int] = {}
        pairs = []
        for app_id, combo in plan:
            for expert_id in combo:
                used[expert_id] = used.get(expert_id, 0) + 1
                pairs.append((app_id, expert_id))
        if any(used[e] > free[e] for e in used):
            continue
        best = min(best, objective(problem, pairs))
    return best


@pytest.mark.parametrize("seed", range(300))
def test_optimal_against_exhaustive_search(seed):
    problem = _random_problem(random.Random(seed))
    solution = solve(problem)
    pairs = [(p.application, p.expert) for p in solution.pairs]
    assert objective(problem, pairs) == _exhaustive(problem)
    # The flow's own cost is the objective's: the model is the one documented.
    assert solution.cost == objective(problem, pairs)[1]


def _assert_valid(problem: Problem, solution) -> None:
    per_expert: dict[int, int] = {}
    per_app: dict[int, int] = {}
    for pair in solution.pairs:
        assert (pair.application, pair.expert) not in problem.forbidden
        per_expert[pair.expert] = per_expert.get(pair.expert, 0) + 1
        per_app[pair.application] = per_app.get(pair.application, 0) + 1
    assert len({(p.application, p.expert) for p in solution.pairs}) == len(solution.pairs)
    for expert in problem.experts:
        assert per_expert.get(expert.id, 0) <= expert.free
    for app in problem.applications:
        assert per_app.get(app.id, 0) + solution.shortfall.get(app.id, 0) == app.need


@pytest.mark.parametrize("seed", range(20))
def test_larger_random_cases_are_valid(seed):
    rng = random.Random(1000 + seed)
    apps = [
        ApplicationNode(id=i, need=3, directions=frozenset(rng.sample(range(8), 2)))
        for i in range(60)
    ]
    experts = [
        ExpertNode(
            id=100 + j,
            capacity=rng.randint(0, 12),
            load=rng.randint(0, 2),
            directions=frozenset(rng.sample(range(8), 3)),
        )
        for j in range(20)
    ]
    forbidden = frozenset((a.id, e.id) for a in apps for e in experts if rng.random() < 0.1)
    problem = Problem(applications=apps, experts=experts, forbidden=forbidden)
    _assert_valid(problem, solve(problem))


def test_conflicts_are_never_crossed_even_when_it_leaves_a_shortfall():
    apps = [ApplicationNode(id=1, need=2), ApplicationNode(id=2, need=1)]
    experts = [ExpertNode(id=10, capacity=5), ExpertNode(id=11, capacity=5)]
    problem = Problem(apps, experts, forbidden=frozenset({(1, 10), (2, 10), (2, 11)}))
    solution = solve(problem)
    assert [(p.application, p.expert) for p in solution.pairs] == [(1, 11)]
    assert solution.shortfall == {1: 1, 2: 1}


def test_not_enough_capacity_assigns_what_it_can_and_reports_the_rest():
    apps = [ApplicationNode(id=i, need=2) for i in range(3)]
    experts = [ExpertNode(id=10, capacity=2), ExpertNode(id=11, capacity=3, load=1)]
    solution = solve(Problem(apps, experts))
    assert solution.assigned == 4
    assert sum(solution.shortfall.values()) == 2


def test_no_experts_or_no_needs():
    assert solve(Problem([ApplicationNode(id=1, need=2)], [])).shortfall == {1: 2}
    assert (
        solve(Problem([ApplicationNode(id=1, need=0)], [ExpertNode(id=2, capacity=1)])).pairs == []
    )
    assert solve(Problem([], [ExpertNode(id=2, capacity=1)])).pairs == []


def test_expertise_is_matched():
    bio, it = 1, 2
    apps = [ApplicationNode(id=1, need=1, directions=frozenset({bio}))]
    experts = [
        ExpertNode(id=10, capacity=5, directions=frozenset({it})),
        ExpertNode(id=11, capacity=5, directions=frozenset({bio})),
    ]
    (pair,) = solve(Problem(apps, experts)).pairs
    assert pair.expert == 11
    assert pair.shared == (bio,)
    assert (pair.load, pair.capacity) == (1, 5)


def test_loads_are_balanced_by_share_of_capacity():
    apps = [ApplicationNode(id=i, need=1) for i in range(8)]
    experts = [
        ExpertNode(id=10, capacity=4),
        ExpertNode(id=11, capacity=4, load=2),
        ExpertNode(id=12, capacity=8),
    ]
    solution = solve(Problem(apps, experts))
    loads = {e: 0 for e in (10, 11, 12)}
    for pair in solution.pairs:
        loads[pair.expert] += 1
    shares = {10: loads[10] / 4, 11: (2 + loads[11]) / 4, 12: loads[12] / 8}
    # As even as whole applications allow: no expert more than one step ahead of another.
    assert max(shares.values()) - min(shares.values()) <= 0.25
    assert loads[12] > loads[10]  # the larger capacity takes more


def test_cost_functions():
    assert match_cost(frozenset(), frozenset({1})) == 0
    assert match_cost(frozenset({1, 2}), frozenset({1})) == MATCH_WEIGHT // 2
    assert match_cost(frozenset({1, 2}), frozenset()) == MATCH_WEIGHT
    assert [load_cost(j, 4) for j in range(1, 5)] == [LOAD_WEIGHT * j // 4 for j in range(1, 5)]
    # Non-decreasing: the flow's parallel arcs are filled cheapest first.
    costs = [load_cost(j, 7) for j in range(1, 8)]
    assert costs == sorted(costs)
