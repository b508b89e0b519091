"""Single sign-on throughput: authorization-code exchanges, refresh-token grants and userinfo calls
per second against a live `loket serve`, each as a ratio to a trivial JSON route on the same
server, in one run.

    .venv/bin/python bench/sso.py [--backend sqlite|postgresql|both] [--requests N] [--peer]

Starts its own provider (gunicorn, 2 workers x 4 threads) on loopback with a throwaway database,
registers a bench client, signs a test person in once, mints codes with prompt=none (and refresh
tokens from codes asked with offline_access), then drives each endpoint with several client
processes over keep-alive connections. Rounds of the four routes are interleaved and the median
round is reported, with the CPU milliseconds per request of the server's process tree (and of
PostgreSQL's processes). ``--peer`` adds panva's certified oidc-provider (Node; bench/node_peer,
installed from npm with its pinned lock; Redis adapter, 2-worker cluster, Redis's CPU counted)
under the same load in the same run. Bounded: stops by itself.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import multiprocessing as mp
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import _cpu  # noqa: E402
import _drive  # noqa: E402
from support.agent import Agent, callback_params, pkce_pair  # noqa: E402
from support.servers import make_provider, postgres_available, postgres_database  # noqa: E402

CLIENT_PROCS = 4
AN = "92021411256"


def drive(pool: Any, base: str, requests: list[dict[str, Any]],
          pids: list[int] | None = None) -> dict[str, float]:
    """Rate and latency of ``requests``, and with ``pids`` (the server's process tree and its
    store) the CPU milliseconds they cost per request."""
    before = _cpu.seconds(pids) if pids else 0.0
    figures = _drive.drive(pool, base, requests, CLIENT_PROCS)
    if pids:
        figures["cpu"] = (_cpu.seconds(pids) - before) * 1000 / len(requests)
    return figures


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
        assert provider.proc is not None
        pids = _cpu.tree(provider.proc.pid) + (_cpu.named("postgres") if backend == "postgresql"
                                               else [])
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
                samples["trivial"].append(drive(pool, provider.url, trivial, pids))
                samples["token"].append(drive(pool, provider.url, token_reqs, pids))
                samples["refresh"].append(drive(pool, provider.url, refresh_reqs, pids))
                # fresh access tokens for userinfo, one exchange each
                tokens = [_exchange(provider.url, auth, redirect, c, v)["access_token"]
                          for c, v in mint_codes(agent, "bench", redirect, 50)]
                info_reqs = [{"method": "GET", "path": "/oidc/userinfo",
                              "headers": {"Authorization": f"Bearer {tokens[i % len(tokens)]}"}}
                             for i in range(n)]
                samples["userinfo"].append(drive(pool, provider.url, info_reqs, pids))
        agent.http.close()
    finally:
        provider.stop()
        if ctx is not None:
            ctx.__exit__(None, None, None)
    return {name: _drive.median_round(rows) for name, rows in samples.items()}


# ---- the peer: oidc-provider (Node), Redis adapter, 2-worker cluster ---------------------------

PEER_HOST = "127.0.0.7"


def run_peer(n: int, rounds: int) -> dict[str, Any]:
    """The same exchanges, userinfo calls and trivial route against panva's oidc-provider,
    installed from npm (bench/node_peer, pinned lock) into a cache folder of its own."""
    import subprocess
    import time

    from support.node import installed
    from support.servers import REDIS_URL, free_port, redis_available

    if not redis_available():
        raise SystemExit(f"--peer needs Redis at {REDIS_URL} (the peer's store).")
    folder = installed("node_peer", base=ROOT / "bench")
    port = free_port(PEER_HOST)
    url = f"http://{PEER_HOST}:{port}"
    redirect = "http://127.0.0.1:9/cb"
    secret = secrets.token_urlsafe(24)
    tmp = Path(tempfile.mkdtemp(prefix="bench-sso-peer-"))
    config = tmp / "config.json"
    config.write_text(json.dumps({
        "issuer": url, "host": PEER_HOST, "port": port, "redis": REDIS_URL,
        "prefix": f"loket-bench-peer-{port}:",
        "client": {"client_id": "bench", "client_secret": secret, "redirect_uri": redirect}}))
    log = (tmp / "peer.log").open("w")
    proc = subprocess.Popen(["node", str(folder / "peer.mjs"), str(config)], cwd=folder,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                if _get_status(url, "/.well-known/openid-configuration") == 200:
                    break
            except OSError:
                time.sleep(0.1)
        pids = _cpu.tree(proc.pid) + _cpu.named("redis-server")
        auth = "Basic " + base64.b64encode(f"bench:{secret}".encode()).decode()
        agent = Agent(url)
        _peer_sign_in(agent, redirect)
        trivial = [{"method": "GET", "path": "/healthz", "headers": {}}] * n
        samples: dict[str, list[dict[str, float]]] = {"trivial": [], "token": [], "userinfo": []}
        with mp.get_context("fork").Pool(CLIENT_PROCS) as pool:
            for round_no in range(rounds):
                print(f"  [peer] round {round_no + 1}/{rounds}: minting {n} codes…",
                      file=sys.stderr, flush=True)
                codes = _peer_codes(agent, redirect, n)
                token_reqs = [{
                    "method": "POST", "path": "/token",
                    "headers": {"Authorization": auth,
                                "Content-Type": "application/x-www-form-urlencoded"},
                    "body": urlencode({"grant_type": "authorization_code", "code": code,
                                       "redirect_uri": redirect, "code_verifier": ver}),
                } for code, ver in codes]
                samples["trivial"].append(drive(pool, url, trivial, pids))
                samples["token"].append(drive(pool, url, token_reqs, pids))
                tokens = [_exchange(url, auth, redirect, c, v, path="/token")["access_token"]
                          for c, v in _peer_codes(agent, redirect, 50)]
                info_reqs = [{"method": "GET", "path": "/me",
                              "headers": {"Authorization": f"Bearer {tokens[i % len(tokens)]}"}}
                             for i in range(n)]
                samples["userinfo"].append(drive(pool, url, info_reqs, pids))
        agent.http.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
    return {name: _drive.median_round(rows) for name, rows in samples.items()}


def _get_status(base: str, path: str) -> int:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
    conn.request("GET", path)
    status = conn.getresponse().status
    conn.close()
    return status


def _peer_params(redirect: str) -> tuple[dict[str, str], str]:
    verifier, challenge = pkce_pair()
    return {"client_id": "bench", "redirect_uri": redirect, "response_type": "code",
            "scope": "openid profile", "code_challenge": challenge,
            "code_challenge_method": "S256"}, verifier


def _peer_sign_in(agent: Agent, redirect: str) -> None:
    """An signs in once, through the peer's interaction page; afterwards codes need none."""
    params, _verifier = _peer_params(redirect)
    response = agent.get("/auth", params=params)
    for _ in range(10):
        location = response.headers.get("Location", "")
        if location.startswith(redirect):
            return
        if response.status_code in (302, 303):
            response = agent.get(location)
        elif "<form" in response.text:
            response = agent.post(response.url, data={"login": AN})
        else:
            raise RuntimeError(f"the peer's sign-in stopped at {response.status_code}")
    raise RuntimeError("the peer's sign-in did not come back")


def _peer_codes(agent: Agent, redirect: str, n: int) -> list[tuple[str, str]]:
    codes = []
    for _ in range(n):
        params, verifier = _peer_params(redirect)
        response = agent.get("/auth", params=params)
        while not response.headers.get("Location", "").startswith(redirect):
            response = agent.get(response.headers["Location"])
        codes.append((callback_params(response)["code"], verifier))
    return codes


def _exchange(base: str, auth: str, redirect: str, code: str, verifier: str,
              path: str = "/oidc/token") -> dict[str, Any]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("POST", path, body=urlencode({
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
    parser.add_argument("--peer", action="store_true",
                        help="also measure panva's oidc-provider (Node, Redis adapter, 2-worker "
                             "cluster) in the same run, with CPU ms per request")
    args = parser.parse_args()
    backends = _drive.backends(args.backend, postgres_available())
    print(f"loket serve: 2 workers x 4 threads; {CLIENT_PROCS} client processes, keep-alive; "
          f"{args.requests} requests per route, median of {args.rounds} interleaved rounds\n")
    header = (f"{'server':<11} {'route':<27} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'ratio':>7} {'CPU ms':>8}")
    results = {backend: run_backend(backend, args.requests, args.rounds) for backend in backends}
    if args.peer:
        results["peer"] = run_peer(args.requests, args.rounds)
    print(header)
    print("-" * len(header))
    labels = (("trivial", "GET /healthz (trivial)"), ("token", "POST token (code)"),
              ("refresh", "POST token (refresh)"), ("userinfo", "GET userinfo"))
    for server, result in results.items():
        base = result["trivial"]["rate"]
        for name, label in labels:
            if name not in result:
                continue
            row = result[name]
            print(f"{server:<11} {label:<27} {row['rate']:>8.0f} {row['p50']:>8.1f} "
                  f"{row['p95']:>8.1f} {row['rate'] / base:>7.2f} {row.get('cpu', 0):>8.2f}")
    print("\nratio = requests per second relative to the trivial route on the same server "
          "(aim: token >= 0.30, userinfo >= 0.60); CPU ms = user + system time of the server's "
          "process tree per request (PostgreSQL's or Redis's processes included), all processes "
          "of the store counted, so run it on a quiet machine")
    if args.peer:
        peer = results["peer"]
        for backend in backends:
            mine = results[backend]
            ratios = {name: mine[name]["cpu"] / peer[name]["cpu"]
                      for name in ("token", "userinfo", "trivial")}
            print(f"{backend}: CPU per request as a multiple of the peer's: code exchange "
                  f"{ratios['token']:.2f}x, userinfo {ratios['userinfo']:.2f}x, trivial "
                  f"{ratios['trivial']:.2f}x")


if __name__ == "__main__":
    main()
