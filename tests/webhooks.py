"""A real HTTPS server on this machine standing in for the committee's chat webhook:
it answers as `localhost`, with a self-signed certificate made here, records what it
was sent and answers what a test scripts (a status, headers such as Location).

The webhook posts only to public addresses, on port 443, with a trusted certificate:
`trust_local_webhook` lets this one server through, and nothing else. The loopback
address it listens on counts as public (the one seam, events.services.webhook.
address_is_public), its port stands for 443, and its certificate's CA file is trusted
through SSL_CERT_FILE, read by ssl.create_default_context. The connection is real."""

import json
import ssl
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from events.services import webhook

HOST = "localhost"
ADDRESS = "127.0.0.1"


class LocalWebhook:
    """The server: `received` holds the JSON bodies posted, `paths` every path asked for,
    `answers` the (status, headers) to give next (then 204 No Content)."""

    def __init__(self, cert_file: Path, key_file: Path):
        self.ca_file = cert_file
        self.received: list[dict] = []
        self.paths: list[str] = []
        self.answers: deque[tuple[int, dict]] = deque()
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert_file, key_file)
        self.server = HTTPServer((ADDRESS, 0), self._handler())
        self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_port
        self.url = f"https://{HOST}:{self.port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handler(self):
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                hook.paths.append(self.path)
                hook.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                status, headers = hook.answers.popleft() if hook.answers else (204, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler

    def start(self) -> "LocalWebhook":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def texts(self) -> list[str]:
        """What each post said, in Slack's format or Discord's."""
        return [body.get("text", body.get("content")) for body in self.received]


def trust_local_webhook(hook: LocalWebhook, *, settings, monkeypatch) -> None:
    """Let the webhook post to `hook`, and to nothing else on this machine."""
    settings.WEBHOOK_ALLOWED_HOSTS = [*settings.WEBHOOK_ALLOWED_HOSTS, HOST]
    public = webhook.address_is_public
    monkeypatch.setattr(webhook, "address_is_public", lambda address: address == ADDRESS or public(address))
    monkeypatch.setattr(webhook, "WEBHOOK_PORT", hook.port)
    monkeypatch.setenv("SSL_CERT_FILE", str(hook.ca_file))
