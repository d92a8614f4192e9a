"""Concurrent appends on real PostgreSQL: each chain's head row lock keeps it one line, and
parks do not wait for each other."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from technopark.audit.models import AuditEntry
from technopark.audit.services import audit_record, audit_verify
from tests.concurrency import race
from tests.factories import CompanyFactory, ParkFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_parallel_appends_make_one_unbroken_chain() -> None:
    assert connection.vendor == "postgresql"
    park = ParkFactory()
    company = CompanyFactory(park=park)
    actor = UserFactory()
    workers = 8
    per_worker = 5
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            barrier.wait(timeout=10)
            for i in range(per_worker):
                audit_record(
                    park=park,
                    actor=actor,
                    action="test.append",
                    target=company,
                    after={"worker": worker, "i": i},
                )
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads: list[Any] = [threading.Thread(target=append, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    sequences = list(AuditEntry.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, workers * per_worker + 1))
    result = audit_verify()
    assert result.ok, result.problem
    assert result.checked == workers * per_worker


def test_two_parks_append_in_parallel_each_in_one_unbroken_chain() -> None:
    assert connection.vendor == "postgresql"
    parks = [ParkFactory(), ParkFactory()]
    companies = [CompanyFactory(park=park) for park in parks]
    actor = UserFactory()

    def append(index: int) -> int:
        for i in range(5):
            audit_record(
                park=parks[index % 2],
                actor=actor,
                action="test.append",
                target=companies[index % 2],
                after={"i": i},
            )
        return index

    outcome = race(*[lambda n=n: append(n) for n in range(16)])
    assert outcome.errors == []
    for park in parks:
        sequences = list(
            AuditEntry.objects.filter(chain=park.pk)
            .order_by("sequence")
            .values_list("sequence", flat=True)
        )
        assert sequences == list(range(1, 41))
    result = audit_verify()
    assert result.ok, result.problems
    assert (result.checked, result.chains) == (80, 2)


def test_a_park_writing_does_not_hold_up_another_park() -> None:
    """One park's open transaction holds its own chain's head, not the other parks'."""
    assert connection.vendor == "postgresql"
    first, second = ParkFactory(), ParkFactory()
    company = CompanyFactory(park=first)
    other = CompanyFactory(park=second)
    actor = UserFactory()
    for park, target in ((first, company), (second, other)):  # both heads exist
        audit_record(park=park, actor=actor, action="test.append", target=target)
    holding = threading.Event()
    release = threading.Event()

    def hold_first() -> str:
        with transaction.atomic():
            audit_record(park=first, actor=actor, action="test.hold", target=company)
            holding.set()
            release.wait(timeout=20)
        return "held"

    def write(park: Any, target: Any) -> str:
        holding.wait(timeout=20)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            audit_record(park=park, actor=actor, action="test.write", target=target)
        return "wrote"

    def other_park_then_release() -> str:
        try:
            return write(second, other)
        finally:
            release.set()

    outcome = race(hold_first, other_park_then_release)
    assert outcome.errors == [] and sorted(outcome.values) == ["held", "wrote"]
    # The same park's writer, by contrast, waits for the head (and gives up at the lock timeout).
    holding.clear()
    release.clear()

    def same_park_then_release() -> str:
        try:
            return write(first, company)
        finally:
            release.set()

    outcome = race(hold_first, same_park_then_release)
    assert outcome.values == ["held"]
    assert len(outcome.errors) == 1 and "lock timeout" in str(outcome.errors[0])
    assert audit_verify().ok
