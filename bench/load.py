"""Load: a realistic mix against one, then two `loket serve` instances sharing PostgreSQL and
Redis; throughput, p95 and errors for each; one instance restarted in the middle of the second
run, after which every session and every acknowledged write must still be there.

    .venv/bin/python bench/load.py [--seconds 20] [--clients 8]

The mix, per request: 30 % widget script (entry.js), 20 % userinfo (profile fetch), 15 % silent
sign-in (authorize, prompt=none, with an SSO session), 15 % code exchange, 15 % catalog search,
5 % dossier push by a back office (a write). Loopback only; bounded; cleans up after itself.
With two instances the clients spread requests over both and, like a load balancer with health
checks, retry a refused connection on the other one.
"""

from __future__ import annotations

import argparse
import base64
import multiprocessing as mp
import random
import secrets
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.agent import Agent, pkce_pair  # noqa: E402
from support.servers import (  # noqa: E402
    Provider,
    free_port,
    make_provider,
    postgres_available,
    postgres_database,
    redis_available,
    redis_env,
)

MIX = (("widget", 30), ("userinfo", 20), ("signin", 15), ("token", 15), ("search", 15),
       ("write", 5))
PEOPLE = ("92021411256", "79050124561", "85073003328")


class Client:
    """One simulated client process: a browser with an SSO session, a site, a back office."""

    def __init__(self, urls: list[str], rp: dict[str, str], backoffice: dict[str, str],
                 person: str, seed: int) -> None:
        self.urls = urls
        self.rp = rp
        self.rng = random.Random(seed)
        self.http = requests.Session()
        self.agent = Agent(urls[0])
        self.agent.http = self.http
        self.auth = "Basic " + base64.b64encode(f"{rp['id']}:{rp['secret']}".encode()).decode()
        self.bo_auth = (backoffice["id"], backoffice["secret"])
        self.bo_token = ""
        self.codes: list[tuple[str, str]] = []
        self.tokens: list[str] = []
        self.writes: list[str] = []
        self.person = person

    def url(self) -> str:
        return self.rng.choice(self.urls)

    def request(self, method: str, path: str, **kw: Any) -> requests.Response:
        """Like a load balancer: a refused connection is retried on another instance."""
        order = self.rng.sample(self.urls, len(self.urls))
        last: Exception | None = None
        for base in order:
            try:
                return self.http.request(method, base + path, timeout=15, allow_redirects=False,
                                         **kw)
            except requests.ConnectionError as exc:
                last = exc
        assert last is not None
        raise last

    def prepare(self) -> None:
        verifier, challenge = pkce_pair()
        first = self.agent.authorize(**self._auth_params(challenge))
        done = self.agent.submit_login(first, self.person)
        if self.agent.is_chooser(done):
            done = self.agent.choose(done, f"BUR:{self.person}")
        self.bo_token = self._bo_token()

    def _bo_token(self) -> str:
        answer = self.request("POST", "/oidc/token", auth=self.bo_auth,
                              data={"grant_type": "client_credentials",
                                    "scope": "dossiers:write"})
        return str(answer.json()["access_token"])

    def _auth_params(self, challenge: str, prompt: str | None = None) -> dict[str, str]:
        params = {"client_id": self.rp["id"], "redirect_uri": self.rp["redirect"],
                  "response_type": "code", "scope": "openid profile",
                  "code_challenge": challenge, "code_challenge_method": "S256"}
        if prompt:
            params["prompt"] = prompt
        return params

    def one(self, kind: str) -> bool:
        if kind == "token" and not self.codes:
            kind = "signin"
        if kind == "userinfo" and not self.tokens:
            kind = "widget"
        if kind == "widget":
            ok = self.request("GET", "/widgets/v1/groenbeek/entry.js").status_code == 200
        elif kind == "search":
            word = self.rng.choice(("subsidie", "zaal", "evenement", "sport", "jeugd"))
            ok = self.request("GET", f"/api/v1/catalog/products?q={word}").status_code == 200
        elif kind == "signin":
            verifier, challenge = pkce_pair()
            answer = self.request("GET", "/oidc/authorize",
                                  params=self._auth_params(challenge, "none"))
            query = parse_qs(urlsplit(answer.headers.get("Location", "")).query)
            ok = answer.status_code == 302 and "code" in query
            if ok:
                self.codes.append((query["code"][0], verifier))
        elif kind == "token":
            code, verifier = self.codes.pop()
            answer = self.request("POST", "/oidc/token", headers={"Authorization": self.auth},
                                  data={"grant_type": "authorization_code", "code": code,
                                        "redirect_uri": self.rp["redirect"],
                                        "code_verifier": verifier})
            ok = answer.status_code == 200
            if ok:
                self.tokens = (self.tokens + [answer.json()["access_token"]])[-20:]
        elif kind == "userinfo":
            token = self.rng.choice(self.tokens)
            ok = self.request("GET", "/oidc/userinfo",
                              headers={"Authorization": f"Bearer {token}"}).status_code == 200
        else:
            number = f"LOAD-{secrets.token_hex(6)}"
            answer = self.request("PUT", f"/api/v1/dossiers/{self.bo_auth[0]}/{number}",
                                  headers={"Authorization": f"Bearer {self.bo_token}"},
                                  json=_dossier(number))
            if answer.status_code == 401:  # the back office's token expired: fetch another
                self.bo_token = self._bo_token()
            ok = answer.status_code in (200, 201)
            if ok:
                self.writes.append(number)
        return ok


def _dossier(number: str) -> dict[str, Any]:
    return {
        "name": f"Aanvraag {number}", "type": "Subsidie",
        "lastChange": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "status": {"code": "Ingediend", "phase": "Behandeling"},
        "link": "https://backoffice.example/dossiers/" + number,
        "agents": [{"identifier": "V0001001", "rights": "beheren"}],
    }


def _kinds(rng: random.Random, n: int) -> list[str]:
    names = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    return rng.choices(names, weights, k=n)


def _client_proc(args: tuple[list[str], dict, dict, str, int, float, Any]) -> dict[str, Any]:
    urls, rp, backoffice, person, seed, seconds, start_at = args
    client = Client(urls, rp, backoffice, person, seed)
    client.prepare()
    while time.time() < start_at:
        time.sleep(0.01)
    deadline = time.time() + seconds
    latencies: dict[str, list[float]] = {}
    errors: Counter[str] = Counter()
    rng = random.Random(seed)
    while time.time() < deadline:
        for kind in _kinds(rng, 20):
            began = time.perf_counter()
            try:
                ok = client.one(kind)
            except requests.RequestException:
                ok = False
            latencies.setdefault(kind, []).append(time.perf_counter() - began)
            if not ok:
                errors[kind] += 1
    # afterwards: is the SSO session still there?
    verifier, challenge = pkce_pair()
    check = client.request("GET", "/oidc/authorize",
                           params=client._auth_params(challenge, "none"))
    session_ok = "code=" in check.headers.get("Location", "")
    client.http.close()
    return {"latencies": latencies, "errors": dict(errors), "writes": client.writes,
            "session_ok": session_ok}


def run_phase(label: str, urls: list[str], rp: dict, backoffice: dict, clients: int,
              seconds: float, restart: Provider | None = None) -> dict[str, Any]:
    start_at = time.time() + 8  # every client signs in first
    jobs = [(urls, rp, backoffice, PEOPLE[i % len(PEOPLE)], i, seconds, start_at)
            for i in range(clients)]
    restarter = None
    if restart is not None:
        def bounce() -> None:
            time.sleep(max(0.0, start_at - time.time()) + seconds / 3)
            print(f"  [{label}] restarting {restart.url} (SIGTERM, graceful) …", file=sys.stderr)
            restart.stop()
            restart.start()
            print(f"  [{label}] {restart.url} is back", file=sys.stderr)

        restarter = threading.Thread(target=bounce)
        restarter.start()
    print(f"  [{label}] {clients} clients for {seconds:.0f} s …", file=sys.stderr)
    with mp.get_context("fork").Pool(clients) as pool:
        results = pool.map(_client_proc, jobs)
    if restarter:
        restarter.join()
    lat = sorted(x for r in results for xs in r["latencies"].values() for x in xs)
    return {
        "label": label,
        "requests": len(lat),
        "rate": len(lat) / seconds,
        "p95": lat[int(len(lat) * 0.95)] * 1000 if lat else 0.0,
        "p50": statistics.median(lat) * 1000 if lat else 0.0,
        "errors": sum(sum(r["errors"].values()) for r in results),
        "error_kinds": dict(sum((Counter(r["errors"]) for r in results), Counter())),
        "writes": [w for r in results for w in r["writes"]],
        "sessions_ok": sum(1 for r in results if r["session_ok"]),
        "clients": clients,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    if not (postgres_available() and redis_available()):
        raise SystemExit("bench/load.py needs PostgreSQL on 127.0.0.1:5432 and Redis on "
                         "127.0.0.1:6379 (the scaled-out setup it measures).")
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = {**redis_env(), "LOKET_LOG_LEVEL": "WARNING", "LOKET_ACCESS_TOKEN_SECONDS": "3600",
           "LOKET_RATE_LIMITS": ("signin=100000/60,token_ip=1000000/60,search=1000000/60,"
                                 "authorize=1000000/60,token_client=1000000/60")}
    with postgres_database() as url:
        first = make_provider(tmp / "a", url, extra_env=env)
        second = Provider(url=f"http://127.0.0.1:{free_port()}", env=dict(first.env),
                          instance=tmp / "b", database_url=url)
        (tmp / "b").mkdir(parents=True, exist_ok=True)
        second.env["LOKET_INSTANCE_PATH"] = str(tmp / "b")
        try:
            redirect = "http://127.0.0.1:9/cb"
            rp = {"id": "load-rp", "secret": first.add_client("load-rp", "--redirect-uri",
                                                              redirect), "redirect": redirect}
            backoffice = {"id": "load-bo", "secret": first.add_client(
                "load-bo", "--grant-type", "client_credentials", "--scope", "dossiers:write",
                "--origin", "https://backoffice.example")}
            one = run_phase("1 instance", [first.url], rp, backoffice, args.clients,
                            args.seconds)
            second.start()
            two = run_phase("2 instances, one restarted", [first.url, second.url], rp,
                            backoffice, args.clients, args.seconds, restart=second)
            writes = one["writes"] + two["writes"]
            stored = {row[0] for row in first.sql(
                "SELECT number FROM dossiers WHERE source = 'load-bo'")}
            missing = [w for w in writes if w not in stored]
        finally:
            second.stop()
            first.stop()
    print("\nloket serve: 2 workers x 4 threads per instance; PostgreSQL 15 + Redis 7; "
          f"{args.clients} client processes; {args.seconds:.0f} s per run\n")
    header = f"{'run':<28} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>7}  sessions kept"
    print(header)
    print("-" * len(header))
    for phase in (one, two):
        print(f"{phase['label']:<28} {phase['rate']:>7.0f} {phase['p50']:>7.1f} "
              f"{phase['p95']:>7.1f} {phase['errors']:>7}  "
              f"{phase['sessions_ok']}/{phase['clients']}")
        if phase["error_kinds"]:
            print(f"{'':<28} errors by kind: {phase['error_kinds']}")
    print(f"\nwrites acknowledged: {len(writes)}; found in the database afterwards: "
          f"{len(writes) - len(missing)}; lost: {len(missing)}")


if __name__ == "__main__":
    main()
