"""Start a real Celery worker process against the test database and a broker."""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    """The URL of the database this test process uses (the test_ one)."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def celery_worker(*, broker_url: str, include: str = "tests.integration.celery_tasks", ready_timeout: float = 30):
    """Yield the name of a fresh queue that a real worker process consumes."""
    queue = f"test-{uuid.uuid4().hex}"
    env = {**os.environ, "DATABASE_URL": test_database_url(), "REDIS_URL": broker_url}
    command = [
        os.path.join(os.path.dirname(sys.executable), "celery"),
        "-A", "society", "worker", "--pool=solo", "--loglevel=INFO",
        "--queues", queue, "--include", include,
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--hostname", f"{queue}@%h",
    ]  # fmt: skip
    log = open(ROOT / "var" / f"{queue}.log", "w+")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + ready_timeout
        while "ready." not in (ROOT / "var" / f"{queue}.log").read_text():
            assert process.poll() is None, (ROOT / "var" / f"{queue}.log").read_text()
            assert time.monotonic() < deadline, "worker did not start in time"
            time.sleep(0.1)
        yield queue
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
        (ROOT / "var" / f"{queue}.log").unlink()


def wait_until(predicate, *, timeout: float = 20, interval: float = 0.05):
    """Poll `predicate` until it returns something truthy, or fail at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        assert time.monotonic() < deadline, f"condition not met within {timeout}s"
        time.sleep(interval)
