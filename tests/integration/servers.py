"""Real server processes for the tests across processes: gunicorn serving the app
against the test database, on a free port of its own, and plain HTTP to it.

The drills (tests/integration/drills/), the reverse proxy tests (nginx.py) and the
object storage tests start what they need from here and stop it when they are done.
"""

import http.client
import os
import socket
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from .worker import ROOT, stop_process, test_database_url, wait_until

BIN = Path(sys.executable).parent
AS_IF_HTTPS = {"X-Forwarded-Proto": "https"}  # what nginx tells gunicorn of an HTTPS request


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_exchange(
    port: int, method: str, path: str, *, body: str = "", headers: dict | None = None, timeout: float = 10
) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a request to 127.0.0.1:`port`, or (0, {}, b"") when nothing answers."""
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        status, answered, content = response.status, dict(response.getheaders()), response.read()
        connection.close()
    except OSError:
        return 0, {}, b""
    return status, answered, content


def http_request(port: int, method: str, path: str, **kwargs) -> tuple[int, bytes]:
    """(status, body) of a request to 127.0.0.1:`port`, or (0, b"") when nothing answers."""
    status, _, content = http_exchange(port, method, path, **kwargs)
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
            # As nginx would ask: with SECURE_SSL_REDIRECT on, plain HTTP is redirected.
            return http_get(self.port, "/healthz?shallow=1", headers=AS_IF_HTTPS, timeout=2)[0] == 200

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
        stop_process(self.process)
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
