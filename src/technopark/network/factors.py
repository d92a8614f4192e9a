"""The words for a match score's factors (``scoring.FACTORS``), by code, and the sentences that
explain a score; shared by the pages and the API (``scoring`` itself stays free of words)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

FACTOR_LABELS = {
    "directions": gettext_lazy("shared directions"),
    "needs": gettext_lazy("needs against expertise"),
    "stage": gettext_lazy("stage fit"),
    "language": gettext_lazy("common language"),
    "time_zone": gettext_lazy("time-zone overlap"),
    "ratings": gettext_lazy("past ratings"),
    "load": gettext_lazy("free capacity"),
}

__all__ = ["FACTOR_LABELS", "explained", "label_of", "why"]


def label_of(code: str) -> str:
    return str(FACTOR_LABELS.get(code, code))


def _pairs(factors: Iterable[Any]) -> list[tuple[str, int]]:
    """``(code, points)`` of factors given as ``scoring.Factor`` or stored dicts."""
    found = []
    for factor in factors:
        if isinstance(factor, Mapping):
            found.append((str(factor.get("factor", "")), int(factor.get("points", 0))))
        else:
            found.append((factor.code, int(factor.points)))
    return found


def explained(factors: Iterable[Any], count: int = 3) -> list[dict[str, Any]]:
    """The first ``count`` factors that brought points: code, points, label and the line
    "shared directions: 40 points"."""
    rows: list[dict[str, Any]] = []
    for code, points in _pairs(factors):
        if points <= 0 or len(rows) >= count:
            continue
        label = label_of(code)
        text = ngettext("%(label)s: %(points)d point", "%(label)s: %(points)d points", points) % {
            "label": label,
            "points": points,
        }
        rows.append({"code": code, "points": points, "label": label, "text": text})
    return rows


def why(factors: Iterable[Any]) -> str:
    """One sentence: what the score owes most to."""
    top = [label_of(code) for code, points in _pairs(factors)[:2] if points > 0]
    if not top:
        return _("Nothing in particular speaks for this match.")
    if len(top) == 1:
        return _("Suggested mostly for %(first)s.") % {"first": top[0]}
    return _("Suggested mostly for %(first)s and %(second)s.") % {
        "first": top[0],
        "second": top[1],
    }
