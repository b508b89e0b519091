"""Messages (berichten) from governments to associations, citizens and companies.

A message's audience is fixed when it is published: one :class:`MessageRecipient` row per
capacity identifier it reached (a vCode, an INSZ or a KBO number), carrying a copy of the
message's validity so that a capacity's list and its unread count are one index range scan on
``(identifier, valid_from)``, however many messages the table holds. What a person did with a
message (read it, archived it) is theirs alone: :class:`MessageState`, one row per person per
message per capacity.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from loket.models.base import Base

_ID = BigInteger().with_variant(Integer, "sqlite")

# A message without an end stays valid "forever": a number beyond any date, so that the
# reading index compares one column instead of handling NULL.
FOREVER = 2**62


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("sender", "key"),
                      Index("ix_messages_sender_created", "sender", "created_at"))

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    # the publishing client's id; "loket" for the messages Loket writes itself
    sender: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(200))  # from the client's registration
    kind: Mapped[str] = mapped_column(String(12))  # bericht | herinnering | dossier
    category: Mapped[str] = mapped_column(String(20))
    title: Mapped[dict] = mapped_column()  # {lang: text}
    body: Mapped[dict] = mapped_column()
    product_id: Mapped[str | None] = mapped_column(String(100))
    dossier_id: Mapped[int | None] = mapped_column(
        _ID, ForeignKey("dossiers.id", ondelete="SET NULL"))
    link: Mapped[str | None] = mapped_column(String(2000))
    valid_from: Mapped[int] = mapped_column(BigInteger)
    valid_until: Mapped[int] = mapped_column(BigInteger, default=FOREVER)
    target: Mapped[dict] = mapped_column()  # the target as published
    audience: Mapped[int] = mapped_column(Integer, default=0)
    # the sender's idempotency key: publishing the same key again answers the first message
    key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[int] = mapped_column(BigInteger)
    # the mails "meteen" of its audience are queued (by the worker, after it committed)
    mailed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(),
                                         index=True)


class MessageRecipient(Base):
    """A capacity a message reached, with the message's validity (for the reading index)."""

    __tablename__ = "message_recipients"

    message_id: Mapped[int] = mapped_column(
        _ID, ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    identifier: Mapped[str] = mapped_column(String(11), primary_key=True)
    kind: Mapped[str] = mapped_column(String(3))  # VER, BUR, EA
    valid_from: Mapped[int] = mapped_column(BigInteger)
    valid_until: Mapped[int] = mapped_column(BigInteger)


# identifier = ? AND valid_from <= now [AND valid_until > now] ORDER BY valid_from DESC:
# a capacity's messages, newest first, without a sort.
Index("ix_message_recipients_reading", MessageRecipient.identifier,
      MessageRecipient.valid_from.desc(), MessageRecipient.message_id.desc())


class MessageState(Base):
    """What one person did with a message they got in one capacity."""

    __tablename__ = "message_states"

    message_id: Mapped[int] = mapped_column(
        _ID, ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    identifier: Mapped[str] = mapped_column(String(11), primary_key=True)
    person_sub: Mapped[str] = mapped_column(String(36), primary_key=True)
    read_at: Mapped[int | None] = mapped_column(BigInteger)
    archived_at: Mapped[int | None] = mapped_column(BigInteger)


Index("ix_message_states_person", MessageState.person_sub, MessageState.identifier)


class MailPreference(Base):
    """A representative's opt-in to e-mail for one category of their association's messages:
    ``meteen`` (a mail per message) or ``dagelijks`` (one digest a day). No row: no mail."""

    __tablename__ = "message_mail_preferences"

    representative_id: Mapped[int] = mapped_column(
        ForeignKey("representatives.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    mode: Mapped[str] = mapped_column(String(10))  # meteen | dagelijks
    lang: Mapped[str] = mapped_column(String(2), default="nl")
    updated_at: Mapped[int] = mapped_column(BigInteger)
