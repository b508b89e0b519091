"""Writing and reading dossiers: idempotent upserts with status history, a capacity's pages.

No Flask here: the API layer decides who may call what; these functions do the work inside the
session they are given (the caller commits).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from loket.dossiers.validation import DossierInput, InvalidField, format_timestamp
from loket.models import Client, Dossier, DossierAgent, DossierStatusChange
from loket.models.dossiers import RANK_ACTION, RANK_CLOSED, RANK_OPEN

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
STATUS_FILTERS = ("all", "open", "closed")


def sort_rank(phase_closed: bool, action_required: bool) -> int:
    if phase_closed:
        return RANK_CLOSED
    return RANK_ACTION if action_required else RANK_OPEN


def _rank_of(record: DossierInput) -> int:
    return sort_rank(not record.is_open, record.action_required)


# ---- writing --------------------------------------------------------------------------------

@dataclass
class Written:
    result: str
    dossier: Dossier


def _apply(dossier: Dossier, record: DossierInput, digest: str) -> None:
    dossier.name = record.name
    dossier.type = record.type
    dossier.last_change = record.last_change
    dossier.status_code = record.status_code
    dossier.phase = record.phase
    dossier.status_detail = record.status_detail
    dossier.action_required = record.action_required
    dossier.action_text = record.action_text
    dossier.link = record.link
    dossier.product_numbers = list(record.product_numbers)
    dossier.handler = dict(record.handler) if record.handler else None
    dossier.content_hash = digest


def _status_of(dossier: Dossier) -> tuple[Any, ...]:
    return (dossier.status_code, dossier.phase, dossier.status_detail, dossier.action_required,
            dossier.action_text)


def upsert_many(session: Session, source: str, records: Sequence[DossierInput],
                now: int) -> list[Written]:
    """Create or update each record of ``source``; a record equal to what is stored is left
    alone (no new version, no history entry). Returns one :class:`Written` per record."""
    numbers = [r.number for r in records]
    query = select(Dossier).where(Dossier.source == source, Dossier.number.in_(numbers))
    existing = {d.number: d for d in session.scalars(query.with_for_update())}
    results: list[Written] = []
    status_changed: list[Dossier] = []
    touched: list[tuple[Dossier, DossierInput]] = []
    updated: list[Dossier] = []
    for record in records:
        digest = record.content_hash()
        dossier = existing.get(record.number)
        if dossier is not None and dossier.content_hash == digest:
            results.append(Written(UNCHANGED, dossier))
            continue
        if dossier is None:
            dossier = Dossier(source=source, number=record.number, version=1, created_at=now,
                              updated_at=now)
            _apply(dossier, record, digest)
            session.add(dossier)
            status_changed.append(dossier)
            results.append(Written(CREATED, dossier))
        else:
            before = _status_of(dossier)
            _apply(dossier, record, digest)
            dossier.version += 1
            dossier.updated_at = now
            if _status_of(dossier) != before:
                status_changed.append(dossier)
            updated.append(dossier)
            results.append(Written(UPDATED, dossier))
        touched.append((dossier, record))
    if not touched:
        return results
    session.flush()  # ids of the new dossiers
    if updated:
        # Agents and their copy of the sort key are rewritten whole: a handful of rows.
        session.execute(delete(DossierAgent).where(
            DossierAgent.dossier_id.in_([d.id for d in updated])))
    session.execute(insert(DossierAgent), [
        {"dossier_id": d.id, "identifier": a.identifier, "kind": a.kind, "rights": a.rights,
         "sort_rank": _rank_of(r), "last_change": r.last_change}
        for d, r in touched for a in r.agents
    ])
    if status_changed:
        session.execute(insert(DossierStatusChange), [
            {"dossier_id": d.id, "received_at": now, "last_change": d.last_change,
             "status_code": d.status_code, "phase": d.phase, "status_detail": d.status_detail,
             "action_required": d.action_required, "action_text": d.action_text}
            for d in status_changed
        ])
        asking = [d for d in status_changed if d.action_required]
        if asking:  # each agent gets a message "actie nodig" (loket.messages.system)
            from loket.messages import system

            system.dossier_needs_action(
                session, source, source_names(session, [source]).get(source, source), asking,
                system.agents_of(session, [d.id for d in asking]))
    return results


def upsert(session: Session, source: str, record: DossierInput, now: int) -> Written:
    return upsert_many(session, source, [record], now)[0]


# ---- reading --------------------------------------------------------------------------------

def remove(session: Session, source: str, number: str) -> bool:
    """Remove the dossier, who may see it and its history; False when there is none."""
    found = find(session, source, number)
    if found is None:
        return False
    for model in (DossierAgent, DossierStatusChange):
        session.execute(delete(model).where(model.dossier_id == found.id))
    session.execute(delete(Dossier).where(Dossier.id == found.id))
    return True


def find(session: Session, source: str, number: str) -> Dossier | None:
    return session.scalar(select(Dossier).where(Dossier.source == source, Dossier.number == number))


def agents_of(session: Session, dossier_id: int) -> list[DossierAgent]:
    return list(session.scalars(
        select(DossierAgent).where(DossierAgent.dossier_id == dossier_id)
        .order_by(DossierAgent.kind, DossierAgent.identifier)
    ))


def history_of(session: Session, dossier_id: int) -> list[DossierStatusChange]:
    return list(session.scalars(
        select(DossierStatusChange).where(DossierStatusChange.dossier_id == dossier_id)
        .order_by(DossierStatusChange.id.desc())
    ))


def source_names(session: Session, sources: Iterable[str]) -> dict[str, str]:
    """The organisation behind each source: the one its client was registered for
    (``--organisation``, else its name; see loket.trust)."""
    wanted = set(sources)
    if not wanted:
        return {}
    rows = session.execute(select(Client.id, Client.name, Client.settings)
                           .where(Client.id.in_(wanted)))
    return {cid: str((settings or {}).get("organisation") or name)
            for cid, name, settings in rows}


_CURSOR = re.compile(r"^([0-2])\.(-?\d{1,15})\.(\d{1,19})$")


def encode_cursor(rank: int, last_change: int, dossier_id: int) -> str:
    raw = f"{rank}.{last_change}.{dossier_id}".encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(value: str) -> tuple[int, int, int]:
    """The position a cursor names; :class:`InvalidField` when it is not one of ours."""
    try:
        if len(value) > 64:
            raise ValueError
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("ascii")
        match = _CURSOR.match(raw)
        if match is None:
            raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidField("cursor", "is not a cursor this API handed out; start again without "
                           "it.") from exc
    return int(match[1]), int(match[2]), int(match[3])


@dataclass
class Page:
    items: list[tuple[Dossier, str]]
    next_cursor: str | None
    total: int
    counts: dict[str, int] = field(default_factory=dict)


def counts_for(session: Session, identifier: str) -> dict[str, int]:
    """How many dossiers the identifier may see: open, of which action required, closed."""
    rows: dict[int, int] = {rank: n for rank, n in session.execute(
        select(DossierAgent.sort_rank, func.count())
        .where(DossierAgent.identifier == identifier)
        .group_by(DossierAgent.sort_rank)
    )}
    action, open_, closed = (rows.get(RANK_ACTION, 0), rows.get(RANK_OPEN, 0),
                             rows.get(RANK_CLOSED, 0))
    return {"total": action + open_ + closed, "open": action + open_, "actionRequired": action,
            "closed": closed}


def page_query(identifier: str, *, status: str = "all", limit: int = 20,
               cursor: str | None = None) -> Select[Any]:
    """The read query: ``limit + 1`` rows of (dossier, rights, rank) in reading order."""
    agent = DossierAgent
    query = (
        select(Dossier, agent.rights, agent.sort_rank)
        .join(agent, agent.dossier_id == Dossier.id)
        .where(agent.identifier == identifier)
        .order_by(agent.sort_rank, agent.last_change.desc(), agent.dossier_id.desc())
        .limit(limit + 1)
    )
    if status == "open":
        query = query.where(agent.sort_rank < RANK_CLOSED)
    elif status == "closed":
        query = query.where(agent.sort_rank == RANK_CLOSED)
    if cursor:
        rank, changed, dossier_id = decode_cursor(cursor)
        query = query.where(or_(
            agent.sort_rank > rank,
            and_(agent.sort_rank == rank, or_(
                agent.last_change < changed,
                and_(agent.last_change == changed, agent.dossier_id < dossier_id),
            )),
        ))
    return query


def page_for(session: Session, identifier: str, *, status: str = "all", limit: int = 20,
             cursor: str | None = None) -> Page:
    """One page of the dossiers ``identifier`` is an agent of: open first, action required on
    top, then the most recently changed; with counts for the whole list."""
    query = page_query(identifier, status=status, limit=limit, cursor=cursor)
    rows = session.execute(query).all()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        last, _, rank = rows[-1]
        next_cursor = encode_cursor(rank, last.last_change, last.id)
    counts = counts_for(session, identifier)
    total = counts["total"] if status == "all" else counts[status]
    return Page([(d, rights) for d, rights, _ in rows], next_cursor, total, counts)


# ---- JSON shapes ----------------------------------------------------------------------------

def status_view(code: str, phase: str, detail: str | None, required: bool,
                text: str | None) -> dict[str, Any]:
    return {"code": code, "phase": phase, "detail": detail,
            "action": {"required": bool(required), "text": text}}


def dossier_view(dossier: Dossier, source_name: str | None) -> dict[str, Any]:
    """What every reader sees of a dossier (no agents: they may be other people)."""
    return {
        "source": {"id": dossier.source, "name": source_name or dossier.source},
        "number": dossier.number,
        "name": dossier.name,
        "type": dossier.type,
        "lastChange": format_timestamp(dossier.last_change),
        "open": dossier.phase != "Afgerond",
        "status": status_view(dossier.status_code, dossier.phase, dossier.status_detail,
                              dossier.action_required, dossier.action_text),
        "link": dossier.link,
        "productNumbers": list(dossier.product_numbers or []),
        "handler": dossier.handler,
    }


def history_view(rows: Sequence[DossierStatusChange]) -> list[dict[str, Any]]:
    return [{
        "lastChange": format_timestamp(h.last_change),
        "received": format_timestamp(h.received_at),
        "status": status_view(h.status_code, h.phase, h.status_detail, h.action_required,
                              h.action_text),
    } for h in rows]


def source_view(session: Session, dossier: Dossier, source_name: str | None, *,
                history: bool = False) -> dict[str, Any]:
    """The back office's view of its own dossier: everything it sent, plus bookkeeping."""
    view = dossier_view(dossier, source_name)
    view["agents"] = [{"identifier": a.identifier, "type": a.kind, "rights": a.rights}
                      for a in agents_of(session, dossier.id)]
    view["version"] = dossier.version
    view["created"] = format_timestamp(dossier.created_at)
    view["updated"] = format_timestamp(dossier.updated_at)
    if history:
        view["history"] = history_view(history_of(session, dossier.id))
    return view
