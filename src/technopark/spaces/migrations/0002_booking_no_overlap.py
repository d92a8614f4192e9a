"""No double booking on PostgreSQL: an exclusion constraint over resource and time range.

Two active bookings (pending, confirmed, checked in, offered) of one resource may not have
overlapping half-open ranges ``[starts_at, ends_at)``; see ``technopark.spaces.constraints``.
SQLite has no exclusion constraints: there ``services.booking_create`` checks and inserts inside
one IMMEDIATE transaction instead.
"""

from django.db import migrations

from technopark.spaces.constraints import drop_no_overlap_constraint, ensure_no_overlap_constraint


def create(apps, schema_editor):
    ensure_no_overlap_constraint(schema_editor.connection)


def drop(apps, schema_editor):
    drop_no_overlap_constraint(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("spaces", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
