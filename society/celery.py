"""The Celery app. Settings come from Django's (CELERY_* names); tasks are
autodiscovered from each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "society.settings")

app = Celery("society")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
