"""Shared fixtures: personas, services the tests need, and the no-skip rule.

A test that needs a server the machine lacks (PostgreSQL, Redis, Chromium) is
skipped with a reason naming it; with SOCIETY_FORBID_SKIPS=1 (set by .ci/run)
every skip is a failure instead.
"""

import os
import uuid
from pathlib import Path

import pytest
import redis
from celery.result import _set_task_join_will_block
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from society.celery import app as celery_app
from tests.certificates import self_signed_certificate
from tests.factories import UserFactory
from tests.logins import log_in_with_second_factor
from tests.smtp import SMTPServer
from tests.webhooks import LocalWebhook, trust_local_webhook

# Playwright runs an event loop in the test thread; the ORM calls beside it are
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

FORBID_SKIPS = os.environ.get("SOCIETY_FORBID_SKIPS", "") not in ("", "0", "false")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_sessionstart(session):
    # Pages use the production static storage (hashed names from a manifest):
    # build it once, in the controller, before any worker starts.
    if not hasattr(session.config, "workerinput"):
        call_command("collectstatic", interactive=False, verbosity=0)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if FORBID_SKIPS and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"Skips are forbidden here (SOCIETY_FORBID_SKIPS): {reason}"


# --- Settings for every test ----------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    """Tests speak plain HTTP to the test client and the live server.

    Set for the whole session, before the live server builds its middleware
    (SecurityMiddleware reads the setting once, when it is created).
    """
    django_settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(scope="session", autouse=True)
def _tasks_run_in_process():
    """Tasks run when sent, in the test's process, as with `make run`'s defaults.
    Tests of the real broker and workers turn this off (tests/integration/)."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def _outside_any_task():
    """Each test starts outside any task, so that it may wait for a result. Celery keeps
    "inside a task" (`result.get()` refused) in one global, saved and restored around each
    eager task; tasks sent from several threads at once (tests/events/test_concurrency.py)
    can restore it in the wrong order and leave it set for the tests after them."""
    _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _in_the_default_language():
    """Each test starts in English, as a request with no language would: a request
    activates its language in the thread (LocaleMiddleware) and leaves it active."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Uploads (avatars) go to this test's own folder, never var/media.
    settings.MEDIA_ROOT = tmp_path / "media"
    # Workshop materials too, in a folder of their own outside MEDIA_ROOT.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    # Hashing dominates sign-up and log-in tests; the algorithm is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Credentials are signed with a key derived from SECRET_KEY, as in development.
    settings.CREDENTIAL_DEVELOPMENT_KEY = True
    # The configured cache (Redis in CI), with keys of this test only, so that
    # rate-limit counters never leak from one test into another.
    settings.CACHES = {"default": {**django_settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}


# --- Personas ---------------------------------------------------------------------


@pytest.fixture
def member(db):
    return UserFactory(email="member@uni.ac.uk", name="Mo Member")


@pytest.fixture
def other_member(db):
    return UserFactory(email="other@uni.ac.uk", name="Olu Other")


@pytest.fixture
def host_member(db):
    """A member with no committee role: tests make them a host of the events they need."""
    return UserFactory(email="host@uni.ac.uk", name="Hana Host")


@pytest.fixture
def committee_member(db):
    return UserFactory(email="committee@uni.ac.uk", name="Cam Committee", committee=True)


@pytest.fixture
def admin_user(db):
    return UserFactory(email="admin@uni.ac.uk", name="Ada Admin", is_staff=True, is_superuser=True)


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def committee_client(client, committee_member):
    """The console needs two-factor login: the committee member logs in with a code."""
    return log_in_with_second_factor(client, committee_member)


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, logged in with a second factor as the admin needs."""
    return log_in_with_second_factor(client, admin_user)


# --- Services ---------------------------------------------------------------------


@pytest.fixture
def postgres(db):
    """The test needs PostgreSQL (row locks, real concurrency)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture(scope="session")
def redis_url():
    """The test needs a Redis server (the Celery broker)."""
    url = django_settings.REDIS_URL
    if not url:
        pytest.skip("needs Redis: set REDIS_URL=redis://...")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"needs Redis at {url}: {error}")
    return url


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    yield
    if connection.vendor == "postgresql":
        # The live server's request threads keep their connections while the
        # browser keeps its sockets open (the browser closes last): end them,
        # or the test database cannot be dropped.
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(scope="session")
def live_server(django_db_setup):
    """pytest-django's live server, with static files served by WhiteNoise from
    the collected, hashed files, as in production (not by Django's finders).
    It stops before the test database is dropped (hence django_db_setup)."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost", start=False)
    server.thread.static_handler = lambda handler: handler
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright drives Debian's Chromium; it cannot download its own here."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost; Django sends to it over SMTP."""
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    yield server
    server.stop()


@pytest.fixture(scope="session")
def webhook_certificate(tmp_path_factory):
    return self_signed_certificate(tmp_path_factory.mktemp("webhook"))


@pytest.fixture
def webhook_server(webhook_certificate, settings, monkeypatch):
    """The committee's webhook: a real HTTPS server on this machine, the one local
    address the webhook may post to (tests/webhooks.py)."""
    hook = LocalWebhook(*webhook_certificate).start()
    trust_local_webhook(hook, settings=settings, monkeypatch=monkeypatch)
    yield hook
    hook.stop()
