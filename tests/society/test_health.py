"""/healthz: each part the site needs, asked separately (the real database, Redis and
storage), and the age of the oldest pending email."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from society import health
from society.models import EmailKind, OutboundEmail
from tests.smtp import free_port

pytestmark = pytest.mark.django_db


def email(key: str, *, queued, state=OutboundEmail.State.PENDING) -> OutboundEmail:
    return OutboundEmail.objects.create(
        key=key, kind=EmailKind.NOTICE, to_email="ada@uni.ac.uk", subject="Hello", state=state, created_at=queued
    )


def files_under(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_healthz_reports_each_part_and_answers_200_when_all_answer(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"

    response = client.get("/healthz")

    found = response.json()
    assert response.status_code == 200
    assert found["ok"] is True
    assert [found[part]["ok"] for part in ("database", "redis", "storage")] == [True, True, True]
    assert found["oldest_pending_email_seconds"] is None
    assert "no-cache" in response["Cache-Control"]
    assert files_under(tmp_path) == []  # the storage probe is deleted


def test_redis_not_answering_is_reported_alone_with_503(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there

    response = client.get("/healthz")

    found = response.json()
    assert response.status_code == 503
    assert (found["ok"], found["database"]["ok"], found["redis"]["ok"]) == (False, True, False)
    assert found["redis"]["error"] == "ConnectionError"
    assert "127.0.0.1" not in json.dumps(found)  # no addresses in the report


def test_storage_that_cannot_be_written_is_reported_with_503(client, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the private folder should be")
    settings.PRIVATE_MEDIA_ROOT = blocked

    response = client.get("/healthz")

    found = response.json()
    assert response.status_code == 503
    assert (found["database"]["ok"], found["storage"]["ok"]) == (True, False)


def test_the_shallow_check_for_the_load_balancer_asks_only_the_database(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"

    response = client.get("/healthz?shallow=1")

    assert (response.status_code, response.content) == (200, b"ok\n")


def test_the_oldest_pending_email_says_how_long_the_outbox_has_been_stuck():
    now = timezone.now()
    email("test:old", queued=now - timedelta(minutes=10))
    email("test:new", queued=now - timedelta(minutes=1))
    email("test:sent", queued=now - timedelta(hours=2), state=OutboundEmail.State.SENT)
    email("test:failed", queued=now - timedelta(hours=3), state=OutboundEmail.State.FAILED)

    assert health.oldest_pending_email_seconds(now) == 600


def test_the_report_costs_the_same_queries_however_many_emails_wait(django_assert_num_queries, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    for number in range(5):
        email(f"test:{number}", queued=timezone.now())

    with django_assert_num_queries(2):  # SELECT 1, then the oldest pending email
        health.report()


def test_healthz_answers_plain_http_where_every_other_page_is_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # production's default, read when the middleware is made

    assert client.get("/healthz?shallow=1").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/events/").status_code == 301
