"""A browser, as far as the tests through nginx need one: HTTPS to one site (trusting
the test's certificate), cookies kept, CSRF tokens sent back, multipart uploads, and a
source address of its own on 127.0.0.0/8, so that nginx sees distinct clients."""

import http.client
import random
import ssl
import uuid
from dataclasses import dataclass
from email.message import Message
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from tests.factories import TEST_PASSWORD


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes

    def text(self) -> str:
        return self.body.decode()


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type: `files` maps a field to
    (file name, content, content type)."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, content, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class WebClient:
    def __init__(self, port: int, *, certificate: Path, source_address: str = "127.0.0.1"):
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.source_address = source_address
        self.tls = ssl.create_default_context(cafile=str(certificate))
        self.cookies: dict[str, str] = {}

    def connection(self) -> http.client.HTTPSConnection:
        return http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=self.tls, source_address=(self.source_address, 0), timeout=30
        )

    def request(self, method: str, path: str, *, body: bytes = b"", headers: dict[str, str] | None = None) -> Response:
        headers = {**self.cookie_header(), **(headers or {})}
        connection = self.connection()
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            result = Response(response.status, response.headers, response.read())
        finally:
            connection.close()
        self._keep_cookies(result.headers)
        return result

    def get(self, path: str, **headers: str) -> Response:
        return self.request("GET", path, headers=headers)

    def post(
        self,
        path: str,
        fields: dict[str, str],
        *,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """A form sent as a browser sends it from the page at `path`: with the CSRF token
        (from the cookie the site set) and the page as Referer."""
        fields = {"csrfmiddlewaretoken": self.cookies["csrftoken"], **fields}
        if files:
            body, content_type = multipart(fields, files)
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        sent_from = {"Referer": self.origin + path, "Origin": self.origin}
        headers = {"Content-Type": content_type, **sent_from, **(headers or {})}
        return self.request("POST", path, body=body, headers=headers)

    def cookie_header(self) -> dict[str, str]:
        """The Cookie header of the cookies kept (none: an empty dict)."""
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}

    def _keep_cookies(self, headers: Message) -> None:
        for header in headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)


def a_client_address() -> str:
    """An address of 127.0.0.0/8 of this test's own: the rate limits' counters live in
    the shared Redis, so each test's clients must be new to them."""
    return f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"


def browser(site) -> WebClient:
    """A client of nginx from an address of its own."""
    return WebClient(site.nginx.https_port, certificate=site.nginx.certificate, source_address=a_client_address())


def log_in(client: WebClient, *, email: str, password: str = TEST_PASSWORD):
    if "csrftoken" not in client.cookies:
        assert client.get("/accounts/login/").status == 200
    return client.post("/accounts/login/", {"login": email, "password": password})
