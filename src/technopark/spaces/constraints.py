"""The PostgreSQL exclusion constraint that makes a double booking impossible.

Created by migration 0002 and, idempotently, after every ``migrate`` (the ``post_migrate`` hook
in ``apps.py``): a test database built without migrations (``--no-migrations``) gets it too.
"""

from __future__ import annotations

from typing import Any

NAME = "spaces_booking_no_overlap"

CREATE_SQL = f"""
ALTER TABLE spaces_booking ADD CONSTRAINT {NAME}
    EXCLUDE USING gist (
        resource_id WITH =,
        tstzrange(starts_at, ends_at, '[)') WITH &&
    )
    WHERE (status IN ('pending', 'confirmed', 'checked_in', 'offered'))
"""

DROP_SQL = f"ALTER TABLE spaces_booking DROP CONSTRAINT IF EXISTS {NAME}"


def ensure_no_overlap_constraint(connection: Any) -> bool:
    """Create the constraint on PostgreSQL if it is missing; True when it exists afterwards."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('spaces_booking') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SELECT 1 FROM pg_constraint WHERE conname = %s", [NAME])
        if cursor.fetchone() is None:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
            cursor.execute(CREATE_SQL)
    return True


def drop_no_overlap_constraint(connection: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(DROP_SQL)
