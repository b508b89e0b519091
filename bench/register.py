"""Benchmark: public association search over 100,000 associations, against a vCode lookup.

For each database (SQLite, and PostgreSQL when it answers) this creates a throwaway database (a
file under /tmp, a ``loket_bench_…`` PostgreSQL database), migrates it, seeds the demo data plus
``--associations`` generated ones (``loket seed-demo --associations N``, with its progress bar),
loads a few postcodes with ``loket reference import-postcodes``, starts a real ``loket serve``
(gunicorn, 2 workers x 4 threads) and times, interleaved over one keep-alive connection after a
warm-up, a mix of public searches and the baseline:

- text: a word prefix, e.g. ``q=zwem`` (about 1 association in 18 matches);
- text near a postcode: ``q=…&werkingsgebied=9000`` (and the demo's ``q=voetbal&…=9999``);
- province + activity: ``werkingsgebied=BE23&hoofdactiviteit=SPRT`` (thousands of matches);
- municipality: ``werkingsgebied=BE2…`` (a random municipality code);
- baseline: ``GET /api/v1/associations/{vCode}`` for a random vCode (one row by unique key);
- the real register's compatible search (``/v1/verenigingen/zoeken``, docs/compatibility.md):
  ``locaties.postcode:P AND hoofdactiviteitenVerenigingsloket.code:A``,
  ``geotags.identificatie:PROVINCE AND hoofdactiviteitenVerenigingsloket.code:A`` and a word,
  each answering a page of 50 in vCode order and the activity facet.

Every search answers total, a page of 50 and both facets. It prints p50/p95 per kind and for
all searches, with the ratio to the lookup, then removes everything it created. Loopback only;
every step has a time limit.

    .venv/bin/python bench/register.py [--associations 100000] [--requests 300] [--backend both]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import _drive  # noqa: E402
from support.servers import (  # noqa: E402
    free_port,
    postgres_available,
    postgres_database,
    wait_for,
)

LOKET = str(Path(sys.executable).with_name("loket"))
WORDS = ("zwem", "fiets", "koor", "toneel", "harmonie", "schaak", "dans", "foto", "imker",
         "kook", "wandel", "volley", "natuur", "muziek", "gezin", "buurt", "jeugd", "sport")
NAMES = ("eik", "linde", "vlinder", "anker", "brug", "horizon", "toekomst", "zonnebloem")
POSTCODES = "postcode,gemeente\n9000,Gent\n3000,Leuven\n2000,Antwerpen\n8000,Brugge\n" \
            "3500,Hasselt\n9300,Aalst\n2800,Mechelen\n8500,Kortrijk\n"
PLACES = ("9000", "3000", "2000", "8000", "3500", "9300", "2800", "8500")
PROVINCES = ("BE21", "BE22", "BE23", "BE24", "BE25")
ACTIVITIES = ("SPRT", "JGDW", "KECU", "NMDW", "HOSP", "SOVO", "GEWE")


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            raise SystemExit("bench/register.py: time limit reached; stopping.")
        return remaining


@contextmanager
def throwaway(backend: str, tmp: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'bench.sqlite'}"
    else:
        with postgres_database() as url:
            yield url


def run(env: dict[str, str], deadline: Deadline, *args: str, show: bool = False) -> str:
    result = subprocess.run([LOKET, *args], env=env, text=True, timeout=deadline.left(),
                            stdout=subprocess.PIPE, stderr=None if show else subprocess.PIPE)
    if result.returncode != 0:
        raise SystemExit(f"loket {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def searches(rng: random.Random, municipalities: list[str], n: int) -> list[tuple[str, str]]:
    """(kind, path) of ``n`` public searches, the kinds in turn."""
    made: list[tuple[str, str]] = []
    for i in range(n):
        kind = ("text", "text + postcode", "province + activity", "municipality")[i % 4]
        if kind == "text":
            q = rng.choice(WORDS) if i % 8 else f"{rng.choice(WORDS)} {rng.choice(NAMES)}"
            params: dict[str, str] = {"q": q}
        elif kind == "text + postcode":
            params = {"q": "voetbal", "werkingsgebied": "9999"} if i % 40 == 1 else \
                {"q": rng.choice(WORDS), "werkingsgebied": rng.choice(PLACES)}
        elif kind == "province + activity":
            params = {"werkingsgebied": rng.choice(PROVINCES),
                      "hoofdactiviteit": rng.choice(ACTIVITIES)}
        else:
            params = {"werkingsgebied": rng.choice(municipalities)}
        made.append((kind, f"/api/v1/associations?{urlencode(params)}"))
    return made


def compatible(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """(kind, path) of ``n`` searches in the real register's syntax, the kinds in turn."""
    made: list[tuple[str, str]] = []
    for i in range(n):
        activity = rng.choice(ACTIVITIES)
        kind, q = (
            ("compat postcode+act", f"locaties.postcode:{rng.choice(PLACES)} AND "
                                    f"hoofdactiviteitenVerenigingsloket.code:{activity}"),
            ("compat province+act", f"geotags.identificatie:{rng.choice(PROVINCES)} AND "
                                    f"hoofdactiviteitenVerenigingsloket.code:{activity}"),
            ("compat text", f"{rng.choice(WORDS)}*"),
        )[i % 3]
        made.append((kind, f"/v1/verenigingen/zoeken?{urlencode({'q': q})}"))
    return made


def timed(conn: http.client.HTTPConnection, path: str, token: str | None = None) -> float:
    """GET ``path`` (with ``token`` as bearer token) on the kept-alive connection; ms."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}: {body[:300]!r}")
    return elapsed * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def measure(backend: str, count: int, n: int, deadline: Deadline) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-register-{backend}-"))
    try:
        with throwaway(backend, tmp) as url:
            port = free_port()
            env = {**{k: v for k, v in os.environ.items() if not k.startswith("LOKET_")},
                   "LOKET_ENV": "development", "LOKET_ISSUER": f"http://127.0.0.1:{port}",
                   "LOKET_INSTANCE_PATH": str(tmp / "instance"), "LOKET_DATABASE_URL": url,
                   "LOKET_SECRET_KEY": "bench-" + os.urandom(16).hex(),
                   "LOKET_LOG_LEVEL": "WARNING",
                   # one client on loopback asks more than the public limit per IP allows
                   "LOKET_RATE_LIMITS": "search=100000/60"}
            run(env, deadline, "db", "upgrade")
            print(f"[{backend}] seeding {count:,} associations…", file=sys.stderr, flush=True)
            started = time.monotonic()
            run(env, deadline, "seed-demo", "--associations", str(count), show=True)
            seeded = time.monotonic() - started
            listing = tmp / "postcodes.csv"
            listing.write_text(POSTCODES, encoding="utf-8")
            run(env, deadline, "reference", "import-postcodes", str(listing))
            return {"seeded": seeded, **drive(env, port, n, deadline)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def generated_vcodes(url: str) -> list[str]:
    from sqlalchemy import text

    from loket.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.scalars(text("SELECT vcode FROM associations WHERE vcode > 'V0001003'")))
    finally:
        engine.dispose()


def drive(env: dict[str, str], port: int, n: int, deadline: Deadline) -> dict[str, Any]:
    log = open(Path(env["LOKET_INSTANCE_PATH"]) / "serve.log", "wb")  # noqa: SIM115
    server = subprocess.Popen([LOKET, "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--workers", "2"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", timeout=min(60, deadline.left()),
                 proc=server)
        from loket.reference import werkingsgebieden

        municipalities = [r["code"] for r in werkingsgebieden() if r["level"] == "municipality"]
        rng = random.Random(7)
        vcodes = generated_vcodes(env["LOKET_DATABASE_URL"])
        lookups = [f"/api/v1/associations/{rng.choice(vcodes)}" for _ in range(n)]
        mix = searches(rng, municipalities, n)
        compat = compatible(rng, n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(30):  # warm-up: both workers, every kind
            timed(conn, lookups[i % n])
            timed(conn, mix[i % n][1])
            timed(conn, compat[i % n][1])
        times: dict[str, list[float]] = {"lookup": []}
        for i in range(n):
            deadline.left()
            times["lookup"].append(timed(conn, lookups[i]))
            for kind, path in (mix[i], compat[i]):
                times.setdefault(kind, []).append(timed(conn, path))
        conn.close()
        times["all searches"] = [t for k, v in times.items()
                                 if k != "lookup" and not k.startswith("compat") for t in v]
        times["all compatible"] = [t for k, v in times.items() if k.startswith("compat")
                                   for t in v]
        return {"times": times}
    finally:
        _drive.stop(server)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--associations", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300, help="searches and lookups each")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--minutes", type=float, default=30, help="time limit per database")
    args = parser.parse_args()
    backends = _drive.backends(args.backend, postgres_available())
    print(f"{args.associations:,} generated associations; {args.requests} searches and "
          f"{args.requests} lookups per database, interleaved on one keep-alive connection\n")
    header = (f"{'database':<11} {'request':<22} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'p50 x':>7} {'p95 x':>7}")
    print(header)
    print("-" * len(header))
    for backend in backends:
        result = measure(backend, args.associations, args.requests,
                         Deadline(args.minutes * 60))
        times = result["times"]
        base50, base95 = (percentile(times["lookup"], q) for q in (0.5, 0.95))
        for kind in ("lookup", "text", "text + postcode", "province + activity",
                     "municipality", "all searches", "compat postcode+act",
                     "compat province+act", "compat text", "all compatible"):
            p50, p95 = percentile(times[kind], 0.5), percentile(times[kind], 0.95)
            print(f"{backend:<11} {kind:<22} {len(times[kind]):>5} {p50:>8.2f} {p95:>8.2f} "
                  f"{p50 / base50:>7.2f} {p95 / base95:>7.2f}")
        print(f"{backend:<11} seeding took {result['seeded']:.0f} s; mean search "
              f"{statistics.mean(times['all searches']):.2f} ms")
    print("\nx = relative to the vCode lookup in the same run (aim: all searches and all "
          "compatible p95 <= 5x)")


if __name__ == "__main__":
    main()
