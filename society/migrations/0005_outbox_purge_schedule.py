"""Purge the outbox daily, as a periodic task the admins can see (and pause) in the admin."""

from django.db import migrations

TASK_NAME = "Purge old sent emails (outbox)"
TASK = "society.tasks.purge_outbox"


def schedule_purge(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # 04:10 UTC: a quiet hour, after the retention run (03:30).
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="10", hour="4", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "crontab": crontab,
            "interval": None,
            "enabled": True,
            "description": "Deletes emails sent or cancelled more than OUTBOX_RETENTION_DAYS ago; failed ones stay.",
        },
    )


def unschedule_purge(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("society", "0004_notice_kind_account_bodies_purge_indexes"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_purge, unschedule_purge)]
