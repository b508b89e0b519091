"""Single sign-on throughput: authorization-code exchanges, refresh-token grants and userinfo calls
per second against a live `loket serve`, each as a ratio to a trivial JSON route on the same
server, in one run.

    .venv/bin/python bench/sso.py [--backend sqlite|postgresql|both] [--requests N]

Starts its own provider (gunicorn, 2 workers x 4 threads) on loopback with a throwaway database,
registers a bench client, signs a test person in once, mints codes with prompt=none (and refresh
tokens from codes asked with offline_access), then drives each endpoint with several client
processes over keep-alive connections. Rounds of the four routes are interleaved and the median
round is reported. Bounded: stops by itself.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import multiprocessing as mp
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import _drive  # noqa: E402
from support.agent import Agent, callback_params, pkce_pair  # noqa: E402
from support.servers import make_provider, postgres_available, postgres_database  # noqa: E402

CLIENT_PROCS = 4
AN = "92021411256"


def drive(pool: Any, base: str, requests: list[dict[str, Any]]) -> dict[str, float]:
    return _drive.drive(pool, base, requests, CLIENT_PROCS)


def mint_codes(agent: Agent, client_id: str, redirect: str, n: int,
               scope: str = "openid profile capacity") -> list[tuple[str, str]]:
    codes = []
    for _ in range(n):
        verifier, challenge = pkce_pair()
        params = {"client_id": client_id, "redirect_uri": redirect, "response_type": "code",
                  "scope": scope, "prompt": "none",
                  "code_challenge": challenge, "code_challenge_method": "S256"}
        cb = callback_params(agent.get("/oidc/authorize", params=params))
        codes.append((cb["code"], verifier))
    return codes


def run_backend(backend: str, n: int, rounds: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-sso-{backend}-"))
    env = {"LOKET_CODE_SECONDS": "900", "LOKET_ACCESS_TOKEN_SECONDS": "3600",
           "LOKET_LOG_LEVEL": "WARNING"}
    if backend == "postgresql":
        ctx = postgres_database()
        url = ctx.__enter__()
    else:
        ctx, url = None, None
    provider = make_provider(tmp, url, extra_env=env)
    try:
        redirect = "http://127.0.0.1:9/cb"
        secret = provider.add_client(
            "bench", "--redirect-uri", redirect, "--grant-type", "authorization_code",
            "--grant-type", "refresh_token", *[a for scope in ("openid", "profile", "capacity",
                                                              "offline_access")
                                               for a in ("--scope", scope)])
        auth = "Basic " + base64.b64encode(f"bench:{secret}".encode()).decode()
        agent = Agent(provider.url)
        verifier, challenge = pkce_pair()
        first = agent.authorize(client_id="bench", redirect_uri=redirect, response_type="code",
                                scope="openid", code_challenge=challenge,
                                code_challenge_method="S256")
        agent.submit_login(first, AN)
        trivial = [{"method": "GET", "path": "/healthz", "headers": {}}] * n
        samples: dict[str, list[dict[str, float]]] = {"trivial": [], "token": [], "refresh": [],
                                                      "userinfo": []}
        with mp.get_context("fork").Pool(CLIENT_PROCS) as pool:
            for round_no in range(rounds):
                print(f"  [{backend}] round {round_no + 1}/{rounds}: minting {n} codes…",
                      file=sys.stderr, flush=True)
                codes = mint_codes(agent, "bench", redirect, n)
                token_reqs = [{
                    "method": "POST", "path": "/oidc/token",
                    "headers": {"Authorization": auth,
                                "Content-Type": "application/x-www-form-urlencoded"},
                    "body": urlencode({"grant_type": "authorization_code", "code": code,
                                       "redirect_uri": redirect, "code_verifier": ver}),
                } for code, ver in codes]
                print(f"  [{backend}] round {round_no + 1}/{rounds}: minting {n} refresh tokens…",
                      file=sys.stderr, flush=True)
                refresh_tokens = [
                    _exchange(provider.url, auth, redirect, c, v)["refresh_token"]
                    for c, v in mint_codes(agent, "bench", redirect, n,
                                           "openid profile capacity offline_access")]
                refresh_reqs = [{
                    "method": "POST", "path": "/oidc/token",
                    "headers": {"Authorization": auth,
                                "Content-Type": "application/x-www-form-urlencoded"},
                    "body": urlencode({"grant_type": "refresh_token", "refresh_token": token}),
                } for token in refresh_tokens]
                samples["trivial"].append(drive(pool, provider.url, trivial))
                samples["token"].append(drive(pool, provider.url, token_reqs))
                samples["refresh"].append(drive(pool, provider.url, refresh_reqs))
                # fresh access tokens for userinfo, one exchange each
                tokens = [_exchange(provider.url, auth, redirect, c, v)["access_token"]
                          for c, v in mint_codes(agent, "bench", redirect, 50)]
                info_reqs = [{"method": "GET", "path": "/oidc/userinfo",
                              "headers": {"Authorization": f"Bearer {tokens[i % len(tokens)]}"}}
                             for i in range(n)]
                samples["userinfo"].append(drive(pool, provider.url, info_reqs))
        agent.http.close()
    finally:
        provider.stop()
        if ctx is not None:
            ctx.__exit__(None, None, None)
    return {name: _drive.median_round(rows) for name, rows in samples.items()}


def _exchange(base: str, auth: str, redirect: str, code: str, verifier: str) -> dict[str, Any]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("POST", "/oidc/token", body=urlencode({
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
        "code_verifier": verifier}), headers={"Authorization": auth,
                                              "Content-Type": "application/x-www-form-urlencoded"})
    data = json.loads(conn.getresponse().read())
    conn.close()
    return dict(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, default=1500, help="requests per route and round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    backends = _drive.backends(args.backend, postgres_available())
    print(f"loket serve: 2 workers x 4 threads; {CLIENT_PROCS} client processes, keep-alive; "
          f"{args.requests} requests per route, median of {args.rounds} interleaved rounds\n")
    header = f"{'backend':<11} {'route':<27} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    for backend in backends:
        result = run_backend(backend, args.requests, args.rounds)
        base = result["trivial"]["rate"]
        for name, label in (("trivial", "GET /healthz (trivial)"),
                            ("token", "POST /oidc/token (code)"),
                            ("refresh", "POST /oidc/token (refresh)"),
                            ("userinfo", "GET /oidc/userinfo")):
            row = result[name]
            print(f"{backend:<11} {label:<27} {row['rate']:>8.0f} {row['p50']:>8.1f} "
                  f"{row['p95']:>8.1f} {row['rate'] / base:>7.2f}")
    print("\nratio = requests per second relative to the trivial route on the same server "
          "(aim: token >= 0.30, userinfo >= 0.60)")


if __name__ == "__main__":
    main()
