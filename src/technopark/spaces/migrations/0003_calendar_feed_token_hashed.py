"""Calendar feed secrets are stored as their SHA-256, never in plain text.

Every existing secret is hashed in place, so the links people already added to their calendar
apps keep working: the feed is found by the hash of the secret in the address.
"""

import hashlib

from django.db import migrations, models


def hash_existing(apps, schema_editor):
    CalendarFeed = apps.get_model("spaces", "CalendarFeed")
    for feed in CalendarFeed._base_manager.all().only("pk", "token"):
        CalendarFeed._base_manager.filter(pk=feed.pk).update(
            token_hash=hashlib.sha256(feed.token.encode()).hexdigest()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("spaces", "0002_booking_no_overlap"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="calendarfeed",
            name="renewed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="link made"),
        ),
        migrations.RunPython(hash_existing, migrations.RunPython.noop),
    ]
