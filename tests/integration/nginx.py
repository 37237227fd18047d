"""nginx in front of gunicorn, running the shipped deploy/nginx.conf (only its lines
marked EDIT are changed), over HTTPS with a certificate of its own."""

import os
import socket
import subprocess
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.certificates import self_signed_certificate

from .servers import Gunicorn, free_port
from .worker import ROOT, stop_process, wait_until

NGINX = Path("/usr/sbin/nginx")  # Debian's package; .ci/run installs it when missing
DEPLOY_NGINX_CONF = ROOT / "deploy" / "nginx.conf"

# The top-level configuration around deploy/nginx.conf (which goes inside `http { }`):
# everything nginx writes stays in the test's folder, and it runs in the foreground.
NGINX_MAIN_CONF = """\
daemon off;
worker_processes 1;
{user}
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/society.conf;
}}
"""


def _swap(old: str, new: str):
    def edit(directive: str) -> str:
        assert old in directive, f"deploy/nginx.conf: expected {old!r} in {directive!r}"
        return directive.replace(old, new)

    return edit


def render_nginx_site(
    *,
    web_ports: list[int],
    https_port: int,
    http_port: int,
    certificate: Path,
    certificate_key: Path,
    static_root: Path,
    media_root: Path,
    private_media_root: Path,
) -> str:
    """deploy/nginx.conf, each line marked `# EDIT <what>` pointed at this test's servers,
    certificate and folders, the rest untouched. Every marked line must be one this
    function knows and every edit must apply, so the shipped file is the tested one."""
    edits = {
        "web servers": lambda directive: "\n    ".join(
            _swap("127.0.0.1:8000", f"127.0.0.1:{port}")(directive) for port in web_ports
        ),
        "http port": _swap("listen 80", f"listen 127.0.0.1:{http_port}"),
        "https port": _swap("listen 443", f"listen 127.0.0.1:{https_port}"),
        "ipv6": lambda directive: "",  # the tests listen on 127.0.0.1 only
        "host name": lambda directive: directive,
        "certificate": _swap("/etc/letsencrypt/live/society.example.org/fullchain.pem", str(certificate)),
        "certificate key": _swap("/etc/letsencrypt/live/society.example.org/privkey.pem", str(certificate_key)),
        "static root": _swap("/srv/society/var/static/", f"{static_root}/"),
        "media root": _swap("/srv/society/var/media/", f"{media_root}/"),
        "private media root": _swap("/srv/society/var/private/", f"{private_media_root}/"),
    }
    lines, applied = [], set()
    for line in DEPLOY_NGINX_CONF.read_text().splitlines():
        directive, marker, what = line.partition("# EDIT ")
        if marker:
            assert what.strip() in edits, f"deploy/nginx.conf: no test edit for the line {line!r}"
            applied.add(what.strip())
            line = edits[what.strip()](directive.rstrip())
        lines.append(line)
    assert applied == set(edits), f"deploy/nginx.conf lacks the EDIT lines {sorted(set(edits) - applied)}"
    return "\n".join(lines) + "\n"


class Nginx:
    """nginx running deploy/nginx.conf in front of the gunicorns on `web_ports`: HTTPS on
    a free port of 127.0.0.1 (a certificate made for the test), plain HTTP on another,
    its configuration, logs and temporary files in `folder`."""

    def __init__(self, *, folder: Path, web_ports: list[int], media_root: Path, private_media_root: Path):
        if not NGINX.exists():
            pytest.skip(f"nginx is not installed at {NGINX} (apt-get install nginx; .ci/run does)")
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.certificate, key = self_signed_certificate(folder)
        self.https_port, self.http_port = free_port(), free_port()
        (folder / "society.conf").write_text(
            render_nginx_site(
                web_ports=web_ports,
                https_port=self.https_port,
                http_port=self.http_port,
                certificate=self.certificate,
                certificate_key=key,
                static_root=settings.STATIC_ROOT,
                media_root=media_root,
                private_media_root=private_media_root,
            )
        )
        # As root, nginx's workers would be `nobody`, who may not read the test's folders.
        user = "user root;" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(NGINX_MAIN_CONF.format(folder=folder, user=user))
        self.log = open(folder / "output.log", "w+")  # noqa: SIM115 (closed in stop)
        command = [str(NGINX), "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")]
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return "\n".join(
            (self.folder / name).read_text() for name in ("output.log", "error.log") if (self.folder / name).exists()
        )

    def wait_ready(self, timeout: float = 15) -> "Nginx":
        def listening():
            assert self.process.poll() is None, f"nginx exited:\n{self.output()}"
            with socket.socket() as probe:
                return probe.connect_ex(("127.0.0.1", self.https_port)) == 0

        wait_until(listening, timeout=timeout, interval=0.05, message=f"nginx did not listen:\n{self.output()}")
        return self

    def stop(self) -> None:
        stop_process(self.process, grace=10)
        self.log.close()


@dataclass
class Site:
    """The site as deployed: web servers (gunicorn) behind one nginx, and the folders
    they share."""

    nginx: Nginx
    web_servers: list[Gunicorn]
    media_root: Path
    private_media_root: Path


@contextmanager
def site_behind_nginx(
    *, folder: Path, media_root: Path, private_media_root: Path, env: dict[str, str] | None = None, web_servers: int = 2
):
    """`web_servers` gunicorns sharing the test database and the folders `media_root` and
    `private_media_root` (or the storage `env` names), behind one nginx, set up as
    deploy/nginx.conf says: production settings, X-Accel-Redirect for materials, the
    client's address from X-Forwarded-For. Everything stopped on the way out."""
    server_env = {
        "SECURE_SSL_REDIRECT": "true",
        "SENDFILE_HEADER": "X-Accel-Redirect",
        "TRUSTED_PROXY_COUNT": "1",
        "MEDIA_ROOT": str(media_root),
        "PRIVATE_MEDIA_ROOT": str(private_media_root),
        **(env or {}),
    }
    with ExitStack() as stack:
        servers = [Gunicorn(env=server_env, workers=1) for _ in range(web_servers)]
        for server in servers:
            stack.callback(server.stop)
        for server in servers:
            server.wait_ready()
        nginx = Nginx(
            folder=folder,
            web_ports=[server.port for server in servers],
            media_root=media_root,
            private_media_root=private_media_root,
        )
        stack.callback(nginx.stop)
        yield Site(nginx.wait_ready(), servers, media_root, private_media_root)
