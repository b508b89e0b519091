"""SMTP for the mail sender: the ``LOKET_SMTP_URL`` setting and the sender address.

No database and no Flask here.
"""

from __future__ import annotations

import re
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
