"""An index for the staff's agenda ("Waiting for you"): assignments by status, then due date.

The agenda counts, per call, the proposed assignments to publish and the published ones past
their due date. Without it both counts read every assignment of the park (20,000 at national
scale) to find the few that match; with it they read only those (a range of the index), and the
application id in it joins them to the park and the call without reading the assignment rows.

Declared on the model (``ReviewAssignment.Meta.indexes``); it serves a read of
``selection/agenda.py``.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("selection", "0003_eligibility_outcome_findings_recusal")]

    operations = [
        migrations.AddIndex(
            model_name="reviewassignment",
            index=models.Index(
                fields=["status", "due_at", "application"], name="assignment_status_due_idx"
            ),
        )
    ]
