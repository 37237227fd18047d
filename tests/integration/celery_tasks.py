"""A task for the round-trip test only; the test's worker loads it with --include."""

from celery import shared_task
from django.contrib.auth import get_user_model


@shared_task
def rename_member(user_id: int, name: str) -> None:
    get_user_model().objects.filter(pk=user_id).update(name=name)
