"""Run the retention policy daily, as a periodic task the admins can see (and pause) in the admin."""

from django.db import migrations

TASK_NAME = "Members: anonymise accounts past the retention period"
TASK = "members.tasks.apply_retention_policy"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # 03:30 UTC: a quiet hour, whatever the season.
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "crontab": crontab,
            "interval": None,
            "enabled": True,
            "description": "Warns, then anonymises, accounts whose last membership ended longer ago than RETENTION_DAYS.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_profiles_memberships_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
