"""What the exports of every app share: how a CSV file starts and is streamed, and how a value
becomes a cell that a spreadsheet shows as it is.

**Every exported text goes through ``text_cell``** (CSV and XLSX alike; ``safe_row`` maps a whole
row, leaving numbers, dates and prepared cells as they are):

- a text that a spreadsheet would run as a formula — starting with ``=``, ``+``, ``-``, ``@``,
  tab or carriage return — is kept as text by a leading apostrophe (``'=1+1``);
- a character an XLSX file cannot hold (the control characters but tab, line feed and carriage
  return) is replaced by U+FFFD, so that a value stored before the input rules refused such
  characters (``core.inputs``) cannot make an export fail for everyone.

iCal text uses ``plain_text``: the replacement only (a calendar runs no formulas).
Numbers stay numbers: only ``str`` values are changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = [
    "BOM",
    "CHUNK_SIZE",
    "FORMULA_STARTS",
    "LINES_PER_BLOCK",
    "plain_text",
    "safe_row",
    "text_cell",
]

BOM = "\ufeff"  # lets Excel recognise UTF-8, so Cyrillic names open correctly
CHUNK_SIZE = 2000  # rows per database round trip (related rows are fetched once per chunk)
LINES_PER_BLOCK = 200  # CSV lines handed to the streaming response at a time

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# What openpyxl refuses in a cell (its ILLEGAL_CHARACTERS_RE), named here so CSV gets the same.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
REPLACEMENT = "\ufffd"


def plain_text(value: str) -> str:
    """``value`` with each character a spreadsheet or calendar file cannot hold replaced."""
    return _ILLEGAL.sub(REPLACEMENT, value)


def text_cell(value: str) -> str:
    """``value`` as a cell's text: never run as a formula, only characters the file can hold."""
    value = plain_text(value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """A row of cells: every text through ``text_cell``; anything else as it is."""
    return [text_cell(value) if isinstance(value, str) else value for value in values]
