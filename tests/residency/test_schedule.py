"""The report calendar: due by the 5th day after the quarter, to the end of that day locally."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from technopark.residency.schedule import (
    Quarter,
    current_quarter,
    has_ended,
    is_overdue,
    last_due_quarter,
    overdue_quarters,
)

YAKUTSK = "Asia/Yakutsk"


def local(*args: int, tz: str = YAKUTSK) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(tz))


@pytest.mark.parametrize(
    ("quarter", "last_day", "due"),
    [
        (Quarter(2026, 1), date(2026, 3, 31), date(2026, 4, 5)),
        (Quarter(2026, 2), date(2026, 6, 30), date(2026, 7, 5)),
        (Quarter(2026, 3), date(2026, 9, 30), date(2026, 10, 5)),
        (Quarter(2026, 4), date(2026, 12, 31), date(2027, 1, 5)),
    ],
)
def test_due_by_the_fifth_day_after_the_quarter(quarter, last_day, due):
    assert quarter.last_day == last_day
    assert quarter.due_date == due


def test_periods_run_across_years():
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert Quarter.from_period(Quarter(2026, 3).period) == Quarter(2026, 3)
    assert Quarter.of(date(2026, 5, 17)) == Quarter(2026, 2)
    assert str(Quarter(2026, 1)) == "Q1 2026"


def test_a_quarter_reads_in_the_readers_language():
    from django.utils import translation

    with translation.override("ru"):
        assert str(Quarter(2026, 3)) == "3 кв. 2026"


def test_q1_report_is_overdue_from_6_april_midnight_in_yakutsk_not_before():
    q1 = Quarter(2026, 1)
    last_minute = local(2026, 4, 5, 23, 59, 59)
    midnight = local(2026, 4, 6, 0, 0)
    assert not is_overdue(q1, YAKUTSK, last_minute)
    assert is_overdue(q1, YAKUTSK, midnight)
    # The same instants in UTC: 5 April 14:59:59 and 15:00 — already 6 April in Yakutsk.
    assert midnight.astimezone(UTC) == datetime(2026, 4, 5, 15, 0, tzinfo=UTC)
    assert last_due_quarter(YAKUTSK, last_minute) == Quarter(2025, 4)
    assert last_due_quarter(YAKUTSK, midnight) == q1


def test_the_same_instant_is_not_overdue_further_west():
    # 5 April 15:00 UTC is 6 April in Yakutsk but still 5 April in Moscow (UTC+3).
    instant = datetime(2026, 4, 5, 15, 0, tzinfo=UTC)
    assert is_overdue(Quarter(2026, 1), YAKUTSK, instant)
    assert not is_overdue(Quarter(2026, 1), "Europe/Moscow", instant)


def test_current_quarter_is_the_last_that_ended_locally():
    # 31 March 20:00 UTC is already 1 April in Yakutsk: Q1 has ended there.
    instant = datetime(2026, 3, 31, 20, 0, tzinfo=UTC)
    assert current_quarter(YAKUTSK, instant) == Quarter(2026, 1)
    assert current_quarter("Europe/Moscow", instant) == Quarter(2025, 4)
    assert has_ended(Quarter(2026, 1), YAKUTSK, instant)
    assert not has_ended(Quarter(2026, 2), YAKUTSK, instant)


def test_overdue_quarters_skip_the_filed_ones():
    now = local(2026, 7, 6, 0, 0)  # Q2 2026 overdue since this midnight
    start = Quarter(2025, 4).period
    missing = overdue_quarters(
        reports_from=start, filed={Quarter(2026, 1).period}, tz=YAKUTSK, now=now
    )
    assert missing == [Quarter(2025, 4), Quarter(2026, 2)]
