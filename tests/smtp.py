"""A real SMTP server on localhost (aiosmtpd) that records what it accepts,
parsed as a mail client would, and can be told to refuse or to hold a message."""

import asyncio
import socket
import threading
from collections import deque
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.replies: deque[str] = deque()  # scripted answers to DATA, used first
        self.always_reply: str | None = None  # an answer to every DATA
        # Once this many messages were accepted, hold every new MAIL until released.
        self.hold_after: int | None = None
        self.held = 0  # sessions waiting now
        self.release = threading.Event()
        self._lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.hold_after is not None and len(self.messages) >= self.hold_after and not self.release.is_set():
            with self._lock:
                self.held += 1
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        reply = self.replies.popleft() if self.replies else self.always_reply
        if reply:
            return reply
        with self._lock:
            self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"

    def keys(self) -> list[str]:
        """The outbox row of each accepted message, from its Message-ID."""
        return [m["Message-ID"].split("@")[0].removeprefix("<outbox-") for m in self.messages]


class SMTPServer:
    def __init__(self):
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def start(self) -> "SMTPServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.handler.release.set()
        self.controller.stop()


def text_body(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def html_body(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content().replace("\r\n", "\n")
