"""An email is rendered when it is delivered: the outbox row keeps its templates' prefix
and their context (JSON). Rows queued before keep their text and are sent as written;
so are account emails, rendered when queued."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("society", "0006_nightly_backup_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="context",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="template",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name="outboundemail",
            name="subject",
            field=models.CharField(blank=True, max_length=300),
        ),
    ]
