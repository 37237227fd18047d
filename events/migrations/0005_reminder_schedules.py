"""The two periodic tasks of reminders, follow-ups and the digest, so the admins
see (and can pause) them in the admin (django-celery-beat)."""

from django.conf import settings
from django.db import migrations

DUE_NAME = "Events: send due reminders and follow-ups"
DUE_TASK = "events.tasks.send_due_reminders_and_follow_ups"
DIGEST_NAME = "Events: weekly digest (Monday morning)"
DIGEST_TASK = "events.tasks.send_weekly_digest"


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_5_minutes, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=DUE_NAME,
        defaults={
            "task": DUE_TASK,
            "interval": every_5_minutes,
            "crontab": None,
            "enabled": True,
            "description": "Queues the reminders (REMINDER_OFFSETS_HOURS before) and follow-ups "
            "(FOLLOW_UP_DELAY_HOURS after) that are due; each email once, however often it runs.",
        },
    )
    # 08:00 on Mondays on the society's clock (the crontab carries the time zone).
    monday_morning, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="8", day_of_week="1", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
    )
    PeriodicTask.objects.update_or_create(
        name=DIGEST_NAME,
        defaults={
            "task": DIGEST_TASK,
            "crontab": monday_morning,
            "interval": None,
            "enabled": True,
            "description": "The coming week's events to members who have not turned the digest off; none when "
            "there is nothing to announce.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[DUE_NAME, DIGEST_NAME]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_reminders_follow_ups_ratings"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
