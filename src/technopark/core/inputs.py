"""What every typed value must satisfy before it is stored: the one place the input rules live.

Pages (``core.forms.InputRulesMixin``, mixed into every form) and the API (``api.types``:
``OneLine``, ``Lines``, ``Day``, ``Moment``) apply the same checks:

- **Text holds no control characters.** Tab is allowed everywhere; line feed and carriage return
  only in a field that allows several lines (a textarea, an API field typed ``Lines``). NUL,
  the other C0 characters, DEL and the C1 block are refused: they break spreadsheet exports
  (XLSX cannot hold them), PostgreSQL (NUL) and what a reader sees. Other Unicode (right-to-left
  marks, zero-width spaces) is text a person may mean, kept verbatim and escaped when shown.
- **Whole numbers fit in 64 bits** (what the databases store, and the largest id).
- **Dates and times lie between ``FIRST_DAY`` and ``LAST_DAY``** (1900–2100: a company's
  founding, a session, a payment). A year such as 1 or 9999 is a typing mistake, and near the
  ends of what Python's dates hold a shift into a time zone overflows.

Each check raises a translated ``ValidationError`` (code ``control_characters`` or
``out_of_range``); ``*_problem`` variants return the message instead, for the API's validators.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "check_day",
    "check_text",
    "day_problem",
    "number_problem",
    "text_problem",
]

#: the first and the last day a date or time typed into the platform may name
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)

# C0 controls but tab, LF and CR; DEL; C1 controls.
_ALWAYS_REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\n\r]")


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why ``value`` cannot be stored as text, or None when it can."""
    found = _ALWAYS_REFUSED.search(value)
    if found is None and not multiline:
        found = _LINE_BREAKS.search(value)
    if found is None:
        return None
    if found.group() in "\n\r":
        return _("Write this on one line: line breaks are not allowed here.")
    return _(
        "Remove the control character U+%(code)04X: text may not contain control characters."
    ) % {"code": ord(found.group())}


def check_text(value: str, *, multiline: bool = False) -> None:
    """Raise ``ValidationError`` when ``value`` holds a character text may not hold."""
    problem = text_problem(value, multiline=multiline)
    if problem is not None:
        raise ValidationError(problem, code="control_characters")


#: the largest whole number a database column (and an id) holds: 64 bits, signed
MAX_INTEGER = 2**63 - 1


def number_problem(value: int) -> str | None:
    """Why the whole number ``value`` is refused (beyond 64 bits), or None."""
    if -MAX_INTEGER <= value <= MAX_INTEGER:
        return None
    return _("Give a smaller number.")


def day_problem(value: dt.date) -> str | None:
    """Why the date (or the date of the date and time) ``value`` is refused, or None."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if FIRST_DAY <= day <= LAST_DAY:
        return None
    return _("Give a date between %(first)s and %(last)s.") % {
        "first": FIRST_DAY.isoformat(),
        "last": LAST_DAY.isoformat(),
    }


def check_day(value: dt.date) -> None:
    """Raise ``ValidationError`` for a date or a date and time outside the platform's years."""
    problem = day_problem(value)
    if problem is not None:
        raise ValidationError(problem, code="out_of_range")
