"""Dossier status, DOSIS-style: dossiers pushed by back offices, who may see them, their history.

The read path ("the dossiers of capacity X, open first, action needed on top, newest first") is
served from :class:`DossierAgent` alone: each agent row carries a copy of its dossier's sort key
(``sort_rank``, ``last_change``), so one index range scan yields a capacity's page in order,
however many dossiers the table holds. The copies are rewritten in the same transaction as
every change of the dossier.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from loket.models.base import Base

# Sort ranks: open with action required, open, closed (phase Afgerond).
RANK_ACTION = 0
RANK_OPEN = 1
RANK_CLOSED = 2

_ID = BigInteger().with_variant(Integer, "sqlite")


class Dossier(Base):
    """A dossier at a source (a back office, whose client id is the source id)."""

    __tablename__ = "dossiers"
    __table_args__ = (UniqueConstraint("source", "number"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    type: Mapped[str | None] = mapped_column(String(100))
    last_change: Mapped[int] = mapped_column(BigInteger)
    status_code: Mapped[str] = mapped_column(String(40))
    phase: Mapped[str] = mapped_column(String(20))
    status_detail: Mapped[str | None] = mapped_column(Text)
    action_required: Mapped[bool] = mapped_column(Boolean, default=False)
    action_text: Mapped[str | None] = mapped_column(String(500))
    link: Mapped[str | None] = mapped_column(String(2000))
    product_numbers: Mapped[list] = mapped_column(default=list)
    handler: Mapped[dict | None] = mapped_column()
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int] = mapped_column(BigInteger)


class DossierAgent(Base):
    """Who may see a dossier: an INSZ, KBO number or vCode, with the dossier's sort key."""

    __tablename__ = "dossier_agents"
    dossier_id: Mapped[int] = mapped_column(
        _ID, ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True
    )
    identifier: Mapped[str] = mapped_column(String(11), primary_key=True)
    kind: Mapped[str] = mapped_column(String(5))
    rights: Mapped[str] = mapped_column(String(20))
    sort_rank: Mapped[int] = mapped_column(SmallInteger)
    last_change: Mapped[int] = mapped_column(BigInteger)


class DossierStatusChange(Base):
    """One status a dossier had: a row per change of its status (not per push)."""

    __tablename__ = "dossier_status_history"
    __table_args__ = (Index("ix_dossier_status_history_dossier", "dossier_id", "id"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    dossier_id: Mapped[int] = mapped_column(_ID, ForeignKey("dossiers.id", ondelete="CASCADE"))
    received_at: Mapped[int] = mapped_column(BigInteger)
    last_change: Mapped[int] = mapped_column(BigInteger)
    status_code: Mapped[str] = mapped_column(String(40))
    phase: Mapped[str] = mapped_column(String(20))
    status_detail: Mapped[str | None] = mapped_column(Text)
    action_required: Mapped[bool] = mapped_column(Boolean, default=False)
    action_text: Mapped[str | None] = mapped_column(String(500))


# The read query: identifier = ? [AND sort_rank …] ORDER BY sort_rank, last_change DESC,
# dossier_id DESC LIMIT n. This index hands back a capacity's rows in that order, without a sort.
Index("ix_dossier_agents_reading", DossierAgent.identifier, DossierAgent.sort_rank,
      DossierAgent.last_change.desc(), DossierAgent.dossier_id.desc())


class DosisUpload(Base):
    """The processing result of one upload through the DOSIS-compatible face
    (``/api/v2/dosis/dossiers``), kept so the uploader can ask for it
    (``/api/v1/dosis/resultaten``) and so an upload sent twice is processed once."""

    __tablename__ = "dosis_uploads"
    __table_args__ = (Index("ix_dosis_uploads_dossier", "source", "number", "received_at"),)

    upload_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[int] = mapped_column(BigInteger)
    success: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)
    # the problems found: [{"Omschrijving": …, "LijnNummer": null}]
    errors: Mapped[list] = mapped_column(default=list)
    # a hash of the upload's body: the same UploadId with another body is refused
    content_hash: Mapped[str] = mapped_column(String(64))
