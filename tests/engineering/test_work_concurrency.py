"""One running timer per engineer under concurrency, on PostgreSQL: ten starts of the same
engineer's timer at the same moment, on two work orders, leave one running timer; every other
start is refused with the clear message, never an IntegrityError."""

from __future__ import annotations

import pytest
import time_machine

from technopark.engineering.models import TimeEntry
from technopark.engineering.services import work
from tests.concurrency import race
from tests.engineering.conftest import NOW
from tests.engineering.test_work import in_work

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_ten_starts_at_once_leave_one_running_timer(centre):
    with time_machine.travel(NOW, tick=False):
        orders = [in_work(centre), in_work(centre)]

    def starter(order):
        return lambda: work.time_start(access=centre.access("engineer"), work_order=order, now=NOW)

    outcome = race(*(starter(orders[n % 2]) for n in range(10)))
    assert not outcome.failures, outcome.failures
    assert len(outcome.refusals) == 9
    assert all("already running" in " ".join(error.messages) for error in outcome.refusals)
    assert TimeEntry.all_parks.filter(engineer=centre.engineer, ended_at__isnull=True).count() == 1
