"""Benchmark: `GET /api/v1/me/dossiers` with a million dossiers, against a single-row lookup.

For each database (SQLite, and PostgreSQL when it answers) this creates a throwaway database
under /tmp (or a throwaway PostgreSQL database), migrates it, seeds the demo data plus
``--dossiers`` generated dossiers (with a progress bar), starts a real `loket serve`, signs Jan
in for FC Groenbeek (V0001001, which the generator gives one dossier in a thousand), and times,
interleaved over one keep-alive connection:

- the list: ``GET /api/v1/me/dossiers`` (first page of 20, with counts),
- the list further down: the same with a cursor into the last page,
- the baseline: ``GET /api/v1/dossiers/{source}/{number}``, a back office reading one dossier
  by its key (unique index on (source, number)), with its agents and history.

All three authenticate a bearer token and commit an audit entry, like any API read. It prints
p50/p95 per route and the ratios, then removes everything it created. Loopback only; every
step has a time limit.

    .venv/bin/python bench/dossiers.py [--dossiers 1000000] [--requests 400] [--backend both]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import _drive  # noqa: E402
from support.agent import Agent, pkce_pair  # noqa: E402
from support.servers import free_port, wait_for  # noqa: E402

LOKET = str(Path(sys.executable).with_name("loket"))
PG_ADMIN = os.environ.get("LOKET_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
JAN = "85073003328"
CALLBACK = "http://127.0.0.1:9/callback"


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            raise SystemExit("bench/dossiers.py: time limit reached; stopping.")
        return remaining


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


@contextmanager
def database(backend: str, tmp: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'bench.sqlite'}"
        return
    import psycopg
    from psycopg import sql

    name = f"loket_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))


def loket(env: dict[str, str], *args: str, timeout: float, quiet: bool = True) -> str:
    done = subprocess.run([LOKET, *args], env=env, timeout=timeout, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE if quiet else None)
    if done.returncode != 0:
        raise SystemExit(f"loket {' '.join(args)} failed:\n{done.stdout}\n{done.stderr or ''}")
    return done.stdout


def sign_in_for_club(base: str, client_id: str, secret: str, vcode: str = "V0001001",
                     scope: str = "openid capacity dossiers") -> str:
    """Jan signs in through the test login acting for ``vcode`` (FC Groenbeek); returns the
    access token."""
    from loket.sso.capacities import encode_hint

    agent = Agent(base)
    verifier, challenge = pkce_pair()
    callback = agent.sign_in(JAN, None, client_id=client_id, redirect_uri=CALLBACK,
                             response_type="code", scope=scope, state="b",
                             code_challenge=challenge, code_challenge_method="S256",
                             login_hint=encode_hint("VER", vcode))
    agent.http.close()
    response = requests.post(f"{base}/oidc/token", auth=(client_id, secret), timeout=15, data={
        "grant_type": "authorization_code", "code": callback["code"],
        "redirect_uri": CALLBACK, "code_verifier": verifier})
    response.raise_for_status()
    return str(response.json()["access_token"])


def client_token(base: str, client_id: str, secret: str) -> str:
    response = requests.post(f"{base}/oidc/token", auth=(client_id, secret), timeout=15,
                             data={"grant_type": "client_credentials"})
    response.raise_for_status()
    return str(response.json()["access_token"])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def explain(url: str, backend: str) -> str:
    """The database's plan for the list query of FC Groenbeek (to show the index is used)."""
    from sqlalchemy import create_engine, text

    from loket.dossiers.store import page_query

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    compiled = page_query("V0001001").compile(engine, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if backend == "sqlite" else "EXPLAIN "
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(prefix + str(compiled))).all()
    finally:
        engine.dispose()
    return "\n".join("    " + (str(r[-1]) if backend == "sqlite" else str(r[0])) for r in rows)


def run_backend(backend: str, count: int, rounds: int, deadline: Deadline) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix=f"loket-bench-dossiers-{backend}-"))
    server: subprocess.Popen[bytes] | None = None
    try:
        with database(backend, tmp) as url:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            env = {**{k: v for k, v in os.environ.items() if not k.startswith("LOKET_")},
                   "LOKET_ENV": "development", "LOKET_ISSUER": base,
                   "LOKET_INSTANCE_PATH": str(tmp / "instance"), "LOKET_DATABASE_URL": url,
                   "LOKET_SECRET_KEY": "bench-" + uuid.uuid4().hex, "LOKET_LOG_LEVEL": "WARNING"}
            loket(env, "db", "upgrade", timeout=120)
            print(f"[{backend}] seeding {count:,} dossiers …", flush=True)
            started = time.monotonic()
            loket(env, "seed-demo", "--dossiers", str(count), timeout=deadline.left(),
                  quiet=False)
            seed_seconds = time.monotonic() - started
            rp_secret = json.loads(loket(
                env, "client", "add", "--id", "bench-rp", "--name", "Bench",
                "--redirect-uri", CALLBACK, "--scope", "openid", "--scope", "capacity",
                "--scope", "dossiers", "--json", timeout=60))["client_secret"]
            offices = json.loads((tmp / "instance" / "demo-backoffices.json").read_text())
            office = offices["groenbeek-backoffice"]
            plan = explain(url, backend)
            log = open(tmp / "serve.log", "wb")  # noqa: SIM115 - closed with the server
            server = subprocess.Popen(
                [LOKET, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                env=env, stdout=log, stderr=subprocess.STDOUT)
            wait_for(f"{base}/healthz", timeout=60, proc=server)
            return {"seed_seconds": seed_seconds, "plan": plan,
                    **measure(base, rp_secret, office, count, rounds, deadline)}
    finally:
        if server is not None:
            _drive.stop(server)
        shutil.rmtree(tmp, ignore_errors=True)


def measure(base: str, rp_secret: str, office: dict[str, str], count: int, rounds: int,
            deadline: Deadline) -> dict[str, Any]:
    person = sign_in_for_club(base, "bench-rp", rp_secret)
    backoffice = client_token(base, office["client_id"], office["client_secret"])
    http = requests.Session()
    first = http.get(f"{base}/api/v1/me/dossiers", headers={"Authorization": f"Bearer {person}"},
                     timeout=30).json()
    total = first["total"]
    cursor = None
    page = first
    while page["next"] is not None:  # walk once to find the cursor of the last page
        cursor = page["next"]
        page = http.get(f"{base}/api/v1/me/dossiers", params={"cursor": cursor},
                        headers={"Authorization": f"Bearer {person}"}, timeout=30).json()
    # The generator numbers dossiers GEN-<seq>; seq % 3 == 0 belongs to groenbeek-backoffice.
    rng = random.Random(1)
    numbers = [f"GEN-{3 * rng.randrange(1, count // 3):08d}" for _ in range(rounds)]

    def timed(url: str, token: str, **params: str) -> float:
        started = time.perf_counter()
        response = http.get(url, params=params, headers={"Authorization": f"Bearer {token}"},
                            timeout=30)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.text[:300]}")
        return elapsed * 1000

    routes: dict[str, Callable[[int], float]] = {
        "list (first page)": lambda i: timed(f"{base}/api/v1/me/dossiers", person),
        "list (last page, cursor)": lambda i: timed(f"{base}/api/v1/me/dossiers", person,
                                                    cursor=cursor or ""),
        "lookup by key": lambda i: timed(
            f"{base}/api/v1/dossiers/{office['client_id']}/{numbers[i]}", backoffice),
    }
    for i in range(30):  # warm-up: connections, caches, the page cache of the database
        for route in routes.values():
            route(i % rounds)  # (fewer rounds than warm-up requests: the keys come round again)
    samples: dict[str, list[float]] = {name: [] for name in routes}
    for i in range(rounds):
        deadline.left()
        for name, route in routes.items():  # interleaved, so drift hits all routes alike
            samples[name].append(route(i))
    http.close()
    return {"total": total, "samples": samples}


def report(backend: str, count: int, result: dict[str, Any]) -> None:
    samples = result["samples"]
    base = samples["lookup by key"]
    b50, b95 = statistics.median(base), percentile(base, 0.95)
    print(f"\n{backend}: {count:,} dossiers (seeded in {result['seed_seconds']:.0f} s); "
          f"FC Groenbeek sees {result['total']:,}; {len(base)} requests per route")
    print(f"  {'route':<26} {'p50 ms':>8} {'p95 ms':>8} {'p50 ×':>7} {'p95 ×':>7}")
    for name, values in samples.items():
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        print(f"  {name:<26} {p50:>8.2f} {p95:>8.2f} {p50 / b50:>7.2f} {p95 / b95:>7.2f}")
    print("  plan of the list query:")
    print(result["plan"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=400, help="timed requests per route")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--max-seconds", type=float, default=2400,
                        help="stop (and clean up) after this long")
    args = parser.parse_args()
    deadline = Deadline(args.max_seconds)
    backends = _drive.backends(args.backend, pg_available(), PG_ADMIN)
    results = {b: run_backend(b, args.dossiers, args.requests, deadline) for b in backends}
    for backend, result in results.items():
        report(backend, args.dossiers, result)


if __name__ == "__main__":
    main()
