"""The demo municipality's own record of requests made on its e-loket (SQLite, one file per site).

A request is stored before anything is sent to Loket, with the number its dossier will have
(``GB-E-2026-0001``), so a request is never lost and never becomes two dossiers: the push sends
the request's current state under that number, and it is sent again until Loket has it
(``pushed_version`` catches up with ``version``). Every change by the person or by staff raises
``version``; a change made on an older version is refused (:class:`StaleVersion`), never
written over the other.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY,
    number TEXT UNIQUE,
    form TEXT NOT NULL,
    product_id TEXT NOT NULL,
    title TEXT NOT NULL,
    dossier_type TEXT NOT NULL,
    sub TEXT NOT NULL,
    capacity_code TEXT NOT NULL,
    capacity_id TEXT NOT NULL,
    capacity_name TEXT NOT NULL,
    fields TEXT NOT NULL,
    provenance TEXT NOT NULL,
    status_code TEXT NOT NULL,
    phase TEXT NOT NULL,
    detail TEXT,
    action_text TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    pushed_version INTEGER NOT NULL DEFAULT 0,
    push_attempts INTEGER NOT NULL DEFAULT 0,
    next_push_at INTEGER NOT NULL DEFAULT 0,
    push_error TEXT
);
CREATE INDEX IF NOT EXISTS requests_capacity ON requests (capacity_code, capacity_id);
CREATE INDEX IF NOT EXISTS requests_unpushed ON requests (next_push_at)
    WHERE pushed_version < version;
CREATE TABLE IF NOT EXISTS attachments (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id),
    name TEXT NOT NULL,
    stored_as TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id),
    at INTEGER NOT NULL,
    who TEXT NOT NULL,
    what TEXT NOT NULL
);
"""

# After a failed push: wait 2, 4, 8 … seconds, at most this long, before the next try.
MAX_BACKOFF = 60


class StaleVersion(Exception):
    """Someone changed the request after the version the change was made on."""

    def __init__(self, current: Request) -> None:
        super().__init__(f"request {current.number} is at version {current.version}")
        self.current = current


@dataclass
class Attachment:
    id: int
    name: str
    stored_as: str
    content_type: str
    size: int


@dataclass
class Request:
    id: int
    number: str
    form: str
    product_id: str
    title: str
    dossier_type: str
    sub: str
    capacity_code: str
    capacity_id: str
    capacity_name: str
    fields: dict[str, Any]
    provenance: dict[str, str]
    status_code: str
    phase: str
    detail: str | None
    action_text: str | None
    created_at: int
    updated_at: int
    version: int
    pushed_version: int
    push_attempts: int
    push_error: str | None
    attachments: list[Attachment] = field(default_factory=list)
    events: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def pushed(self) -> bool:
        return self.pushed_version >= self.version

    @property
    def name(self) -> str:
        """What the request is called: the product, and the event or what is reserved."""
        what = self.fields.get("evenement") or self.fields.get("wat")
        return f"{self.title}: {what}"[:200] if what else self.title

    @property
    def action_required(self) -> bool:
        return bool(self.action_text)


class RequestStore:
    def __init__(self, path: Path, prefix: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = str(path)
        self._prefix = prefix
        self._local = threading.local()
        self._conn().executescript(SCHEMA)  # (runs in a transaction of its own)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._path, timeout=10, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        return conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at its start (no two writers read the same version)."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # ---- writing ----------------------------------------------------------------------------

    def create(self, *, form: str, product_id: str, title: str, dossier_type: str, sub: str,
               capacity: dict[str, str], fields: dict[str, Any], provenance: dict[str, str],
               attachments: list[tuple[str, str, str, int]], now: int | None = None) -> Request:
        """Store a new request (status Ingediend) and its attachments (name, stored file,
        content type, size); returns it with its number."""
        now = int(now or time.time())
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO requests (form, product_id, title, dossier_type, sub, capacity_code,"
                " capacity_id, capacity_name, fields, provenance, status_code, phase,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'Ingediend',"
                " 'Samenstelling', ?, ?)",
                (form, product_id, title, dossier_type, sub, capacity["code"],
                 capacity["identifier"], capacity["name"], json.dumps(fields),
                 json.dumps(provenance), now, now))
            request_id = int(cur.lastrowid or 0)
            year = time.gmtime(now).tm_year
            conn.execute("UPDATE requests SET number = ? WHERE id = ?",
                         (f"{self._prefix}-E-{year}-{request_id:04d}", request_id))
            for name, stored_as, content_type, size in attachments:
                conn.execute("INSERT INTO attachments (request_id, name, stored_as, content_type,"
                             " size, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                             (request_id, name, stored_as, content_type, size, now))
            conn.execute("INSERT INTO events (request_id, at, who, what) VALUES (?, ?, ?, ?)",
                         (request_id, now, "aanvrager", "Aanvraag ingediend"))
        found = self.get(request_id)
        assert found is not None
        return found

    def change(self, request_id: int, expected_version: int, *, who: str, what: str,
               status_code: str | None = None, phase: str | None = None,
               detail: str | None = None, action_text: str | None = None,
               clear_action: bool = False,
               attachments: tuple[tuple[str, str, str, int], ...] = (),
               now: int | None = None) -> Request:
        """Change the status (staff) or answer a question (the person), on the version the
        change was made on; :class:`StaleVersion` when someone else changed it first."""
        now = int(now or time.time())
        with self._tx() as conn:
            row = conn.execute("SELECT version FROM requests WHERE id = ?",
                               (request_id,)).fetchone()
            if row is None:
                raise KeyError(request_id)
            if row["version"] != expected_version:
                raise StaleVersion(self._load(conn, request_id))
            sets = ["version = version + 1", "updated_at = ?", "next_push_at = 0",
                    "push_attempts = 0"]
            values: list[Any] = [now]
            for column, value in (("status_code", status_code), ("phase", phase)):
                if value is not None:
                    sets.append(f"{column} = ?")
                    values.append(value)
            if detail is not None:
                sets.append("detail = ?")
                values.append(detail or None)
            if action_text is not None or clear_action:
                sets.append("action_text = ?")
                values.append(None if clear_action else action_text)
            conn.execute(f"UPDATE requests SET {', '.join(sets)} WHERE id = ?",  # noqa: S608
                         (*values, request_id))
            for name, stored_as, content_type, size in attachments:
                conn.execute("INSERT INTO attachments (request_id, name, stored_as, content_type,"
                             " size, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                             (request_id, name, stored_as, content_type, size, now))
            conn.execute("INSERT INTO events (request_id, at, who, what) VALUES (?, ?, ?, ?)",
                         (request_id, now, who, what))
            return self._load(conn, request_id)

    def mark_pushed(self, request_id: int, version: int) -> None:
        with self._tx() as conn:
            conn.execute("UPDATE requests SET pushed_version = MAX(pushed_version, ?),"
                         " push_error = NULL, push_attempts = 0 WHERE id = ?",
                         (version, request_id))

    def mark_push_failed(self, request_id: int, error: str, now: int | None = None) -> None:
        now = int(now or time.time())
        with self._tx() as conn:
            attempts = conn.execute("SELECT push_attempts FROM requests WHERE id = ?",
                                    (request_id,)).fetchone()["push_attempts"] + 1
            wait = min(MAX_BACKOFF, 2 ** attempts)
            conn.execute("UPDATE requests SET push_attempts = ?, next_push_at = ?,"
                         " push_error = ? WHERE id = ?",
                         (attempts, now + wait, error[:500], request_id))

    # ---- reading ----------------------------------------------------------------------------

    def _load(self, conn: sqlite3.Connection, request_id: int) -> Request:
        row = conn.execute("SELECT * FROM requests WHERE id = ?", (request_id,)).fetchone()
        if row is None:
            raise KeyError(request_id)
        found = _request(row)
        found.attachments = [Attachment(a["id"], a["name"], a["stored_as"], a["content_type"],
                                        a["size"]) for a in conn.execute(
            "SELECT * FROM attachments WHERE request_id = ? ORDER BY id", (request_id,))]
        found.events = [(e["at"], e["who"], e["what"]) for e in conn.execute(
            "SELECT * FROM events WHERE request_id = ? ORDER BY id", (request_id,))]
        return found

    def get(self, request_id: int) -> Request | None:
        try:
            return self._load(self._conn(), request_id)
        except KeyError:
            return None

    def by_number(self, number: str) -> Request | None:
        row = self._conn().execute("SELECT id FROM requests WHERE number = ?",
                                   (number,)).fetchone()
        return self.get(row["id"]) if row else None

    def of_capacity(self, code: str, identifier: str) -> list[Request]:
        rows = self._conn().execute(
            "SELECT * FROM requests WHERE capacity_code = ? AND capacity_id = ?"
            " ORDER BY updated_at DESC, id DESC", (code, identifier))
        return [_request(r) for r in rows]

    def all(self, limit: int = 200) -> list[Request]:
        rows = self._conn().execute(
            "SELECT * FROM requests ORDER BY (action_text IS NOT NULL), updated_at DESC, id DESC"
            " LIMIT ?", (limit,))
        return [_request(r) for r in rows]

    def due(self, now: int | None = None, limit: int = 20) -> list[int]:
        """Requests whose current version Loket does not have yet and whose wait is over."""
        now = int(now or time.time())
        rows = self._conn().execute(
            "SELECT id FROM requests WHERE pushed_version < version AND next_push_at <= ?"
            " ORDER BY id LIMIT ?", (now, limit))
        return [r["id"] for r in rows]

    def attachment(self, request_id: int, attachment_id: int) -> Attachment | None:
        row = self._conn().execute("SELECT * FROM attachments WHERE id = ? AND request_id = ?",
                                   (attachment_id, request_id)).fetchone()
        return (Attachment(row["id"], row["name"], row["stored_as"], row["content_type"],
                           row["size"]) if row else None)


def _request(row: sqlite3.Row) -> Request:
    return Request(
        id=row["id"], number=row["number"], form=row["form"], product_id=row["product_id"],
        title=row["title"], dossier_type=row["dossier_type"], sub=row["sub"],
        capacity_code=row["capacity_code"], capacity_id=row["capacity_id"],
        capacity_name=row["capacity_name"], fields=json.loads(row["fields"]),
        provenance=json.loads(row["provenance"]), status_code=row["status_code"],
        phase=row["phase"], detail=row["detail"], action_text=row["action_text"],
        created_at=row["created_at"], updated_at=row["updated_at"], version=row["version"],
        pushed_version=row["pushed_version"], push_attempts=row["push_attempts"],
        push_error=row["push_error"])
