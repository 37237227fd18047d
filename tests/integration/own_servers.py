"""A Redis and a PostgreSQL of the test's own, on free ports, for the drills that
stop a server: a drill stops one it started, never the machine's."""

import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from .servers import free_port
from .worker import ROOT, wait_until


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
