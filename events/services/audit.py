"""The action log: who on the committee did what, and when.

Every service that changes something the committee cares about writes its entry
here, inside the same transaction as the change, so the log never claims what did
not happen nor misses what did. People are named by foreign key (`actor` who did
it, `member` whom it concerned), never by their email address as text, so an
anonymised account leaves nothing behind (events.personal_data.forget).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..models import ActionLog, Event


def record_action(
    *, actor, action: str, event: Event | None = None, member=None, detail: str = "", now: datetime | None = None
) -> ActionLog:
    """Write down that `actor` did `action` (to `member`, at `event`), at `now` (the
    time the service acted on). Must run inside the caller's transaction: the entry
    commits or rolls back with the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_action() belongs inside the transaction of the change it records.")
    return ActionLog.objects.create(
        event=event, actor=actor, member=member, action=action, detail=detail[:500], created_at=now or timezone.now()
    )
