"""On SQLite, an FTS5 trigram index for the company search, kept in step by triggers.

See ``technopark.companies.search_index``: the table, its triggers and the fill. Nothing happens on
PostgreSQL (its trigram index is 0003's) nor on an SQLite older than 3.34 (no trigram tokenizer: the
search scans the park's rows there, as before).
"""

from django.db import migrations

from technopark.companies import search_index


def create(apps, schema_editor):
    search_index.create(schema_editor.connection)


def drop(apps, schema_editor):
    search_index.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("companies", "0004_team_invitations_and_changes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
