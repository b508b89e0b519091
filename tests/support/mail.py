"""The mail tests' pieces: a real SMTP server (aiosmtpd) on a free loopback port that keeps
what it accepts and answers what a test tells it to, and a clock the test moves."""

from __future__ import annotations

import asyncio
import email
import email.policy
import ssl
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from support.servers import free_port

T0 = 1_750_000_000  # 2025-06-15, a Sunday


class Clock:
    """The time the code under test sees (whole seconds), moved by the test."""

    def __init__(self, now: int = T0) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: int) -> int:
        self.now += seconds
        return self.now


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)  # type: ignore[return-value]


@dataclass
class Inbox:
    """The server's handler: keeps every message it accepts, refuses what it is told to."""

    received: list[Received] = field(default_factory=list)
    rcpt_replies: dict[str, str] = field(default_factory=dict)  # address → e.g. "550 …"
    data_replies: list[str] = field(default_factory=list)       # for the next ends of data
    # accept the message, then wait this long before answering (a reply that comes too late)
    stall: float = 0.0
    per_message: float = 0.0  # time taken to accept each message (to make workers overlap)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        reply = self.rcpt_replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            if self.data_replies:
                return self.data_replies.pop(0)
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          bytes(envelope.content)))
        if self.per_message:
            await asyncio.sleep(self.per_message)
        if self.stall:
            await asyncio.sleep(self.stall)
        return "250 2.0.0 Ok: queued"

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [r.message for r in self.received]


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1; its port is kept while it is down, so a sender meets
    a refused connection there and later the server itself."""

    def __init__(self, **options: Any) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.options = options
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpServer:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port,
                                     **self.options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


# ---- TLS and log-in -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


def authenticator(user: str, password: str) -> Any:
    """An aiosmtpd authenticator that lets ``user`` in with ``password`` only."""

    def check(_server: Any, _session: Any, _envelope: Any, _mechanism: str,
              data: Any) -> AuthResult:
        ok = (isinstance(data, LoginPassword) and data.login == user.encode()
              and data.password == password.encode())
        return AuthResult(success=ok, handled=False)  # aiosmtpd answers 235 or 535

    return check
