"""Numbers under concurrency, on PostgreSQL: twenty quotes sent at the same moment get twenty
different numbers with no gap, because the counter row is locked inside each transaction."""

from __future__ import annotations

import pytest
import time_machine

from technopark.engineering import services
from technopark.engineering.models import Quote
from tests.concurrency import race
from tests.engineering.conftest import NOW

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_quotes_sent_at_once_are_numbered_without_gaps(centre):
    with time_machine.travel(NOW, tick=False):
        drafts = [centre.quote(centre.to_state("triaged")) for _ in range(20)]

    def sender(quote):
        return lambda: services.quote_send(access=centre.access("manager"), quote=quote, now=NOW)

    outcome = race(*(sender(quote) for quote in drafts))
    assert not outcome.errors, outcome.errors
    numbers = sorted(Quote.all_parks.exclude(number="").values_list("number", flat=True))
    assert numbers == [f"ИЦ-2026-{n:04d}" for n in range(1, 21)]
