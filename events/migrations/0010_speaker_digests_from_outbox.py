"""Speaker digests were known as sent only by their email's outbox row (key
`speaker-digest:<event>:<speaker>`): record each on its EventSpeaker, sent
when the email was queued."""

from django.db import migrations

PREFIX = "speaker-digest:"


def from_outbox(apps, schema_editor):
    OutboundEmail = apps.get_model("society", "OutboundEmail")
    EventSpeaker = apps.get_model("events", "EventSpeaker")
    for key, created_at in OutboundEmail.objects.filter(key__startswith=PREFIX).values_list("key", "created_at"):
        try:
            event_id, speaker_id = (int(part) for part in key.removeprefix(PREFIX).split(":"))
        except ValueError:
            continue  # not one of ours
        EventSpeaker.objects.filter(event_id=event_id, speaker_id=speaker_id, digest_sent_at=None).update(
            digest_sent_at=created_at
        )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0009_speaker_digest_sent_at"),
        ("society", "0003_speaker_feedback"),
    ]

    # Going back, the dates go with their column.
    operations = [migrations.RunPython(from_outbox, migrations.RunPython.noop)]
