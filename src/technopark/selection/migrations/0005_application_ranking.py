"""The applications' ranking rows (``selection.models.ranking``), filled from the aggregate the
council's table computed at every read until now (``ranking_aggregates``), 500 applications at a
time. Works on SQLite and PostgreSQL alike (an upsert-free insert into the new table)."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    from technopark.selection.queries.council import ranking_aggregates
    from technopark.selection.services.ranking import ranking_row

    application_model = apps.get_model("selection", "Application")
    ranking_model = apps.get_model("selection", "ApplicationRanking")
    names = [field.attname for field in ranking_model._meta.concrete_fields]
    ids = list(
        application_model._base_manager.exclude(status="draft")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), 500):
        chunk = application_model._base_manager.filter(pk__in=ids[start : start + 500])
        rows = []
        for application in ranking_aggregates(chunk.order_by()):
            row = ranking_row(application)
            rows.append(ranking_model(**{name: getattr(row, name) for name in names}))
        ranking_model.objects.bulk_create(rows)


def analyse(apps, schema_editor):
    """Statistics of the filled table, or the planners (both) take it for empty and sort the call
    instead of reading a page off an index."""
    table = apps.get_model("selection", "ApplicationRanking")._meta.db_table
    schema_editor.execute(f"ANALYZE {schema_editor.quote_name(table)}")


def empty(apps, schema_editor):
    apps.get_model("selection", "ApplicationRanking").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('companies', '0004_team_invitations_and_changes'),
        ('selection', '0004_agenda_assignment_status_due_idx'),
    ]

    operations = [
        migrations.CreateModel(
            name='ApplicationRanking',
            fields=[
                ('application', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='ranking', serialize=False, to='selection.application')),
                ('status', models.CharField(max_length=20)),
                ('ranked', models.BooleanField(default=False)),
                ('submitted_at', models.DateTimeField(blank=True, null=True)),
                ('eligibility', models.CharField(max_length=20)),
                ('reviews_assigned', models.PositiveIntegerField(default=0)),
                ('reviews_filed', models.PositiveIntegerField(default=0)),
                ('weighted_total', models.DecimalField(blank=True, decimal_places=6, max_digits=12, null=True)),
                ('total_max', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True)),
                ('total_min', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True)),
                ('spread', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True)),
                ('n_admit', models.PositiveIntegerField(default=0)),
                ('n_conditions', models.PositiveIntegerField(default=0)),
                ('n_reject', models.PositiveIntegerField(default=0)),
                ('flagged', models.BooleanField(default=False)),
                ('rank_key', models.DecimalField(decimal_places=6, default=-1, max_digits=12)),
                ('rank_key_low', models.DecimalField(decimal_places=6, default=1000, max_digits=12)),
                ('spread_key', models.DecimalField(decimal_places=2, default=-1, max_digits=5)),
                ('spread_key_low', models.DecimalField(decimal_places=2, default=1000, max_digits=6)),
                ('call', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='selection.call')),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='companies.company')),
            ],
            options={
                'indexes': [
                    models.Index(condition=models.Q(('ranked', True)), fields=['call', '-rank_key', 'application', 'ranked'], name='ranking_rank_idx'),
                    models.Index(condition=models.Q(('ranked', True)), fields=['call', 'rank_key_low', '-application'], name='ranking_rank_low_idx'),
                    models.Index(condition=models.Q(('ranked', True)), fields=['call', '-spread_key', 'application'], name='ranking_spread_idx'),
                    models.Index(condition=models.Q(('ranked', True)), fields=['call', 'spread_key_low', 'application'], name='ranking_spread_low_idx'),
                    models.Index(condition=models.Q(('ranked', True)), fields=['call', 'submitted_at', 'application'], name='ranking_submitted_idx'),
                ],
            },
        ),
        migrations.RunPython(fill, empty, elidable=True),
        migrations.RunPython(analyse, migrations.RunPython.noop, elidable=True),
    ]
