"""Concurrent appends on real PostgreSQL: the head row's lock keeps the chain one line."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from technopark.audit.models import AuditEntry
from technopark.audit.services import audit_record, audit_verify
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
