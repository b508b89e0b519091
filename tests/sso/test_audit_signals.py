"""The desk's irregularity signals over a made-up stretch of the audit log (in process): each
signal finds what it documents, with the filters that list the entries behind it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from loket import db
from loket.audit_signals import signals
from loket.models import AuditEntry

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
POSITIONS = itertools.count(10_000_000)  # far past the template's entries in lane 1


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.app_context(), db.database(app).sessions() as opened:
        yield opened


def add(session: Session, at: str, n: int = 1, **fields: str) -> None:
    """``n`` entries at ``at`` (the chain does not matter to the signals)."""
    base = {"lane": 1, "ip": "192.0.2.1", "actor": "someone", "resource": "userinfo",
            "operation": "read", "outcome": "ok", "prev_hash": "0" * 64, "hash": "0" * 64}
    for i in range(n):
        session.add(AuditEntry(**{**base, **fields, "at": f"{at}.{i:06d}Z",
                                  "lane_seq": next(POSITIONS)}))
    session.flush()


def test_each_signal_finds_what_it_documents(session: Session) -> None:
    # a client that reads every working hour, then once at 03:00
    for day in ("2026-11-24", "2026-11-25", "2026-11-26"):
        for hour in range(8, 18):
            add(session, f"{day}T{hour:02d}:15:00", 5, client_id="gemeente-x", subject="p1")
    add(session, "2026-11-27T03:10:00", 2, client_id="gemeente-x", subject="p2")
    # a burst: 250 reads from one IP in one hour
    add(session, "2026-11-28T10:05:00", 250, client_id="scraper", subject="p3",
        ip="198.51.100.9")
    # refused requests and failed sign-ins
    add(session, "2026-11-29T09:00:00", 4, client_id="gemeente-y", outcome="refused",
        operation="exchange-read")
    add(session, "2026-11-30T22:00:00", 6, operation="sign-in", outcome="refused",
        ip="203.0.113.5", resource="test-login")
    # too old to count
    add(session, "2026-10-01T09:00:00", 500, client_id="old", subject="p9")

    found = {s.name.split(":")[0]: s for s in signals(session, now=NOW, burst=200)}
    refused = found["Geweigerde verzoeken per client"].findings
    assert [(f.count, f.filters) for f in refused] == [(4, {
        "client": "gemeente-y", "outcome": "refused", "since": "2026-11-29",
        "until": "2026-11-30"})]
    bursts = found["Uitschieters"].findings
    assert {(f.count, tuple(sorted(f.filters))) for f in bursts} >= {
        (250, ("client", "since", "until")), (250, ("ip", "since", "until"))}
    assert all(f.count > 200 for f in bursts)
    unusual = found["Lezingen buiten de gewone uren van een client"].findings
    assert [(f.label, f.count) for f in unusual if "gemeente-x" in f.label] == [
        ("gemeente-x op 2026-11-27, om 03u", 2)]
    failed = found["Mislukte aanmeldingen"].findings
    assert [(f.count, f.filters["ip"]) for f in failed] == [(6, "203.0.113.5")]
    assert not any("old" in f.label for s in found.values() for f in s.findings)
