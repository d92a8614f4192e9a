"""Reads on every request's path, compiled once by the ORM and re-run with new parameters.

Building and compiling a query costs the ORM 150–300 µs; running it costs SQLite 20–80 µs. The few
reads that every page and API call makes (the park, the visitor's roles, the signed-in user, the
token) are written as ordinary querysets, compiled to SQL once per database, and then executed
with the request's values. The SQL is the ORM's own, so it follows the models.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections
from django.db.models import QuerySet


class PreparedRead:
    """``build(**placeholders)`` returns the queryset; ``rows(**values)`` runs it.

    Each placeholder's sample must be a value that appears nowhere else in the query's parameters,
    so that its position in the compiled parameters can be found.
    """

    def __init__(self, build: Callable[..., QuerySet[Any]], **samples: Any) -> None:
        self._build = build
        self._samples = samples
        self._compiled: dict[str, tuple[QuerySet[Any], str, list[str | None], tuple[Any, ...]]] = {}

    def _compile(self, alias: str) -> tuple[QuerySet[Any], str, list[str | None], tuple[Any, ...]]:
        compiled = self._compiled.get(alias)
        if compiled is None:
            queryset = self._build(**self._samples)
            sql, params = queryset.query.get_compiler(using=alias).as_sql()
            by_sample = {repr(sample): name for name, sample in self._samples.items()}
            slots = [by_sample.get(repr(value)) for value in params]
            missing = set(self._samples) - {slot for slot in slots if slot}
            if missing:  # pragma: no cover - a programming error, found by the first test run
                raise ValueError(f"placeholders not found in the compiled query: {missing}")
            compiled = (queryset, sql, slots, tuple(params))
            self._compiled[alias] = compiled
        return compiled

    @staticmethod
    def _params(
        slots: Sequence[str | None], fixed: tuple[Any, ...], values: dict[str, Any]
    ) -> list[Any]:
        return [values[slot] if slot else value for slot, value in zip(slots, fixed, strict=True)]

    def objects(self, using: str = "default", **values: Any) -> list[Any]:
        """The matching rows as model instances (annotations become attributes)."""
        queryset, sql, slots, fixed = self._compile(using)
        return list(
            queryset.model._default_manager.db_manager(using).raw(
                sql, self._params(slots, fixed, values)
            )
        )

    def values(self, using: str = "default", **values: Any) -> list[tuple[Any, ...]]:
        """The matching rows as tuples, in the order of the queryset's columns."""
        _queryset, sql, slots, fixed = self._compile(using)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, self._params(slots, fixed, values))
            return list(cursor.fetchall())
