"""Retention warnings were known only by their email's outbox row (key
`retention-warning:<user>:<last membership year>`): record each as a
RetentionWarning, warned when the email was queued."""

from django.db import migrations

PREFIX = "retention-warning:"


def from_outbox(apps, schema_editor):
    OutboundEmail = apps.get_model("society", "OutboundEmail")
    RetentionWarning = apps.get_model("members", "RetentionWarning")
    User = apps.get_model("members", "User")
    found = {}
    for key, created_at in OutboundEmail.objects.filter(key__startswith=PREFIX).values_list("key", "created_at"):
        try:
            user_id, year = (int(part) for part in key.removeprefix(PREFIX).split(":"))
        except ValueError:
            continue  # not one of ours
        found[(user_id, year)] = created_at
    users = set(User.objects.filter(pk__in={user_id for user_id, _ in found}).values_list("pk", flat=True))
    RetentionWarning.objects.bulk_create(
        [
            RetentionWarning(user_id=user_id, for_year=year, warned_at=warned_at)
            for (user_id, year), warned_at in found.items()
            if user_id in users
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_retention_warning"),
        ("society", "0003_speaker_feedback"),
    ]

    # Going back, the rows go with their table.
    operations = [migrations.RunPython(from_outbox, migrations.RunPython.noop)]
