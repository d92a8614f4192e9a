"""Audited writes in two parks at once, 8 clients per park: writes/s with one shared audit chain
(the head lock of the code before issue 10) against a chain per park.

``python -m bench.audit`` (with ``DATABASE_URL`` pointing at the bench's PostgreSQL database, after
``manage.py seed_demo``: the parks ``yakutia`` and ``magadan`` and the demo manager).

Method: sixteen client processes (forked after the set-up, so that Python's global lock does not
serialise them; each opens its own database connection), eight writing in one park and eight in
the other, all started together. Two workloads:

* ``payments``: each client pays approved tranches of an award of its own with
  ``grants.services.tranche_pay`` (so the award's row lock is never shared: what the clients can
  queue on is the audit chain's head). One payment is one transaction: lock the award and the
  tranche, insert the payment, update the award's totals, append the audit entry (which locks the
  chain's head until the commit), renew the grants topic.
* ``audited writes``: each client appends entries with ``audit_record`` in transactions that go on
  for ``--hold`` milliseconds (5) after the append (``pg_sleep``) — the rest of a service's
  transaction and its round trips to a database server on another host (say three statements and
  the commit, 1 to 1.5 ms away), during which the head stays locked. This isolates what the chain's lock costs; the payments show it inside a real
  service on this machine.

Two set-ups, alternated round by round so that the machine's drift hits both:

* ``one shared chain``: every entry goes to one chain (``audit.services.chain.chain_of`` is
  replaced for the round by one answering the platform chain), so every write of every park queues
  on one head row, as every audited write did before;
* ``a chain per park``: the code as it is; each park's writes queue on their park's head only.

``writes_per_s`` counts the writes of all sixteen clients over the round's wall time (the summary
gives the median per set-up and the median ratio of the back-to-back pairs); latency is per write; ``head_wait_ms`` is the mean time a write waited to lock its chain's head, measured
around the ``select_for_update``. The shared-chain rounds' entries name a park but sit in the
platform chain, so ``audit_verify`` reports them on the bench database (a throwaway, recreated by
every run). On a machine of two cores shared with PostgreSQL the payments are bound by the
processor rather than the lock; the audited writes show the lock.
"""

from __future__ import annotations

import argparse
import importlib
import json
import multiprocessing
import os
import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from technopark.core.scopes import scopes_disabled

CLIENTS_PER_PARK = 8
PARKS = ("yakutia", "magadan")
SHARED, PER_PARK = "one shared chain", "a chain per park"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _chain_module() -> Any:
    """Where ``audit_record`` and its head lock live (``technopark.audit.services`` itself in the
    code before issue 10, which this script also measures when copied into a checkout of it)."""
    try:
        return importlib.import_module("technopark.audit.services.chain")
    except ImportError:
        return importlib.import_module("technopark.audit.services")


@contextmanager
def _one_shared_chain(enabled: bool) -> Any:
    chain = _chain_module()
    original = getattr(chain, "chain_of", None)
    if enabled and original is not None:
        chain.chain_of = lambda park_id: 0
    try:
        yield
    finally:
        if original is not None:
            chain.chain_of = original


def _time_head_locks(waits: list[float]) -> None:
    """Measure every wait for a chain's head lock in this process (a forked client)."""
    chain = _chain_module()
    locked_head = chain._locked_head

    def timed(*args: Any) -> Any:
        began = time.perf_counter()
        try:
            return locked_head(*args)
        finally:
            waits.append(time.perf_counter() - began)

    chain._locked_head = timed


def _client(work: list[Any], write: Callable[[Any], None], barrier: Any, results: Any) -> None:
    """One client process: do ``write`` for each item of ``work``, one after the other."""
    from django.db import connection

    waits: list[float] = []
    latencies: list[float] = []
    error = ""
    _time_head_locks(waits)
    try:
        barrier.wait(timeout=120)
        for item in work:
            began = time.perf_counter()
            write(item)
            latencies.append(time.perf_counter() - began)
    except Exception as failure:  # reported: a bench that fails says so
        error = repr(failure)
    finally:
        connection.close()
        results.put((latencies, waits, error))


def _round(
    workload: str, shared: bool, work: list[list[Any]], write: Callable[[Any], None]
) -> dict[str, Any]:
    from django.db import connections

    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(work) + 1)
    results = context.Queue()
    connections.close_all()  # every client opens its own connection
    with _one_shared_chain(shared):
        processes = [
            context.Process(target=_client, args=(items, write, barrier, results)) for items in work
        ]
        for process in processes:
            process.start()
        barrier.wait(timeout=120)
        began = time.perf_counter()
        outcomes = [results.get(timeout=600) for _ in processes]
        wall = time.perf_counter() - began
        for process in processes:
            process.join()
    latencies = [value for values, _waits, _error in outcomes for value in values]
    waits = [value for _latencies, values, _error in outcomes for value in values]
    return {
        "workload": workload,
        "setup": SHARED if shared else PER_PARK,
        "writes": len(latencies),
        "errors": [error for *_rest, error in outcomes if error][:3],
        "writes_per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(_percentile(latencies, 0.95) * 1000, 1),
        "head_wait_ms": round(statistics.mean(waits) * 1000, 2),
    }


@scopes_disabled()  # a script spans parks, as a management command does
def main() -> None:  # pragma: no cover - a measurement, run by hand or by make bench
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=8, help="per client and round")
    parser.add_argument(
        "--writes", type=int, default=15, help="audited writes per client and round"
    )
    parser.add_argument("--hold", type=float, default=5.0, help="ms a write's transaction goes on")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of each set-up")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "technopark.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from bench.grants import payable_milestone, requester_other_than
    from technopark.accounts.models import User
    from technopark.audit.services import audit_record
    from technopark.companies.models import Company
    from technopark.grants import services
    from technopark.grants.models import GrantAward, Tranche, TrancheStatus
    from technopark.parks.models import Park
    from technopark.programmes.models import Cohort, Participant, Programme

    parks = [Park.objects.get(slug=slug) for slug in PARKS]
    manager = User.objects.get(email="manager@demo.technopark")
    requester = requester_other_than(manager)
    marker = f"bench-audit-{int(time.time())}"
    today = date.today()

    def awards_of(park: Any, label: str, payments: int) -> list[list[Tranche]]:
        """CLIENTS_PER_PARK awards of ``park``, each with ``payments`` approved tranches."""
        programme = Programme.all_parks.create(
            park=park, name=f"{marker}-{label}", grant_cap=Decimal("999999999.00")
        )
        cohort = Cohort.all_parks.create(
            park=park,
            programme=programme,
            name=f"{marker}-{label}",
            starts_on=today,
            ends_on=today + timedelta(weeks=12),
        )
        companies = list(
            Company.all_parks.filter(park=park)
            .order_by("pk")
            .values_list("pk", flat=True)[:CLIENTS_PER_PARK]
        )
        if len(companies) < CLIENTS_PER_PARK:
            raise SystemExit(f"{park.slug} needs {CLIENTS_PER_PARK} companies")
        work = []
        for company_id in companies:
            participant = Participant.objects.create(cohort=cohort, company_id=company_id)
            award = GrantAward.all_parks.create(
                park=park,
                participant=participant,
                amount=Decimal("1000.00") * payments,
                cap=programme.grant_cap,
                decision_reference=f"{marker}-{label}-{participant.pk}",
                decided_on=today,
                decided_by=manager,
            )
            milestone = payable_milestone(award=award, reviewer=manager)
            work.append(
                Tranche.objects.bulk_create(
                    [
                        Tranche(
                            award=award,
                            milestone=milestone,
                            number=n + 1,
                            amount=Decimal("1000.00"),
                            status=TrancheStatus.APPROVED,
                            requested_by=requester,
                        )
                        for n in range(payments)
                    ]
                )
            )
        return work

    def pay(tranche: Tranche) -> None:
        services.tranche_pay(
            tranche=tranche,
            actor=manager,
            payment_reference=f"{marker}-{tranche.pk}",
            idempotency_key=f"{marker}-{tranche.pk}",
        )

    def audited_write(park: Park) -> None:
        with transaction.atomic():
            audit_record(park=park, actor=manager, action="bench.write", target=park)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(%s)", [args.hold / 1000])

    def payments_round(label: str, shared: bool, count: int) -> dict[str, Any]:
        work = [t for park in parks for t in awards_of(park, label, count)]
        return _round("payments", shared, work, pay)

    def writes_round(shared: bool, count: int) -> dict[str, Any]:
        work = [[park] * count for park in parks for _ in range(CLIENTS_PER_PARK)]
        return _round("audited writes", shared, work, audited_write)

    # Warm up in this process, which every client is forked from: imports, translations, compiled
    # queries and caches are then ready in each client, and only the rounds are measured.
    for tranches in awards_of(parks[0], "warm-up", 2)[:1]:
        for tranche in tranches:
            pay(tranche)
    audited_write(parks[0])
    rounds = []
    for repetition in range(args.repeat):
        for shared in (True, False):
            rounds.append(writes_round(shared, args.writes))
            rounds.append(payments_round(f"{repetition}-{int(shared)}", shared, args.payments))

    def rates(workload: str, setup: str) -> list[float]:
        return [
            r["writes_per_s"] for r in rounds if r["workload"] == workload and r["setup"] == setup
        ]

    # Each repetition runs the two set-ups back to back: the ratio within a pair is what the
    # machine's drift (other work on its two cores) disturbs least.
    summary = {
        workload: {
            f"{SHARED} (median writes/s)": statistics.median(rates(workload, SHARED)),
            f"{PER_PARK} (median writes/s)": statistics.median(rates(workload, PER_PARK)),
            "speed-up (median of paired ratios)": round(
                statistics.median(
                    after / before
                    for before, after in zip(
                        rates(workload, SHARED), rates(workload, PER_PARK), strict=True
                    )
                ),
                2,
            ),
        }
        for workload in ("audited writes", "payments")
    }
    report = {
        "database": connection.vendor,
        "parks": list(PARKS),
        "clients": f"{CLIENTS_PER_PARK} per park, {CLIENTS_PER_PARK * len(PARKS)} in all",
        "hold_ms": args.hold,
        "code": "a chain per park"
        if hasattr(_chain_module(), "chain_of")
        else "one chain (before issue 10): both set-ups are the same",
        "load_average_at_end": os.getloadavg()[0],
        "rounds": rounds,
        "summary": summary,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    main()
