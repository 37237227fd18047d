"""What /healthz reports: each part the site needs, asked separately, and how long
the oldest email has been waiting, so monitoring sees a stuck outbox.

A part that answers is {"ok": true, "ms": …}; one that does not, {"ok": false,
"error": …} (the kind of error only: no addresses or secrets).
"""

import time
import uuid
from collections.abc import Callable
from datetime import datetime

import redis
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from . import hooks
from .models import OutboundEmail

REDIS_TIMEOUT_SECONDS = 1.0


def database_answers() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True


def redis_answers() -> bool:
    """The broker and cache; without REDIS_URL there is none to ask (tasks run in-process)."""
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        return bool(client.ping())
    finally:
        client.close()


def storage_answers() -> bool:
    """Uploaded pictures, and each app's own files (private materials), can be written,
    read and deleted."""
    for storage in (default_storage, *(make() for make in hooks.contributions(hooks.STORAGES).values())):
        name = storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        try:
            with storage.open(name) as probe:
                if probe.read() != b"ok":
                    raise OSError("read back something else")
        finally:
            storage.delete(name)
    return True


def timed(check: Callable[[], bool]) -> dict:
    started = time.perf_counter()
    try:
        check()
    except Exception as error:  # a health check reports whatever stops a part
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def oldest_pending_email_seconds(now: datetime | None = None) -> int | None:
    """Seconds since the oldest email still waiting to go was queued (None: none waits)."""
    oldest = (
        OutboundEmail.objects.filter(state=OutboundEmail.State.PENDING)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if oldest is None:
        return None
    return max(0, int(((now or timezone.now()) - oldest).total_seconds()))


def report(now: datetime | None = None) -> dict:
    """Every part's answer; "ok" only when all answer (a part not configured is not asked)."""
    parts = {"database": timed(database_answers)}
    parts["redis"] = timed(redis_answers) if settings.REDIS_URL else {"ok": True, "configured": False}
    parts["storage"] = timed(storage_answers)
    found = {"ok": all(part["ok"] for part in parts.values()), **parts}
    found["oldest_pending_email_seconds"] = oldest_pending_email_seconds(now) if parts["database"]["ok"] else None
    return found
