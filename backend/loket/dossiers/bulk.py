"""Generated dossiers in bulk (``loket seed-demo --dossiers N``), for benchmarks and load tests.

Rows go in with executemany inserts (SQLite) or COPY (PostgreSQL), a batch per transaction,
bypassing the ORM: a million dossiers take a minute or two, not an hour.

Who gets them: one in a thousand goes to FC Groenbeek (V0001001) and one in a thousand to one
of the other demo capacities, so the demo persons have long lists to page through; those are
older than the hand-made demo dossiers and need no action, so the demo's own stay on top. The
rest go to generated associations (60 %), citizens (25 %) and companies (15 %), about ten
dossiers each; three in ten also name a second agent (a citizen).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Connection, func, select, text

from loket import audit
from loket.db import Database
from loket.dossiers import demo
from loket.dossiers.store import sort_rank
from loket.identifiers import format_vcode, make_insz, make_kbo
from loket.models import Dossier

DAY = 86400
BATCH = 10_000

DOSSIER_COLUMNS = ("id", "source", "number", "name", "type", "last_change", "status_code",
                   "phase", "status_detail", "action_required", "action_text", "link",
                   "product_numbers", "handler", "content_hash", "version", "created_at",
                   "updated_at")
AGENT_COLUMNS = ("dossier_id", "identifier", "kind", "rights", "sort_rank", "last_change")
HISTORY_COLUMNS = ("dossier_id", "received_at", "last_change", "status_code", "phase",
                   "status_detail", "action_required", "action_text")

# (phase, status code, weight): about half of all dossiers are closed, as in real back offices.
_STATES = (
    ("Samenstelling", "Aangevraagd", 4), ("Samenstelling", "DossierOnvolledig", 3),
    ("Behandeling", "Ingediend", 5), ("Behandeling", "Ontvankelijk", 5),
    ("Behandeling", "InBehandeling", 12), ("Behandeling", "InWacht", 4),
    ("Beslissing", "Beslist", 5), ("Beroep", "InBehandeling", 2),
    ("Uitvoering", "Goedgekeurd", 6), ("Uitvoering", "Betaald", 4),
    ("Afgerond", "Uitgevoerd", 20), ("Afgerond", "Geweigerd", 8),
    ("Afgerond", "Stopgezet", 6), ("Afgerond", "Betaald", 16),
)
_TYPES = (("Subsidie", "Subsidie {} {}"), ("Vergunning", "Evenementvergunning {} {}"),
          ("Premie", "Premie {} {}"), ("Melding", "Melding {} {}"),
          ("Reservatie", "Zaalreservatie {} {}"), ("Erkenning", "Erkenning {} {}"))
_TOPICS = ("jeugdwerking", "sportkamp", "buurtfeest", "wijkfeest", "cultuurproject",
           "renovatie clublokaal", "zomerkamp", "concert", "vorming", "materiaal")
_DEMO_OTHERS = (demo.DE_SCHAKEL, demo.DE_RIETGORS, demo.JAN, demo.ELS, demo.AN,
                demo.PEETERS_BOUW)


def _kind(identifier: str) -> str:
    if identifier.startswith("V"):
        return "vCode"
    return "KBO" if len(identifier) == 10 else "INSZ"


def _citizen(k: int) -> str:
    """A valid INSZ per k; serials 500-899 never meet the demo persons or bulk associations."""
    day = k // 400
    birth = f"{30 + day % 70:02d}{1 + (day // 70) % 12:02d}{1 + (day // 840) % 28:02d}"
    return make_insz(birth, 500 + k % 400)


class Generator:
    """Rows for dossiers with consecutive ids; deterministic for a given seed."""

    def __init__(self, count: int, now: int, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.pool = max(1000, count // 10)
        self.sources = [client_id for client_id, _ in demo.BACK_OFFICES]
        states = [(p, c) for p, c, _ in _STATES]
        weights = [w for _, _, w in _STATES]
        self._states = self.rng.choices(states, weights, k=4096)

    def _agent(self, seq: int) -> str:
        if seq % 1000 == 0:
            return demo.FC_GROENBEEK
        if seq % 1000 == 500:
            return _DEMO_OTHERS[(seq // 1000) % len(_DEMO_OTHERS)]
        pick = self.rng.random()
        k = self.rng.randrange(self.pool)
        if pick < 0.60:
            return format_vcode(2_000_000 + k)
        if pick < 0.85:
            return _citizen(k)
        return make_kbo(10_000_000 + k)

    def rows(self, first_id: int, ids: list[int]) -> tuple[list[tuple], list[tuple], list[tuple]]:
        """Dossier, agent and history rows for the given ids (``first_id`` numbers them)."""
        rng, now = self.rng, self.now
        dossiers, agents, history = [], [], []
        for offset, dossier_id in enumerate(ids):
            seq = first_id + offset
            main = self._agent(seq)
            is_demo = main == demo.FC_GROENBEEK or main in _DEMO_OTHERS
            phase, code = self._states[rng.randrange(4096)]
            closed = phase == "Afgerond"
            action = not closed and not is_demo and rng.random() < 0.15
            age = rng.randrange(400 if is_demo else 1, 1100) * DAY + rng.randrange(DAY)
            last_change = now - age
            kind, pattern = _TYPES[seq % len(_TYPES)]
            name = pattern.format(_TOPICS[seq % len(_TOPICS)], 2022 + seq % 4)
            source = self.sources[seq % len(self.sources)]
            number = f"GEN-{seq:08d}"
            action_text = "Bezorg de ontbrekende documenten." if action else None
            dossiers.append((
                dossier_id, source, number, name, kind, last_change, code, phase, None, action,
                action_text, f"https://dossiers.example/{source}/{number}", "[]", None,
                hashlib.sha256(number.encode()).hexdigest(), 1, now, now,
            ))
            rank = sort_rank(closed, action)
            agents.append((dossier_id, main, _kind(main), "beheren", rank, last_change))
            if not is_demo and rng.random() < 0.3:
                second = _citizen(rng.randrange(self.pool))
                if second != main:
                    agents.append((dossier_id, second, "INSZ", "raadplegen", rank, last_change))
            history.append((dossier_id, now, last_change, code, phase, None, action, action_text))
        return dossiers, agents, history


def _copy(conn: Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    raw: Any = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN"  # noqa: S608 - constant names
    ) as copy:
        for row in rows:
            copy.write_row(row)


def _insert(conn: Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    marks = ", ".join("?" for _ in columns)
    conn.exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
        rows,  # type: ignore[arg-type]
    )


def _ids(conn: Connection, postgres: bool, count: int) -> Iterator[int]:
    if postgres:
        # Drawn from the sequence, so API writes running beside us never collide.
        yield from conn.execute(text(
            "SELECT nextval(pg_get_serial_sequence('dossiers', 'id')) "
            "FROM generate_series(1, :n)"), {"n": count}).scalars()
    else:
        # SQLite: this transaction holds the write lock (BEGIN IMMEDIATE), nobody else inserts.
        start = (conn.execute(select(func.max(Dossier.id))).scalar() or 0) + 1
        yield from range(start, start + count)


def add(database: Database, count: int, *, now: int, seed: int = 7,
        progress: Callable[[int], None] | None = None) -> int:
    """Add ``count`` generated dossiers, a batch per transaction; returns how many."""
    postgres = not database.is_sqlite
    write = _copy if postgres else _insert
    with database.transaction() as session:
        # Numbering continues after earlier generated dossiers, so every number stays unique.
        already = session.scalar(select(func.count()).select_from(Dossier)
                                 .where(Dossier.number.like("GEN-%"))) or 0
    generator = Generator(count, now, seed + already)
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        with database.transaction() as session:
            conn = session.connection()
            ids = list(_ids(conn, postgres, size))
            dossiers, agents, history = generator.rows(already + done + 1, ids)
            write(conn, "dossiers", DOSSIER_COLUMNS, dossiers)
            write(conn, "dossier_agents", AGENT_COLUMNS, agents)
            write(conn, "dossier_status_history", HISTORY_COLUMNS, history)
        done += size
        if progress:
            progress(size)
    with database.transaction() as session:
        # Fresh statistics, so the planner knows the agent index is selective.
        session.execute(text("ANALYZE dossiers" if postgres else "ANALYZE"))
        if postgres:
            session.execute(text("ANALYZE dossier_agents"))
        audit.record(session, "dossiers-generate", "dossiers", actor="cli",
                     detail={"count": count, "seed": seed})
    return done

