"""Batch matching of a cohort's companies with mentors (pure: no Django here).

The model is a minimum-cost flow solved exactly by Google OR-tools
(``ortools.graph.python.min_cost_flow.SimpleMinCostFlow``), the shape of
``selection.optimiser``::

    source ──k──▶ company c ──1, MAX − score(c, m)──▶ mentor m ──free(m)──▶ sink

* ``source → c``: capacity ``mentors_per_company`` less the mentors the company already has
  (active pairings), never below 0.
* ``c → m``: capacity 1, cost ``OFFSET − score``; **no arc** where the mentor has a conflict of
  interest with the company, the pair is already active, or the score is 0 (unacceptable), so
  none of these can ever be proposed.
* ``m → sink``: capacity = the mentor's free places (``capacity_mentees`` − active mentees).

``solve_max_flow_with_min_cost`` makes as many pairs as possible and, among all ways to make
that many, one of least cost; every pair costing ``OFFSET − score``, that is the one of greatest
total score. ``greedy`` (each company in turn takes the best mentor still free) is the baseline
the preview compares with. The optimum maximises the number of pairs first, so it is never below
greedy in the lexicographic order (pairs, total score); its total alone CAN be below greedy's
when it makes more pairs (``tests/network/test_batch.py``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from technopark.network.scoring import (
    MAX_SCORE,
    CompanySide,
    ProfileSide,
    Score,
    Weights,
    total_matrix,
)
from technopark.network.scoring import score as score_pair

__all__ = [
    "OFFSET",
    "Mentor",
    "Pair",
    "Problem",
    "Solution",
    "build",
    "explain",
    "feasible",
    "greedy",
    "solve",
]

# Every arc costs at least 1: with OFFSET above the largest score, a pair is always worth making.
OFFSET = MAX_SCORE + 1


@dataclass(frozen=True)
class Mentor:
    id: int
    free: int  # places left: capacity − active mentees


@dataclass(frozen=True)
class Problem:
    companies: Sequence[int]  # ids, in the order greedy serves them
    mentors: Sequence[Mentor]
    # (company id, mentor id) → score, for the acceptable pairs only (no conflict, not active
    # already, score above 0); a pair not here is never proposed.
    scores: Mapping[tuple[int, int], int]
    mentors_per_company: int = 1
    # company id → mentors it already has (active pairings): its places are k − taken.
    taken: Mapping[int, int] = field(default_factory=dict)

    def places(self, company: int) -> int:
        return max(0, self.mentors_per_company - self.taken.get(company, 0))


@dataclass(frozen=True)
class Pair:
    company: int
    mentor: int
    score: int


@dataclass
class Solution:
    pairs: list[Pair] = field(default_factory=list)
    unmatched: int = 0  # places of companies left without a mentor
    build_seconds: float = 0.0
    solve_seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(pair.score for pair in self.pairs)


def build(
    companies: Sequence[CompanySide],
    mentors: Sequence[ProfileSide],
    weights: Weights,
    *,
    mentors_per_company: int = 1,
    forbidden: Iterable[tuple[int, int]] = (),
    taken: Mapping[int, int] | None = None,
) -> Problem:
    """Score every pair (``scoring.total_matrix``, all at once) and keep the acceptable ones
    (``forbidden``: conflicts of interest and pairs already active, as ``(company id, profile
    id)``; mentors without a free place have no pair)."""
    open_mentors = [mentor for mentor in mentors if mentor.free > 0]
    totals = total_matrix(companies, open_mentors, weights)
    if len(companies) and len(open_mentors):
        refused = set(forbidden)
        c_pos = {company.id: i for i, company in enumerate(companies)}
        m_pos = {mentor.id: j for j, mentor in enumerate(open_mentors)}
        for company_id, mentor_id in refused:
            i, j = c_pos.get(company_id), m_pos.get(mentor_id)
            if i is not None and j is not None:
                totals[i, j] = 0
    rows, columns = np.nonzero(totals > 0)
    company_ids = [company.id for company in companies]
    mentor_ids = [mentor.id for mentor in open_mentors]
    scores = {
        (company_ids[i], mentor_ids[j]): int(value)
        for i, j, value in zip(
            rows.tolist(), columns.tolist(), totals[rows, columns].tolist(), strict=True
        )
    }
    return Problem(
        companies=company_ids,
        mentors=[Mentor(id=mentor.id, free=mentor.free) for mentor in mentors],
        scores=scores,
        mentors_per_company=mentors_per_company,
        taken=dict(taken or {}),
    )


def explain(
    companies: Sequence[CompanySide], mentors: Sequence[ProfileSide], weights: Weights, pair: Pair
) -> Score:
    """The factors of a chosen pair's score (``scoring.score``; equal to the pair's score)."""
    company = next(c for c in companies if c.id == pair.company)
    mentor = next(m for m in mentors if m.id == pair.mentor)
    return score_pair(company, mentor, weights)


def solve(problem: Problem) -> Solution:
    """The pairs of greatest number, then of greatest total score (see the module docstring)."""
    started = time.perf_counter()
    per = max(0, problem.mentors_per_company)
    companies = list(dict.fromkeys(problem.companies))
    mentors = [mentor for mentor in problem.mentors if mentor.free > 0]
    solution = Solution(unmatched=sum(problem.places(c) for c in companies))
    c_pos = {company: i for i, company in enumerate(companies)}
    m_pos = {mentor.id: j for j, mentor in enumerate(mentors)}
    keys = [
        key
        for key, value in problem.scores.items()
        if value > 0 and key[0] in c_pos and key[1] in m_pos
    ]
    if not companies or not mentors or not keys or per == 0 or solution.unmatched == 0:
        return solution
    n_c, n_m = len(companies), len(mentors)
    # Nodes: 0 source, 1 sink, 2.. companies, then mentors.
    source, sink = 0, 1
    pair_tails = np.fromiter((2 + c_pos[c] for c, _m in keys), dtype=np.int64, count=len(keys))
    pair_heads = np.fromiter(
        (2 + n_c + m_pos[m] for _c, m in keys), dtype=np.int64, count=len(keys)
    )
    pair_costs = OFFSET - np.fromiter(
        (problem.scores[key] for key in keys), dtype=np.int64, count=len(keys)
    )
    company_nodes = 2 + np.arange(n_c, dtype=np.int64)
    mentor_nodes = 2 + n_c + np.arange(n_m, dtype=np.int64)
    tails = np.concatenate([np.full(n_c, source, dtype=np.int64), pair_tails, mentor_nodes])
    heads = np.concatenate([company_nodes, pair_heads, np.full(n_m, sink, dtype=np.int64)])
    caps = np.concatenate(
        [
            np.array([problem.places(c) for c in companies], dtype=np.int64),
            np.ones(len(keys), dtype=np.int64),
            np.array([mentor.free for mentor in mentors], dtype=np.int64),
        ]
    )
    costs = np.concatenate(
        [np.zeros(n_c, dtype=np.int64), pair_costs, np.zeros(n_m, dtype=np.int64)]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    wanted = sum(problem.places(c) for c in companies)
    flow.set_node_supply(source, wanted)
    flow.set_node_supply(sink, -wanted)
    built = time.perf_counter()
    status = flow.solve_max_flow_with_min_cost()
    solved = time.perf_counter()
    if status != flow.OPTIMAL:  # pragma: no cover - only on bad input (costs out of range)
        raise RuntimeError(f"min-cost flow failed: {status}")
    arc_flows = flow.flows(np.arange(n_c, n_c + len(keys), dtype=np.int64))
    for k in np.nonzero(arc_flows)[0]:
        company, mentor = keys[int(k)]
        solution.pairs.append(Pair(company, mentor, problem.scores[(company, mentor)]))
    solution.pairs.sort(key=lambda pair: (c_pos[pair.company], -pair.score, pair.mentor))
    solution.unmatched = wanted - len(solution.pairs)
    solution.build_seconds = built - started
    solution.solve_seconds = solved - built
    return solution


def greedy(problem: Problem) -> Solution:
    """The baseline: each company in order takes the best mentor still free, up to
    ``mentors_per_company`` times (ties to the smaller id)."""
    free = {mentor.id: mentor.free for mentor in problem.mentors}
    by_company: dict[int, list[tuple[int, int]]] = {}
    for (company, mentor), value in problem.scores.items():
        if value > 0 and mentor in free:
            by_company.setdefault(company, []).append((-value, mentor))
    companies = list(dict.fromkeys(problem.companies))
    solution = Solution(unmatched=sum(problem.places(c) for c in companies))
    for company in companies:
        taken, places = 0, problem.places(company)
        for negative, mentor in sorted(by_company.get(company, [])):
            if taken >= places:
                break
            if free[mentor] > 0:
                free[mentor] -= 1
                taken += 1
                solution.pairs.append(Pair(company, mentor, -negative))
    solution.unmatched -= len(solution.pairs)
    return solution


def feasible(problem: Problem, pairs: Iterable[tuple[int, int]]) -> bool:
    """Whether a set of pairs keeps every rule: acceptable pairs only, each once, at most
    ``mentors_per_company`` per company, never beyond a mentor's free places."""
    chosen = list(pairs)
    if len(set(chosen)) != len(chosen):
        return False
    free = {mentor.id: mentor.free for mentor in problem.mentors}
    per_company: dict[int, int] = {}
    used: dict[int, int] = {}
    for company, mentor in chosen:
        if problem.scores.get((company, mentor), 0) <= 0:
            return False
        per_company[company] = per_company.get(company, 0) + 1
        used[mentor] = used.get(mentor, 0) + 1
    return all(n <= problem.places(c) for c, n in per_company.items()) and all(
        n <= free.get(mentor, 0) for mentor, n in used.items()
    )
