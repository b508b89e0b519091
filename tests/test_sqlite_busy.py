"""When SQLite's one writer cannot be had in time, a request gets 503 + Retry-After and nothing
changes — whether the holder is another Loket worker (the writer queue) or a program outside
Loket holding SQLite's own lock."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from loket import db
from loket.models import AuditEntry

JAN = "85073003328"


def _hold_queue(path: str, held: Any, release: Any) -> None:
    queue = db.WriterQueue(path)
    assert queue.acquire(5)
    held.set()
    release.wait(20)
    queue.release(threading.get_ident())


def _entries(app: Flask) -> int:
    with db.database(app).read_sessions() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0)


@pytest.fixture
def sqlite_app(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    if not db.database(app).is_sqlite:
        pytest.skip("SQLite only: PostgreSQL has no single writer")
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 300)
    db.database(app).engine.dispose()  # new connections take the short busy timeout
    return app


def _userinfo(app: Flask, token: str) -> Any:
    started = time.monotonic()
    response = app.test_client().get("/oidc/userinfo",
                                     headers={"Authorization": f"Bearer {token}"})
    return response, time.monotonic() - started


def test_a_worker_holding_the_writer_queue_too_long_gets_others_a_503(
        sqlite_app: Flask, person_token: Callable[..., str]) -> None:
    token = person_token(JAN, scope="openid profile")
    before = _entries(sqlite_app)
    path = str(db.database(sqlite_app).engine.url.database) + "-writers.lock"
    ctx = mp.get_context("fork")
    held, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_queue, args=(path, held, release))
    holder.start()
    try:
        assert held.wait(10)
        response, took = _userinfo(sqlite_app, token)
    finally:
        release.set()
        holder.join(10)
    assert response.status_code == 503, response.data
    assert response.json["error"] == "busy" and response.headers["Retry-After"] == "5"
    assert took < 3
    assert _entries(sqlite_app) == before  # no entry, and no data left the server
    assert "sub" not in response.json
    response, _took = _userinfo(sqlite_app, token)  # the queue moves again: served
    assert response.status_code == 200 and _entries(sqlite_app) == before + 1


def test_a_program_outside_loket_holding_the_sqlite_lock_gets_a_503(
        sqlite_app: Flask, person_token: Callable[..., str]) -> None:
    token = person_token(JAN, scope="openid profile")
    before = _entries(sqlite_app)
    outsider = sqlite3.connect(str(db.database(sqlite_app).engine.url.database),
                               isolation_level=None)
    outsider.execute("BEGIN IMMEDIATE")  # like a sqlite3 shell left in a transaction
    try:
        response, took = _userinfo(sqlite_app, token)
    finally:
        outsider.execute("ROLLBACK")
        outsider.close()
    assert response.status_code == 503, response.data
    assert response.json["error"] == "busy" and response.headers["Retry-After"] == "5"
    assert took < 3
    assert _entries(sqlite_app) == before
    assert _userinfo(sqlite_app, token)[0].status_code == 200
