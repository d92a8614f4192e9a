"""The seam through which a cohort participant gets a real coworking seat.

Programmes sits below spaces in the app order (spaces asks programmes who takes part in a
cohort), so programmes cannot import spaces. Instead spaces hands in a ``SeatProvider`` from
``SpacesConfig.ready()`` with ``set_seat_provider``; programmes' services and pages ask
``seat_provider()`` and, when nothing is registered, simply offer no seat allocation.

A seat is a long booking on a coworking desk for the cohort's dates (an all-day hold from the
first day's midnight to the midnight after the last day, in the desk's site's zone), one per
participant at a time. The provider does the booking, its overlap check (never a double booking)
and its audit; programmes decides *when* (on admission if asked, and a release whenever a
participant stops being active).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol


@dataclass(frozen=True)
class SeatInfo:
    """A participant's seat as pages and the API show it: the desk and the dates it is held."""

    booking_id: int
    resource_id: int
    resource_name: str
    site_name: str
    starts_on: date
    ends_on: date  # inclusive


@dataclass(frozen=True)
class SeatChoice:
    """A desk free for a whole period, for a picker."""

    resource_id: int
    resource_name: str
    site_name: str

    @property
    def label(self) -> str:
        return f"{self.resource_name} · {self.site_name}"


class SeatProvider(Protocol):
    def free_seats(self, *, participant: Any) -> list[SeatChoice]:
        """Desks of the park free for the participant's whole remaining cohort period."""
        ...

    def allocate(self, *, participant: Any, actor: Any, resource_id: int | None = None) -> SeatInfo:
        """Hold a desk for the participant (the first free one when ``resource_id`` is None).

        Raises ``ValidationError`` keyed ``seat`` when none (or not that one) is free for the
        whole period, or the participant holds a seat already; nothing changes then.
        """
        ...

    def release(self, *, participant: Any, actor: Any) -> SeatInfo | None:
        """Free the participant's seat from today on; None when they held none."""
        ...

    def describe(self, *, participant: Any) -> SeatInfo | None:
        """The participant's current seat, or None."""
        ...

    def describe_many(self, *, participant_ids: list[int]) -> dict[int, SeatInfo]:
        """Current seats of many participants (one query), by participant id."""
        ...


_provider: SeatProvider | None = None


def set_seat_provider(provider: SeatProvider | None) -> None:
    """Register (or, with None, remove) the app that gives coworking seats."""
    global _provider
    _provider = provider


def seat_provider() -> SeatProvider | None:
    return _provider
