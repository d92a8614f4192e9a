from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="matchrun",
            name="greedy_pairs",
            field=models.PositiveIntegerField(default=0, verbose_name="greedy baseline pairs"),
        ),
    ]
