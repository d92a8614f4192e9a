"""The constraints of per-park chains, after 0002 has renumbered the entries (a migration of its
own: PostgreSQL does not alter a table with row checks still pending in the same transaction)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_keyed_chains_per_park"),
    ]

    operations = [
        migrations.AlterField(
            model_name="audithead",
            name="chain",
            field=models.BigIntegerField(unique=True),
        ),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.UniqueConstraint(
                fields=("chain", "sequence"), name="audit_sequence_per_chain"
            ),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["action"], name="audit_action_idx"),
        ),
    ]
