"""Account emails are allauth's only (keys `account:...`): the committee-role notices
and retention warnings that shared their kind become notices. The text of account
emails already sent, failed or cancelled is emptied (it held sign-in links). And
indexes for the purge of old sent and cancelled emails."""

from django.conf import settings
from django.db import migrations, models


ACCOUNT_KEYS = "account:"  # members.adapters.AccountAdapter.send_mail
DONE = ["sent", "failed", "cancelled"]


def relabel_notices_and_empty_account_bodies(apps, schema_editor):
    OutboundEmail = apps.get_model("society", "OutboundEmail")
    OutboundEmail.objects.filter(kind="account").exclude(key__startswith=ACCOUNT_KEYS).update(kind="notice")
    OutboundEmail.objects.filter(kind="account", state__in=DONE).update(body_text="", body_html="")


def notices_back_to_account(apps, schema_editor):
    # The emptied texts stay empty.
    apps.get_model("society", "OutboundEmail").objects.filter(kind="notice").update(kind="account")


class Migration(migrations.Migration):
    dependencies = [
        ("society", "0003_speaker_feedback"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="emailoptout",
            name="kind",
            field=models.CharField(
                choices=[
                    ("account", "Account (verification, password)"),
                    ("notice", "Notice (committee role, retention)"),
                    ("registration", "Registration (confirmed, waiting list, promoted)"),
                    ("event_update", "Event changed or cancelled"),
                    ("reminder", "Event reminders"),
                    ("follow_up", "Follow-ups after events"),
                    ("digest", "Weekly digest"),
                    ("announcement", "Announcements from the committee"),
                    ("speaker", "To a speaker (feedback digest)"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="outboundemail",
            name="body_html",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="outboundemail",
            name="body_text",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="outboundemail",
            name="kind",
            field=models.CharField(
                choices=[
                    ("account", "Account (verification, password)"),
                    ("notice", "Notice (committee role, retention)"),
                    ("registration", "Registration (confirmed, waiting list, promoted)"),
                    ("event_update", "Event changed or cancelled"),
                    ("reminder", "Event reminders"),
                    ("follow_up", "Follow-ups after events"),
                    ("digest", "Weekly digest"),
                    ("announcement", "Announcements from the committee"),
                    ("speaker", "To a speaker (feedback digest)"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddIndex(
            model_name="outboundemail",
            index=models.Index(condition=models.Q(("state", "sent")), fields=["sent_at"], name="outbox_sent_idx"),
        ),
        migrations.AddIndex(
            model_name="outboundemail",
            index=models.Index(
                condition=models.Q(("state", "cancelled")), fields=["created_at"], name="outbox_cancelled_idx"
            ),
        ),
        migrations.RunPython(relabel_notices_and_empty_account_bodies, notices_back_to_account),
    ]
