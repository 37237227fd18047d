from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def apply_retention_policy() -> dict:
    """Daily (see the periodic task in the admin): anonymise accounts kept past the retention period."""
    run = services.apply_retention(now=timezone.now())
    return {"warned": len(run.warned), "anonymised": len(run.anonymised)}
