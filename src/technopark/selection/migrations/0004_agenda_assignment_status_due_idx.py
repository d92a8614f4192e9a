"""An index for the staff's agenda ("Waiting for you"): assignments by status, then due date.

The agenda counts, per call, the proposed assignments to publish and the published ones past
their due date. Without it both counts read every assignment of the park (20,000 at national
scale) to find the few that match; with it they read only those (a range of the index), and the
application id in it joins them to the park and the call without reading the assignment rows.

Plain SQL that SQLite and PostgreSQL both take, and no model state: the index serves a read of
``selection/agenda.py`` only (named ``agenda_`` so the lead may renumber it on merge).
"""

from django.db import migrations

INDEX = "assignment_status_due_idx"


class Migration(migrations.Migration):
    dependencies = [("selection", "0003_eligibility_outcome_findings_recusal")]

    operations = [
        migrations.RunSQL(
            sql=(
                f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "selection_reviewassignment" '
                '("status", "due_at", "application_id")'
            ),
            reverse_sql=f'DROP INDEX IF EXISTS "{INDEX}"',
        )
    ]
