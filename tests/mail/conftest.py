"""Fixtures of the mail and worker tests: an SMTP server up or down, a certificate, migrated
databases (SQLite, and PostgreSQL when it answers) and a clock the test moves."""

from __future__ import annotations

import datetime
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from loket import db as dbm
from loket import migrate
from support.mail import Certificate, Clock, SmtpServer
from support.servers import postgres_database, skip_without_postgres


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def down_smtp() -> Iterator[SmtpServer]:
    """A server not (yet) running: the test starts it when it wants it up."""
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock()


# ---- TLS -----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1 (the sender trusts it through ``cafile``)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("smtp-tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return Certificate(folder / "cert.pem", folder / "key.pem")


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
