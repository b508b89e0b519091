"""Catalog search latency: a personalised search (FC Groenbeek's token) over 10,000 products
against an unfiltered anonymous list of 20 on the same live `loket serve`, in one run.

    .venv/bin/python bench/catalog.py [--backend sqlite|postgresql|both] [--products N]
                                      [--requests N] [--rounds N]

For each backend: a throwaway database (SQLite file or a new PostgreSQL database), migrated,
seeded with the demo data plus N generated products (progress shown), a provider on loopback
(gunicorn, 2 workers x 4 threads), a real sign-in of Jan for V0001001 with a login_hint, then
interleaved rounds of both requests from client processes over keep-alive connections; the
median round is reported. Everything is removed afterwards. Bounded: stops by itself.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import multiprocessing as mp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import _drive  # noqa: E402
from support.agent import Agent, pkce_pair  # noqa: E402
from support.servers import LOKET, make_provider, postgres_available, postgres_database  # noqa: E402

CLIENT_PROCS = 2
JAN = "85073003328"
BASELINE = "/api/v1/catalog/products?limit=20"
PERSONAL = "/api/v1/catalog/products?limit=20"


def drive(pool: Any, base: str, requests: list[dict[str, Any]]) -> dict[str, float]:
    return _drive.drive(pool, base, requests, CLIENT_PROCS)


def sign_in_fc_groenbeek(url: str, client_id: str, secret: str, redirect: str) -> str:
    """A real authorization-code flow for Jan acting for FC Groenbeek (targeted login)."""
    agent = Agent(url)
    verifier, challenge = pkce_pair()
    login_hint = base64.urlsafe_b64encode(json.dumps(
        {"cap_hint": "VER", "code_hint": "V0001001"}).encode()).decode().rstrip("=")
    callback = agent.sign_in(JAN, None, client_id=client_id, redirect_uri=redirect,
                             response_type="code", scope="openid capacity catalog",
                             code_challenge=challenge, code_challenge_method="S256",
                             login_hint=login_hint)
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    auth = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    conn.request("POST", "/oidc/token", body=urlencode({
        "grant_type": "authorization_code", "code": callback["code"], "redirect_uri": redirect,
        "code_verifier": verifier}), headers={"Authorization": f"Basic {auth}",
                                              "Content-Type": "application/x-www-form-urlencoded"})
    data = json.loads(conn.getresponse().read())
    conn.close()
    agent.http.close()
    return str(data["access_token"])


def check(url: str, token: str) -> dict[str, Any]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("GET", PERSONAL, headers={"Authorization": f"Bearer {token}"})
    body = json.loads(conn.getresponse().read())
    conn.request("GET", BASELINE)
    plain = json.loads(conn.getresponse().read())
    conn.close()
    if not body.get("personalised") or not body["items"] or "relevance" not in body["items"][0]:
        raise RuntimeError(f"the personalised search did not personalise: {str(body)[:300]}")
    return {"personal_total": body["total"], "all_total": plain["total"]}


def run_backend(backend: str, products: int, n: int, rounds: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-catalog-{backend}-"))
    env = {"LOKET_ACCESS_TOKEN_SECONDS": "3600", "LOKET_LOG_LEVEL": "WARNING"}
    ctx = postgres_database() if backend == "postgresql" else None
    url = ctx.__enter__() if ctx is not None else None
    provider = None
    try:
        provider = make_provider(tmp, url, extra_env=env, start=False)
        print(f"  [{backend}] seeding {products} products…", file=sys.stderr, flush=True)
        subprocess.run([LOKET, "seed-demo", "--products", str(products)], env=provider.env,
                       check=True, stdout=subprocess.DEVNULL, timeout=1800)
        redirect = "http://127.0.0.1:9/cb"
        secret = provider.add_client("bench", "--redirect-uri", redirect, "--scope", "openid",
                                     "--scope", "capacity", "--scope", "catalog")
        provider.start()
        token = sign_in_fc_groenbeek(provider.url, "bench", secret, redirect)
        sizes = check(provider.url, token)
        baseline = [{"path": BASELINE, "headers": {}}] * n
        personal = [{"path": PERSONAL, "headers": {"Authorization": f"Bearer {token}"}}] * n
        samples: dict[str, list[dict[str, float]]] = {"baseline": [], "personal": []}
        with mp.get_context("fork").Pool(CLIENT_PROCS) as pool:
            drive(pool, provider.url, baseline[: n // 5])  # warm up both workers
            drive(pool, provider.url, personal[: n // 5])
            for round_no in range(rounds):
                print(f"  [{backend}] round {round_no + 1}/{rounds}", file=sys.stderr, flush=True)
                samples["baseline"].append(drive(pool, provider.url, baseline))
                samples["personal"].append(drive(pool, provider.url, personal))
    finally:
        if provider is not None:
            provider.stop()
        if ctx is not None:
            ctx.__exit__(None, None, None)
        shutil.rmtree(tmp, ignore_errors=True)
    return {**{k: _drive.median_round(v) for k, v in samples.items()}, **sizes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=600, help="requests per route and round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    backends = _drive.backends(args.backend, postgres_available())
    print(f"loket serve: 2 workers x 4 threads; {CLIENT_PROCS} client processes, keep-alive; "
          f"{args.products} generated products + the demo catalog; {args.requests} requests "
          f"per route, median of {args.rounds} interleaved rounds\n")
    header = (f"{'backend':<11} {'request':<44} {'results':>8} {'req/s':>7} {'p50 ms':>7} "
              f"{'p95 ms':>7} {'p95 ratio':>9}")
    print(header)
    print("-" * len(header))
    for backend in backends:
        result = run_backend(backend, args.products, args.requests, args.rounds)
        base = result["baseline"]["p95"]
        for name, label, total in (
            ("baseline", "anonymous, unfiltered, limit 20 (+facets)", result["all_total"]),
            ("personal", "FC Groenbeek's token, limit 20 (+facets)", result["personal_total"]),
        ):
            row = result[name]
            print(f"{backend:<11} {label:<44} {total:>8} {row['rate']:>7.0f} {row['p50']:>7.1f} "
                  f"{row['p95']:>7.1f} {row['p95'] / base:>9.2f}")
    print("\np95 ratio = p95 latency relative to the unfiltered anonymous list on the same "
          "server (aim: personalised <= 4)")


if __name__ == "__main__":
    main()
