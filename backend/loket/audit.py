"""Append-only, hash-chained audit log of sign-ins, tokens, capacity switches and every read of
personal data.

Entries are written in the same transaction as the work they describe: :func:`record` queues
an entry on the session and the commit chains and inserts it (taking the chain's head row lock
at the very end of the transaction, so it is held briefly). A read of personal data commits its
entry before the data leaves the server: no entry, no data.

Each entry's hash covers its fields and the previous entry's hash; the head row holds the last
sequence number and hash, so editing, deleting or truncating the log is found by :func:`verify`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import bindparam, event, insert, select, update
from sqlalchemy.orm import Session

from loket.models import AuditEntry, AuditHead
from loket.models.base import table_of

GENESIS = "0" * 64
_PENDING = "loket_audit_pending"
_FIELDS = ("seq", "at", "ip", "actor", "capacity", "client_id", "resource", "operation",
           "outcome", "reason", "subject", "detail")


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def client_ip() -> str | None:
    if not has_request_context():
        return "cli"
    return request.remote_addr


def record(
    session: Session,
    operation: str,
    resource: str,
    *,
    actor: str | None = None,
    capacity: str | None = None,
    client_id: str | None = None,
    subject: str | None = None,
    outcome: str = "ok",
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Queue an entry; it is chained and stored when ``session`` commits.

    ``actor`` is who acted (a person's sub or a client id), ``capacity`` in which capacity
    (``BUR:…``, ``VER:V0001001``), ``subject`` whose personal data was touched.
    """
    if session.info.get("readonly"):
        raise RuntimeError("audit entries need a session that may write")
    entry = {
        "at": _now_iso(),
        "ip": client_ip(),
        "actor": actor,
        "capacity": capacity,
        "client_id": client_id,
        "resource": resource[:300],
        "operation": operation,
        "outcome": outcome,
        "reason": reason[:500] if reason else None,
        "subject": subject,
        "detail": detail or {},
    }
    session.info.setdefault(_PENDING, []).append(entry)


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps({k: fields.get(k) for k in _FIELDS}, sort_keys=True,
                           separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


# Built once (they run on every audited request).
_TAKE_HEAD = (
    update(table_of(AuditHead)).where(table_of(AuditHead).c.id == 1)
    .values(last_seq=table_of(AuditHead).c.last_seq + bindparam("n"))
    .returning(table_of(AuditHead).c.last_seq, table_of(AuditHead).c.last_hash)
)
_INSERT = insert(table_of(AuditEntry))
_SET_HEAD_HASH = (
    update(table_of(AuditHead)).where(table_of(AuditHead).c.id == 1)
    .values(last_hash=bindparam("last_hash"))
)


def _flush_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    # Taking the head row is the lock that orders every writer's entries. Core statements on the
    # session's connection: the log is append-only and needs no unit of work.
    conn = session.connection()
    row = conn.execute(_TAKE_HEAD, {"n": len(pending)}).one()
    seq = row.last_seq - len(pending)
    prev = row.last_hash
    for fields in pending:
        seq += 1
        fields["seq"] = seq
        fields["prev_hash"] = prev
        fields["hash"] = prev = entry_hash(prev, fields)
    conn.execute(_INSERT, pending)
    conn.execute(_SET_HEAD_HASH, {"last_hash": prev})


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.info.get(_PENDING):
        _flush_pending(session)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    problem: str = ""
    seq: int | None = None


def _entries(session: Session) -> Iterator[AuditEntry]:
    yield from session.scalars(
        select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000)
    )


def verify(session: Session) -> VerifyResult:
    """Walk the chain from the start; report the first entry that was edited, removed or added."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    for entry in _entries(session):
        fields = {k: getattr(entry, k) for k in _FIELDS}
        if entry.seq != expected_seq:
            return VerifyResult(False, count, f"entry {expected_seq} is missing", expected_seq)
        if entry.prev_hash != prev:
            return VerifyResult(False, count, "does not follow the entry before it", entry.seq)
        if entry_hash(prev, fields) != entry.hash:
            return VerifyResult(False, count, "was changed after it was written", entry.seq)
        prev = entry.hash
        expected_seq += 1
        count += 1
    head = session.get(AuditHead, 1)
    if head is None:
        return VerifyResult(False, count, "the chain's head row is missing")
    if head.last_seq != count or head.last_hash != prev:
        return VerifyResult(
            False, count,
            f"the log ends at entry {count} but {head.last_seq} were written",
            count + 1,
        )
    return VerifyResult(True, count)


def capacity_label(capacity: dict[str, Any] | None) -> str | None:
    """``{"code": "VER", "identifier": "V0001001"}`` → ``VER:V0001001`` for the log.

    A citizen's capacity is logged as ``BUR`` alone: the actor already names the person, and
    the log need not repeat their INSZ.
    """
    if not capacity:
        return None
    if capacity.get("code") == "BUR":
        return "BUR"
    return f"{capacity.get('code')}:{capacity.get('identifier')}"
