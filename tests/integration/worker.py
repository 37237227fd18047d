"""Real Celery worker processes against the test database and a real broker."""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from society.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    """The URL of the database this test process uses (the test_ one)."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_until(predicate, *, timeout: float = 20, interval: float = 0.05, message: str = ""):
    """Poll `predicate` until it returns something truthy, or fail at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        assert time.monotonic() < deadline, message or f"condition not met within {timeout}s"
        time.sleep(interval)


def stop_process(process: subprocess.Popen, *, grace: float = 20) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `grace` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class Worker:
    """One `celery worker` process consuming `queue`."""

    def __init__(self, *, queue: str, broker_url: str, include: str, env: dict[str, str]):
        self.name = f"{queue}-{uuid.uuid4().hex[:6]}"
        self.log_path = ROOT / "var" / f"worker-{self.name}.log"
        self.log_path.parent.mkdir(exist_ok=True)
        command = [
            os.path.join(os.path.dirname(sys.executable), "celery"),
            "-A", "society", "worker", "--pool=solo", "--loglevel=INFO",
            "--queues", queue, "--include", include, "--hostname", f"{self.name}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        worker_env = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": broker_url,
            "EMAIL_HOST": settings.EMAIL_HOST,
            "EMAIL_PORT": str(settings.EMAIL_PORT),
            "EMAIL_USE_TLS": "false",
            **env,
        }
        self.log = open(self.log_path, "w+")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(command, cwd=ROOT, env=worker_env, stdout=self.log, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log_path.read_text()

    def wait_ready(self, timeout: float = 30) -> None:
        def ready():
            assert self.process.poll() is None, f"worker exited:\n{self.output()}"
            return "ready." in self.output()

        wait_until(ready, timeout=timeout, message=f"worker did not start:\n{self.output()}")

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no chance to tidy up."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        stop_process(self.process)
        self.log.close()
        self.log_path.unlink(missing_ok=True)


@contextmanager
def celery_workers(
    *,
    broker_url: str,
    count: int = 1,
    include: str = "tests.integration.celery_tasks",
    env: dict | None = None,
    queue: str | None = None,
):
    """Yield (queue, workers): `count` real worker processes consuming a fresh queue
    (or `queue`: "celery", the default, for a broker of the test's own, which
    gunicorn processes send to).

    While they run, tasks sent from the test go through that broker, not in-process.
    """
    queue = queue or f"test-{uuid.uuid4().hex}"
    with ExitStack() as stack:
        workers = []
        for _ in range(count):
            worker = Worker(queue=queue, broker_url=broker_url, include=include, env=env or {})
            stack.callback(worker.stop)
            workers.append(worker)
        for worker in workers:
            worker.wait_ready()
        # Tasks the code sends (the outbox's on-commit delivery) go to this
        # queue too, so no other test's workers take them.
        celery_app.conf.task_always_eager = False
        _route_all_tasks({"*": {"queue": queue}})
        stack.callback(setattr, celery_app.conf, "task_always_eager", True)
        stack.callback(_route_all_tasks, None)
        if broker_url != celery_app.conf.broker_url:
            stack.callback(_use_broker, celery_app.conf.broker_url)
            _use_broker(broker_url)
        yield queue, workers


UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@contextmanager
def redis_unreachable(settings):
    """The broker and the cache of this process point at a Redis that is not there
    (`settings`: pytest-django's fixture)."""
    original = celery_app.conf.broker_url
    _use_broker(UNREACHABLE_REDIS)
    celery_app.conf.task_always_eager = False
    cache = settings.CACHES["default"]
    settings.CACHES = {
        "default": {**cache, "BACKEND": "society.cache.ResilientRedisCache", "LOCATION": UNREACHABLE_REDIS}
    }
    try:
        yield
    finally:
        settings.CACHES = {"default": cache}
        _use_broker(original)
        celery_app.conf.task_always_eager = True


def _use_broker(url: str) -> None:
    # The app caches its connection pools: drop them so the next send connects
    # to `url` (kombu keeps the old pools for reuse).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url = url


def _route_all_tasks(routes: dict | None) -> None:
    celery_app.conf.task_routes = routes
    celery_app.amqp.flush_routes()
    # The router is built once, from the routes of that moment: build it again.
    celery_app.amqp.__dict__.pop("router", None)
