"""The append-only, hash-chained audit log."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from loket.models.base import Base


class AuditEntry(Base):
    """One line of the append-only, hash-chained audit log.

    ``seq`` orders all entries; each entry also belongs to one of a few *lanes*, and its hash
    chains to the previous entry of its lane (``lane_seq`` counts within the lane).
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        UniqueConstraint("lane", "lane_seq"),
        # the officer's searches page in seq order under a filter (migration 0008)
        Index("ix_audit_log_subject_seq", "subject", "seq"),
        Index("ix_audit_log_actor_seq", "actor", "seq"),
        Index("ix_audit_log_client_seq", "client_id", "seq"),
        Index("ix_audit_log_ip_seq", "ip", "seq"),
        Index("ix_audit_log_at", "at"),
        # a rare outcome within a client or an operation (migration 0009)
        Index("ix_audit_log_client_outcome_seq", "client_id", "outcome", "seq"),
        Index("ix_audit_log_operation_outcome_seq", "operation", "outcome", "seq"),
        # the entries each cut emptied, lane by lane (migration 0010)
        Index("ix_audit_log_pruned", "pruned", "lane", "lane_seq"),
    )

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                     autoincrement=True)
    lane: Mapped[int] = mapped_column(Integer)
    lane_seq: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[str] = mapped_column(String(32))
    ip: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str | None] = mapped_column(String(200))
    capacity: Mapped[str | None] = mapped_column(String(40))
    client_id: Mapped[str | None] = mapped_column(String(64))
    resource: Mapped[str] = mapped_column(String(300))
    operation: Mapped[str] = mapped_column(String(60))
    outcome: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(500))
    subject: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # the hash rule (loket.audit_chain): 1 before migration 0015, 2 (seq covered) since
    chain: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    # the cut (loket audit prune) that emptied the entry under retention; None while it is whole
    pruned: Mapped[int | None] = mapped_column(Integer)


class AuditCut(Base):
    """One run of the pruning: when, and up to which time it emptied each operation's entries
    (``before``: operation → ISO time; ``*`` for the rest). Its signed copy, with a digest of the
    entries it emptied, is a checkpoint outside the database (:mod:`loket.audit_retention`)."""

    __tablename__ = "audit_cuts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(32))
    before: Mapped[dict] = mapped_column()
    entries: Mapped[int] = mapped_column(BigInteger, server_default="0")


class AuditHead(Base):
    """A lane's last sequence number and hash; one row per lane, locked while appending."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))


class SecurityOfficer(Base):
    """A person who may consult the audit log (the security officer's desk); granted and
    revoked with ``loket officer``."""

    __tablename__ = "security_officers"

    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"),
                                           primary_key=True)
    granted_at: Mapped[int] = mapped_column(BigInteger)
    granted_by: Mapped[str] = mapped_column(String(200))
