"""The mail outbox: every mail Loket sends, queued in the transaction that decided to send it."""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from loket.models.base import Base


class MailOutbox(Base):
    """One mail to one recipient, from its enqueueing until it is sent or given up.

    ``status``: ``queued`` (waiting for ``due_at``), ``sending`` (a worker holds it until
    ``lease_until``), ``sent``, ``failed`` (refused or given up, ``last_error`` says why),
    ``uncertain`` (a worker stopped after handing it to the server and before it heard the
    answer: perhaps delivered, never sent again), ``expired`` (``expires_at`` passed first).
    ``handed_over_at`` is set just before the end of the message goes to the server.
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (
        # the sender's scan: due mails in order, and the leases that ran out
        Index("ix_mail_outbox_status_due", "status", "due_at"),
        # emptying old mails (loket.mail_sender.prune)
        Index("ix_mail_outbox_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    # the caller's idempotency key: one mail per key, however often it is enqueued
    key: Mapped[str] = mapped_column(String(200), unique=True)
    message_id: Mapped[str] = mapped_column(String(255))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    # List-Unsubscribe URIs (https: and mailto:), in order; empty: none
    unsubscribe: Mapped[list] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[int] = mapped_column(BigInteger)
    due_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int | None] = mapped_column(BigInteger)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[int | None] = mapped_column(BigInteger)
    handed_over_at: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[int | None] = mapped_column(BigInteger)
    # when the recipient, subject and text were emptied (kept: the key, the status, the times)
    emptied_at: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(String(500))
