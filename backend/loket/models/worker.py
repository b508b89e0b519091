"""The scheduled jobs of ``loket worker``: when each is due, and which worker holds it now."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from loket.models.base import Base


class WorkerJob(Base):
    """One periodic job (by name). A worker runs it only while it holds the lease, so with
    several workers a job runs once per interval, not once per worker."""

    __tablename__ = "worker_jobs"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    due_at: Mapped[int] = mapped_column(BigInteger)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[int | None] = mapped_column(BigInteger)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    last_started_at: Mapped[int | None] = mapped_column(BigInteger)
    last_finished_at: Mapped[int | None] = mapped_column(BigInteger)
    # what the last run did ("12"), or why it failed
    last_outcome: Mapped[str | None] = mapped_column(String(500))
