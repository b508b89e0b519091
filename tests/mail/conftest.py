"""Fixtures of the mail and worker tests: migrated databases (SQLite, and PostgreSQL when it
answers) and a clock the test moves."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from loket import db as dbm
from loket import migrate
from support.mail import Clock
from support.servers import postgres_database, skip_without_postgres


@pytest.fixture
def clock() -> Clock:
    return Clock()


# ---- databases -----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def sqlite_migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mail-db") / "migrated.sqlite"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_migrated() -> Iterator[str]:
    skip_without_postgres("postgresql")
    with postgres_database() as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture
def backend() -> str:
    """SQLite unless a test parametrises ``backend`` over support.servers.BACKENDS."""
    return "sqlite"


@pytest.fixture
def database_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """A migrated database with an empty outbox and no job rows."""
    if backend == "postgresql":
        url: str = request.getfixturevalue("pg_migrated")
        database = dbm.Database(url)
        with database.transaction() as session:
            session.execute(text("DELETE FROM mail_outbox"))
            session.execute(text("DELETE FROM worker_jobs"))
        database.dispose()
        return url
    copy = tmp_path / "loket.sqlite"
    shutil.copyfile(request.getfixturevalue("sqlite_migrated"), copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def database(database_url: str) -> Iterator[dbm.Database]:
    database = dbm.Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def another_database(database_url: str) -> Iterator[dbm.Database]:
    """A second engine on the same database: what a second worker process has."""
    database = dbm.Database(database_url)
    yield database
    database.dispose()
