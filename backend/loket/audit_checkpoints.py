"""Checkpoints: tamper evidence for the audit log that survives a database administrator.

The hash chain (:mod:`loket.audit`) finds any edit by someone who cannot rewrite the rest of a
lane; someone with write access to the database can rewrite a lane and its head row
consistently. A checkpoint records every lane's last ``lane_seq`` and hash, signed (HMAC-SHA256)
with a key kept **outside the database** (``LOKET_AUDIT_CHECKPOINT_KEY``), and is written
**outside the database**: appended to a file (``LOKET_AUDIT_CHECKPOINT_FILE``, one JSON object
per line) and sent to the log stream (logger ``loket.audit.checkpoint``). Whoever can rewrite the
database cannot also rewrite what the checkpoint file and the log stream already hold, nor sign
a new checkpoint without the key.

:func:`verify` checks the log against the checkpoints: the entry at each checkpointed position
must still carry the checkpointed hash. It names the last checkpoint the log still matches, and
the first entry after it that may have been rewritten. Keys rotate: the current key signs, the
old ones (``LOKET_AUDIT_CHECKPOINT_OLD_KEYS``) still verify; a checkpoint names its key by a
short id. No Flask here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from loket.models import AuditEntry, AuditHead

LOG = logging.getLogger("loket.audit.checkpoint")
MIN_KEY = 32


class CheckpointError(ValueError):
    """Checkpoints cannot be written or read as configured; the message says what to do."""


def key_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Keys:
    """The signing key and the keys that still verify, by their ids."""

    current: str
    old: tuple[str, ...] = ()

    @classmethod
    def of(cls, current: str, old: str = "") -> Keys:
        if len(current) < MIN_KEY:
            raise CheckpointError(f"LOKET_AUDIT_CHECKPOINT_KEY must be at least {MIN_KEY} "
                                  "characters (e.g. `openssl rand -hex 32`), kept outside the "
                                  "database")
        return cls(current, tuple(k for k in (p.strip() for p in old.split(",")) if k))

    def by_id(self) -> dict[str, str]:
        return {key_id(k): k for k in (self.current, *self.old)}


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def sign(body: dict[str, Any], key: str) -> str:
    return hmac.new(key.encode(), _canonical(body), hashlib.sha256).hexdigest()


def take(session: Session, keys: Keys, cut: dict[str, Any] | None = None) -> dict[str, Any]:
    """A signed checkpoint of every lane's head as the database holds it now; with ``cut``, it
    also marks a pruning (:mod:`loket.audit_retention`)."""
    heads = {str(h.id): [int(h.last_seq), h.last_hash]
             for h in session.scalars(select(AuditHead).order_by(AuditHead.id))}
    last = session.scalar(select(func.max(AuditEntry.seq))) or 0
    body = {"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "seq": int(last),
            "lanes": heads, "kid": key_id(keys.current)}
    if cut is not None:
        body["cut"] = cut
    return {**body, "sig": sign(body, keys.current)}


def write(checkpoint: dict[str, Any], path: Path | None) -> None:
    """Append to the checkpoint file (one line, one write: appends from several processes do
    not interleave) and send to the log stream."""
    line = json.dumps(checkpoint, sort_keys=True, separators=(",", ":"))
    if path is not None:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)
    LOG.info("audit checkpoint %s", line, extra={"checkpoint": checkpoint})


def read(path: Path) -> list[dict[str, Any]]:
    """The checkpoints of a file, oldest first."""
    if not path.exists():
        raise CheckpointError(f"no checkpoint file at {path}: set LOKET_AUDIT_CHECKPOINT_FILE "
                              "to where `loket audit checkpoint` writes them")
    found = []
    for number, text in enumerate(path.read_text().splitlines(), 1):
        if not text.strip():
            continue
        try:
            found.append({**json.loads(text), "_line": number})
        except json.JSONDecodeError as exc:
            raise CheckpointError(f"{path}, line {number}: not a checkpoint ({exc})") from exc
    return found


@dataclass(frozen=True)
class Proof:
    ok: bool
    message: str
    checkpoints: int = 0
    last_good: str | None = None     # when the last checkpoint the log still matches was taken
    first_suspect: int | None = None  # seq of the first entry that may have been rewritten
    lane: int | None = None


def verify(session: Session, checkpoints: Sequence[dict[str, Any]], keys: Keys) -> Proof:
    """The log against its checkpoints, oldest first: every checkpoint's signature, then the
    hash of every checkpointed lane position. A position that no longer carries its hash (or
    no longer exists) is tampering: the proof names the checkpoint before it and the first
    entry of that lane after it."""
    if not checkpoints:
        return Proof(False, "no checkpoint to prove the log against: run `loket audit "
                            "checkpoint` (and from cron), then verify again")
    known = keys.by_id()
    wanted: set[tuple[int, int]] = set()
    for cp in checkpoints:
        key = known.get(str(cp.get("kid")))
        body = {k: v for k, v in cp.items() if k not in ("sig", "_line")}
        if key is None:
            return Proof(False, f"checkpoint of {cp.get('at')} (line {cp.get('_line')}) is "
                                f"signed with key {cp.get('kid')}, which is not configured: "
                                "add it to LOKET_AUDIT_CHECKPOINT_OLD_KEYS")
        if not hmac.compare_digest(str(cp.get("sig")), sign(body, key)):
            return Proof(False, f"checkpoint of {cp.get('at')} (line {cp.get('_line')}) does "
                                "not carry a valid signature: the checkpoint file was altered")
        wanted.update((int(lane), int(pos[0])) for lane, pos in cp["lanes"].items() if pos[0])
    hashes = _hashes_at(session, wanted)
    last_good: dict[str, Any] | None = None
    for cp in checkpoints:
        for lane, (pos, expected) in sorted(cp["lanes"].items(), key=lambda i: int(i[0])):
            if not pos:
                continue
            found = hashes.get((int(lane), int(pos)))
            if found is None or found[1] != expected:
                since = int(last_good["lanes"].get(lane, [0])[0]) if last_good else 0
                first = _seq_at(session, int(lane), since + 1)
                what = "is missing" if found is None else "no longer carries its hash"
                where = (f"the last checkpoint it matches is {last_good['at']}" if last_good
                         else "it matches no checkpoint")
                return Proof(False, f"lane {lane} was rewritten: its entry #{pos} {what} in "
                             f"the checkpoint of {cp['at']}; {where}; the first entry that "
                             f"may have been rewritten is entry {first} (lane {lane} "
                             f"#{since + 1})", len(checkpoints),
                             last_good["at"] if last_good else None, first, int(lane))
        last_good = cp
    assert last_good is not None
    after = session.scalar(select(func.count()).select_from(AuditEntry)
                           .where(AuditEntry.seq > int(last_good["seq"]))) or 0
    tail = (f"; {after} entries written since are covered by the hash chain only until the "
            "next checkpoint") if after else ""
    return Proof(True, f"the log matches all {len(checkpoints)} checkpoints, the last of "
                       f"{last_good['at']} (up to entry {last_good['seq']}){tail}",
                 len(checkpoints), str(last_good["at"]))


def _hashes_at(session: Session, positions: Iterable[tuple[int, int]]
               ) -> dict[tuple[int, int], tuple[int, str]]:
    found: dict[tuple[int, int], tuple[int, str]] = {}
    wanted = sorted(positions)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for entry in session.execute(
                select(AuditEntry.lane, AuditEntry.lane_seq, AuditEntry.seq, AuditEntry.hash)
                .where(tuple_(AuditEntry.lane, AuditEntry.lane_seq).in_(chunk))):
            found[(entry.lane, entry.lane_seq)] = (entry.seq, entry.hash)
    return found


def _seq_at(session: Session, lane: int, lane_seq: int) -> int | None:
    return session.scalar(select(AuditEntry.seq).where(AuditEntry.lane == lane,
                                                       AuditEntry.lane_seq == lane_seq))


# ---- taken as the log grows -----------------------------------------------------------------

@dataclass
class Schedule:
    """Take a checkpoint after ``every`` entries or ``minutes`` minutes in this process,
    whichever comes first (0 turns either off). Threads of one process share it."""

    every: int
    minutes: float
    written: int = 0
    since: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def due(self, appended: int, now: float) -> bool:
        with self.lock:
            self.written += appended
            if not self.since:
                self.since = now
            if (self.every and self.written >= self.every) or (
                    self.minutes and now - self.since >= self.minutes * 60):
                self.written, self.since = 0, now
                return True
            return False
