from django.db import migrations

TASK = "workshops.tasks.render_unrendered_notebooks"


def schedule_sweep(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five_minutes, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Render notebooks left unrendered",
        defaults={
            "task": TASK,
            "interval": every_five_minutes,
            "description": "Renders the notebooks whose rendering was lost: a worker killed midway, a broker down.",
        },
    )


def unschedule_sweep(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0003_study_group_archived_at"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_sweep, unschedule_sweep)]
