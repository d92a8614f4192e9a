"""The assignment optimiser: which experts review which applications (pure; no Django here).

The model is a minimum-cost flow, solved exactly by Google OR-tools
(``ortools.graph.python.min_cost_flow.SimpleMinCostFlow``)::

    source ──k_a──▶ application a ──1, match(a, e)──▶ expert e ══unit arcs, load(e, j)══▶ sink

* ``source → a``: capacity = the reviews ``a`` still needs (``k`` minus those it already has).
* ``a → e``: capacity 1, cost ``match(a, e)``; no arc where ``e`` has a conflict with ``a``
  or is already assigned to it, so neither can ever happen.
* ``e → sink``: one arc of capacity 1 per place the expert has left (capacity minus what is
  already published), the ``j``-th costing ``load(e, j)``, which grows with ``j``: the solver
  fills cheap (lightly loaded) experts first, so loads come out balanced.

``solve_max_flow_with_min_cost`` finds the largest number of assignments possible and, among
all ways to make that many, one of least total cost. Where capacity or conflicts make a full
solution impossible the shortfall of each application is reported.

Costs (integers):

* ``match(a, e) = MATCH_WEIGHT × (n − s) // n`` — ``n`` the application's directions, ``s`` how
  many of them the expert shares (0 when the application names none): 0 for a full match,
  ``MATCH_WEIGHT`` for an expert who shares none.
* ``load(e, j) = LOAD_WEIGHT × j // capacity(e)`` — the ``j``-th application of the call for an
  expert with that capacity: balancing is by the share of capacity used, not the raw count.

Because ``load`` does not decrease in ``j``, the flow's cost equals the objective
``Σ match + Σ_e Σ_{j=l0+1..l0+new} load(e, j)``, which ``test_optimiser_exact`` compares with an
exhaustive search.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

MATCH_WEIGHT = 100
LOAD_WEIGHT = 100

__all__ = [
    "LOAD_WEIGHT",
    "MATCH_WEIGHT",
    "ApplicationNode",
    "ExpertNode",
    "Pair",
    "Problem",
    "Solution",
    "load_cost",
    "match_cost",
    "objective",
    "solve",
]


@dataclass(frozen=True)
class ApplicationNode:
    id: int
    need: int  # reviews it still needs
    directions: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ExpertNode:
    id: int
    capacity: int  # applications of the call in all
    load: int = 0  # already published for the call
    directions: frozenset[int] = frozenset()

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.load)


@dataclass(frozen=True)
class Problem:
    applications: Sequence[ApplicationNode]
    experts: Sequence[ExpertNode]
    # (application id, expert id) pairs that may not be made: conflicts and existing assignments.
    forbidden: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True)
class Pair:
    application: int
    expert: int
    shared: tuple[int, ...]  # direction ids the expert shares with the application
    load: int  # the expert's load once this and the other new assignments are made
    capacity: int


@dataclass
class Solution:
    pairs: list[Pair] = field(default_factory=list)
    shortfall: dict[int, int] = field(default_factory=dict)  # application id → reviews missing
    cost: int = 0
    build_seconds: float = 0.0
    solve_seconds: float = 0.0

    @property
    def assigned(self) -> int:
        return len(self.pairs)


def match_cost(app_directions: frozenset[int], expert_directions: frozenset[int]) -> int:
    n = len(app_directions)
    if n == 0:
        return 0
    shared = len(app_directions & expert_directions)
    return MATCH_WEIGHT * (n - shared) // n


def load_cost(j: int, capacity: int) -> int:
    """The cost of the ``j``-th (1-based) application of a call for an expert of ``capacity``."""
    return LOAD_WEIGHT * j // max(capacity, 1)


def objective(problem: Problem, pairs: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """``(−assigned, cost)`` of a set of new pairs, the order the optimiser minimises."""
    apps = {a.id: a for a in problem.applications}
    experts = {e.id: e for e in problem.experts}
    cost = 0
    count = 0
    new_load: dict[int, int] = {}
    for app_id, expert_id in pairs:
        count += 1
        cost += match_cost(apps[app_id].directions, experts[expert_id].directions)
        new_load[expert_id] = new_load.get(expert_id, 0) + 1
    for expert_id, extra in new_load.items():
        expert = experts[expert_id]
        cost += sum(
            load_cost(j, expert.capacity) for j in range(expert.load + 1, expert.load + extra + 1)
        )
    return -count, cost


def _direction_matrix(rows: Sequence[frozenset[int]], index: dict[int, int]) -> np.ndarray:
    matrix = np.zeros((len(rows), max(len(index), 1)), dtype=np.int32)
    for i, directions in enumerate(rows):
        for d in directions:
            matrix[i, index[d]] = 1
    return matrix


def solve(problem: Problem) -> Solution:
    """The optimal assignment of ``problem`` (see the module docstring for the model)."""
    started = time.perf_counter()
    apps = [a for a in problem.applications if a.need > 0]
    experts = [e for e in problem.experts if e.free > 0]
    solution = Solution()
    if not apps:
        return solution
    if not experts:
        solution.shortfall = {a.id: a.need for a in apps}
        return solution
    n_a, n_e = len(apps), len(experts)
    all_directions = sorted({d for a in apps for d in a.directions})
    index = {d: i for i, d in enumerate(all_directions)}
    a_dir = _direction_matrix([a.directions for a in apps], index)
    e_dir = _direction_matrix([e.directions & frozenset(index) for e in experts], index)
    shared_count = a_dir @ e_dir.T  # n_a × n_e
    n_dirs = a_dir.sum(axis=1).reshape(-1, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        costs = np.where(
            n_dirs > 0, (MATCH_WEIGHT * (n_dirs - shared_count)) // np.maximum(n_dirs, 1), 0
        )
    allowed = np.ones((n_a, n_e), dtype=bool)
    if problem.forbidden:
        a_pos = {a.id: i for i, a in enumerate(apps)}
        e_pos = {e.id: j for j, e in enumerate(experts)}
        for app_id, expert_id in problem.forbidden:
            i = a_pos.get(app_id)
            j = e_pos.get(expert_id)
            if i is not None and j is not None:
                allowed[i, j] = False

    # Nodes: 0 source, 1 sink, 2.. applications, then experts.
    source, sink = 0, 1
    app_node = 2 + np.arange(n_a, dtype=np.int64)
    expert_node = 2 + n_a + np.arange(n_e, dtype=np.int64)
    ai, ej = np.nonzero(allowed)
    pair_tails = app_node[ai]
    pair_heads = expert_node[ej]
    pair_costs = costs[ai, ej].astype(np.int64)

    src_tails = np.full(n_a, source, dtype=np.int64)
    src_caps = np.array([a.need for a in apps], dtype=np.int64)

    sink_tails_l: list[int] = []
    sink_costs_l: list[int] = []
    for j, e in enumerate(experts):
        node = 2 + n_a + j
        for slot in range(e.load + 1, e.capacity + 1):
            sink_tails_l.append(node)
            sink_costs_l.append(load_cost(slot, e.capacity))
    sink_tails = np.array(sink_tails_l, dtype=np.int64)
    n_sink = len(sink_tails_l)

    tails = np.concatenate([src_tails, pair_tails, sink_tails])
    heads = np.concatenate([app_node, pair_heads, np.full(n_sink, sink, dtype=np.int64)])
    caps = np.concatenate(
        [src_caps, np.ones(len(pair_tails), dtype=np.int64), np.ones(n_sink, dtype=np.int64)]
    )
    unit = np.concatenate(
        [np.zeros(n_a, dtype=np.int64), pair_costs, np.array(sink_costs_l, dtype=np.int64)]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, unit)
    # The supply is all that is needed; the solver sends as much of it as capacity allows.
    wanted = int(src_caps.sum())
    flow.set_node_supply(source, wanted)
    flow.set_node_supply(sink, -wanted)
    built = time.perf_counter()
    status = flow.solve_max_flow_with_min_cost()
    solved = time.perf_counter()
    if status != flow.OPTIMAL:  # pragma: no cover - only on bad input (costs out of range)
        raise RuntimeError(f"min-cost flow failed: {status}")

    arc_flows = flow.flows(np.arange(n_a, n_a + len(pair_tails), dtype=np.int64))
    chosen = np.nonzero(arc_flows)[0]
    got = np.zeros(n_a, dtype=np.int64)
    new_load = np.zeros(n_e, dtype=np.int64)
    for k in chosen:
        got[ai[k]] += 1
        new_load[ej[k]] += 1
    for k in chosen:
        a = apps[ai[k]]
        e = experts[ej[k]]
        solution.pairs.append(
            Pair(
                application=a.id,
                expert=e.id,
                shared=tuple(sorted(a.directions & e.directions)),
                load=e.load + int(new_load[ej[k]]),
                capacity=e.capacity,
            )
        )
    solution.shortfall = {a.id: a.need - int(got[i]) for i, a in enumerate(apps) if got[i] < a.need}
    solution.cost = int(flow.optimal_cost())
    solution.build_seconds = built - started
    solution.solve_seconds = solved - built
    return solution
