"""Typed, bounded query parameters: a value from an address becomes a Python value or is refused.

Each parser turns the raw text of one parameter into a value of one type within stated bounds,
or raises ``ValueError``; nothing here answers a request. Pages decide what a refused value means
(ignored and shown as not applied, or a 400); declared cache fragments (``core.fragments``) use
the same parsers to decide which addresses may mint a cache entry at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from technopark.core.inputs import text_problem

T = TypeVar("T")

# Ids are positive 64-bit integers (PostgreSQL's bigint): anything larger cannot name a row.
MAX_ID = 2**63 - 1


class Param:
    """A declared query parameter: ``parse`` returns the typed value or raises ``ValueError``."""

    #: free text (a search) rather than a value from a closed, bounded set
    free_text: bool = False

    def parse(self, raw: str) -> object:  # pragma: no cover - every parser overrides it
        raise NotImplementedError


@dataclass(frozen=True)
class Integer(Param):
    """A whole number written in ASCII digits, ``low`` ≤ n ≤ ``high`` ("²" and "١" are refused)."""

    low: int = 1
    high: int = MAX_ID

    def parse(self, raw: str) -> int:
        text = raw.strip()
        if not text or not text.isascii() or not text.lstrip("-").isdigit() or len(text) > 20:
            raise ValueError(raw)
        value = int(text)
        if not self.low <= value <= self.high:
            raise ValueError(raw)
        return value


@dataclass(frozen=True)
class Choice(Param):
    """One of a closed set of codes."""

    values: frozenset[str]

    @classmethod
    def of(cls, values: Iterable[str]) -> Choice:
        return cls(frozenset(str(value) for value in values))

    def parse(self, raw: str) -> str:
        if raw not in self.values:
            raise ValueError(raw)
        return raw


@dataclass(frozen=True)
class Day(Param):
    """A calendar day written as ``YYYY-MM-DD`` between ``low`` and ``high``."""

    low: dt.date = dt.date(2000, 1, 1)
    high: dt.date = dt.date(2100, 12, 31)

    def parse(self, raw: str) -> dt.date:
        if len(raw) != 10 or not raw.isascii():
            raise ValueError(raw)
        value = dt.date.fromisoformat(raw)
        if not self.low <= value <= self.high:
            raise ValueError(raw)
        return value


@dataclass(frozen=True)
class Clock(Param):
    """A time of day written as ``HH:MM`` (or ``HH:MM:SS``)."""

    def parse(self, raw: str) -> dt.time:
        if len(raw) not in (5, 8) or not raw.isascii():
            raise ValueError(raw)
        return dt.time.fromisoformat(raw)


@dataclass(frozen=True)
class Text(Param):
    """Free text (a search) of at most ``max_length`` characters on one line, trimmed; a control
    character (NUL, which PostgreSQL cannot compare with, among them) is refused."""

    max_length: int = 200
    free_text: bool = True

    def parse(self, raw: str) -> str:
        text = raw.strip()
        if len(text) > self.max_length or text_problem(text) is not None:
            raise ValueError(raw)
        return text


#: a page of a paged list, as its links write it
PAGE = Integer(high=100_000)

#: a database id (a site, a cohort, a resource): a positive 64-bit integer
ID = Integer()


def parse_or_none(param: Param, raw: str | None) -> object | None:
    """``param``'s value of ``raw``, or None when it is missing, empty or refused."""
    if raw is None or raw == "":
        return None
    try:
        return param.parse(raw)
    except ValueError:
        return None


def param_value(params: Mapping[str, Any], name: str, param: Param, default: T) -> Any | T:
    """The value of ``name`` in ``params`` (a ``QueryDict`` or a dict) typed by ``param``, or
    ``default`` when it is missing, empty or refused: the filter is then not applied (the page
    shows it so)."""
    raw = params.get(name)
    value = parse_or_none(param, raw if isinstance(raw, str) else None)
    return default if value is None else value
