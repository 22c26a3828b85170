"""A real SMTP server for tests.

Django's locmem backend proves that an email was *built*; this proves it can be *sent*:
the messages go through smtplib and Django's SMTP backend to an aiosmtpd server on
127.0.0.1, and tests read them back parsed by the standard `email` package, exactly as a
mail client would see them (headers, multipart/alternative bodies, links).

Use the `smtp_server` fixture. It switches the settings to the SMTP backend pointing at
the server, so everything in the process sends there — including a `live_server` thread.

    def test_it_sends(smtp_server, client):
        client.post(...)
        message = smtp_server.wait_for_message(to="ada@example.com")
        assert "sign-in code" in message.text
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://[^\s<>\"')]+")


@dataclass(frozen=True)
class ReceivedMessage:
    """One message as the server received it."""

    mail_from: str
    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def text(self) -> str:
        """The plain-text body ("" if there is none)."""
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @property
    def html(self) -> str | None:
        """The HTML alternative, if the message has one."""
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else None

    def content_types(self) -> list[str]:
        return [part.get_content_type() for part in self.message.walk()]

    def links(self) -> list[str]:
        """Every http(s) link in the plain-text body, in order."""
        return LINK.findall(self.text)


@dataclass
class MailSink:
    """The aiosmtpd handler: keeps every message and lets tests wait for the next one."""

    received: list[ReceivedMessage] = field(default_factory=list)
    _taken: set[int] = field(default_factory=set)
    _changed: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        received = ReceivedMessage(
            mail_from=envelope.mail_from,
            recipients=tuple(r.lower() for r in envelope.rcpt_tos),
            message=parsed,
        )
        with self._changed:
            self.received.append(received)
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self._changed:
            self.received.clear()
            self._taken.clear()


class SMTPServer:
    """What a test sees: where the server listens and what it received."""

    def __init__(self, sink: MailSink, host: str, port: int) -> None:
        self.sink = sink
        self.host = host
        self.port = port

    @property
    def messages(self) -> list[ReceivedMessage]:
        with self.sink._changed:
            return list(self.sink.received)

    def wait_for_message(
        self, *, to: str | None = None, subject: str | None = None, timeout: float = 10.0
    ) -> ReceivedMessage:
        """The next message (not returned before) to `to` whose subject contains `subject`.

        Waits up to `timeout` seconds, because the sender may be another thread.
        """
        deadline = time.monotonic() + timeout
        sink = self.sink
        with sink._changed:
            while True:
                for index, received in enumerate(sink.received):
                    if index in sink._taken:
                        continue
                    if to is not None and to.lower() not in received.recipients:
                        continue
                    if subject is not None and subject.lower() not in received.subject.lower():
                        continue
                    sink._taken.add(index)
                    return received
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(m.recipients, m.subject) for m in sink.received]
                    raise AssertionError(
                        f"No email to {to!r} (subject ~ {subject!r}) within {timeout}s; "
                        f"received: {seen}"
                    )
                sink._changed.wait(remaining)

    def assert_nothing_sent(self, *, wait: float = 0.3) -> None:
        time.sleep(wait)
        assert self.messages == [], [(m.recipients, m.subject) for m in self.messages]


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def _smtp_controller() -> Iterator[SMTPServer]:
    """One server for the whole run; `smtp_server` empties it for every test."""
    host = "127.0.0.1"
    sink = MailSink()
    # aiosmtpd logs every SMTP command at INFO; a failing test's output needs none of it.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    # The port is chosen then bound by aiosmtpd; another process could grab it in between,
    # so try a few times rather than fail the run on a rare race.
    for attempt in range(5):
        port = _free_port(host)
        controller = Controller(sink, hostname=host, port=port, ready_timeout=10)
        try:
            controller.start()
        except OSError:
            if attempt == 4:
                raise
            continue
        break
    try:
        yield SMTPServer(sink, host, port)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(_smtp_controller: SMTPServer, settings: Any) -> SMTPServer:
    """Send this test's email over real SMTP to a local server; read it back from here."""
    _smtp_controller.sink.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = _smtp_controller.host
    settings.EMAIL_PORT = _smtp_controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    return _smtp_controller
