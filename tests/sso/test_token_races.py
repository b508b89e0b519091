"""The code exchange reads outside its write transaction; races it loses still end safely.

The token endpoint checks a code and signs the ID token on a read snapshot, then claims the code
in a short write transaction. These tests give the exchange a snapshot taken *before* a
competing change (a parallel exchange of the same code, a sign-out) and check that the claim,
not the stale snapshot, decides.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from loket import db
from loket.models import AccessToken, AuditEntry, AuthorizationCode, Client, Person, SsoSession
from loket.sso.capacities import Capacity
from loket.sso.protocol import AuthorizationParams, OAuthError
from loket.sso.provider import digest

JAN = "85073003328"
REDIRECT = "http://127.0.0.1:9/cb"


@pytest.fixture
def issued(app: Flask) -> Iterator[dict[str, Any]]:
    """A code for Jan at the first-party client, from a live SSO session."""
    provider = app.extensions["loket.provider"]
    with app.app_context(), db.database(app).transaction() as session:
        client = session.scalar(select(Client).where(Client.public.is_(False)).limit(1))
        assert client is not None
        person = session.scalar(select(Person).where(Person.insz == JAN))
        assert person is not None
        sess, _cookie = provider.start_session(session, person, "test", ["pwd"])
        params = AuthorizationParams(client_id=client.id, redirect_uri=REDIRECT,
                                     scope=["openid", "profile", "capacity"])
        name = f"{person.given_name} {person.family_name}"
        code = provider.issue_code(session, params, sess, Capacity("BUR", JAN, name))
        session.execute(update(AuthorizationCode)
                        .where(AuthorizationCode.code_hash == digest(code))
                        .values(redirect_uri=REDIRECT))
        made = {"code": code, "client_id": client.id, "session_id": sess.id}
    yield made


def _stale_snapshot(app: Flask) -> Session:
    """A read session whose snapshot is taken now and kept for its whole transaction."""
    read = db.database(app).read_sessions()
    if read.get_bind().dialect.name == "postgresql":
        read.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    read.execute(select(func.count()).select_from(AuthorizationCode)).scalar_one()
    return read


def _exchange(app: Flask, read: Session, code: str, client_id: str) -> Any:
    provider = app.extensions["loket.provider"]
    with db.database(app).sessions() as write:
        client = read.get(Client, client_id)
        try:
            issued = provider.exchange_code(read, write, client, code, REDIRECT, None)
            write.commit()
            return issued
        except OAuthError:
            write.rollback()
            raise


def _count(app: Flask, model: Any, *where: Any) -> int:
    with db.database(app).read_sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_the_exchange_stores_one_token_and_one_audit_entry(app: Flask,
                                                           issued: dict[str, Any]) -> None:
    with app.test_request_context():
        read = db.database(app).read_sessions()
        tokens = _exchange(app, read, issued["code"], issued["client_id"])
        read.close()
    assert tokens.id_token and tokens.access_token.startswith("lat_")
    assert _count(app, AccessToken, AccessToken.token_hash == digest(tokens.access_token)) == 1
    assert _count(app, AuditEntry, AuditEntry.operation == "token-issue") == 1


def test_a_code_used_after_the_snapshot_is_a_replay_and_revokes(app: Flask,
                                                                issued: dict[str, Any]) -> None:
    with app.test_request_context():
        stale = _stale_snapshot(app)
        fresh = db.database(app).read_sessions()
        first = _exchange(app, fresh, issued["code"], issued["client_id"])
        fresh.close()
        with pytest.raises(OAuthError, match="used already"):
            _exchange(app, stale, issued["code"], issued["client_id"])
        stale.close()
    # the replay revoked what the first exchange issued, and only one token was ever stored
    with db.database(app).read_sessions() as s:
        rows = s.scalars(select(AccessToken).where(AccessToken.code_hash ==
                                                   digest(issued["code"]))).all()
    assert len(rows) == 1 and rows[0].token_hash == digest(first.access_token)
    assert rows[0].revoked_at is not None
    assert _count(app, AuditEntry, AuditEntry.operation == "code-replay") == 1


def test_a_sign_out_after_the_snapshot_still_refuses_the_code(app: Flask,
                                                              issued: dict[str, Any]) -> None:
    with app.test_request_context():
        stale = _stale_snapshot(app)
        with db.database(app).transaction() as s:
            s.execute(update(SsoSession).where(SsoSession.id == issued["session_id"])
                      .values(ended_at=func.coalesce(SsoSession.last_seen_at, 0) + 1))
        with pytest.raises(OAuthError, match="has ended"):
            _exchange(app, stale, issued["code"], issued["client_id"])
        stale.close()
    assert _count(app, AccessToken, AccessToken.code_hash == digest(issued["code"])) == 0
    assert _count(app, AuthorizationCode, AuthorizationCode.code_hash == digest(issued["code"]),
                  AuthorizationCode.used_at.is_not(None)) == 0
    assert _count(app, AuditEntry, AuditEntry.operation == "token-issue") == 0


def test_requests_that_read_and_write_let_the_sqlite_log_start_over(
        app: Flask, person_token: Any) -> None:
    """A request's open read snapshot is ended before its write commits; otherwise SQLite could
    never reset its write-ahead log, which would grow without end and cost every later commit
    a checkpoint."""
    database = db.database(app)
    if not database.is_sqlite:
        pytest.skip("SQLite only: PostgreSQL has no write-ahead log of its own to reset")
    token = person_token(JAN, scope="openid profile capacity")
    client = app.test_client()
    raw = sqlite3.connect(database.engine.url.database)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for _ in range(400):  # each one reads, then commits an audit entry (some 1,500 pages)
        assert client.get("/oidc/userinfo",
                          headers={"Authorization": f"Bearer {token}"}).status_code == 200
    busy, log_frames, _done = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    raw.close()
    assert busy == 0
    assert log_frames < 1100, f"the log kept {log_frames} pages: it was never started over"
