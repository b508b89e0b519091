"""Retention of the audit log: how long each kind of entry is kept, and pruning that keeps the
chain verifiable.

An entry past its retention is *emptied*, not deleted: who acted, in which capacity, through
which client, from which address, about whom, the resource, the reason and the details go; its
place in its lane (``seq``, ``lane``, ``lane_seq``, ``prev_hash``, ``hash``), its time,
operation and outcome stay. The next entry of the lane still chains to its hash, so
:func:`loket.audit.verify` walks the lane as before (it cannot recompute an emptied entry's hash,
only check that it links).

One run of the pruning is a *cut* (table ``audit_cuts``): the times before which it emptied
each operation's entries. With a checkpoint key, the cut is also a signed checkpoint outside the
database (:mod:`loket.audit_checkpoints`) carrying, lane by lane, how many entries it emptied
and a digest of their places and hashes. :func:`prove_cuts` checks the emptied entries against
those: an entry emptied by anyone else (a database administrator hiding what it said) is named.
Before emptying an entry the pruning checks that it still carries its hash: pruning never hides
an edit. No Flask here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, false, func, or_, select, update
from sqlalchemy.orm import Session

from loket import inputs
from loket.audit_chain import ALL_FIELDS, entry_hash
from loket.audit_checkpoints import Proof
from loket.models import AuditCut, AuditEntry

REST = "*"
FOREVER = "forever"
BATCH = 5000
ISO = "%Y-%m-%dT%H:%M:%S.%fZ"
# Sign-ins and tokens a year and a month; reads of personal data, changes and the rest five
# years; what the security officer did ten (docs/operations.md, "Retention").
DEFAULT = ("authorize=400,sign-in=400,sign-out=400,token-issue=400,code-replay=400,"
           "capacity-switch=400,capacity-hint-refused=400,"
           "audit-search=3660,audit-desk=3660,officer-grant=3660,officer-revoke=3660,*=1830")
EMPTIED: dict[str, Any] = {"ip": None, "actor": None, "capacity": None, "client_id": None,
                           "resource": "", "reason": None, "subject": None, "detail": {}}


class RetentionProblem(ValueError):
    """Retention cannot be applied as asked; the message says what to do."""


def for_operation(by_operation: dict[str, Any], operation: str) -> Any:
    """What a table keyed by operation (with ``*`` for the rest) says for ``operation``."""
    return by_operation[operation] if operation in by_operation else by_operation.get(REST)


@dataclass(frozen=True)
class Rules:
    """Days each operation's entries are kept (None: forever); ``*`` for every other one."""

    days: dict[str, int | None]

    @classmethod
    def parse(cls, text: str) -> Rules:
        days: dict[str, int | None] = {}
        for part in (p.strip() for p in (text or DEFAULT).split(",")):
            if not part:
                continue
            operation, sep, value = (s.strip() for s in part.partition("="))
            if not sep or not operation:
                raise RetentionProblem(f"LOKET_AUDIT_RETENTION: {part!r} is not operation=days "
                                       "(e.g. sign-in=400,*=1830)")
            if value == FOREVER:
                days[operation] = None
                continue
            try:
                days[operation] = inputs.whole_number(value, low=1)
            except inputs.NotAWholeNumber:
                raise RetentionProblem(f"LOKET_AUDIT_RETENTION: {operation} must be kept a whole "
                                       f"number of days (at least 1) or {FOREVER}, not "
                                       f"{value!r}") from None
        days.setdefault(REST, None)
        return cls(days)

    def kept(self, operation: str) -> int | None:
        """The days ``operation``'s entries are kept (None: forever)."""
        return for_operation(self.days, operation)

    def before(self, now: datetime) -> dict[str, str | None]:
        """Operation (or ``*``) → the time before which its entries go (None: kept forever)."""
        return {op: None if n is None else (now - timedelta(days=n)).strftime(ISO)
                for op, n in sorted(self.days.items())}


def _due(before: dict[str, str | None]) -> Any:
    """The entries a cut with ``before`` empties (that are not emptied yet)."""
    named = [op for op in before if op != REST]
    conditions = [and_(AuditEntry.operation == op, AuditEntry.at < when)
                  for op, when in before.items() if op != REST and when is not None]
    rest = before.get(REST)
    if rest is not None:
        conditions.append(and_(AuditEntry.operation.not_in(named), AuditEntry.at < rest)
                          if named else AuditEntry.at < rest)
    return and_(AuditEntry.pruned.is_(None), or_(*conditions) if conditions else false())


def plan(session: Session, rules: Rules, now: datetime) -> dict[str, int]:
    """How many entries a cut now would empty, per operation."""
    before = rules.before(now)
    counted = session.execute(select(AuditEntry.operation, func.count())
                              .where(_due(before)).group_by(AuditEntry.operation))
    return {op: int(n) for op, n in sorted(counted.all())}


@dataclass
class Cut:
    id: int
    at: str
    before: dict[str, str | None]
    emptied: int = 0
    lanes: dict[str, list[Any]] = field(default_factory=dict)  # lane → [count, digest]

    def signed_part(self) -> dict[str, Any]:
        """What the cut's checkpoint carries besides the lanes' heads."""
        return {"id": self.id, "at": self.at, "before": self.before, "emptied": self.emptied,
                "lanes": self.lanes}


def _line(lane_seq: int, at: str, operation: str, outcome: str, hash_: str) -> bytes:
    return f"{lane_seq}:{at}:{operation}:{outcome}:{hash_}\n".encode()


def digests(session: Session, cut: int) -> dict[str, list[Any]]:
    """Lane → [count, digest] of the entries cut ``cut`` emptied, in lane order."""
    counts: dict[str, int] = {}
    hashers: dict[str, Any] = {}
    for row in session.execute(
            select(AuditEntry.lane, AuditEntry.lane_seq, AuditEntry.at, AuditEntry.operation,
                   AuditEntry.outcome, AuditEntry.hash).where(AuditEntry.pruned == cut)
            .order_by(AuditEntry.lane, AuditEntry.lane_seq).execution_options(yield_per=BATCH)):
        lane = str(row.lane)
        hashers.setdefault(lane, hashlib.sha256()).update(
            _line(row.lane_seq, row.at, row.operation, row.outcome, row.hash))
        counts[lane] = counts.get(lane, 0) + 1
    return {lane: [counts[lane], hasher.hexdigest()] for lane, hasher in hashers.items()}


def prune(session: Session, rules: Rules, now: datetime,
          progress: Callable[[int], None] | None = None) -> Cut:
    """Empty every entry past its retention, in one transaction (the caller commits); returns
    the cut, telling ``progress`` how many are emptied so far. :class:`RetentionProblem` (and
    nothing emptied) when an entry to empty no longer carries its hash."""
    before = rules.before(now)
    row = AuditCut(at=now.strftime(ISO), before=before, entries=0)
    session.add(row)
    session.flush()
    cut = Cut(row.id, row.at, before)
    columns = [getattr(AuditEntry, name) for name in ALL_FIELDS if name != "seq"]
    last = 0
    while True:
        batch = session.execute(
            select(AuditEntry.seq, AuditEntry.prev_hash, AuditEntry.hash, *columns)
            .where(_due(before), AuditEntry.seq > last).order_by(AuditEntry.seq).limit(BATCH)
        ).all()
        if not batch:
            break
        for entry in batch:
            fields = {name: getattr(entry, name) for name in ALL_FIELDS}
            if entry_hash(entry.prev_hash, fields) != entry.hash:
                raise RetentionProblem(
                    f"entry {entry.seq} no longer carries its hash: it was changed after it was "
                    "written, and emptying it would hide that. Nothing was pruned; run `loket "
                    "audit verify` and have the security officer look into it first")
        seqs = [entry.seq for entry in batch]
        session.execute(update(AuditEntry).where(AuditEntry.seq.in_(seqs))
                        .values(**EMPTIED, pruned=cut.id)
                        .execution_options(synchronize_session=False))
        cut.emptied += len(seqs)
        last = seqs[-1]
        if progress is not None:
            progress(cut.emptied)
    cut.lanes = digests(session, cut.id)
    row.entries = cut.emptied
    return cut


# ---- proving ---------------------------------------------------------------------------------

def check_emptied(entry: AuditEntry, cuts: dict[int, AuditCut]) -> str:
    """Why an emptied entry cannot have been emptied by the cut it names ("" when it can): the
    database's own record of the cuts (someone rewriting both is found by :func:`prove_cuts`)."""
    cut = cuts.get(int(entry.pruned or 0))
    if cut is None:
        return f"entry {entry.seq} was emptied, but no pruning (cut {entry.pruned}) is recorded"
    before = for_operation(cut.before, entry.operation)
    if before is None or entry.at >= before:
        return (f"entry {entry.seq} ({entry.operation} of {entry.at[:19]}) was emptied, but the "
                f"pruning of {cut.at[:19]} kept such entries")
    return ""


def prove_cuts(session: Session, checkpoints: Sequence[dict[str, Any]]) -> Proof:
    """The emptied entries against the signed cuts of the checkpoint file (whose signatures
    :func:`loket.audit_checkpoints.verify` has checked)."""
    signed = {int(cp["cut"]["id"]): cp["cut"] for cp in checkpoints if "cut" in cp}
    present = [int(c) for c in session.scalars(
        select(AuditEntry.pruned).where(AuditEntry.pruned.is_not(None)).distinct()) if c]
    for cut_id in sorted(set(present) - set(signed)):
        first = session.scalar(select(func.min(AuditEntry.seq))
                               .where(AuditEntry.pruned == cut_id))
        return Proof(False, f"entry {first} was emptied outside any pruning a checkpoint "
                            f"records (cut {cut_id} was never signed): what it said is lost, "
                            "and the emptying is tampering", first_suspect=first)
    for cut_id, cut in sorted(signed.items()):
        actual = digests(session, cut_id)
        for lane in sorted(set(actual) | set(cut["lanes"]), key=int):
            expected = cut["lanes"].get(lane, [0, ""])
            if actual.get(lane, [0, ""]) == list(expected):
                continue
            first = _first_beyond(session, cut_id, int(lane), expected)
            which = (f"the first entry that may have been emptied or changed since is entry "
                     f"{first}" if first is not None else "none of them is marked emptied now")
            return Proof(False, f"lane {lane}: the entries emptied under the pruning of "
                                f"{cut['at'][:19]} (cut {cut_id}) are not the {expected[0]} it "
                                f"signed; {which}", first_suspect=first, lane=int(lane))
    return Proof(True, f"the entries emptied by {len(signed)} pruning(s) are exactly those "
                       "their checkpoints signed" if signed else "no entry was emptied")


def _first_beyond(session: Session, cut: int, lane: int, signed: Sequence[Any]) -> int | None:
    """The first entry of ``cut`` in ``lane`` that its signed ``[count, digest]`` does not vouch
    for: the one after the signed ones when those still match, else the first of the lane."""
    rows = session.execute(
        select(AuditEntry.seq, AuditEntry.lane_seq, AuditEntry.at, AuditEntry.operation,
               AuditEntry.outcome, AuditEntry.hash)
        .where(AuditEntry.pruned == cut, AuditEntry.lane == lane)
        .order_by(AuditEntry.lane_seq)).all()
    count = int(signed[0])
    hasher = hashlib.sha256()
    for row in rows[:count]:
        hasher.update(_line(row.lane_seq, row.at, row.operation, row.outcome, row.hash))
    if len(rows) > count and hasher.hexdigest() == signed[1]:
        return int(rows[count].seq)
    return int(rows[0].seq) if rows else None
