"""Racing requests against a live provider (SQLite and PostgreSQL): the database decides, the
answers stay clear (never a 500), and nothing a replayed code issued survives."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import requests

from support.agent import Agent
from support.oidc import AN, auth_params, sign_in, token, userinfo
from support.servers import Provider


def race(count: int, call: Any) -> list[Any]:
    """Run ``call(i)`` on ``count`` threads released at the same moment."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        results[i] = call(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_code_replayed_in_parallel_revokes_what_the_winner_got(provider: Provider, rp,
                                                                  agent: Agent) -> None:
    for _ in range(6):
        params = auth_params(rp)
        cb = sign_in(agent, params, AN)
        code, verifier = cb["code"], params["_verifier"]
        answers = race(2, lambda _i, c=code, v=verifier: token(provider, rp, c, v))
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [200, 400], statuses
        winner = next(a for a in answers if a.status_code == 200)
        assert userinfo(provider, winner.json()["access_token"]).status_code == 401


def backoffice_token(provider: Provider, name: str) -> str:
    secret = provider.add_client(name, "--grant-type", "client_credentials",
                                 "--scope", "dossiers:write", "--scope", "catalog:write",
                                 "--organisation", "Gemeente Groenbeek",
                                 "--origin", "https://backoffice.example",
                                 "--origin", "https://www.groenbeek.example",
                                 "--origin", "https://loket.groenbeek.example")
    answer = requests.post(f"{provider.url}/oidc/token", auth=(name, secret), timeout=10,
                           data={"grant_type": "client_credentials"})
    return str(answer.json()["access_token"])


def test_parallel_creates_of_one_dossier_never_fail_with_500(provider: Provider) -> None:
    from support.dossiers import dossier_body

    name = f"race-bo-{provider.url.rsplit(':', 1)[1]}"
    bearer = {"Authorization": f"Bearer {backoffice_token(provider, name)}"}
    seen: Counter[int] = Counter()
    for round_no in range(4):
        url = f"{provider.url}/api/v1/dossiers/{name}/RACE-{round_no}"
        answers = race(6, lambda i, u=url: requests.put(
            u, json=dossier_body(name=f"Aanvraag {i}"), headers=bearer, timeout=20))
        seen.update(a.status_code for a in answers)
    assert 500 not in seen, seen
    assert set(seen) <= {200, 201, 409}, seen


def test_if_match_lets_one_of_several_parallel_updates_through(provider: Provider) -> None:
    from support.catalog import product

    name = f"race-pub-{provider.url.rsplit(':', 1)[1]}"
    bearer = {"Authorization": f"Bearer {backoffice_token(provider, name)}"}
    url = f"{provider.url}/api/v1/catalog/products/RACE-PRODUCT"
    created = requests.put(url, json=product(), headers=bearer, timeout=20)
    assert created.status_code in (200, 201), created.text
    version = created.headers["ETag"]
    answers = race(5, lambda i: requests.put(
        url, json=product(keywords={"nl": [f"race{i}"]}),
        headers={**bearer, "If-Match": version}, timeout=20))
    statuses = Counter(a.status_code for a in answers)
    assert statuses[200] == 1 and statuses[412] == 4, statuses
