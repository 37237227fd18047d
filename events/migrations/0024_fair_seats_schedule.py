"""The periodic task of the fair-seats rules: draws the seats of lottery events whose
requests have closed, and gives the no-show strikes of events whose attendance is final."""

from django.db import migrations

NAME = "Events: draw lotteries and give no-show strikes"
TASK = "events.tasks.run_fair_seats"


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "interval": every_minute,
            "crontab": None,
            "enabled": True,
            "description": "Draws the seats of each lottery event whose requests have closed (once), and gives "
            "the strikes of each no-show-policy event whose check-in has closed (once).",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0023_fair_seats"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
