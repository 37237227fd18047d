"""Start-up checks of settings that no single line of settings.py can judge alone
(run by `manage.py check`, `migrate` and `runserver`)."""

import math

from django.conf import settings
from django.core.checks import Error, register

# Keep an email's row (and so its key) at least this long, whatever the reminders.
OUTBOX_RETENTION_MIN_DAYS = 30


def outbox_retention_minimum() -> int:
    """The shortest OUTBOX_RETENTION_DAYS that keeps every key while it can be queued
    again: a reminder is due from its offset before the start until the start, and
    an event moved within its day keeps its day-keyed reminder (hence the extra day)."""
    longest_reminder_days = math.ceil(max(settings.REMINDER_OFFSETS_HOURS, default=0) / 24)
    return max(OUTBOX_RETENTION_MIN_DAYS, longest_reminder_days + 1)


@register()
def check_outbox_retention(app_configs, **kwargs) -> list[Error]:
    minimum, days = outbox_retention_minimum(), settings.OUTBOX_RETENTION_DAYS
    if days >= minimum:
        return []
    return [
        Error(
            f"OUTBOX_RETENTION_DAYS is {days}: it must be at least {minimum} "
            f"(30 days, and one day more than the longest reminder offset in REMINDER_OFFSETS_HOURS), or a reminder "
            "whose email was purged could be sent again.",
            hint=f"Set OUTBOX_RETENTION_DAYS to {minimum} or more (the default is 90).",
            id="society.E001",
        )
    ]
