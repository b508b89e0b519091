"""An in-memory bitmap index of the register for the public search's filters, facets and sort.

Every association has a position, in name order (accents and case folded, then id); every
hoofdactiviteit and werkingsgebied code has a bitset (a Python int) of the positions that carry
it, and one bitset holds the associations the public may see (``Actief``, not opted out).
Filtering is AND/OR of bitsets, a facet count is ``(hits & code).bit_count()``, and a page in
name order is the lowest set bits: each a few microseconds, however many associations match.
Full text stays in the database's own index (FTS5 / ``tsvector``); its ids become a bitset.

The index is exact, never stale: each search reads the register's last event sequence number
(one row) and first applies the events since the index was built — changed associations get
their bits updated; a new or renamed one (which moves positions) rebuilds the index. Writers
never touch it; each process keeps its own, built on its first search.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

# Bit offsets set in each byte value, for walking a bitset in position order.
_BITS = tuple(tuple(i for i in range(8) if value >> i & 1) for value in range(256))
_NONZERO = re.compile(rb"[^\x00]")
REBUILD_AFTER = 500  # changed associations in one refresh beyond which a rebuild is cheaper


def fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def bitset(positions: Iterable[int], size: int) -> int:
    buf = bytearray((size + 7) // 8)
    for p in positions:
        buf[p >> 3] |= 1 << (p & 7)
    return int.from_bytes(buf, "little")


def positions(bits: int, size: int, skip: int = 0) -> Iterator[int]:
    """Set positions of ``bits``, lowest first, after skipping ``skip`` of them."""
    data = bits.to_bytes((size + 7) // 8 or 1, "little")
    for match in _NONZERO.finditer(data):  # the regex engine skips the empty stretches
        index = match.start()
        found = _BITS[data[index]]
        if skip >= len(found):
            skip -= len(found)
            continue
        for bit in found[skip:]:
            yield index * 8 + bit
        skip = 0


@dataclass(frozen=True)
class Snapshot:
    """The index as of event ``seq``; never changed once published (a refresh makes a copy)."""

    seq: int
    ids: array                           # position → association id
    keys: array                          # position → hash of the folded name (to see a rename)
    pos: array                           # association id → position (-1: none)
    visible: int
    activities: dict[str, int]
    areas: dict[str, int]
    activities_of: list[tuple[str, ...]] = field(repr=False)
    areas_of: list[tuple[str, ...]] = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.ids)

    def position(self, assoc_id: int) -> int:
        return self.pos[assoc_id] if 0 <= assoc_id < len(self.pos) else -1

    def of_ids(self, ids: Iterable[int]) -> int:
        """The bitset of these association ids (a full-text result)."""
        pos, known = self.pos, len(self.pos)
        buf = bytearray((self.size + 7) // 8)
        for assoc_id in ids:
            if assoc_id < known:
                p = pos[assoc_id]
                if p >= 0:
                    buf[p >> 3] |= 1 << (p & 7)
        return int.from_bytes(buf, "little")

    def any_of(self, masks: dict[str, int], codes: Iterable[str]) -> int:
        combined = 0
        for code in codes:
            combined |= masks.get(code, 0)
        return combined


def _rows(session: Session, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
    if params is not None:
        return list(session.execute(text(sql), params).tuples())
    # straight from the driver: building the index reads a few hundred thousand rows
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _visible(status: str, opt_out: Any) -> bool:
    return status == "Actief" and not opt_out


def build(session: Session, seq: int) -> Snapshot:
    """The whole index from the database, as of event ``seq``."""
    rows = _rows(session, "SELECT id, naam, status, opt_out FROM associations")
    keyed = sorted(((fold(r[1]), r[0], r[2], r[3]) for r in rows), key=lambda k: (k[0], k[1]))
    del rows
    ids = array("q", (k[1] for k in keyed))
    pos = array("q", [-1]) * (max(ids, default=0) + 1)
    for p, assoc_id in enumerate(ids):
        pos[assoc_id] = p
    size = len(ids)
    codes: dict[Any, Any] = {}  # one object per code and per code combination, shared
    acts: dict[int, list[str]] = {}
    for assoc_id, code in _rows(session, "SELECT association_id, code FROM association_activities"):
        acts.setdefault(assoc_id, []).append(codes.setdefault(code, code))
    areas: dict[int, list[str]] = {}
    for assoc_id, code in _rows(session, "SELECT association_id, code FROM association_areas"):
        areas.setdefault(assoc_id, []).append(codes.setdefault(code, code))
    activities_of = [_shared(codes, acts.get(i)) for i in ids]
    areas_of = [_shared(codes, areas.get(i)) for i in ids]
    return Snapshot(
        seq=seq, ids=ids, keys=array("q", (hash(k[0]) for k in keyed)), pos=pos,
        visible=bitset((p for p, k in enumerate(keyed) if _visible(k[2], k[3])), size),
        activities=_masks(activities_of, size), areas=_masks(areas_of, size),
        activities_of=activities_of, areas_of=areas_of,
    )


def _shared(cache: dict[Any, Any], found: list[str] | None) -> tuple[str, ...]:
    combination = tuple(sorted(found)) if found else ()
    return cache.setdefault(combination, combination)  # type: ignore[no-any-return]


def _masks(codes_of: list[tuple[str, ...]], size: int) -> dict[str, int]:
    members: dict[str, list[int]] = {}
    for p, codes in enumerate(codes_of):
        for code in codes:
            members.setdefault(code, []).append(p)
    return {code: bitset(ps, size) for code, ps in members.items()}


def _apply(session: Session, snap: Snapshot, changed: list[int], seq: int) -> Snapshot | None:
    """A copy of ``snap`` with the changed associations' bits redone; None when positions
    move (an association was added, renamed or removed) and a rebuild is needed."""
    if not changed or any(snap.position(i) < 0 for i in changed):
        return None if changed else replace(snap, seq=seq)
    params = {f"i{n}": i for n, i in enumerate(changed)}
    marks = ", ".join(f":{k}" for k in params)
    rows = _rows(session, f"SELECT id, naam, status, opt_out FROM associations "  # noqa: S608
                          f"WHERE id IN ({marks})", params)
    if len(rows) != len(changed):
        return None
    acts = _codes(session, "association_activities", marks, params)
    areas = _codes(session, "association_areas", marks, params)
    visible, activities, area_masks = snap.visible, dict(snap.activities), dict(snap.areas)
    activities_of, areas_of = list(snap.activities_of), list(snap.areas_of)
    for assoc_id, naam, status, opt_out in rows:
        p = snap.position(assoc_id)
        if hash(fold(naam)) != snap.keys[p]:
            return None
        bit = 1 << p
        visible = visible | bit if _visible(status, opt_out) else visible & ~bit
        for masks, old, new in ((activities, activities_of, acts), (area_masks, areas_of, areas)):
            now = tuple(sorted(new.get(assoc_id, ())))
            for code in set(old[p]) - set(now):
                masks[code] &= ~bit
            for code in set(now) - set(old[p]):
                masks[code] = masks.get(code, 0) | bit
            old[p] = now
    return replace(snap, seq=seq, visible=visible, activities=activities, areas=area_masks,
                   activities_of=activities_of, areas_of=areas_of)


def _codes(session: Session, table: str, marks: str, params: dict[str, int]
           ) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for assoc_id, code in _rows(session, f"SELECT association_id, code FROM {table} "  # noqa: S608
                                         f"WHERE association_id IN ({marks})", params):
        found.setdefault(assoc_id, []).append(code)
    return found


def last_sequence(session: Session) -> int:
    """The sequence number of the register's last event (one row)."""
    return int(session.execute(text("SELECT last_seq FROM register_head WHERE id = 1"))
               .scalar_one())


class SearchIndex:
    """The process's index; :meth:`current` brings it up to the register's last event."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    def current(self, session: Session) -> Snapshot:
        seq = last_sequence(session)
        snap = self._snapshot
        if snap is not None and snap.seq >= seq:
            return snap
        with self._lock:
            snap = self._snapshot
            if snap is None or snap.seq < seq:
                snap = self._refresh(session, snap, seq)
                self._snapshot = snap
            return snap

    def _refresh(self, session: Session, snap: Snapshot | None, seq: int) -> Snapshot:
        if snap is not None:
            changed = [row[0] for row in _rows(
                session, "SELECT DISTINCT association_id FROM association_events "
                         "WHERE seq > :since AND seq <= :upto",
                {"since": snap.seq, "upto": seq})]
            if len(changed) <= REBUILD_AFTER:
                updated = _apply(session, snap, changed, seq)
                if updated is not None:
                    return updated
        return build(session, seq)

    def forget(self) -> None:
        self._snapshot = None
