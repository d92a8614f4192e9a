"""The assignment optimiser on the benchmark case: ``python -m bench.optimiser``.

5,000 applications × 300 experts × 3 reviews each, with conflicts on about 1.5% of the pairs.
Prints the time to build the model and to solve it, and checks the solution: every application
gets its reviews, no expert is over capacity, no pair crosses a conflict, no pair twice. The
target (issue 3) is 5 s or less for the whole, build included.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter

from technopark.selection.optimiser import ApplicationNode, ExpertNode, Problem, solve

APPLICATIONS = 5_000
EXPERTS = 300
REVIEWS = 3
CONFLICT_SHARE = 0.015
DIRECTIONS = 20
TARGET_SECONDS = 5.0


def make_problem(seed: int = 2026) -> Problem:
    rng = random.Random(seed)
    apps = [
        ApplicationNode(
            id=i,
            need=REVIEWS,
            directions=frozenset(rng.sample(range(DIRECTIONS), rng.randint(1, 3))),
        )
        for i in range(APPLICATIONS)
    ]
    # Capacity for a sixth more than is needed, unevenly spread.
    experts = [
        ExpertNode(
            id=j,
            capacity=rng.randint(40, 77),
            directions=frozenset(rng.sample(range(DIRECTIONS), rng.randint(1, 4))),
        )
        for j in range(EXPERTS)
    ]
    pairs = APPLICATIONS * EXPERTS
    forbidden = {
        (rng.randrange(APPLICATIONS), rng.randrange(EXPERTS))
        for _ in range(int(pairs * CONFLICT_SHARE))
    }
    return Problem(applications=apps, experts=experts, forbidden=frozenset(forbidden))


def check(problem: Problem, solution) -> list[str]:  # type: ignore[no-untyped-def]
    errors = []
    seen = set()
    per_app: Counter[int] = Counter()
    per_expert: Counter[int] = Counter()
    for pair in solution.pairs:
        key = (pair.application, pair.expert)
        if key in seen:
            errors.append(f"pair twice: {key}")
        seen.add(key)
        if key in problem.forbidden:
            errors.append(f"across a conflict: {key}")
        per_app[pair.application] += 1
        per_expert[pair.expert] += 1
    for app in problem.applications:
        if per_app[app.id] + solution.shortfall.get(app.id, 0) != app.need:
            errors.append(f"application {app.id}: {per_app[app.id]} of {app.need}")
    for expert in problem.experts:
        if per_expert[expert.id] > expert.free:
            errors.append(f"expert {expert.id} over capacity")
    if solution.shortfall:
        errors.append(f"shortfall on {len(solution.shortfall)} applications")
    return errors


def main() -> int:
    started = time.perf_counter()
    problem = make_problem()
    generated = time.perf_counter()
    solution = solve(problem)
    finished = time.perf_counter()
    total = solution.build_seconds + solution.solve_seconds
    loads = Counter(p.expert for p in solution.pairs)
    shares = [loads[e.id] / e.capacity for e in problem.experts]
    matched = sum(1 for p in solution.pairs if p.shared)
    print(
        f"optimiser: {APPLICATIONS} applications × {EXPERTS} experts × {REVIEWS} reviews, "
        f"{len(problem.forbidden)} conflicts"
    )
    print(f"  generate {generated - started:.2f} s (not counted)")
    print(f"  build    {solution.build_seconds:.2f} s")
    print(f"  solve    {solution.solve_seconds:.2f} s")
    print(
        f"  total    {total:.2f} s (target ≤ {TARGET_SECONDS:.0f} s); wall {finished - generated:.2f} s"
    )
    print(f"  assigned {solution.assigned}, cost {solution.cost}")
    print(f"  load share min {min(shares):.2f} max {max(shares):.2f}")
    print(f"  pairs sharing a direction: {matched / max(solution.assigned, 1):.1%}")
    errors = check(problem, solution)
    for error in errors[:10]:
        print("  ERROR", error)
    if errors or total > TARGET_SECONDS:
        print("FAIL")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
