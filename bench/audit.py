"""Benchmark: the security officer's searches over a large audit log, against a lookup by entry
number; and the cost of an append with checkpoints on and off, side by side.

For each database (SQLite, and PostgreSQL when it answers) this creates a throwaway database (a
file under /tmp, a ``loket_bench_…`` PostgreSQL database), migrates it, and loads ``--entries``
made-up entries (default 10 million, with a progress line): a year of traffic from 200 clients
and 50,000 IP addresses about 20,000 people — reads, token issues, sign-ins (2 % refused). Then,
in process and interleaved at random after a warm-up, it times ``--runs`` of each:

- lookup: one entry by its number (the baseline);
- person: a page of every access to one person's data (``--person``);
- person + month: the same within one month;
- client refused: a page of one client's refused requests;
- IP: a page of one address's entries;
- failed sign-ins: refused sign-ins of the last week.

It prints p50/p95 per kind with the p95 ratio to the lookup, then the append cost: audited
transactions of one entry, in alternating blocks with a checkpoint every 100 entries and
without checkpoints (after a warm-up block that is not counted). Then it removes everything it
made. ``--explain`` prints the database's plan of the searches first. Loopback only; bounded by its inputs.

    .venv/bin/python bench/audit.py [--entries 10000000] [--runs 300] [--backend both]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "backend"))

from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from support.servers import postgres_available, postgres_database  # noqa: E402

PEOPLE, CLIENTS, IPS = 20_000, 200, 50_000
OPERATIONS = (("read", 60), ("token-issue", 10), ("sign-in", 10), ("authorize", 10),
              ("exchange-read", 5), ("association-change", 5))
COLUMNS = ("seq", "lane", "lane_seq", "at", "ip", "actor", "capacity", "client_id", "resource",
           "operation", "outcome", "reason", "subject", "detail", "prev_hash", "hash")
HASH = "a" * 64


def progress(label: str, done: int, total: int, started: float) -> None:
    rate = done / max(time.monotonic() - started, 1e-9)
    left = (total - done) / rate if rate else 0
    print(f"\r  {label}: {done:>11,} / {total:,} ({done * 100 // total:>3} %, "
          f"{rate:,.0f}/s, {left:,.0f} s left)", end="", flush=True)


def people() -> list[tuple[str, str]]:
    from loket.identifiers import make_insz

    rng = random.Random(7)
    made, seen = [], set()
    while len(made) < PEOPLE:
        insz = make_insz(f"{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}"
                         f"{rng.randint(1, 28):02d}", rng.randint(500, 997))
        if insz not in seen:
            seen.add(insz)
            made.append((insz, uuid.UUID(int=rng.getrandbits(128)).hex))
    return made


def rows(total: int, subs: list[str], start: datetime) -> Iterator[tuple[Any, ...]]:
    """The made-up entries, in seq order, spread evenly over the year before ``start``."""
    rng = random.Random(11)
    ops = [op for op, weight in OPERATIONS for _ in range(weight)]
    step = timedelta(days=365) / total
    lanes = [0] * 17
    first = start - timedelta(days=365)
    for seq in range(1, total + 1):
        lane = rng.randint(1, 16)
        lanes[lane] += 1
        op = rng.choice(ops)
        refused = rng.random() < 0.02
        client = f"client-{rng.randrange(CLIENTS):03d}" if rng.random() < 0.7 else None
        sub = rng.choice(subs) if op in ("read", "exchange-read", "sign-in") else None
        at = (first + step * seq).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        ip = f"10.{rng.randrange(196)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        yield (seq, lane, lanes[lane], at, ip, sub or client, "BUR" if sub else None,
               client, "userinfo" if op == "read" else op, op,
               "refused" if refused else "ok", None, sub, "{}", HASH, HASH)


def load(url: str, total: int) -> list[tuple[str, str]]:
    """Migrate and fill the database; returns the people (INSZ, sub)."""
    from loket import migrate

    migrate.upgrade(url)
    made = people()
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    start = datetime.now(UTC)
    began = time.monotonic()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO persons (insz, sub, given_name, family_name, created_at)"
                          " VALUES (:i, :s, 'Bench', 'Persoon', 0)"),
                     [{"i": insz, "s": sub} for insz, sub in made])
    subs = [sub for _, sub in made]
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            raw = conn.connection.driver_connection
            with raw.cursor() as cursor, cursor.copy(
                    f"COPY audit_log ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for n, row in enumerate(rows(total, subs, start), 1):
                    copy.write_row(row)
                    if n % 200_000 == 0:
                        progress("load", n, total, began)
            conn.execute(text("SELECT setval(pg_get_serial_sequence('audit_log', 'seq'), "
                              ":n)"), {"n": total})
    else:
        with engine.begin() as conn:
            conn.execute(text("PRAGMA synchronous = OFF"))
            batch: list[tuple[Any, ...]] = []
            statement = text(f"INSERT INTO audit_log ({', '.join(COLUMNS)}) VALUES "  # noqa: S608
                             f"({', '.join(':' + c for c in COLUMNS)})")
            for n, row in enumerate(rows(total, subs, start), 1):
                batch.append(dict(zip(COLUMNS, row, strict=True)))  # type: ignore[arg-type]
                if len(batch) == 50_000:
                    conn.execute(statement, batch)
                    batch.clear()
                    progress("load", n, total, began)
            if batch:
                conn.execute(statement, batch)
    with engine.begin() as conn:  # the heads, so that appends follow on
        for lane in range(1, 17):
            conn.execute(text("UPDATE audit_head SET last_seq = (SELECT COALESCE(MAX(lane_seq), "
                              "0) FROM audit_log WHERE lane = :l) WHERE id = :l"), {"l": lane})
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE audit_log"))
        else:
            conn.execute(text("ANALYZE"))
    progress("load", total, total, began)
    print(f"\n  loaded {total:,} entries in {time.monotonic() - began:,.0f} s")
    engine.dispose()
    return made


def timed(kinds: dict[str, Callable[[], object]], runs: int) -> dict[str, list[float]]:
    order = [kind for kind in kinds for _ in range(runs)]
    random.Random(3).shuffle(order)
    for kind in kinds:  # warm-up
        for _ in range(5):
            kinds[kind]()
    found: dict[str, list[float]] = {kind: [] for kind in kinds}
    for kind in order:
        began = time.perf_counter()
        kinds[kind]()
        found[kind].append((time.perf_counter() - began) * 1000)
    return found


def show_plans(session: Session, engine: Any, made: list[tuple[str, str]], week: str) -> None:
    """The database's plan for each kind of search (``--explain``)."""
    from loket import audit_search
    from loket.audit_search import Filters

    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    for kind, filters in (("person", Filters(person=made[0][0])),
                          ("client refused", Filters(client="client-007", outcome="refused")),
                          ("failed sign-ins", Filters(operation="sign-in", outcome="refused",
                                                      since=week))):
        query = audit_search.build(session, filters).limit(51)
        sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
        plan = [" ".join(str(c) for c in row) for row in session.execute(text(prefix + sql))]
        print(f"  plan of {kind}:\n    " + "\n    ".join(plan))
    session.rollback()


def searches(url: str, made: list[tuple[str, str]], total: int, runs: int,
             explain: bool = False) -> None:
    from loket import create_app
    from loket import db as dbm

    # the service's own engine, with its connection settings (SQLite's memory map and cache)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": tmp, "SECRET_KEY": "b" * 40,
                          "LOG_LEVEL": "WARNING"})
        engine = dbm.database(app).engine
        _searches(engine, made, total, runs, explain)


def _searches(engine: Any, made: list[tuple[str, str]], total: int, runs: int,
              explain: bool) -> None:
    from loket import audit_search
    from loket.audit_search import Filters
    from loket.models import AuditEntry

    rng = random.Random(5)
    now = datetime.now(UTC)
    week = (now - timedelta(days=7)).strftime("%Y-%m-%d")
    with Session(engine.execution_options(loket_readonly=True)) as session:
        def fresh(run: Callable[[], object]) -> Callable[[], object]:
            def call() -> object:
                result = run()
                session.expunge_all()
                session.rollback()
                return result
            return call

        def month() -> Filters:
            first = now - timedelta(days=rng.randint(30, 360))
            return Filters(person=rng.choice(made)[0], since=first.strftime("%Y-%m-%d"),
                           until=(first + timedelta(days=30)).strftime("%Y-%m-%d"))

        kinds: dict[str, Callable[[], object]] = {
            "lookup": fresh(lambda: session.scalar(select(AuditEntry).where(
                AuditEntry.seq == rng.randint(1, total)))),
            "person": fresh(lambda: audit_search.search(
                session, Filters(person=rng.choice(made)[0]))),
            "person + month": fresh(lambda: audit_search.search(session, month())),
            "client refused": fresh(lambda: audit_search.search(session, Filters(
                client=f"client-{rng.randrange(CLIENTS):03d}", outcome="refused"))),
            "IP": fresh(lambda: audit_search.search(session, Filters(
                ip=f"10.{rng.randrange(196)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"))),
            "failed sign-ins": fresh(lambda: audit_search.search(session, Filters(
                operation="sign-in", outcome="refused", since=week))),
        }
        if explain:
            show_plans(session, engine, made, week)
        found = timed(kinds, runs)
    engine.dispose()
    base = statistics.quantiles(found["lookup"], n=20)[18]
    print(f"  {'kind':<16} {'p50 ms':>8} {'p95 ms':>8} {'p95 / lookup':>13}")
    for kind, times in found.items():
        p95 = statistics.quantiles(times, n=20)[18]
        print(f"  {kind:<16} {statistics.median(times):>8.2f} {p95:>8.2f} {p95 / base:>12.1f}×")


def appends(url: str, blocks: int) -> None:
    from loket import audit, create_app
    from loket import db as dbm

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": tmp, "SECRET_KEY": "b" * 40,
                          "AUDIT_CHECKPOINT_KEY": "c" * 40,
                          "AUDIT_CHECKPOINT_FILE": str(Path(tmp) / "checkpoints.jsonl"),
                          "AUDIT_CHECKPOINT_EVERY": 100, "AUDIT_CHECKPOINT_MINUTES": 0,
                          "LOG_LEVEL": "WARNING"})
        writer = app.extensions[audit.CHECKPOINTS]
        times: dict[str, list[float]] = {"checkpoints on": [], "checkpoints off": []}
        with app.app_context():
            database = dbm.database(app)
            app.extensions.pop(audit.CHECKPOINTS, None)
            for _ in range(100):  # warm-up, not counted: the first appends meet cold caches
                with database.transaction() as session:
                    audit.record(session, "bench", "bench/append", actor="bench")
            for block in range(blocks * 2):
                mode = "checkpoints on" if block % 2 == 1 else "checkpoints off"
                if mode == "checkpoints on":
                    app.extensions[audit.CHECKPOINTS] = writer
                else:
                    app.extensions.pop(audit.CHECKPOINTS, None)
                for _ in range(100):
                    began = time.perf_counter()
                    with database.transaction() as session:
                        audit.record(session, "bench", "bench/append", actor="bench")
                    times[mode].append((time.perf_counter() - began) * 1000)
            written = len((Path(tmp) / "checkpoints.jsonl").read_text().splitlines())
            database.dispose()
    off = statistics.mean(times["checkpoints off"])
    on = statistics.mean(times["checkpoints on"])
    print(f"  append (one audited transaction), {blocks * 100} each, alternating blocks:")
    print(f"    checkpoints off: mean {off:.3f} ms, p95 "
          f"{statistics.quantiles(times['checkpoints off'], n=20)[18]:.3f} ms")
    print(f"    checkpoints on (every 100 entries; {written} written): mean {on:.3f} ms, "
          f"p95 {statistics.quantiles(times['checkpoints on'], n=20)[18]:.3f} ms "
          f"→ {on / off:.2f}× the cost")


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="loket_bench_audit_") as tmp:
        yield f"sqlite:///{tmp}/audit.sqlite"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--blocks", type=int, default=10, help="append blocks of 100 per mode")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--explain", action="store_true", help="print each search's plan")
    args = parser.parse_args()
    os.environ.setdefault("LOKET_LOG_LEVEL", "WARNING")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        if backend == "postgresql" and not postgres_available():
            print("PostgreSQL does not answer on 127.0.0.1:5432: skipped")
            continue
        print(f"{backend}: {args.entries:,} entries")
        with (postgres_database() if backend == "postgresql" else sqlite_url()) as url:
            made = load(url, args.entries)
            searches(url, made, args.entries, args.runs, args.explain)
            appends(url, args.blocks)


if __name__ == "__main__":
    main()
