"""Paying under concurrency on real PostgreSQL: the award's row lock and the database's unique
keys, not luck, keep a tranche paid once and an award never overpaid."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from technopark.grants import services
from technopark.grants.models import Disbursement, GrantAward, Tranche
from tests.grants.factories import (
    accept_report,
    accountant,
    make_award,
    make_participant,
    ready_to_pay,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
D = Decimal
PARALLEL = 20


def run_in_parallel(calls: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=20)
            result = call()
            with lock:
                results.append(result)
        except BaseException as error:  # collected and asserted below
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


@pytest.fixture
def approved(world, admin):
    assert connection.vendor == "postgresql"
    participant = make_participant(world.park, world.company)
    award = make_award(participant, world.users["manager"])
    tranche = ready_to_pay(award.tranches.first(), world.users["manager"], admin)
    return award, tranche


def _pay(tranche: Tranche, actor: Any, key: str) -> Callable[[], Any]:
    def call() -> Any:
        return services.tranche_pay(
            tranche=tranche, actor=actor, payment_reference=f"ПП-{key}", idempotency_key=key
        )

    return call


def test_twenty_requests_with_different_keys_pay_one_tranche_once(world, approved):
    award, tranche = approved
    calls = [_pay(tranche, accountant(world.park), f"key-{n}") for n in range(PARALLEL)]
    results, errors = run_in_parallel(calls)
    assert len(results) == 1 and results[0].created
    assert len(errors) == PARALLEL - 1
    assert all(isinstance(error, services.AlreadyPaid) for error in errors), errors
    assert Disbursement.objects.filter(tranche=tranche).count() == 1
    award.refresh_from_db()
    assert award.paid_total == D("500000.00")


def test_twenty_requests_with_the_same_key_pay_once_and_all_get_that_payment(world, approved):
    award, tranche = approved
    calls = [_pay(tranche, accountant(world.park), "the-same-key") for _ in range(PARALLEL)]
    results, errors = run_in_parallel(calls)
    assert errors == []
    assert len(results) == PARALLEL
    assert sum(1 for result in results if result.created) == 1
    assert len({result.disbursement.pk for result in results}) == 1
    assert Disbursement.objects.count() == 1
    award.refresh_from_db()
    assert award.paid_total == D("500000.00")


def test_parallel_payments_of_different_tranches_never_exceed_the_award(world, admin):
    """Twenty approved tranches of 100,000 each on an award of 1,000,000 (planted directly, as if
    planning had been wrong): paid in parallel, at most ten go through."""
    manager = world.users["manager"]
    participant = make_participant(world.park, world.company)
    award = make_award(participant, manager, amount="1000000.00", tranches=())
    milestone = services.milestone_add(
        award=award, actor=manager, title="Этап", due_on=award.decided_on
    )
    accept_report(milestone)
    tranches = Tranche.objects.bulk_create(
        [
            Tranche(
                award=award,
                milestone=milestone,
                number=n + 1,
                amount=D("100000.00"),
                status="approved",
                requested_by=manager,
            )
            for n in range(PARALLEL)
        ]
    )
    calls = [_pay(tranche, accountant(world.park), f"t-{tranche.pk}") for tranche in tranches]
    results, errors = run_in_parallel(calls)
    assert len(results) == 10
    assert len(errors) == 10
    assert all(isinstance(error, services.Overpayment) for error in errors), errors
    award.refresh_from_db()
    assert award.paid_total == D("1000000.00")
    paid = sum(d.amount for d in Disbursement.objects.filter(award=award))
    assert paid == D("1000000.00") <= award.amount
    assert GrantAward.all_parks.get(pk=award.pk).remaining == D("0.00")


def test_parallel_clawbacks_and_payments_keep_the_totals_consistent(world, admin):
    manager = world.users["manager"]
    participant = make_participant(world.park, world.company)
    award = make_award(participant, manager, amount="1000000.00", tranches=("400000", "400000"))
    first, second = list(award.tranches.all())
    ready_to_pay(first, manager, admin)
    ready_to_pay(second, manager, admin)
    services.tranche_pay(
        tranche=first, actor=accountant(world.park), payment_reference="p", idempotency_key="a"
    )
    calls: list[Callable[[], Any]] = [_pay(second, accountant(world.park), "b")]
    calls += [
        (
            lambda: services.clawback_record(
                award=award, actor=manager, amount=D("100000"), reason="x", reference="r"
            )
        )
        for _ in range(6)
    ]
    _results, _errors = run_in_parallel(calls)
    award.refresh_from_db()
    clawed = sum(c.amount for c in award.clawbacks.all())
    paid = sum(d.amount for d in award.disbursements.all())
    assert (award.paid_total, award.clawed_back_total) == (paid, clawed)
    assert clawed <= paid
    assert paid - clawed <= award.amount


def test_parallel_tranche_requests_never_plan_more_than_the_award(world):
    manager = world.users["manager"]
    participant = make_participant(world.park, world.company)
    award = make_award(participant, manager, amount="1000000.00", tranches=())
    milestone = services.milestone_add(
        award=award, actor=manager, title="Этап", due_on=award.decided_on
    )
    calls = [
        (
            lambda: services.tranche_request(
                award=award, milestone=milestone, actor=manager, amount=D("100000.00")
            )
        )
        for _ in range(PARALLEL)
    ]
    results, errors = run_in_parallel(calls)
    assert len(results) == 10 and len(errors) == 10
    tranches = Tranche.objects.filter(award=award)
    assert sum(t.amount for t in tranches) == D("1000000.00")
    assert sorted(t.number for t in tranches) == list(range(1, 11))


def test_parallel_approvals_by_one_person_count_once(world, admin):
    manager = world.users["manager"]
    participant = make_participant(world.park, world.company)
    award = make_award(participant, manager)
    tranche = award.tranches.first()
    calls = [(lambda: services.tranche_approve(tranche=tranche, actor=manager)) for _ in range(10)]
    results, errors = run_in_parallel(calls)
    assert len(results) == 1 and len(errors) == 9
    tranche.refresh_from_db()
    assert tranche.status == "requested"
    assert tranche.approvals.count() == 1
