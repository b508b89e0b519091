"""Database engine and sessions (SQLAlchemy), one per app; migrations live in ``migrations/``.

SQLite (the embedded default) runs in WAL mode: readers never wait, and every transaction that
may write takes the write lock when it begins (``BEGIN IMMEDIATE``), so concurrent writers queue
instead of failing half-way. Read-only work asks for :func:`read_session` and runs beside them.
Writers of all threads and processes on one database file first queue on a lock file beside it
(:class:`WriterQueue`), so the next writer starts the moment the last one ends instead of
waking from SQLite's back-off sleeps. PostgreSQL needs none of this.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, has_app_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from loket import http_errors
from loket.errors import ServiceUnavailable, database_busy, write_conflict

log = logging.getLogger(__name__)

SQLITE_MMAP_BYTES = 1 << 30    # address space, not memory: pages come from the OS cache
SQLITE_CACHE_KIB = 16 * 1024   # per connection
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
        queue = None
        if parsed.database and parsed.database != ":memory:":
            queue = WriterQueue(parsed.database + "-writers.lock")
        _configure_sqlite(engine, queue)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=10,
                         hide_parameters=True)


class WriterQueue:
    """One writer at a time on a SQLite file, handed over without SQLite's back-off sleeps.

    SQLite lets one transaction write; the others retry ``BEGIN IMMEDIATE`` after sleeping 1, 2,
    5, 10… ms, so under load most of a writer's wait is oversleeping. Here the threads of one
    process queue on a lock that wakes the next one at once, and the one at the head of each
    process takes an ``flock`` on a file beside the database (polled every 0.2 ms, so at most
    one poller per process). A writer that cannot get in within the busy timeout is refused
    (503, try again). Writers nested inside another writer of the same thread skip the queue
    and meet SQLite's own handling, as do programs that do not use this queue.
    """

    POLL_SECONDS = 0.0002

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.Lock()
        self._holders: set[int] = set()
        self._fd = -1
        self._pid = -1

    def _file(self) -> int:
        if self._pid != os.getpid():  # opened per process: a forked worker needs its own
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    def acquire(self, timeout: float) -> bool:
        """True once this thread may write; False for a writer nested in this thread's own.

        Raises :class:`ServiceUnavailable` (busy) when the queue does not move within
        ``timeout`` seconds.
        """
        me = threading.get_ident()
        if me in self._holders:
            return False
        deadline = time.monotonic() + timeout
        if not self._local.acquire(timeout=timeout):
            raise database_busy()
        try:
            fd = self._file()
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise database_busy() from None
                    time.sleep(self.POLL_SECONDS)
        except BaseException:
            self._local.release()
            raise
        self._holders.add(me)
        return True

    def release(self, owner: int) -> None:
        self._holders.discard(owner)
        try:
            fcntl.flock(self._file(), fcntl.LOCK_UN)
        finally:
            self._local.release()


def _configure_sqlite(engine: Engine, queue: WriterQueue | None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # Reads of a large file (the audit log's searches jump through millions of rows) go
        # through a memory map and a bigger page cache instead of a system call per page.
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        readonly = connection.get_execution_options().get("loket_readonly", False)
        if (not readonly and queue is not None and "loket_writer" not in connection.info
                and queue.acquire(SQLITE_BUSY_TIMEOUT_MS / 1000)):
            connection.info["loket_writer"] = threading.get_ident()
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    if queue is None:
        return

    def _hand_over(record: Any) -> None:
        owner = record.info.pop("loket_writer", None) if record is not None else None
        if owner is not None:
            queue.release(owner)

    # The transaction has ended (committed or rolled back) once its connection goes back to
    # the pool or is thrown away; that is when the next writer may start.
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        _hand_over(record)

    @event.listens_for(engine, "invalidate")
    def _on_invalidate(_dbapi_connection: Any, record: Any, _exc: Any) -> None:
        _hand_over(record)


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
        event.listen(self.sessions, "before_commit", _end_request_snapshot)

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
    app.register_error_handler(IntegrityError, _write_conflict)
    app.register_error_handler(OperationalError, _database_busy)


def _write_conflict(_error: IntegrityError) -> Response:
    """Two writers created the same thing at once: the database kept the first."""
    session().rollback()
    log.info("write conflict on %s %s", request.method, request.path)
    return http_errors.render(write_conflict())


def _database_busy(error: OperationalError) -> Response:
    """SQLite's write lock stayed taken past the busy timeout (by a program outside Loket, or a
    long transaction): nothing was written; the caller may simply try again."""
    if "database is locked" not in str(error.orig):
        return http_errors.unexpected(error)
    session().rollback()
    log.warning("database busy on %s %s", request.method, request.path)
    return http_errors.render(database_busy())


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


def lookup_session() -> Session:
    """Where a request that will write reads first: on SQLite the read session, so the reads do
    not hold the one write lock; elsewhere the write session itself (a second transaction
    would only cost a round trip)."""
    return read_session() if database().is_sqlite else session()


def _end_request_snapshot(_session: Session) -> None:
    """A request's write commits: end its read snapshot first (what it read stays loaded).

    On SQLite a reader that stays open keeps the write-ahead log from starting over, so it
    grows and every later commit runs a checkpoint; whatever the request reads after this
    commit it reads afresh anyway.
    """
    if has_app_context():
        reader = g.get("db_read_session")
        if reader is not None and reader.in_transaction():
            reader.commit()


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
