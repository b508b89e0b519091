"""Server-side sessions of a demo site, so a back-channel logout can end them.

The browser holds a random id (in Flask's signed cookie); the session's data lives here, keyed by
that id and indexed by the provider's ``sid`` and ``sub``. SQLite, one file per site.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    sid TEXT,
    sub TEXT,
    data TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_sid ON sessions (sid);
CREATE INDEX IF NOT EXISTS sessions_sub ON sessions (sub);
"""


class SessionStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = str(path)
        self._local = threading.local()
        with self._conn() as conn:
            conn.executescript(SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._path, timeout=10)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return conn

    def create(self, sid: str | None, sub: str, data: dict[str, Any]) -> str:
        session_id = secrets.token_urlsafe(32)
        with self._conn() as conn:
            conn.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                         (session_id, sid, sub, json.dumps(data), int(time.time())))
        return session_id

    def get(self, session_id: str | None) -> dict[str, Any] | None:
        if not session_id:
            return None
        row = self._conn().execute("SELECT data FROM sessions WHERE id = ?",
                                   (session_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def delete(self, session_id: str) -> None:
        with self._conn() as conn:
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    def end_by_provider_session(self, sid: str | None, sub: str | None) -> int:
        """End every local session of that provider session (or, without sid, that person)."""
        with self._conn() as conn:
            if sid:
                return conn.execute("DELETE FROM sessions WHERE sid = ?", (sid,)).rowcount
            return conn.execute("DELETE FROM sessions WHERE sub = ?", (sub,)).rowcount
