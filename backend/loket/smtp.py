"""SMTP for the mail sender: the ``LOKET_SMTP_URL`` setting, the sender address, and handing one
message to a server so that its outcome is known: accepted, refused for now, refused for good,
or not known (the end of the message went out and no answer came back).

No database and no Flask here; :mod:`loket.mail_sender` drives it.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from urllib.parse import parse_qsl, unquote, urlsplit

DEFAULT_TIMEOUT = 30.0
QUERY_KEYS = ("starttls", "timeout", "cafile")
# an address Loket sends to or from: ASCII, no spaces, quotes, brackets or separators
_LOCAL_PART = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
                     r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


class SmtpUrlProblem(ValueError):
    """``LOKET_SMTP_URL`` or ``LOKET_MAIL_FROM`` cannot be used; the message never holds the
    password."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the mail server, from ``LOKET_SMTP_URL``."""

    host: str
    port: int
    security: str  # "plain", "starttls" or "tls" (smtps://, TLS from the first byte)
    username: str | None = None
    password: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    cafile: str | None = None

    def describe(self) -> str:
        """For logs: the server and how it is reached, never the password."""
        who = f"{self.username}@" if self.username else ""
        how = {"plain": "", "starttls": " (STARTTLS)", "tls": " (TLS)"}[self.security]
        scheme = "smtps" if self.security == "tls" else "smtp"
        return f"{scheme}://{who}{self.host}:{self.port}{how}"

    @property
    def password_in_clear(self) -> bool:
        return self.password is not None and self.security == "plain"


def parse_url(url: str) -> SmtpSettings:
    """``smtp://[user:password@]host[:port][?starttls=true&timeout=S&cafile=PATH]`` or
    ``smtps://…`` (TLS from the start). Ports default to 25, 587 with STARTTLS, 465 for smtps."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise SmtpUrlProblem("use smtp:// or smtps://, e.g. smtp://127.0.0.1:2525")
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise SmtpUrlProblem("the port is not a number from 1 to 65535") from exc
    if not host:
        raise SmtpUrlProblem("name the mail server's host, e.g. smtp://mail.example.be:587")
    if parts.path not in ("", "/") or parts.fragment:
        raise SmtpUrlProblem("no path or fragment after the host and port")
    options: dict[str, str] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name not in QUERY_KEYS:
            raise SmtpUrlProblem(f"unknown option {name!r}; known: {', '.join(QUERY_KEYS)}")
        options[name] = value
    starttls = options.get("starttls", "false").lower()
    if starttls not in ("true", "false", "1", "0", "yes", "no"):
        raise SmtpUrlProblem("starttls is true or false")
    security = "tls" if parts.scheme == "smtps" else "plain"
    if starttls in ("true", "1", "yes"):
        if security == "tls":
            raise SmtpUrlProblem("smtps:// is TLS from the start; starttls is for smtp://")
        security = "starttls"
    try:
        timeout = float(options.get("timeout", DEFAULT_TIMEOUT))
    except ValueError as exc:
        raise SmtpUrlProblem("timeout is a number of seconds") from exc
    if not 0 < timeout <= 600:
        raise SmtpUrlProblem("timeout is more than 0 and at most 600 seconds")
    if parts.password is not None and not parts.username:
        raise SmtpUrlProblem("a password needs a user name: smtp://user:password@host")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if not (username or "").isascii() or not (password or "").isascii():
        raise SmtpUrlProblem("the user name and password must be ASCII (as smtplib sends them)")
    default_port = {"plain": 25, "starttls": 587, "tls": 465}[security]
    return SmtpSettings(
        host=host, port=port or default_port, security=security,
        username=username, password=password,
        timeout=timeout, cafile=options.get("cafile") or None,
    )


def valid_address(address: str) -> bool:
    """A plain ASCII ``local@domain`` (internationalised domains as punycode)."""
    local, at, domain = address.rpartition("@")
    return bool(at) and len(address) <= 254 and bool(_LOCAL_PART.match(local)) \
        and not local.startswith(".") and not local.endswith(".") and ".." not in local \
        and bool(_DOMAIN.match(domain))


def ascii_address(address: str) -> str:
    """``address`` with an internationalised domain in punycode; ValueError if it cannot be."""
    local, at, domain = address.strip().rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise ValueError("the domain cannot be encoded") from exc
    candidate = f"{local}{at}{domain}"
    if not valid_address(candidate):
        raise ValueError("not an e-mail address Loket can send to")
    return candidate


@dataclass(frozen=True)
class Sender:
    """The ``From`` of every mail and the envelope sender (``LOKET_MAIL_FROM``)."""

    name: str
    address: str

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]

    def header(self) -> Address:
        local, _, domain = self.address.rpartition("@")
        return Address(self.name, local, domain)


def parse_sender(text: str) -> Sender:
    """``Name <address>`` or a bare address."""
    name, address = parseaddr(text.strip())
    if not address or any(c in name for c in "\r\n<>"):
        raise SmtpUrlProblem("not an e-mail address, e.g. 'Loket <no-reply@loket.example.be>'")
    try:
        address = ascii_address(address)
    except ValueError as exc:
        raise SmtpUrlProblem("not an e-mail address, e.g. 'Loket <no-reply@loket.example.be>'") from exc
    return Sender(name, address)


def default_sender(issuer_host: str) -> Sender:
    """``Loket <no-reply@{issuer's host}>``, or ``@localhost`` for an issuer on an IP address."""
    host = issuer_host if re.search(r"[A-Za-z]", issuer_host) and "." in issuer_host \
        else "localhost"
    return Sender("Loket", f"no-reply@{host}")


# ---- handing a message over ----------------------------------------------------------------

class SmtpFailure(Exception):
    """The server did not take the message; ``code`` is its reply code (0: none came)."""

    def __init__(self, reason: str, code: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class TemporaryFailure(SmtpFailure):
    """Not taken now (a 4xx, no connection, a refused log-in): try again later."""

    #: no connection could be made: the next messages would meet the same
    connecting = False


class ServerUnreachable(TemporaryFailure):
    """No SMTP session could be set up (refused, timed out, TLS or log-in failed)."""

    connecting = True


class PermanentFailure(SmtpFailure):
    """Refused for good for this recipient or this message (a 5xx)."""


class UncertainOutcome(SmtpFailure):
    """The end of the message went out and no answer came: it may have been delivered."""


class Withdrawn(Exception):  # noqa: N818 - not an error: the caller took the message back
    """``before_end`` said no: the message was not completed, the server discards it."""


def _reply(code: int, message: bytes | str, stage: str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return f"{stage}: {code} {' '.join(text.split())}"[:400]


def wire_format(data: bytes) -> bytes:
    """The message as it goes after DATA: CRLF line ends, leading dots doubled (RFC 5321
    §4.5.2), ending in CRLF; the final ``.`` is not included."""
    data = re.sub(rb"\r\n|\r|\n", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


class Connection:
    """One SMTP session, opened on first use and reused for the messages after."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.settings.cafile)

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        smtp: smtplib.SMTP | None = None
        try:
            if s.security == "tls":
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            smtp.ehlo()
            if s.security == "starttls":
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if s.username is not None:
                smtp.login(s.username, s.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            self._quietly_close(smtp)
            raise ServerUnreachable(_reply(exc.smtp_code, exc.smtp_error, "log-in refused"),
                                    exc.smtp_code) from None
        except smtplib.SMTPResponseException as exc:
            self._quietly_close(smtp)
            raise ServerUnreachable(_reply(exc.smtp_code, exc.smtp_error, "connect"),
                                    exc.smtp_code) from None
        except (smtplib.SMTPException, OSError, ValueError) as exc:
            self._quietly_close(smtp)
            raise ServerUnreachable(f"connect: {type(exc).__name__}: {exc}"[:400]) from None
        return smtp

    @staticmethod
    def _quietly_close(smtp: smtplib.SMTP | None) -> None:
        if smtp is not None:
            try:
                smtp.close()
            except OSError:
                pass

    def close(self) -> None:
        """End the session politely (QUIT) if it is still there."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._quietly_close(smtp)

    def _drop(self) -> None:
        """Cut the connection without QUIT: a message half sent is discarded by the server."""
        smtp, self._smtp = self._smtp, None
        self._quietly_close(smtp)

    def _abandon(self, smtp: smtplib.SMTP, code: int) -> None:
        """After a refusal: reset the transaction, or drop the session when the server closes it."""
        if code == 421:
            self._drop()
            return
        try:
            smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def deliver(self, envelope_from: str, recipient: str, message: bytes,
                before_end: Callable[[], bool]) -> str:
        """Hand ``message`` to the server for ``recipient``; the server's acceptance reply.

        ``before_end`` runs when all but the final ``.`` has been sent: the moment after which
        the server may have accepted the message. When it returns False (or raises) the
        connection is cut instead and the server discards the message.
        Raises :class:`TemporaryFailure`, :class:`PermanentFailure`, :class:`UncertainOutcome`
        or :class:`Withdrawn`.
        """
        fresh = self._smtp is None
        if self._smtp is None:
            self._smtp = self._open()
        smtp = self._smtp
        try:
            try:
                code, text = smtp.mail(envelope_from)
            except smtplib.SMTPServerDisconnected:
                if fresh:
                    raise
                # the server closed the idle session since the last message: once more, anew
                self._drop()
                self._smtp = smtp = self._open()
                code, text = smtp.mail(envelope_from)
            if code != 250:
                # the sender refused (policy, our own address): a setting to fix, not the mail
                self._abandon(smtp, code)
                raise TemporaryFailure(_reply(code, text, "MAIL FROM"), code)
            code, text = smtp.rcpt(recipient)
            if code not in (250, 251):
                self._abandon(smtp, code)
                kind = PermanentFailure if 500 <= code < 600 else TemporaryFailure
                raise kind(_reply(code, text, "RCPT TO"), code)
            code, text = smtp.docmd("DATA")
            if code != 354:
                self._abandon(smtp, code)
                kind = PermanentFailure if 500 <= code < 600 else TemporaryFailure
                raise kind(_reply(code, text, "DATA"), code)
            smtp.send(wire_format(message))
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise TemporaryFailure(f"before the end of the message: {type(exc).__name__}: "
                                   f"{exc}"[:400]) from None
        try:
            go_on = before_end()
        except BaseException:
            self._drop()
            raise
        if not go_on:
            self._drop()
            raise Withdrawn()
        try:
            smtp.send(b".\r\n")
            code, text = smtp.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise UncertainOutcome(f"after the end of the message: {type(exc).__name__}: "
                                   f"{exc}"[:400]) from None
        if code == 250:
            return _reply(code, text, "accepted")
        if 400 <= code < 500:
            self._abandon(smtp, code)
            raise TemporaryFailure(_reply(code, text, "end of data"), code)
        if 500 <= code < 600:
            self._abandon(smtp, code)
            raise PermanentFailure(_reply(code, text, "end of data"), code)
        self._drop()
        raise UncertainOutcome(_reply(code, text, "end of data (unexpected reply)"), code)
