"""What every benchmark shares: its own database and Redis, and helpers to run
the real processes (SMTP sink, Celery worker) against them."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/society_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def setup_django(*, fresh: bool = True) -> None:
    """Point Django at the bench database (created afresh, or kept when `fresh` is
    False and it exists) and Redis database (flushed)."""
    import psycopg2
    import redis

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    redis.Redis.from_url(REDIS_URL).flushdb()

    os.environ.update(
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        DJANGO_SETTINGS_MODULE="society.settings",
        SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-only-secret-key",
        SITE_URL="https://society.example.ac.uk",
    )
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: {what} did not happen within {timeout:.0f}s")
        time.sleep(interval)
    return result


@contextmanager
def smtp_sink():
    """An SMTP server in its own process that accepts and drops every message."""
    port = free_port()
    command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def accepting():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            return False

    try:
        wait_for(accepting, timeout=10, what="the SMTP sink starting")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def celery_worker(*, smtp_port: int, concurrency: int | None = None):
    """A worker as deployed: Celery's default concurrency is one process per core."""
    log = ROOT / "var" / "bench-worker.log"
    log.parent.mkdir(exist_ok=True)
    env = {**os.environ, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port), "EMAIL_USE_TLS": "false"}
    command = [str(BIN / "celery"), "-A", "society", "worker", "--loglevel=WARNING"]
    if concurrency:
        command.append(f"--concurrency={concurrency}")
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        # Ready once it answers a ping through the broker.
        from society.celery import app

        wait_for(lambda: app.control.ping(timeout=0.5), timeout=30, what="the Celery worker starting")
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def report(title: str, rows: list[tuple[str, float, int]], *, aim: float | None) -> None:
    """rows: (label, seconds, items); the first row is the baseline. `aim`: the most the
    last row's time may be, as a multiple of the baseline's (None: the caller words its aim)."""
    print(f"\n{title}")
    base_seconds = rows[0][1]
    for label, seconds, items in rows:
        print(f"  {label:<52} {seconds:8.2f} s  {items / seconds:9.0f}/s  {seconds / base_seconds:6.2f}x")
    ratio = rows[-1][1] / base_seconds
    if aim is not None:
        print(aim_line(f"time {ratio:.2f}x the baseline's", f"<= {aim:g}x", ratio <= aim))


def aim_line(figure: str, aim: str, met: bool) -> str:
    """One aim beside its figure, as `make bench` prints every aim: MET or NOT MET."""
    return f"  {'MET' if met else 'NOT MET':<8} {figure}  (aim: {aim})"
