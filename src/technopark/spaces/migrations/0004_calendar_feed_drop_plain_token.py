"""The plain feed secrets go, once each has its hash (0003); the hash is unique and required.

Kept apart from 0003 so that PostgreSQL alters the table in a transaction of its own.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("spaces", "0003_calendar_feed_token_hashed"),
    ]

    operations = [
        migrations.RemoveField(model_name="calendarfeed", name="token"),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(max_length=64, unique=True),
        ),
    ]
