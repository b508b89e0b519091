"""E-mail about messages: opt-in per representative per category, "meteen" or "dagelijks".

A representative chooses per category (subsidie, erkenning, …) whether their association's
messages come by e-mail at once, in one digest a day, or not at all (the default: opt-in). The
mails go through the durable outbox (:mod:`loket.mail`), each under a key of its own, so a job
that runs twice, or on two instances, or crashes half-way, queues each mail once:

- :func:`mail_new_messages` (a worker job) queues the "meteen" mails of messages not mailed yet
  and marks them mailed in the same transaction;
- :func:`mail_digests` (hourly; it acts from 07:00 Brussels time) queues one digest per
  representative per day with the messages of the 24 hours before 07:00 that day.

Every mail carries an unsubscribe link (one click, RFC 8058) signed for that representative and
category; the address is the representative's own (their details in Onze gegevens). No Flask.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from loket import mail
from loket.errors import in_language
from loket.messages import store
from loket.models import (
    Association,
    MailPreference,
    Message,
    MessageRecipient,
    Representative,
)
from loket.register import recognitions, wording

log = logging.getLogger(__name__)
MODES = ("meteen", "dagelijks")
DIGEST_HOUR = 7  # Brussels time
ALL = "*"  # an unsubscribe link's topic that ends every category


@dataclass(frozen=True)
class Links:
    """Where mails point: the provider's issuer, and the secret unsubscribe links are signed
    with."""

    issuer: str
    secret: str

    def unsubscribe(self, rep_id: int, topic: str) -> str:
        token = mail.unsubscribe_token(self.secret, f"representative:{rep_id}", topic)
        return f"{self.issuer}/berichten/uitschrijven/{token}"

    def inbox(self, vcode: str) -> str:
        return f"{self.issuer}/mijn-verenigingsloket/{vcode}/berichten"


# ---- preferences -----------------------------------------------------------------------------

def preferences(session: Session, rep_id: int) -> dict[str, str]:
    return {p.category: p.mode for p in session.scalars(
        select(MailPreference).where(MailPreference.representative_id == rep_id))}


def set_preferences(session: Session, rep_id: int, chosen: Mapping[str, str | None],
                    lang: str) -> dict[str, str]:
    """Replace the representative's choices (``None`` or ``""``: no mail for that category)."""
    session.execute(delete(MailPreference).where(MailPreference.representative_id == rep_id))
    now = int(time.time())
    kept = {c: m for c, m in chosen.items() if c in store.CATEGORIES and m in MODES}
    for category, mode in kept.items():
        session.add(MailPreference(representative_id=rep_id, category=category, mode=mode,
                                   lang=lang if lang in store.LANGUAGES else "nl",
                                   updated_at=now))
    return dict(kept)


def unsubscribe(session: Session, rep_id: int, topic: str) -> int:
    """End the mails of one category (or all, ``*``); returns how many choices it removed."""
    query = delete(MailPreference).where(MailPreference.representative_id == rep_id)
    if topic != ALL:
        query = query.where(MailPreference.category == topic)
    return int(session.execute(query).rowcount or 0)  # type: ignore[attr-defined]


# ---- the mails -------------------------------------------------------------------------------

def _message_text(found: Message, lang: str) -> str:
    title, _ = store.text_in(found.title, lang)
    body, _ = store.text_in(found.body, lang)
    lines = [f"{found.organisation}: {title}", "", body]
    if found.link:
        lines += ["", found.link]
    return "\n".join(lines)


def _footer(links: Links, vcode: str, name: str, lang: str, unsubscribe: str, what: str) -> str:
    lines = [wording.gettext("Lees al je berichten in Mijn Verenigingsloket: %(url)s",
                             url=links.inbox(vcode)),
             wording.gettext("Je krijgt deze e-mail als vertegenwoordiger van %(name)s, omdat "
                             "je e-mail koos voor %(what)s.", name=name, what=what),
             wording.gettext("Geen e-mail meer hierover: %(url)s", url=unsubscribe)]
    return "\n".join(["", "—", *(in_language(line, lang) for line in lines)])


def mail_new_messages(session: Session, links: Links, *, batch: int = 50) -> int:
    """Queue the "meteen" mails of the messages not mailed yet; returns how many mails."""
    queued = 0
    while True:
        pending = list(session.scalars(select(Message).where(Message.mailed.is_(False))
                                       .order_by(Message.id).limit(batch)))
        if not pending:
            return queued
        for found in pending:
            rows = session.execute(
                select(Representative.id, Representative.email, MailPreference.lang,
                       Association.vcode, Association.naam)
                .join(Association, Association.id == Representative.association_id)
                .join(MessageRecipient, (MessageRecipient.identifier == Association.vcode)
                      & (MessageRecipient.message_id == found.id))
                .join(MailPreference, (MailPreference.representative_id == Representative.id)
                      & (MailPreference.category == found.category)
                      & (MailPreference.mode == "meteen"))
                .where(Representative.email.is_not(None))).all()
            for rep_id, email, lang, vcode, name in rows:
                title, _ = store.text_in(found.title, lang)
                stop = links.unsubscribe(rep_id, found.category)
                text = _message_text(found, lang) + "\n" + _footer(
                    links, vcode, name, lang, stop, found.category)
                try:
                    done = mail.enqueue(session, email, title, text,
                                        key=f"bericht:{found.id}:{rep_id}", lang=lang,
                                        list_unsubscribe=stop,
                                        expires_at=None if found.valid_until >= store.FOREVER
                                        else found.valid_until)
                except mail.InvalidMail as exc:  # an address the outbox refuses: say so
                    log.warning("message %s: no mail for representative %s (%s)", found.id,
                                rep_id, exc.field)
                    continue
                queued += int(done.new)
            found.mailed = True
        session.commit()


def _window(day: str) -> tuple[int, int]:
    """The 24 hours before 07:00 Brussels time on ``day``, as timestamps."""
    end = datetime.fromisoformat(day).replace(hour=DIGEST_HOUR, tzinfo=recognitions.BRUSSELS)
    start = end - timedelta(days=1)
    return int(start.timestamp()), int(end.timestamp())


def mail_digests(session: Session, links: Links, now: int | None = None) -> int:
    """From 07:00 Brussels time: one digest per representative who chose "dagelijks", with
    their association's messages of the 24 hours before, in those categories. Returns how many
    digests it queued (0 on every later run of the day: the key is per day)."""
    now = now if now is not None else int(time.time())
    local = datetime.fromtimestamp(now, recognitions.BRUSSELS)
    if local.hour < DIGEST_HOUR:
        return 0
    day = local.date().isoformat()
    start, end = _window(day)
    chosen: dict[int, set[str]] = {}
    langs: dict[int, str] = {}
    for pref in session.scalars(select(MailPreference).where(MailPreference.mode == "dagelijks")):
        chosen.setdefault(pref.representative_id, set()).add(pref.category)
        langs[pref.representative_id] = pref.lang
    queued = 0
    for rep_id, categories in sorted(chosen.items()):
        row = session.execute(
            select(Representative.email, Association.vcode, Association.naam)
            .join(Association, Association.id == Representative.association_id)
            .where(Representative.id == rep_id, Association.status == "Actief")).first()
        if row is None or not row[0]:
            continue
        email, vcode, name = row
        found = list(session.scalars(
            select(Message).join(MessageRecipient, MessageRecipient.message_id == Message.id)
            .where(MessageRecipient.identifier == vcode, Message.category.in_(categories),
                   Message.created_at >= start, Message.created_at < end,
                   Message.valid_until > now)
            .order_by(Message.created_at, Message.id)))
        if not found:
            continue
        lang = langs[rep_id]
        stop = links.unsubscribe(rep_id, ALL)
        subject = in_language(wording.gettext(
            "%(count)s nieuwe berichten voor %(name)s", count=len(found), name=name)
            if len(found) > 1 else wording.gettext("1 nieuw bericht voor %(name)s", name=name),
            lang)
        parts = [_message_text(m, lang) for m in found]
        text = "\n\n* * *\n\n".join(parts) + "\n" + _footer(
            links, vcode, name, lang, stop, ", ".join(sorted(categories)))
        try:
            done = mail.enqueue(session, email, subject, text, key=f"digest:{rep_id}:{day}",
                                lang=lang, list_unsubscribe=stop)
        except mail.InvalidMail as exc:
            log.warning("digest: none for representative %s (%s)", rep_id, exc.field)
            continue
        queued += int(done.new)
    session.commit()
    return queued
