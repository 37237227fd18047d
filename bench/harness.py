"""What every benchmark shares: its own database and Redis, and helpers to run
the real processes (SMTP sink, Celery worker, gunicorn) against them."""

import http.client
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/society_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "4"))


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


class Gunicorn:
    """The project under gunicorn (WORKERS sync workers) as deployed, with bench_urls'
    bare view added (bench_settings), on the bench database and Redis."""

    def __init__(self):
        self.port = free_port()
        log = ROOT / "var" / "bench-gunicorn.log"
        log.parent.mkdir(exist_ok=True)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(Path(__file__).resolve().parent)]),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
        }
        command = [
            str(BIN / "gunicorn"), "society.wsgi", "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(WORKERS), "--backlog", "2048",
        ]  # fmt: skip
        with open(log, "w") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        wait_for(lambda: self.get("/healthz?shallow=1")[0] == 200, timeout=30, what="gunicorn answering")

    def get(self, path: str, *, headers: dict | None = None) -> tuple[int, bytes]:
        """One GET, read whole: its status (0 when the connection failed) and body."""
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            status, body = response.status, response.read()
            connection.close()
        except OSError:
            return 0, b""
        return status, body

    def request(self, method: str, path: str, *, body: str = "", headers: dict | None = None) -> tuple[int, float]:
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            connection.request(method, path, body=body, headers=headers or {})
            status = connection.getresponse().status
            connection.close()
        except OSError:
            status = 0
        return status, time.perf_counter() - started

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@dataclass
class Gets:
    """What `get_many` measured: `requests` GETs in `seconds`, and what was wrong with
    the responses that were not the page asked for (a description and how many)."""

    seconds: float
    requests: int
    wrong: Counter

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def get_many(
    server: Gunicorn, path: str, *, requests: int, clients: int, headers: dict | None = None, expect: tuple = ()
) -> Gets:
    """`requests` GETs of `path` from `clients` threads at once, each response read whole
    and checked: status 200 and every string of `expect` in its body."""
    per_client = requests // clients
    needles = [text.encode() for text in expect]

    def problem(status: int, body: bytes) -> str | None:
        if status != 200:
            return f"status {status}"
        missing = [text for text, needle in zip(expect, needles, strict=True) if needle not in body]
        return f"200 without {missing[0]!r}" if missing else None

    def client(_) -> list[str | None]:
        return [problem(*server.get(path, headers=headers)) for _ in range(per_client)]

    with ThreadPoolExecutor(max_workers=clients) as pool:
        # Warm up, untimed: as many GETs at once as clients, so that every worker has served the path.
        list(pool.map(lambda _: server.get(path, headers=headers), range(clients)))
        started = time.perf_counter()
        problems = [found for batch in pool.map(client, range(clients)) for found in batch]
    elapsed = time.perf_counter() - started
    return Gets(elapsed, len(problems), Counter(found for found in problems if found))


def logged_in_session(user) -> str:
    """The key of a new session of `user`, as logging in makes it: send it as the sessionid cookie."""
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def report(title: str, rows: list[tuple[str, float, int]], *, aim: float | None) -> None:
    """rows: (label, seconds, items); the first row is the baseline, and each row's time an
    item is printed as a multiple of the baseline's. `aim`: the most that multiple may be
    for the last row (None: the caller words its aim)."""
    print(f"\n{title}")
    base = rows[0][1] / rows[0][2]
    for label, seconds, items in rows:
        print(f"  {label:<52} {seconds:8.2f} s  {items / seconds:9.0f}/s  {seconds / items / base:6.2f}x")
    ratio = rows[-1][1] / rows[-1][2] / base
    if aim is not None:
        print(aim_line(f"time {ratio:.2f}x the baseline's", f"<= {aim:g}x", ratio <= aim))


def aim_line(figure: str, aim: str, met: bool) -> str:
    """One aim beside its figure, as `make bench` prints every aim: MET or NOT MET."""
    return f"  {'MET' if met else 'NOT MET':<8} {figure}  (aim: {aim})"
