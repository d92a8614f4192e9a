"""The quarterly report calendar: pure date arithmetic, no database.

A quarter's report is due by the 5th day after the quarter ends (Q1 → 5 April), to the end of that
day in the park's time zone: it is overdue from 00:00 of the 6th day, local time. The *current*
report is the one for the last quarter that has ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import pgettext

from technopark.core.localtime import local_today, zone_named

DUE_DAY = 5  # the report is due by this day of the month after the quarter ends


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def from_period(cls, period: int) -> Quarter:
        return cls(period // 4, period % 4 + 1)

    @property
    def period(self) -> int:
        return self.year * 4 + self.quarter - 1

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    @property
    def due_date(self) -> date:
        """The last day to file: the 5th day after the quarter ends."""
        return self.last_day + timedelta(days=DUE_DAY)

    def overdue_from(self, tz: str) -> datetime:
        """The moment the report becomes overdue: 00:00 local time of the day after the due date."""
        return datetime.combine(self.due_date + timedelta(days=1), time.min, tzinfo=zone_named(tz))

    def next(self) -> Quarter:
        return Quarter.from_period(self.period + 1)

    def previous(self) -> Quarter:
        return Quarter.from_period(self.period - 1)

    def __str__(self) -> str:
        # "Q3 2026" in English, "3 кв. 2026" in Russian: in the reader's language.
        return pgettext("quarter of a year", "Q%(quarter)d %(year)d") % {
            "quarter": self.quarter,
            "year": self.year,
        }


def current_quarter(tz: str, now: datetime | None = None) -> Quarter:
    """The quarter whose report is current: the last one that has ended (in ``tz``)."""
    return Quarter.of(local_today(tz, at=now)).previous()


def last_due_quarter(tz: str, now: datetime | None = None) -> Quarter:
    """The latest quarter whose report is overdue when not filed by ``now``."""
    current = current_quarter(tz, now)
    if (now or timezone.now()) >= current.overdue_from(tz):
        return current
    return current.previous()


def is_overdue(quarter: Quarter, tz: str, now: datetime | None = None) -> bool:
    return (now or timezone.now()) >= quarter.overdue_from(tz)


def has_ended(quarter: Quarter, tz: str, now: datetime | None = None) -> bool:
    return quarter <= current_quarter(tz, now)


def overdue_quarters(
    *, reports_from: int, filed: set[int], tz: str, now: datetime | None = None
) -> list[Quarter]:
    """The quarters from ``reports_from`` (a period) that are overdue and not in ``filed``."""
    last = last_due_quarter(tz, now).period
    return [Quarter.from_period(p) for p in range(reports_from, last + 1) if p not in filed]
