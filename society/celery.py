"""The Celery app. Settings come from Django's (CELERY_* names); tasks are
autodiscovered from each app's tasks.py."""

import logging
import os

from celery import Celery

logger = logging.getLogger(__name__)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "society.settings")

app = Celery("society")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ask_worker(task, *args, otherwise: str) -> bool:
    """Send `task` to the workers now; if the broker cannot be reached, log `otherwise`
    (what happens instead: a sweep, or nothing) and carry on, so no web request fails
    because of it. Returns whether it was sent."""
    try:
        task.delay(*args)
    except Exception:  # the broker's errors vary by transport
        logger.warning("Could not reach the broker: %s", otherwise, exc_info=True)
        return False
    return True
