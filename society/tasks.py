"""Celery tasks of the outbox: thin, safe to run twice or at once."""

from celery import shared_task
from django.db import OperationalError

from . import backups, outbox


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def deliver_outbox() -> int:
    """Sent when a transaction that queued email commits."""
    return outbox.deliver_all_due().sent


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sweep_outbox() -> int:
    """Periodic (celery beat): whatever is still pending, whatever a dead worker left."""
    outbox.release_stale_claims()
    return outbox.deliver_all_due().sent


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def purge_outbox() -> int:
    """Daily (celery beat): sent and cancelled emails past OUTBOX_RETENTION_DAYS go."""
    return outbox.purge_old_emails()


# A backup may take longer than the other tasks' limits (CELERY_TASK_TIME_LIMIT).
@shared_task(soft_time_limit=3 * 60 * 60, time_limit=3 * 60 * 60 + 300)
def make_nightly_backup() -> str:
    """Nightly (celery beat): an archive into BACKUP_DIR and the backups bucket, the
    newest BACKUP_KEEP kept in each; nothing when neither is set."""
    places = backups.make_nightly_backup()
    return " and ".join(places) if places else backups.NO_NIGHTLY_BACKUP
