"""Input types shared by the API's schemas: bounded ids, texts and dates the databases can store.

Every number, text and date a client sends is bounded here, so that nothing reaches the database
that it would refuse with an error (a 64-bit overflow, a NUL character on PostgreSQL) and nothing
is stored that breaks an export later (a control character in an XLSX cell): such input is a 422
naming the field, never a 500. Text and dates follow the same rules as the pages' forms
(``core.inputs``): every text field of an input schema is ``OneLine`` or ``Lines``, every date
``Day`` and every date and time ``Moment`` (``tests/security`` walks the schemas to hold this).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, TypeVar

from django.utils.translation import gettext as _
from pydantic import AfterValidator, Field

from technopark.core.inputs import day_problem, text_problem

# The largest key SQLite's INTEGER and PostgreSQL's bigint hold.
MAX_ID = 2**63 - 1


def _one_line(value: str) -> str:
    problem = text_problem(value, multiline=False)
    if problem is not None:
        raise ValueError(problem)
    return value


def _lines(value: str) -> str:
    problem = text_problem(value, multiline=True)
    if problem is not None:
        raise ValueError(problem)
    return value


def _day(value: dt.date) -> dt.date:
    problem = day_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


# Put into ``Annotated[str, Field(max_length=…), OneLine]``: text without control characters
# (tab allowed) — and so without NUL, which PostgreSQL cannot store.
OneLine = AfterValidator(_one_line)
# The same for a text of several lines (line feed and carriage return allowed).
Lines = AfterValidator(_lines)

# A date and a date and time within the platform's years (core.inputs.FIRST_DAY … LAST_DAY).
Day = Annotated[dt.date, AfterValidator(_day)]
Moment = Annotated[dt.datetime, AfterValidator(_day)]

# A database id: positive and within 64 bits.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _reject_null(value: object) -> object:
    if value is None:
        raise ValueError(_("Leave the field out instead of sending null."))
    return value


def _drop_null(schema: dict[str, Any]) -> None:
    """Document an optional, non-nullable field as its plain type (pydantic writes ``X | null``)."""
    variants = [item for item in schema.pop("anyOf", []) if item.get("type") != "null"]
    if len(variants) == 1:
        schema.update(variants[0])
    elif variants:
        schema["anyOf"] = variants
    schema.pop("default", None)


T = TypeVar("T")

# ``field: Omittable[X] = None``: a field of a partial update that may be left out, but not null.
Omittable = Annotated[T | None, Field(json_schema_extra=_drop_null), AfterValidator(_reject_null)]
