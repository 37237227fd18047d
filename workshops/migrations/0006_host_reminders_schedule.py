from django.db import migrations

TASK = "workshops.tasks.send_host_reminders"


def schedule_reminders(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_hour, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.get_or_create(
        name="Remind hosts of materials due",
        defaults={
            "task": TASK,
            "interval": every_hour,
            "description": "Emails the hosts of member-led sessions starting within HOST_MATERIALS_DUE_DAYS "
            "that have no materials yet (once each).",
        },
    )


def unschedule_reminders(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0005_names_of_things"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_reminders, unschedule_reminders)]
