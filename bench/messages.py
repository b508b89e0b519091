"""Benchmark: publishing a message to 100,000 associations, and the unread count (the header's
badge) with a million recipient rows stored, against a vCode lookup in the same run.

For each database (SQLite, and PostgreSQL when it answers) this creates a throwaway database,
migrates it, seeds the demo data plus ``--associations`` generated ones (``loket seed-demo
--associations N``, with its progress bar), starts a real ``loket serve`` (gunicorn, 2 workers)
and then:

1. **publishes** ``--messages`` messages as Groenbeek's back office (``POST /api/v1/messages``,
   scope ``messages:publish``), each targeted with a filter that every active association
   matches, so each one fixes an audience of about ``N`` associations: 10 × 100,000 gives the
   million recipient rows. It prints the time of each publication (the request, the audience
   written in the same transaction);
2. signs Jan in for Jeugdhuis De Schakel (V0001002) through the test login and exchanges his
   token for a header profile token; then times, interleaved over one keep-alive connection
   after a warm-up:

   - **unread count**: ``GET /api/v1/me/messages/count`` (bearer token, capacity checked);
   - **header profile**: ``GET /widgets/v1/{id}/profile``, what the header reads on every page
     when signed in (capacities, the badge's count, an audit entry);
   - **lookup**: ``GET /api/v1/associations/{vCode}`` of a random generated association (the
     baseline: one row by unique key with its activities, areas, contacts and locations);
3. times the badge's query on its own, in this process against the same database
   (``loket.messages.store.unread_count``): what the badge adds to the profile answer.

It prints p50/p95 per request and the ratio to the lookup, then removes everything it created.
Loopback only; every step has a time limit.

    .venv/bin/python bench/messages.py [--associations 100000] [--messages 10] [--requests 300]
                                       [--backend both]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import _drive  # noqa: E402
from dossiers import CALLBACK, JAN, sign_in_for_club  # noqa: E402
from register import (  # noqa: E402
    LOKET,
    Deadline,
    generated_vcodes,
    percentile,
    run,
    throwaway,
    timed,
)
from support.servers import free_port, postgres_available, wait_for  # noqa: E402

SCHAKEL = "V0001002"
PUBLISHER = "catalog-groenbeek"
EVERYONE = {"filter": {"verenigingstypes": ["FV", "VZER", "VZW"]}}


def publish(base: str, instance: Path, count: int, deadline: Deadline) -> list[dict[str, Any]]:
    """Publish ``count`` messages to everyone; (seconds, audience) of each."""
    creds = json.loads((instance / "demo-catalog-clients.json").read_text())[PUBLISHER]
    answer = requests.post(f"{base}/oidc/token", timeout=15, auth=(PUBLISHER,
                           creds["client_secret"]), data={"grant_type": "client_credentials",
                                                          "scope": "messages:publish"})
    answer.raise_for_status()
    headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    done = []
    for i in range(count):
        started = time.perf_counter()
        sent = requests.post(f"{base}/api/v1/messages", headers=headers,
                             timeout=min(600, deadline.left()), json={
                                 "categorie": "info", "titel": {"nl": f"Bericht {i + 1}"},
                                 "tekst": {"nl": "Een bericht aan alle verenigingen."},
                                 "sleutel": f"bench-{i}", "doelgroep": EVERYONE})
        seconds = time.perf_counter() - started
        if sent.status_code != 201:
            raise SystemExit(f"publishing answered {sent.status_code}: {sent.text[:300]}")
        done.append({"seconds": seconds, "reached": sent.json()["bereikt"]})
        print(f"  published {i + 1}/{count}: {done[-1]['reached']:,} associations in "
              f"{seconds:.2f} s", file=sys.stderr, flush=True)
    return done


def badge_query(url: str, n: int) -> dict[str, Any]:
    """The unread count's query alone, ``n`` times (ms each), and the database's plan for it."""
    from sqlalchemy import func, select, text
    from sqlalchemy.orm import Session

    from loket.db import make_engine
    from loket.messages import store
    from loket.models import MessageRecipient, Person

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            sub = session.scalar(select(Person.sub).where(Person.insz == JAN))
            assert sub is not None, "the demo's Jan is missing"
            unread = store.unread_count(session, SCHAKEL, sub)
            times = []
            for _ in range(n):
                started = time.perf_counter()
                store.unread_count(session, SCHAKEL, sub)
                times.append((time.perf_counter() - started) * 1000)
                session.rollback()
            stored = session.scalar(select(func.count()).select_from(MessageRecipient))
            query = select(func.count()).select_from(MessageRecipient).where(
                MessageRecipient.identifier == SCHAKEL,
                MessageRecipient.valid_from <= int(time.time()),
                MessageRecipient.valid_until > int(time.time()))
            sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
            sqlite = url.startswith("sqlite")
            rows = session.execute(text(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + sql))
            plan = [str(r[-1] if sqlite else r[0]) for r in rows]
    finally:
        engine.dispose()
    return {"times": times, "unread": unread, "stored": stored, "plan": plan}


def measure(backend: str, count: int, messages: int, n: int, deadline: Deadline) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-messages-{backend}-"))
    server: subprocess.Popen[bytes] | None = None
    try:
        with throwaway(backend, tmp) as url:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            instance = tmp / "instance"
            env = {**{k: v for k, v in os.environ.items() if not k.startswith("LOKET_")},
                   "LOKET_ENV": "development", "LOKET_ISSUER": base,
                   "LOKET_INSTANCE_PATH": str(instance), "LOKET_DATABASE_URL": url,
                   "LOKET_SECRET_KEY": "bench-" + os.urandom(16).hex(),
                   "LOKET_LOG_LEVEL": "WARNING",
                   "LOKET_RATE_LIMITS": "signin=100000/60,token_ip=1000000/60,"
                                        "search=1000000/60,token_client=1000000/60"}
            run(env, deadline, "db", "upgrade")
            print(f"[{backend}] seeding {count:,} associations…", file=sys.stderr, flush=True)
            started = time.monotonic()
            run(env, deadline, "seed-demo", "--associations", str(count), show=True)
            seeded = time.monotonic() - started
            secret = json.loads(run(env, deadline, "client", "add", "--id", "bench-site",
                                    "--name", "Bench", "--redirect-uri", CALLBACK,
                                    "--scope", "openid", "--scope", "profile",
                                    "--scope", "capacity", "--scope", "messages",
                                    "--json"))["client_secret"]
            log = open(instance / "serve.log", "wb")  # noqa: SIM115 - closed with the server
            server = subprocess.Popen([LOKET, "serve", "--host", "127.0.0.1", "--port",
                                       str(port), "--workers", "2"], env=env, stdout=log,
                                      stderr=subprocess.STDOUT)
            wait_for(f"{base}/healthz", timeout=min(60, deadline.left()), proc=server)
            print(f"[{backend}] publishing {messages} messages to every association…",
                  file=sys.stderr, flush=True)
            published = publish(base, instance, messages, deadline)
            access = sign_in_for_club(base, "bench-site", secret, SCHAKEL,
                                      "openid profile capacity messages")
            exchanged = requests.post(f"{base}/widgets/v1/profile-token", timeout=15,
                                      data={"access_token": access}, auth=("bench-site", secret))
            exchanged.raise_for_status()
            profile = exchanged.json()["profile_token"]
            rng = random.Random(7)
            vcodes = generated_vcodes(url)
            lookups = [f"/api/v1/associations/{rng.choice(vcodes)}" for _ in range(n + 30)]
            routes = {
                "unread count": lambda i: timed(conn, "/api/v1/me/messages/count", access),
                "header profile": lambda i: timed(conn, "/widgets/v1/bench-site/profile",
                                                  profile),
                "lookup": lambda i: timed(conn, lookups[i]),
            }
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for i in range(30):  # warm-up: both workers, every route
                for route in routes.values():
                    route(n + i)
            times: dict[str, list[float]] = {name: [] for name in routes}
            for i in range(n):
                deadline.left()
                for name, route in routes.items():  # interleaved: drift hits all alike
                    times[name].append(route(i))
            conn.close()
            return {"seeded": seeded, "published": published, "times": times,
                    "badge": badge_query(url, n)}
    finally:
        if server is not None:
            _drive.stop(server)
        shutil.rmtree(tmp, ignore_errors=True)


def report(backend: str, count: int, result: dict[str, Any]) -> None:
    published = result["published"]
    badge = result["badge"]
    times = result["times"]
    secs = [p["seconds"] for p in published]
    print(f"\n{backend}: {count:,} generated associations (seeded in {result['seeded']:.0f} s); "
          f"{badge['stored']:,} recipient rows stored; De Schakel has {badge['unread']} unread")
    print(f"  publishing to {published[0]['reached']:,} associations: median "
          f"{statistics.median(secs):.2f} s, slowest {max(secs):.2f} s "
          f"({len(secs)} messages)")
    base50, base95 = statistics.median(times["lookup"]), percentile(times["lookup"], 0.95)
    print(f"  {'request':<16} {'p50 ms':>8} {'p95 ms':>8} {'p50 ×':>7} {'p95 ×':>7}")
    for name, values in times.items():
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        print(f"  {name:<16} {p50:>8.2f} {p95:>8.2f} {p50 / base50:>7.2f} {p95 / base95:>7.2f}")
    q = badge["times"]
    print(f"  the badge's query alone (in process): p50 {statistics.median(q):.3f} ms, "
          f"p95 {percentile(q, 0.95):.3f} ms")
    print("  plan of the count:")
    for line in badge["plan"]:
        print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--associations", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=10,
                        help="messages to publish to every association (10 × 100,000 = 1M rows)")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per route")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--max-seconds", type=float, default=2400,
                        help="stop (and clean up) after this long")
    args = parser.parse_args()
    deadline = Deadline(args.max_seconds)
    backends = _drive.backends(args.backend, postgres_available())
    results = {b: measure(b, args.associations, args.messages, args.requests, deadline)
               for b in backends}
    for backend, result in results.items():
        report(backend, args.associations, result)


if __name__ == "__main__":
    main()
