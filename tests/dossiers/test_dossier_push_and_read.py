"""A dossier from push to reader, against a live `loket serve` (SQLite and PostgreSQL): a back office
pushes with a client-credentials token, Jan acting for FC Groenbeek reads it and acting as
citizen does not, another source cannot overwrite it, malformed payloads change nothing and
name the field, expired and wrong-scope tokens are refused."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from loket.sso.capacities import encode_hint
from loket.sso.provider import digest
from support.agent import Agent, pkce_pair
from support.dossiers import JAN, bearer, dossier_body
from support.servers import Provider

CALLBACK = "http://127.0.0.1:9/callback"  # never fetched: the agent stops at the redirect


@dataclass
class Clients:
    source: str
    source_secret: str
    other: str
    other_secret: str
    catalog: str
    catalog_secret: str
    rp: str
    rp_secret: str


@pytest.fixture(scope="module")
def clients(provider: Provider) -> Clients:
    """Registered the documented way, with `loket client add` (ids unique per run)."""
    tag = uuid.uuid4().hex[:6]
    cc = ("--grant-type", "client_credentials")
    made = Clients(
        source=f"bo-{tag}", source_secret="", other=f"bo-other-{tag}", other_secret="",
        catalog=f"bo-cat-{tag}", catalog_secret="", rp=f"dossier-rp-{tag}", rp_secret="")
    made.source_secret = provider.add_client(made.source, *cc, "--scope", "dossiers:write",
                                             "--origin", "https://backoffice.example")
    made.other_secret = provider.add_client(made.other, *cc, "--scope", "dossiers:write",
                                            "--origin", "https://backoffice.example")
    made.catalog_secret = provider.add_client(made.catalog, *cc, "--scope", "catalog:write")
    made.rp_secret = provider.add_client(
        made.rp, "--redirect-uri", CALLBACK, "--scope", "openid", "--scope", "capacity",
        "--scope", "dossiers")
    return made


def client_token(provider: Provider, client_id: str, secret: str,
                 scope: str | None = None) -> str:
    data = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    response = requests.post(f"{provider.url}/oidc/token", data=data, auth=(client_id, secret),
                             timeout=15)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def person_token(provider: Provider, clients: Clients, code: str,
                 identifier: str | None) -> tuple[str, dict[str, Any]]:
    """Jan signs in at the relying party with a targeted login_hint; returns token and body."""
    agent = Agent(provider.url)
    try:
        verifier, challenge = pkce_pair()
        callback = agent.sign_in(
            JAN, None, client_id=clients.rp, redirect_uri=CALLBACK, response_type="code",
            scope="openid capacity dossiers", state="s", nonce="n",
            code_challenge=challenge, code_challenge_method="S256",
            login_hint=encode_hint(code, identifier))
    finally:
        agent.http.close()
    response = requests.post(f"{provider.url}/oidc/token", data={
        "grant_type": "authorization_code", "code": callback["code"],
        "redirect_uri": CALLBACK, "code_verifier": verifier,
    }, auth=(clients.rp, clients.rp_secret), timeout=15)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"]), response.json()


def put(provider: Provider, token: str, source: str, number: str, body: Any) -> requests.Response:
    return requests.put(f"{provider.url}/api/v1/dossiers/{source}/{number}", json=body,
                        headers=bearer(token), timeout=15)


def read_mine(provider: Provider, token: str) -> requests.Response:
    return requests.get(f"{provider.url}/api/v1/me/dossiers", headers=bearer(token), timeout=15)


def own_view(provider: Provider, token: str, source: str, number: str) -> dict[str, Any]:
    response = requests.get(f"{provider.url}/api/v1/dossiers/{source}/{number}",
                            headers=bearer(token), timeout=15)
    assert response.status_code == 200, response.text
    return dict(response.json())


def recent(seconds_ago: int = 60) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - seconds_ago))


def test_pushed_dossier_reaches_fc_groenbeek_and_not_jan_as_citizen(provider, clients) -> None:
    token = client_token(provider, clients.source, clients.source_secret, "dossiers:write")
    number = "PUSH-" + uuid.uuid4().hex[:8]
    body = dossier_body(name="<img src=x onerror=alert(1)> Subsidie", lastChange=recent())
    created = put(provider, token, clients.source, number, body)
    assert created.status_code == 201, created.text
    again = put(provider, token, clients.source, number, body)
    assert (again.status_code, again.json()["result"]) == (200, "unchanged")

    as_club, _ = person_token(provider, clients, "VER", "V0001001")
    listed = read_mine(provider, as_club)
    assert listed.status_code == 200
    data = listed.json()
    assert data["capacity"]["identifier"] == "V0001001"
    ours = [d for d in data["dossiers"] if d["number"] == number]
    assert len(ours) == 1
    assert ours[0]["name"] == "<img src=x onerror=alert(1)> Subsidie"
    assert ours[0]["source"] == {"id": clients.source, "name": f"Test {clients.source}"}
    # Action required: on top, above the older demo dossier that also needs action.
    assert data["dossiers"][0]["number"] == number

    as_citizen, _ = person_token(provider, clients, "BUR", None)
    citizen = read_mine(provider, as_citizen).json()
    assert citizen["capacity"]["code"] == "BUR"
    assert number not in [d["number"] for d in citizen["dossiers"]]
    assert [d["number"] for d in citizen["dossiers"]] == ["GB-2025-0033"]

    logged = provider.sql(
        "SELECT capacity, subject, detail FROM audit_log WHERE operation = 'dossiers-read' "
        "ORDER BY seq")
    assert [tuple(row[:2]) for row in logged[-2:]] == [("VER:V0001001", "VER:V0001001"),
                                                       ("BUR", logged[-1][1])]


def test_another_source_cannot_overwrite_it(provider, clients) -> None:
    token = client_token(provider, clients.source, clients.source_secret)
    number = "OWN-" + uuid.uuid4().hex[:8]
    assert put(provider, token, clients.source, number, dossier_body()).status_code == 201
    before = own_view(provider, token, clients.source, number)
    intruder = client_token(provider, clients.other, clients.other_secret)
    response = put(provider, intruder, clients.source, number,
                   dossier_body(name="Overgenomen", agents=[{"identifier": "V0001003",
                                                             "rights": "beheren"}]))
    assert (response.status_code, response.json()["error"]) == (403, "forbidden_source")
    bulk = requests.post(f"{provider.url}/api/v1/dossiers/{clients.source}", json={
        "dossiers": [{**dossier_body(name="Overgenomen"), "number": number}]},
        headers=bearer(intruder), timeout=15)
    assert bulk.status_code == 403
    assert own_view(provider, token, clients.source, number) == before


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda b: b["agents"][0].update(identifier="85073003329"), "agents[0].identifier"),
    (lambda b: b["status"].update(phase="Klaar"), "status.phase"),
    (lambda b: b.update(link="javascript:alert(1)"), "link"),
    (lambda b: b.update(lastChange="2025-03-01"), "lastChange"),
    (lambda b: b["handler"].update(email="nope"), "handler.email"),
])
def test_malformed_payloads_change_nothing_and_name_the_field(provider, clients, mutate,
                                                              field) -> None:
    token = client_token(provider, clients.source, clients.source_secret)
    number = "BAD-" + uuid.uuid4().hex[:8]
    assert put(provider, token, clients.source, number, dossier_body()).status_code == 201
    before = own_view(provider, token, clients.source, number)
    body = dossier_body(name="Gewijzigd")
    mutate(body)
    response = put(provider, token, clients.source, number, body)
    assert response.status_code == 400
    assert response.json()["field"] == field and response.json()["error"] == "invalid_field"
    assert own_view(provider, token, clients.source, number) == before
    records = [{**dossier_body(), "number": f"{number}-a"}, {**body, "number": f"{number}-b"}]
    bulk = requests.post(f"{provider.url}/api/v1/dossiers/{clients.source}",
                         json={"dossiers": records}, headers=bearer(token), timeout=15)
    assert (bulk.status_code, bulk.json()["field"], bulk.json()["index"]) == (
        400, f"dossiers[1].{field}", 1)
    missing = requests.get(f"{provider.url}/api/v1/dossiers/{clients.source}/{number}-a",
                           headers=bearer(token), timeout=15)
    assert missing.status_code == 404


def test_expired_and_wrong_scope_tokens_are_refused(provider, clients) -> None:
    number = "TOK-" + uuid.uuid4().hex[:8]
    token = client_token(provider, clients.source, clients.source_secret)
    provider.sql("UPDATE access_tokens SET expires_at = :t WHERE token_hash = :h",
                 {"t": int(time.time()) - 1, "h": digest(token)})
    expired = put(provider, token, clients.source, number, dossier_body())
    assert (expired.status_code, expired.json()["error"]) == (401, "invalid_token")
    assert "Bearer" in expired.headers["WWW-Authenticate"]

    catalog = client_token(provider, clients.catalog, clients.catalog_secret)
    wrong = put(provider, catalog, clients.catalog, number, dossier_body())
    assert (wrong.status_code, wrong.json()["error"]) == (403, "insufficient_scope")
    # A back office that asks for a scope it was not registered with gets no token at all.
    refused = requests.post(f"{provider.url}/oidc/token", data={
        "grant_type": "client_credentials", "scope": "dossiers:write"},
        auth=(clients.catalog, clients.catalog_secret), timeout=15)
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_scope")

    as_club, _ = person_token(provider, clients, "VER", "V0001001")
    assert put(provider, as_club, clients.source, number, dossier_body()).status_code == 403
    assert read_mine(provider, token).status_code == 401
    live = client_token(provider, clients.source, clients.source_secret)
    assert read_mine(provider, live).status_code == 403  # a client, not a person
    provider.sql("UPDATE access_tokens SET expires_at = 0 WHERE token_hash = :h",
                 {"h": digest(as_club)})
    assert read_mine(provider, as_club).status_code == 401
    gone = requests.get(f"{provider.url}/api/v1/dossiers/{clients.source}/{number}",
                        headers=bearer(live), timeout=15)
    assert gone.status_code == 404
