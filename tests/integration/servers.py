"""Real server processes for the tests across processes: gunicorn serving the app
against the test database, a Redis and a PostgreSQL of their own, each on a free
port of its own.

The drills (tests/integration/drills/), the reverse proxy tests and the object
storage tests start what they need from here and stop it when they are done.
A drill that stops a server stops one it started, never the machine's.
"""

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.conf import settings

from .worker import ROOT, test_database_url, wait_until

BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_request(
    port: int, method: str, path: str, *, body: str = "", headers: dict | None = None, timeout: float = 10
) -> tuple[int, bytes]:
    """(status, body) of a request to 127.0.0.1:`port`, or (0, b"") when nothing answers."""
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        status, content = response.status, response.read()
        connection.close()
    except OSError:
        return 0, b""
    return status, content


def http_get(port: int, path: str, *, headers: dict | None = None, timeout: float = 10) -> tuple[int, bytes]:
    """(status, body) of a GET to 127.0.0.1:`port`, or (0, b"") when nothing answers."""
    return http_request(port, "GET", path, headers=headers, timeout=timeout)


class Gunicorn:
    """`gunicorn society.wsgi` on a free port, production settings (DEBUG off), the
    test database unless `env` names another, logging to var/gunicorn-<name>.log."""

    def __init__(self, *, env: dict[str, str] | None = None, workers: int = 2, port: int | None = None):
        self.port = port or free_port()
        self.name = uuid.uuid4().hex[:6]
        self.log_path = ROOT / "var" / f"gunicorn-{self.name}.log"
        self.log_path.parent.mkdir(exist_ok=True)
        server_env = {
            **os.environ,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": test_database_url(),
            "EMAIL_HOST": settings.EMAIL_HOST,
            "EMAIL_PORT": str(settings.EMAIL_PORT),
            "EMAIL_USE_TLS": "false",
            "LOG_LEVEL": "WARNING",
            **(env or {}),
        }
        command = [
            str(BIN / "gunicorn"), "society.wsgi", "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(workers), "--graceful-timeout", "5", "--log-level", "info",
        ]  # fmt: skip
        self.log = open(self.log_path, "w+")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(command, cwd=ROOT, env=server_env, stdout=self.log, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log_path.read_text()

    def wait_ready(self, timeout: float = 30) -> "Gunicorn":
        def answering():
            assert self.process.poll() is None, f"gunicorn exited:\n{self.output()}"
            return http_get(self.port, "/healthz?shallow=1", timeout=2)[0] == 200

        wait_until(answering, timeout=timeout, interval=0.1, message=f"gunicorn did not answer:\n{self.output()}")
        return self

    def get(self, path: str, **kwargs) -> tuple[int, bytes]:
        return http_get(self.port, path, **kwargs)

    def post_as(self, session_key: str, path: str, *, timeout: float = 30) -> tuple[int, bytes]:
        """A form POST by the member logged in with `session_key` (CSRF cookie and field)."""
        csrf = uuid.uuid4().hex  # 32 characters: a valid unmasked CSRF secret
        return http_request(
            self.port,
            "POST",
            path,
            body=f"csrfmiddlewaretoken={csrf}",
            headers={
                "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            timeout=timeout,
        )

    def workers_booted(self) -> int:
        """How many worker processes the master has started (more than `workers`: one was replaced)."""
        return self.output().count("Booting worker")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()
        self.log_path.unlink(missing_ok=True)


@contextmanager
def gunicorn(**kwargs):
    """A running Gunicorn (see the class), stopped on the way out."""
    server = Gunicorn(**kwargs)
    try:
        yield server.wait_ready()
    finally:
        server.stop()


class RedisServer:
    """`redis-server` on a free port, nothing saved to disk; stopped and started
    again on the same port by the drills."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> "RedisServer":
        if not shutil.which("redis-server"):
            pytest.skip("needs redis-server (apt-get install redis-server)")
        command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--loglevel", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_until(self.answers, timeout=10, message=f"redis-server did not answer on port {self.port}")
        return self

    def answers(self) -> bool:
        try:
            with redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5) as client:
                return client.ping()
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # as if the machine lost it: nothing saved, no goodbye
            self.process.wait(timeout=10)


@contextmanager
def redis_server():
    """A Redis of the test's own (see RedisServer), stopped on the way out."""
    server = RedisServer()
    try:
        yield server.start()
    finally:
        server.stop()


PG_BIN = Path("/usr/lib/postgresql")


class PostgresCluster:
    """A PostgreSQL cluster of the test's own: `initdb` into a temporary folder,
    trust authentication, a free port. Run as the `postgres` user when the tests
    run as root (PostgreSQL refuses root)."""

    def __init__(self):
        versions = sorted(PG_BIN.glob("*/bin/initdb"), key=lambda path: int(path.parts[-3]))
        if not versions:
            pytest.skip(f"needs PostgreSQL's server programs under {PG_BIN} (apt-get install postgresql)")
        self.bin = versions[-1].parent
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="drill-pg-"))
        self.data = self.folder / "data"
        self.log_path = self.folder / "postgres.log"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")

    def url(self, database: str = "drill") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        subprocess.run([*self.as_postgres, *command], check=True, capture_output=True, timeout=60)

    def create(self) -> "PostgresCluster":
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")
        self.start()
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "drill")
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log_path), "-o", options, "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        """`fast`: roll back what is open, end the connections, write what was committed."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop(mode="immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def migrate(self) -> None:
        """The app's tables, as `manage.py migrate` makes them in production."""
        env = {**os.environ, "DATABASE_URL": self.url()}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT, env=env, check=True, capture_output=True, timeout=300,
        )  # fmt: skip


@contextmanager
def postgres_cluster():
    """A migrated PostgresCluster, stopped and deleted on the way out."""
    cluster = PostgresCluster()
    try:
        cluster.create()
        cluster.migrate()
        yield cluster
    finally:
        cluster.remove()
