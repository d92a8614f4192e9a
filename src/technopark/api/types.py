"""Input types shared by the API's schemas: bounded ids and texts the databases can store.

Every number and text a client sends is bounded here, so that nothing reaches the database that
it would refuse with an error (a 64-bit overflow, a NUL character on PostgreSQL): such input is a
422 naming the field, never a 500.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, Field

# The largest key SQLite's INTEGER and PostgreSQL's bigint hold.
MAX_ID = 2**63 - 1


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text may not contain NUL characters.")
    return value


# Put into ``Annotated[str, Field(max_length=…), NoNul]``: PostgreSQL cannot store NUL in text.
NoNul = AfterValidator(_no_nul)

# A database id: positive and within 64 bits.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _reject_null(value: object) -> object:
    if value is None:
        raise ValueError("Leave the field out instead of sending null.")
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
