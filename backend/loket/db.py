"""Database engine and sessions (SQLAlchemy), one per app; migrations live in ``migrations/``.

SQLite (the embedded default) runs in WAL mode: readers never wait, and every transaction that
may write takes the write lock when it begins (``BEGIN IMMEDIATE``), so concurrent writers queue
instead of failing half-way. Read-only work asks for :func:`read_session` and runs beside them.
PostgreSQL needs none of this.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from loket.errors import ServiceUnavailable

SQLITE_BUSY_TIMEOUT_MS = 15000


def now() -> int:
    """Current time in whole seconds since the epoch (the unit of every stored instant)."""
    return int(time.time())


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            hide_parameters=True,  # statement values (personal data) never go to the logs
        )
        _configure_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=10,
                         hide_parameters=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        readonly = connection.get_execution_options().get("loket_readonly", False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


class Database:
    """The engine and session factories of one app."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = sessionmaker(
            self.engine.execution_options(loket_readonly=True), expire_on_commit=False
        )

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits when the block ends without error (CLI and background work)."""
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def init_app(app: Flask) -> None:
    app.extensions["loket.db"] = Database(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_sessions)


def database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["loket.db"]  # type: ignore[no-any-return]


def session() -> Session:
    """The request's session (writes allowed); committed by the view, rolled back otherwise."""
    if "db_session" not in g:
        g.db_session = database().sessions()
    return g.db_session  # type: ignore[no-any-return]


def read_session() -> Session:
    """A request session for read-only work; on SQLite it never waits for writers."""
    if "db_read_session" not in g:
        g.db_read_session = database().read_sessions()
    return g.db_read_session  # type: ignore[no-any-return]


def _close_sessions(_exc: BaseException | None) -> None:
    for key in ("db_session", "db_read_session"):
        sess = g.pop(key, None)
        if sess is not None:
            sess.close()


def ping(app: Flask | None = None) -> None:
    """Raise :class:`ServiceUnavailable` when the database does not answer."""
    from sqlalchemy import text

    try:
        with database(app).read_sessions() as sess:
            sess.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any driver error means "not ready"
        raise ServiceUnavailable("database", "De databank antwoordt niet.") from exc
