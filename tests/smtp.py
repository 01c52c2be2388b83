"""A real SMTP server on loopback that keeps what it receives, for tests of outgoing mail."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nobody listens on now: the kernel picks it for a socket bound to port 0."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class _StoringHandler:
    """aiosmtpd handler: parses every accepted message into the sink's list."""

    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if message["Subject"] in self.sink.refused_subjects:
            return "554 Transaction failed: refused by the test"
        if not hasattr(session, "number"):
            session.number = self.sink._next_session()
        message["X-Test-Session"] = str(session.number)
        self.sink._store(message)
        if self.sink.on_message is not None:
            await self.sink.on_message(message)
        return "250 Message accepted for delivery"


class SmtpSink:
    """An SMTP server on 127.0.0.1 that can be stopped and started again on the same port."""

    def __init__(self, port: int | None = None):
        self.host = HOST
        self.port = port or free_port()
        self._lock = threading.Lock()
        self._messages: list[EmailMessage] = []
        self._controller: Controller | None = None
        # Awaited in the server's event loop after a message is stored and before the
        # sender gets its "250": lets a test act while a sender waits on a slow server.
        self.on_message: Callable[[EmailMessage], Awaitable[None]] | None = None
        # Mails with these subjects are answered "554" (not stored).
        self.refused_subjects: set[str] = set()
        self._sessions = 0

    def _next_session(self) -> int:
        with self._lock:
            self._sessions += 1
            return self._sessions

    def _store(self, message: EmailMessage) -> None:
        with self._lock:
            self._messages.append(message)

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        """Listen (again) on the same port; an aiosmtpd controller closes its loop when
        stopped, so each start makes a new one. asyncio sets SO_REUSEADDR, so the port
        can be bound again at once after a stop."""
        if self._controller is not None:
            return
        controller = Controller(_StoringHandler(self), hostname=self.host, port=self.port)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        """Stop listening: connections to the port are refused until `start()`."""
        if self._controller is None:
            return
        self._controller.stop()
        self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        """A copy of the messages received so far, oldest first."""
        with self._lock:
            return list(self._messages)

    def wait_for(self, count: int, timeout: float = 10) -> list[EmailMessage]:
        """Wait until at least `count` messages arrived (for mail sent by another thread)."""
        deadline = time.monotonic() + timeout
        while True:
            received = self.messages
            if len(received) >= count:
                return received
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"expected {count} message(s) within {timeout} s, got {len(received)}"
                )
            time.sleep(0.02)


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpSink]:
    """A running SmtpSink that Django's SMTP backend sends to; stopped after the test."""
    sink = SmtpSink()
    sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield sink
    finally:
        sink.stop()
