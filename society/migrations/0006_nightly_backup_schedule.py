"""Back up nightly, as a periodic task the admins can see (and pause) in the admin.
It does nothing until BACKUP_DIR is set."""

from django.db import migrations

TASK_NAME = "Nightly backup"
TASK = "society.tasks.make_nightly_backup"


def schedule_backup(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # 02:30 UTC: a quiet hour, before the retention run (03:30) anonymises anyone.
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "crontab": crontab,
            "interval": None,
            "enabled": True,
            "description": (
                "Writes a backup archive into BACKUP_DIR and BACKUP_BUCKET and keeps the newest BACKUP_KEEP "
                "in each; nothing when neither is set."
            ),
        },
    )


def unschedule_backup(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("society", "0005_outbox_purge_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_backup, unschedule_backup)]
