"""Append-only, hash-chained audit log of sign-ins, tokens, capacity switches and every read of
personal data.

Entries are written in the same transaction as the work they describe: :func:`record` queues
an entry on the session and the commit chains and inserts it (taking the chain's head row lock
at the very end of the transaction, so it is held briefly); an entry's time is when it is
chained. A read of personal data commits its entry before the data leaves the server: no entry,
no data.

Each entry's hash covers its fields and the previous entry's hash *in its lane*: the log is
woven from a fixed number of chains (lanes), each with a head row holding its last sequence
number and hash, so that appends from different threads and instances rarely wait for one
another (a single chain would make every read of personal data queue behind one row lock). A
thread keeps to one lane. Editing, deleting, inserting or truncating anything is found by
:func:`verify`, lane by lane.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context, has_request_context, request
from sqlalchemy import bindparam, event, insert, select, text, update
from sqlalchemy.orm import Session

from loket import audit_checkpoints as checkpoints
from loket.audit_chain import ALL_FIELDS, CHAIN_VERSION, GENESIS, entry_hash
from loket.audit_retention import check_emptied
from loket.models import AuditCut, AuditEntry, AuditHead
from loket.models.base import table_of

LANES = 16  # head rows 1..16 are created by the first migration
_PENDING = "loket_audit_pending"
_FLUSHED = "loket_audit_flushed"
CHECKPOINTS = "loket.audit.checkpoints"


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


# Built once (they run on every audited request).
_TAKE_HEAD = (
    update(table_of(AuditHead)).where(table_of(AuditHead).c.id == bindparam("lane"))
    .values(last_seq=table_of(AuditHead).c.last_seq + bindparam("n"))
    .returning(table_of(AuditHead).c.last_seq, table_of(AuditHead).c.last_hash)
)
_INSERT = insert(table_of(AuditEntry))
_SET_HEAD_HASH = (
    update(table_of(AuditHead)).where(table_of(AuditHead).c.id == bindparam("lane"))
    .values(last_hash=bindparam("last_hash"))
)


def _lane() -> int:
    """This thread's lane: stable for the thread, spread over processes and threads."""
    digest = hashlib.sha256(f"{os.getpid()}:{threading.get_ident()}".encode()).digest()
    return 1 + int.from_bytes(digest[:4], "big") % LANES


_PG_SEQS = text("SELECT nextval(pg_get_serial_sequence('audit_log', 'seq')) "
               "FROM generate_series(1, :n)")
_MAX_SEQ = text("SELECT COALESCE(MAX(seq), 0) FROM audit_log")


def _next_seqs(conn: Any, n: int) -> list[int]:
    """The global order numbers of the next ``n`` entries, known before they are hashed (the
    hash covers them). PostgreSQL: from the column's sequence, without a lock (writers of other
    lanes go on). SQLite: after the highest, safe because this connection already holds the
    database's single write lock (the lane head was just updated)."""
    if conn.dialect.name == "postgresql":
        return [int(row[0]) for row in conn.execute(_PG_SEQS, {"n": n})]
    top = int(conn.execute(_MAX_SEQ).scalar_one())
    return list(range(top + 1, top + 1 + n))


def _flush_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    # Taking the head row is the lock that orders every writer's entries. Core statements on the
    # session's connection: the log is append-only and needs no unit of work.
    conn = session.connection()
    lane = _lane()
    row = conn.execute(_TAKE_HEAD, {"n": len(pending), "lane": lane}).one()
    lane_seq = row.last_seq - len(pending)
    prev = row.last_hash
    # The time is taken with the head row held, right before the insert: so ``at`` and
    # ``seq`` never disagree by more than a moment, and a time range bounds ``seq``
    # (audit_search.SLACK).
    at = _now_iso()
    for fields, seq in zip(pending, _next_seqs(conn, len(pending)), strict=True):
        lane_seq += 1
        fields["seq"] = seq
        fields["chain"] = CHAIN_VERSION
        fields["at"] = at
        fields["lane"] = lane
        fields["lane_seq"] = lane_seq
        fields["prev_hash"] = prev
        fields["hash"] = prev = entry_hash(prev, fields)
    conn.execute(_INSERT, pending)
    conn.execute(_SET_HEAD_HASH, {"last_hash": prev, "lane": lane})
    session.info[_FLUSHED] = session.info.get(_FLUSHED, 0) + len(pending)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.info.get(_PENDING):
        _flush_pending(session)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_FLUSHED, None)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    appended = session.info.pop(_FLUSHED, 0)
    if not appended or not has_app_context():
        return
    writer: CheckpointWriter | None = current_app.extensions.get(CHECKPOINTS)
    if writer is not None and writer.schedule.due(appended, time.monotonic()):
        writer.write_now(session.get_bind())


@dataclass
class CheckpointWriter:
    """This process's checkpoints (see :mod:`loket.audit_checkpoints`): the keys, the file,
    and when the next one is due."""

    keys: checkpoints.Keys
    path: Path | None
    schedule: checkpoints.Schedule

    def write_now(self, bind: Any) -> dict[str, Any] | None:
        """Take and write a checkpoint on a connection of its own; a failure is logged, never
        the request's (its work is committed already)."""
        try:
            with Session(bind) as own:
                checkpoint = checkpoints.take(own, self.keys)
            checkpoints.write(checkpoint, self.path)
            return checkpoint
        except Exception:  # noqa: BLE001 - the log says it; the next one is tried as due
            checkpoints.LOG.exception("audit checkpoint could not be written to %s", self.path)
            return None


def checkpoint_writer(config: dict[str, Any]) -> CheckpointWriter | None:
    """The writer of an app's configuration; None without LOKET_AUDIT_CHECKPOINT_KEY."""
    key = config.get("AUDIT_CHECKPOINT_KEY") or ""
    if not key:
        return None
    keys = checkpoints.Keys.of(key, config.get("AUDIT_CHECKPOINT_OLD_KEYS") or "")
    path = config.get("AUDIT_CHECKPOINT_FILE") or ""
    return CheckpointWriter(keys, Path(path) if path else None, checkpoints.Schedule(
        int(config.get("AUDIT_CHECKPOINT_EVERY", 1000)),
        float(config.get("AUDIT_CHECKPOINT_MINUTES", 10))))


def init_app(app: Flask) -> None:
    """Checkpoints as the log grows, when a checkpoint key is configured."""
    writer = checkpoint_writer(app.config)
    if writer is not None:
        app.extensions[CHECKPOINTS] = writer


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    problem: str = ""
    seq: int | None = None
    emptied: int = 0   # entries emptied under retention (their places kept)


def _entries(session: Session) -> Iterator[AuditEntry]:
    result = session.scalars(
        select(AuditEntry).order_by(AuditEntry.lane, AuditEntry.lane_seq)
        .execution_options(yield_per=1000)
    )
    try:
        yield from result
    finally:  # a walk that stops early closes its server-side cursor now, not when collected
        result.close()


def verify(session: Session) -> VerifyResult:
    """Walk every lane from its start; report the first entry edited, removed or added.

    An entry emptied under retention (:mod:`loket.audit_retention`) cannot be rehashed: it
    must link to the entry before it, the next must link to it, and a recorded cut must have
    been allowed to empty it."""
    heads = {head.id: head for head in session.scalars(select(AuditHead))}
    cuts = {cut.id: cut for cut in session.scalars(select(AuditCut))}
    emptied = 0
    if set(heads) != set(range(1, LANES + 1)):
        return VerifyResult(False, 0, "the chain's head rows are missing or extra")
    last: dict[int, tuple[int, str]] = {lane: (0, GENESIS) for lane in heads}
    versions = dict.fromkeys(heads, 1)  # a lane's hash rule only goes up
    count = 0
    for entry in _entries(session):
        if entry.lane not in last:
            return VerifyResult(False, count, f"entry {entry.seq} names an unknown lane",
                                entry.seq)
        seen, prev = last[entry.lane]
        if entry.lane_seq != seen + 1:
            return VerifyResult(
                False, count, f"lane {entry.lane}: entry #{seen + 1} is missing (the next one "
                f"found is #{entry.lane_seq}, entry {entry.seq})", entry.seq)
        fields = {k: getattr(entry, k) for k in ALL_FIELDS}
        if entry.chain not in (1, CHAIN_VERSION) or entry.chain < versions[entry.lane]:
            return VerifyResult(False, count, f"entry {entry.seq} claims hash rule "
                                f"{entry.chain} after entries of rule {versions[entry.lane]} "
                                f"in lane {entry.lane}", entry.seq)
        versions[entry.lane] = entry.chain
        if entry.prev_hash != prev:
            return VerifyResult(False, count, f"entry {entry.seq} does not follow the entry "
                                f"before it in lane {entry.lane}", entry.seq)
        if entry.pruned is not None:
            problem = check_emptied(entry, cuts)
            if problem:
                return VerifyResult(False, count, problem, entry.seq)
            emptied += 1
        elif entry_hash(prev, fields) != entry.hash:
            return VerifyResult(False, count, f"entry {entry.seq} was changed after it was "
                                "written", entry.seq)
        last[entry.lane] = (entry.lane_seq, entry.hash)
        count += 1
    for lane, head in sorted(heads.items()):
        seen, prev = last[lane]
        if head.last_seq != seen or head.last_hash != prev:
            return VerifyResult(
                False, count, f"lane {lane}: the log ends at #{seen} but {head.last_seq} "
                "entries were written (entries were removed from its end)")
    return VerifyResult(True, count, emptied=emptied)


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
