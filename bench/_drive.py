"""Shared by the benchmarks: send prepared requests from several client processes over
keep-alive connections and report rate and latency percentiles."""

from __future__ import annotations

import http.client
import statistics
import sys
import time
from typing import Any
from urllib.parse import urlsplit


def _worker(args: tuple[str, list[dict[str, Any]]]) -> list[float]:
    """Send each request on one keep-alive connection; return latencies (s). Non-200 aborts."""
    base, requests = args
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    latencies = []
    for req in requests:
        started = time.perf_counter()
        conn.request(req.get("method", "GET"), req["path"], body=req.get("body"),
                     headers=req.get("headers", {}))
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{req['path']} answered {response.status}: {body[:200]!r}")
        latencies.append(time.perf_counter() - started)
    conn.close()
    return latencies


def drive(pool: Any, base: str, requests: list[dict[str, Any]], procs: int) -> dict[str, float]:
    """Spread ``requests`` over ``procs`` processes of ``pool``; rate (req/s), p50 and p95 (ms)."""
    chunks = [requests[i::procs] for i in range(procs)]
    started = time.perf_counter()
    results = pool.map(_worker, [(base, chunk) for chunk in chunks])
    elapsed = time.perf_counter() - started
    lat = sorted(x for chunk in results for x in chunk)
    return {"rate": len(lat) / elapsed, "p50": lat[len(lat) // 2] * 1000,
            "p95": lat[int(len(lat) * 0.95)] * 1000}


def backends(choice: str, postgres_answers: bool, where: str = "127.0.0.1:5432") -> list[str]:
    """The databases to measure for ``--backend``; PostgreSQL is dropped (and said) when it
    does not answer."""
    chosen = ["sqlite", "postgresql"] if choice == "both" else [choice]
    if "postgresql" in chosen and not postgres_answers:
        print(f"PostgreSQL does not answer at {where}: measuring SQLite only.", file=sys.stderr)
        chosen = [b for b in chosen if b != "postgresql"]
    return chosen


def median_round(rows: list[dict[str, float]]) -> dict[str, float]:
    """Per figure, the median over the rounds."""
    return {key: statistics.median(r[key] for r in rows) for key in rows[0]}


def stop(server: Any) -> None:
    """Stop a ``loket serve`` process: SIGTERM (its requests finish), killed after 20 s."""
    import subprocess

    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
