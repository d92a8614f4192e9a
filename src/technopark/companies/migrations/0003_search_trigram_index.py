"""On PostgreSQL, a trigram index for the company search (``search_text LIKE '%…%'``).

The search matches any part of a name, INN or OGRN, which no B-tree index can serve; pg_trgm's GIN
index can (a trusted extension since PostgreSQL 13, so the database owner may create it). Where the
extension cannot be created the migration says so and goes on: the search still works, by scanning.
SQLite has no such index; a park there scans its own rows, which is fast at its size.
"""

from django.db import migrations, transaction

INDEX = "company_search_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON companies_company "
                "USING gin (search_text gin_trgm_ops)"
            )
    except Exception as error:  # noqa: BLE001 - an optional speed-up must not stop a deploy
        print(f"\n  Skipped the trigram index for the company search: {error}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("companies", "0002_figures_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
