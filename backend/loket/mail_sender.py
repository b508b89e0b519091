"""The mail sender: claims due mails from the outbox with a lease, hands them to the SMTP
server, and records what became of each.

Several senders (threads, ``loket worker`` processes, machines) may run on one database at
once. A mail is claimed in a write transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL,
SQLite's single writer on SQLite) that gives it to one sender until its lease ends; a sender
that stopped mid-way loses the lease and another sends the mail.

Delivery is at most once after hand-over. Just before the final ``.`` of a message goes to
the server — the moment after which the server may have accepted it — the sender records
``handed_over_at`` (and checks it still holds the lease). Once the server accepts, the mail is
marked ``sent``. A sender that stops between those two commits (the window is one reply and
one commit long) leaves a mail that is perhaps delivered: when its lease runs out it is marked
``uncertain`` and never sent again, rather than risk sending it twice. The same holds when the
connection breaks after the end of the message and before the server's reply.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from flask import Flask
from sqlalchemy import ColumnElement, Select, and_, delete, or_, select, update
from sqlalchemy.orm import Session

from loket import db as dbm
from loket import mail, smtp, worker
from loket.models import MailOutbox
from loket.models.base import table_of

log = logging.getLogger(__name__)

LEASE_SECONDS = 300
BATCH = 20
MAX_BATCHES = 50   # per run: a backlog drains over several runs, with other work in between
FINISHED = ("sent", "failed", "uncertain", "expired")
UNCERTAIN = ("the worker stopped after handing the mail to the server and before hearing its "
             "answer: it may have been delivered, so it is not sent again")

OUTBOX = table_of(MailOutbox)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off with jitter: the n-th failed attempt waits about
    ``first_delay * 2**(n-1)`` seconds (at most ``max_delay``), a random time between half of
    that and all of it; after ``max_attempts`` attempts the mail is given up (``failed``).
    The defaults try 12 times over about 20 hours."""

    first_delay: int = 60
    max_delay: int = 6 * 3600
    max_attempts: int = 12

    def delay(self, attempts: int, rng: random.Random | None = None) -> int:
        ceiling = min(self.max_delay, self.first_delay * 2 ** max(0, attempts - 1))
        return ceiling - (rng or random).randint(0, ceiling // 2)


@dataclass
class SendReport:
    """What one run did, for the worker's log line."""

    sent: int = 0
    retry: int = 0
    failed: int = 0
    uncertain: int = 0
    expired: int = 0
    errors: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any((self.sent, self.retry, self.failed, self.uncertain, self.expired))

    def __str__(self) -> str:
        parts = [f"{self.sent} sent"]
        parts += [f"{n} {what}" for what, n in (("to retry", self.retry), ("failed", self.failed),
                                                ("uncertain", self.uncertain),
                                                ("expired", self.expired)) if n]
        return ", ".join(parts)


@dataclass(frozen=True)
class Claimed:
    """A mail a sender holds the lease of."""

    id: int
    recipient: str
    subject: str
    body: str
    lang: str
    unsubscribe: list[str]
    message_id: str
    created_at: int
    attempts: int


def _locked_ids(session: Session, condition: ColumnElement[bool], limit: int) -> list[int]:
    """Ids of rows matching ``condition``, locked for this transaction; on PostgreSQL rows
    another sender has locked are skipped, not waited for."""
    query: Select[Any] = (select(OUTBOX.c.id).where(condition)
                          .order_by(OUTBOX.c.due_at, OUTBOX.c.id).limit(limit)
                          .with_for_update(skip_locked=True))
    return [int(i) for i in session.scalars(query)]


def claim(session: Session, now: int, owner: str, *, limit: int = BATCH,
          lease: int = LEASE_SECONDS, policy: RetryPolicy | None = None,
          report: SendReport | None = None) -> list[Claimed]:
    """Take up to ``limit`` due mails for ``owner`` until ``now + lease`` (commit to hold them).

    Mails whose sender lost its lease after handing them over become ``uncertain``; those a
    sender lost before that are due again (as a new attempt); mails past ``expires_at`` become
    ``expired``, and mails that used up their attempts ``failed``.
    """
    policy = policy or RetryPolicy()
    report = report if report is not None else SendReport()
    lapsed = (OUTBOX.c.status == "sending") & (OUTBOX.c.lease_until <= now)
    perhaps_sent = _locked_ids(session, lapsed & OUTBOX.c.handed_over_at.is_not(None), 1000)
    if perhaps_sent:
        session.execute(update(OUTBOX).where(OUTBOX.c.id.in_(perhaps_sent)).values(
            status="uncertain", lease_owner=None, lease_until=None, last_error=UNCERTAIN))
        report.uncertain += len(perhaps_sent)
        log.warning("mail %s: %s", ", ".join(map(str, perhaps_sent)), UNCERTAIN)
    due = or_(and_(OUTBOX.c.status == "queued", OUTBOX.c.due_at <= now),
              lapsed & OUTBOX.c.handed_over_at.is_(None))
    ids = _locked_ids(session, due, limit)
    if not ids:
        return []
    rows = session.execute(select(OUTBOX).where(OUTBOX.c.id.in_(ids)).order_by(OUTBOX.c.id)).all()
    expired = [r.id for r in rows if r.expires_at is not None and r.expires_at <= now]
    used_up = [r.id for r in rows if r.id not in expired and r.attempts >= policy.max_attempts]
    if expired:
        session.execute(update(OUTBOX).where(OUTBOX.c.id.in_(expired)).values(
            status="expired", lease_owner=None, lease_until=None))
        report.expired += len(expired)
    if used_up:  # a sender stopped while holding it, time after time
        session.execute(update(OUTBOX).where(OUTBOX.c.id.in_(used_up)).values(
            status="failed", lease_owner=None, lease_until=None,
            last_error=f"gave up after {policy.max_attempts} attempts (the worker stopped)"))
        report.failed += len(used_up)
    taken = [r for r in rows if r.id not in expired and r.id not in used_up]
    if not taken:
        return []
    session.execute(update(OUTBOX).where(OUTBOX.c.id.in_([r.id for r in taken])).values(
        status="sending", lease_owner=owner, lease_until=now + lease,
        attempts=OUTBOX.c.attempts + 1, handed_over_at=None))
    return [Claimed(r.id, r.recipient, r.subject, r.body, r.lang, list(r.unsubscribe or []),
                    r.message_id, r.created_at, r.attempts + 1) for r in taken]


def masked(address: str) -> str:
    """``j…@example.be``: enough for an operator to tell domains apart, not the person."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}…@{domain}"


def _redacted(reason: str, address: str) -> str:
    """A server's reply often repeats the address; the logs get it masked."""
    return reason.replace(address, masked(address)) if address else reason


class MailSender:
    """Sends the outbox's due mails over one SMTP server; one instance per worker thread."""

    name = "mail"

    def __init__(self, database: dbm.Database, settings: smtp.SmtpSettings,
                 from_: smtp.Sender, *, policy: RetryPolicy | None = None,
                 clock: Callable[[], int] = dbm.now, owner: str | None = None,
                 batch: int = BATCH, lease: int = LEASE_SECONDS,
                 rng: random.Random | None = None) -> None:
        self.database = database
        self.settings = settings
        self.from_ = from_
        self.policy = policy or RetryPolicy()
        self.clock = clock
        self.owner = owner or uuid.uuid4().hex
        self.batch = batch
        self.lease = lease
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not a secret

    def run(self, should_stop: Callable[[], bool] = lambda: False) -> SendReport:
        """Send what is due now, batch by batch, until nothing is due (or ``should_stop``)."""
        report = SendReport()
        connection = smtp.Connection(self.settings)
        try:
            for _ in range(MAX_BATCHES):
                with self.database.transaction() as session:
                    claimed = claim(session, self.clock(), self.owner, limit=self.batch,
                                    lease=self.lease, policy=self.policy, report=report)
                if not claimed:
                    break
                if not self._send(connection, claimed, report, should_stop) or should_stop():
                    break
        finally:
            connection.close()
        return report

    def _send(self, connection: smtp.Connection, claimed: list[Claimed], report: SendReport,
              should_stop: Callable[[], bool]) -> bool:
        """Deliver a batch; False when the server cannot be reached (the rest waits)."""
        for index, item in enumerate(claimed):
            if should_stop():  # the rest is released at once rather than when the lease ends
                self._release(claimed[index:])
                return False
            data = mail.build_message(item, self.from_).as_bytes()
            try:
                reply = connection.deliver(self.from_.address, item.recipient, data,
                                           partial(self._hand_over, item.id))
            except smtp.Withdrawn:
                log.warning("mail %s: lease lost before hand-over; left to the sender holding it",
                            item.id)
            except smtp.TemporaryFailure as exc:
                self._retry(item, exc, report)
                if exc.connecting:
                    for rest in claimed[index + 1:]:
                        self._retry(rest, exc, report)
                    return False
            except smtp.PermanentFailure as exc:
                self._finish(item, "failed", exc.reason)
                report.failed += 1
                log.warning("mail %s to %s refused: %s", item.id, masked(item.recipient),
                            _redacted(exc.reason, item.recipient))
            except smtp.UncertainOutcome as exc:
                self._finish(item, "uncertain", f"{UNCERTAIN} ({exc.reason})")
                report.uncertain += 1
                log.warning("mail %s to %s: no answer after the end of the message (%s); "
                            "not sent again", item.id, masked(item.recipient), exc.reason)
            except Exception as exc:  # noqa: BLE001 - the database failed at hand-over
                report.errors.append(f"mail {item.id}: {type(exc).__name__}")
                log.error("mail %s: not handed over (%s); retried when its lease ends",
                          item.id, type(exc).__name__)
            else:
                self._mark_sent(item, reply)
                report.sent += 1
        return True

    def _hand_over(self, mail_id: int) -> bool:
        """Record that the end of the message is about to go out, if the lease is still ours."""
        now = self.clock()
        with self.database.transaction() as session:
            held = session.execute(
                update(OUTBOX).where(OUTBOX.c.id == mail_id, OUTBOX.c.status == "sending",
                                     OUTBOX.c.lease_owner == self.owner,
                                     OUTBOX.c.lease_until > now)
                .values(handed_over_at=now, lease_until=now + self.lease)
                .returning(OUTBOX.c.id)).first()
        return held is not None

    def _mark_sent(self, item: Claimed, reply: str) -> None:
        """The server accepted it: record that, trying a few times (this is the window where a
        failure leaves the mail ``uncertain`` instead of ``sent``)."""
        for attempt in range(3):
            try:
                with self.database.transaction() as session:
                    session.execute(
                        update(OUTBOX).where(OUTBOX.c.id == item.id,
                                             OUTBOX.c.status.in_(("sending", "uncertain")),
                                             OUTBOX.c.handed_over_at.is_not(None))
                        .values(status="sent", sent_at=self.clock(), lease_owner=None,
                                lease_until=None, last_error=None))
                log.info("mail %s sent to %s (attempt %s): %s", item.id, masked(item.recipient),
                         item.attempts, _redacted(reply, item.recipient))
                return
            except Exception as exc:  # noqa: BLE001 - any database failure: try again
                if attempt == 2:
                    log.error("mail %s was accepted by the server but could not be marked sent "
                              "(%s): it will be marked uncertain, not sent again", item.id,
                              type(exc).__name__)
                    return
                time.sleep(0.2 * (attempt + 1))

    def _retry(self, item: Claimed, failure: smtp.TemporaryFailure, report: SendReport) -> None:
        if item.attempts >= self.policy.max_attempts:
            self._finish(item, "failed", f"gave up after {item.attempts} attempts: "
                                         f"{failure.reason}")
            report.failed += 1
            log.warning("mail %s to %s given up after %s attempts: %s", item.id,
                        masked(item.recipient), item.attempts,
                        _redacted(failure.reason, item.recipient))
            return
        wait = self.policy.delay(item.attempts, self.rng)
        self._update(item, status="queued", due_at=self.clock() + wait, handed_over_at=None,
                     last_error=failure.reason)
        report.retry += 1
        log.info("mail %s to %s: attempt %s failed for now (%s); next in %s s", item.id,
                 masked(item.recipient), item.attempts,
                 _redacted(failure.reason, item.recipient), wait)

    def _release(self, items: list[Claimed]) -> None:
        """Give mails back untried (the worker is stopping): due now, the attempt not counted."""
        with self.database.transaction() as session:
            session.execute(
                update(OUTBOX).where(OUTBOX.c.id.in_([i.id for i in items]),
                                     OUTBOX.c.lease_owner == self.owner,
                                     OUTBOX.c.status == "sending")
                .values(status="queued", lease_owner=None, lease_until=None,
                        attempts=OUTBOX.c.attempts - 1))

    def _finish(self, item: Claimed, status: str, reason: str) -> None:
        self._update(item, status=status, last_error=reason[:500])

    def _update(self, item: Claimed, **values: Any) -> None:
        with self.database.transaction() as session:
            session.execute(
                update(OUTBOX).where(OUTBOX.c.id == item.id, OUTBOX.c.lease_owner == self.owner,
                                     OUTBOX.c.status == "sending")
                .values(lease_owner=None, lease_until=None, **values))


def counts(session: Session) -> dict[str, int]:
    """How many mails the outbox holds in each status."""
    from sqlalchemy import func

    query = select(OUTBOX.c.status, func.count()).group_by(OUTBOX.c.status)
    return {str(status): int(n) for status, n in session.execute(query)}


def prune(session: Session, now: int, *, keep_days: int, forget_days: int) -> int:
    """Empty the recipient, subject and text of finished mails older than ``keep_days``; delete
    the rest of them (their key, so a key could be queued anew) after ``forget_days``."""
    finished = OUTBOX.c.status.in_(FINISHED)
    emptied = session.execute(
        update(OUTBOX).where(finished, OUTBOX.c.emptied_at.is_(None),
                             OUTBOX.c.created_at < now - keep_days * 86400)
        .values(recipient="", subject="", body="", unsubscribe=[], emptied_at=now)
        .returning(OUTBOX.c.id)).all()
    session.execute(delete(OUTBOX).where(finished, OUTBOX.c.created_at < now - forget_days * 86400))
    return len(emptied)


def init_app(app: Flask) -> None:
    """The daily job that empties old mails (``LOKET_MAIL_KEEP_DAYS``) and forgets their keys
    after ``LOKET_RETENTION_DAYS``."""
    keep, forget = int(app.config["MAIL_KEEP_DAYS"]), int(app.config["RETENTION_DAYS"])

    def prune_outbox(session: Session, now: int) -> int:
        return prune(session, now, keep_days=keep, forget_days=max(keep, forget))

    worker.add_job(app, "mail-prune", every=86400, run=prune_outbox)


def from_config(app: Flask, database: dbm.Database | None = None) -> MailSender | None:
    """The app's sender (``LOKET_SMTP_URL``, ``LOKET_MAIL_FROM``), or None without a server."""
    if not mail.configured(app.config):
        return None
    return MailSender(database or dbm.database(app), smtp.parse_url(app.config["SMTP_URL"]),
                      mail.sender(app.config))
