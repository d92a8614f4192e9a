"""The bookings of a visible range, read through an index that serves the range on SQLite.

The calendar and the free-slot search ask for a resource's bookings that overlap
``[start, end)``: ``ends_at > start AND starts_at < end``. Through ``(resource, starts_at)`` SQLite
walks every booking of the resource that starts before the range ends, the whole history of a
busy room; through ``(resource, ends_at, starts_at, status)`` it walks only the bookings that end
after the range starts (the range and what is booked ahead), and checks the start and the status
in the index before it reads a row. PostgreSQL answers the same overlap through the GiST index of
the exclusion constraint (migration 0002), so there this migration does nothing.
"""

from django.db import migrations

NAME = "spaces_booking_res_end_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} "
            "ON spaces_booking (resource_id, ends_at, starts_at, status)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("spaces", "0005_seat_allocation")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
