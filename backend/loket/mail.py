"""E-mail: queue a plain-text mail in the caller's transaction (the outbox), build it as it is
sent, and sign the tokens of unsubscribe links.

A mail is a row of ``mail_outbox`` written by :func:`enqueue` in the caller's session, so it
exists if and only if the caller's change commits; ``loket worker`` sends it later
(:mod:`loket.mail_sender`). Enqueueing the same ``key`` twice queues one mail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from loket import smtp
from loket.db import now as db_now
from loket.errors import LANGUAGES
from loket.models import MailOutbox
from loket.models.base import table_of

MAX_SUBJECT = 500
MAX_TEXT = 256 * 1024
MAX_KEY = 200
MAX_URI = 900


class InvalidMail(ValueError):
    """A mail that cannot be queued; ``field`` names the argument at fault."""

    code = "invalid_mail"

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail


@dataclass(frozen=True)
class Queued:
    """The outbox row of a key; ``new`` is False when the key was queued before."""

    id: int
    new: bool


def configured(config: Mapping[str, Any]) -> bool:
    """Whether mail goes out at all (``LOKET_SMTP_URL`` is set); without it mails stay queued."""
    return bool(config.get("SMTP_URL"))


def sender(config: Mapping[str, Any]) -> smtp.Sender:
    """The From of every mail: ``LOKET_MAIL_FROM``, else no-reply at the issuer's host."""
    if config.get("MAIL_FROM"):
        return smtp.parse_sender(str(config["MAIL_FROM"]))
    from urllib.parse import urlsplit

    return smtp.default_sender(urlsplit(str(config["ISSUER"])).hostname or "")


def enqueue(session: Session, to: str, subject: str, text: str, *, key: str, lang: str,
            list_unsubscribe: str | Sequence[str] | None = None, due_at: int | None = None,
            expires_at: int | None = None, now: int | None = None) -> Queued:
    """Queue a plain-text mail to ``to`` in ``session``'s transaction (committed by the caller).

    ``key`` identifies the mail (e.g. ``digest:rep-12:2025-03-01``): a key queued before, in
    any state, queues nothing again. ``lang`` (nl, fr, de, en) is its Content-Language.
    ``list_unsubscribe``: https: (one-click, RFC 8058) and/or mailto: URIs. ``due_at``: not
    before then; ``expires_at``: not after then (the mail is marked ``expired`` instead).
    Raises :class:`InvalidMail`.
    """
    now = db_now() if now is None else now
    values = {
        "key": _key(key),
        "recipient": _recipient(to),
        "subject": _subject(subject),
        "body": _text(text),
        "lang": _lang(lang),
        "unsubscribe": _unsubscribe(list_unsubscribe),
        "message_id": f"{now}.{secrets.token_hex(12)}",
        "status": "queued",
        "attempts": 0,
        "created_at": now,
        "due_at": now if due_at is None else int(due_at),
        "expires_at": None if expires_at is None else int(expires_at),
    }
    table = table_of(MailOutbox)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement: Any = postgresql.insert(table).values(values).on_conflict_do_nothing(
            index_elements=["key"])
    elif dialect == "sqlite":
        statement = sqlite.insert(table).values(values).on_conflict_do_nothing(
            index_elements=["key"])
    else:  # pragma: no cover - Loket runs on SQLite and PostgreSQL
        statement = insert(table).values(values)
    # the unique key decides a race: of two transactions queueing one key, one inserts (on
    # PostgreSQL the second waits for the first to commit or roll back)
    inserted = session.execute(statement.returning(table.c.id)).scalar()
    if inserted is not None:
        return Queued(int(inserted), True)
    existing = session.execute(select(table.c.id).where(table.c.key == values["key"])).scalar_one()
    return Queued(int(existing), False)


def _key(key: str) -> str:
    if not isinstance(key, str) or not key or len(key) > MAX_KEY or not key.isprintable():
        raise InvalidMail("key", f"1 to {MAX_KEY} printable characters")
    return key


def _recipient(to: str) -> str:
    try:
        return smtp.ascii_address(to)
    except (ValueError, AttributeError) as exc:
        raise InvalidMail("to", "not an e-mail address Loket can send to") from exc


def _subject(subject: str) -> str:
    subject = " ".join(str(subject).split())  # no line break can end the header early
    if not subject or len(subject) > MAX_SUBJECT or not subject.isprintable():
        raise InvalidMail("subject", f"1 to {MAX_SUBJECT} printable characters on one line")
    return subject


def _text(text: str) -> str:
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise InvalidMail("text", f"a text of at most {MAX_TEXT} characters")
    if any(not (c.isprintable() or c in "\n\r\t") for c in text):
        raise InvalidMail("text", "no control characters other than line breaks and tabs")
    return text


def _lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InvalidMail("lang", f"one of {', '.join(LANGUAGES)}")
    return lang


def _unsubscribe(given: str | Sequence[str] | None) -> list[str]:
    uris = [given] if isinstance(given, str) else list(given or [])
    for uri in uris:
        scheme = uri.split(":", 1)[0].lower() if ":" in uri else ""
        if (scheme not in ("https", "http", "mailto") or len(uri) > MAX_URI
                or any(c.isspace() or c in "<>,\"" or not c.isprintable() for c in uri)
                or not uri.isascii()):
            raise InvalidMail("list_unsubscribe",
                              "https:, http: or mailto: URIs without spaces, <, > or commas")
    return uris


# ---- the message as it is sent -------------------------------------------------------------

class MailPolicy(EmailPolicy):
    """``email.policy.SMTP``, except that List-Unsubscribe folds between its URIs: the standard
    folding would turn a long URI into an RFC 2047 encoded word, which no mail client follows."""

    def fold(self, name: str, value: str) -> str:
        if name.lower() == "list-unsubscribe":
            return f"{name}: " + f",{self.linesep} ".join(str(value).split(", ")) + self.linesep
        return super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() == "list-unsubscribe":
            return self.fold(name, value).encode("ascii")
        return super().fold_binary(name, value)


POLICY = MailPolicy(linesep="\r\n")

def build_message(row: Any, from_: smtp.Sender) -> EmailMessage:
    """The mail of an outbox row (anything with its columns as attributes).

    Its Message-ID and Date come from the row, so every attempt sends the same message.
    """
    msg = EmailMessage(policy=POLICY)
    msg["From"] = from_.header()
    msg["To"] = row.recipient
    msg["Subject"] = row.subject
    msg["Date"] = formatdate(row.created_at, usegmt=True)
    msg["Message-ID"] = f"<{row.message_id}@{from_.domain}>"
    msg["Auto-Submitted"] = "auto-generated"
    if row.unsubscribe:
        msg["List-Unsubscribe"] = ", ".join(f"<{uri}>" for uri in row.unsubscribe)
        if any(uri.lower().startswith(("https:", "http:")) for uri in row.unsubscribe):
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(row.body, charset="utf-8", cte="quoted-printable")
    msg["Content-Language"] = row.lang  # after set_content, which replaces the Content-* headers
    return msg


# ---- unsubscribe links ---------------------------------------------------------------------

class InvalidUnsubscribeToken(ValueError):  # noqa: N818 - named after what the caller meets
    """The token was not made by :func:`unsubscribe_token` with this secret."""

    code = "invalid_token"


@dataclass(frozen=True)
class Unsubscribe:
    """What an unsubscribe link stands for: who (``audience``) stops getting what (``topic``)."""

    audience: str
    topic: str


_TOKEN_PURPOSE = b"loket.mail.unsubscribe.v1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, payload: bytes) -> bytes:
    key = hmac.new(secret.encode(), _TOKEN_PURPOSE, hashlib.sha256).digest()
    return hmac.new(key, payload, hashlib.sha256).digest()[:16]


def unsubscribe_token(secret: str, audience: str, topic: str) -> str:
    """A URL-safe token saying "``audience`` unsubscribes from ``topic``", signed with
    ``secret`` (the app's ``SECRET_KEY``). It does not expire: an unsubscribe link in an old
    mail keeps working (until ``LOKET_SECRET_KEY`` changes)."""
    payload = json.dumps([audience, topic], separators=(",", ":"), ensure_ascii=False).encode()
    return f"{_b64(payload)}.{_b64(_mac(secret, payload))}"


def read_unsubscribe_token(secret: str, token: str) -> Unsubscribe:
    """The audience and topic of a token; :class:`InvalidUnsubscribeToken` if it is not ours."""
    try:
        encoded, _, mac = token.partition(".")
        payload = _unb64(encoded)
        good = hmac.compare_digest(_unb64(mac), _mac(secret, payload))
        audience, topic = json.loads(payload) if good else (None, None)
    except (ValueError, TypeError, UnicodeError) as exc:
        raise InvalidUnsubscribeToken("not an unsubscribe token") from exc
    if not good or not isinstance(audience, str) or not isinstance(topic, str):
        raise InvalidUnsubscribeToken("not an unsubscribe token")
    return Unsubscribe(audience, topic)
