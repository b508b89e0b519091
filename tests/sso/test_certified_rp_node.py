"""Loket as a site written in another ecosystem meets it: panva's openid-client for Node
(certified by the OpenID Foundation; not Authlib, which the demo sites use), installed from npm
with the pinned lock file in tests/support/node_rp, against a live `loket serve` on SQLite and
PostgreSQL. The library checks everything it checks for any provider: discovery, `iss` in the
authorization response (RFC 9207), state, PKCE, the ID token's signature (non-repudiation
checks on), `iss`, `aud`, `nonce`, `at_hash`, userinfo's `sub`; then refresh and logout. The
same library authenticates with `private_key_jwt` too, with a key registered by
`loket client key add`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from support.agent import Agent
from support.jwk import ASSERTION_TYPE, private_rsa_jwk, public_jwk
from support.node import installed
from support.oidc import JAN, RelyingParty

SCOPE = "openid profile capacity vo papi offline_access"


@pytest.fixture(scope="session")
def node_rp_dir() -> Path:
    """The Node relying party with its locked dependencies (`npm ci`, cached per lock file)."""
    return installed("node_rp")


@pytest.fixture(scope="session")
def node_client(provider, backchannel_receiver) -> RelyingParty:
    redirect = f"{backchannel_receiver.base}/node-callback"
    bye = f"{backchannel_receiver.base}/node-bye"
    args = [a for scope in SCOPE.split() for a in ("--scope", scope)]
    secret = provider.add_client(
        "node-rp", "--redirect-uri", redirect, "--post-logout-uri", bye,
        "--backchannel-logout-uri", backchannel_receiver.url,
        "--grant-type", "authorization_code", "--grant-type", "refresh_token", *args)
    return RelyingParty("node-rp", secret, redirect, bye)


def _node(folder: Path, step: str, provider, client: RelyingParty, **values: Any) -> dict:
    payload = {"issuer": provider.url, "client_id": client.client_id,
               "client_secret": client.secret, "redirect_uri": client.redirect_uri, **values}
    done = subprocess.run(["node", str(folder / "rp.mjs"), step], input=json.dumps(payload),
                          capture_output=True, text=True, timeout=60, cwd=folder)
    assert done.stdout, f"node {step} printed nothing; stderr: {done.stderr[-2000:]}"
    return json.loads(done.stdout)


def _sign_in(agent: Agent, url: str, capacity: str | None) -> str:
    """The person's browser: follow the library's URL, sign in, choose; the callback URL."""
    page = agent.follow(agent.get(url))
    if agent.is_login_page(page):
        page = agent.submit_login(page, JAN)
    if agent.is_chooser(page):
        assert capacity, "the chooser was shown"
        page = agent.choose(page, capacity)
    assert page.status_code in (302, 303), page.text[:300]
    return page.headers["Location"]


@pytest.mark.parametrize("auth", ["basic", "post"])
def test_code_pkce_acm_claims_refresh_and_logout(node_rp_dir, provider, node_client, agent,
                                                 auth) -> None:
    start = _node(node_rp_dir, "start", provider, node_client, scope=SCOPE, auth=auth)
    assert "error" not in start, start
    callback = _sign_in(agent, start["url"], "VER:V0001001")
    signed = _node(node_rp_dir, "callback", provider, node_client, auth=auth,
                   callback_url=callback, **{k: start[k] for k in ("verifier", "state", "nonce")})
    assert "error" not in signed, signed
    claims = signed["claims"]
    assert claims["iss"] == provider.url and claims["aud"] == "node-rp"
    assert claims["vo_doelgroepcode"] == "VER" and claims["vo_orgcode"] == "V0001001"
    assert claims["capacity"]["name"] == "FC Groenbeek" and claims["papi_token"]
    assert signed["userinfo"]["vo_orgnaam"] == "FC Groenbeek"
    assert signed["refresh_token"]

    refreshed = _node(node_rp_dir, "refresh", provider, node_client, auth=auth,
                      refresh_token=signed["refresh_token"])
    assert "error" not in refreshed, refreshed
    assert refreshed["claims"]["sub"] == claims["sub"]
    assert refreshed["claims"]["auth_time"] == claims["auth_time"]
    assert refreshed["refresh_token"] != signed["refresh_token"]
    # the library's own view of a reused refresh token: the provider's invalid_grant
    reused = _node(node_rp_dir, "refresh", provider, node_client, auth=auth,
                   refresh_token=signed["refresh_token"])
    assert reused.get("oauth_error") == "invalid_grant", reused

    out = _node(node_rp_dir, "logout", provider, node_client, auth=auth,
                id_token=refreshed["id_token"], post_logout_redirect_uri=node_client.post_logout_uri,
                state="bye-1")
    answer = agent.get(out["url"])
    assert answer.status_code in (302, 303)
    assert answer.headers["Location"] == f"{node_client.post_logout_uri}?state=bye-1"
    gone = requests.get(f"{provider.url}/oidc/userinfo", timeout=15,
                        headers={"Authorization": f"Bearer {refreshed['access_token']}"})
    assert gone.status_code == 401


def test_switch_with_the_library(node_rp_dir, provider, node_client, agent) -> None:
    start = _node(node_rp_dir, "start", provider, node_client, scope=SCOPE)
    first = _node(node_rp_dir, "callback", provider, node_client,
                  callback_url=_sign_in(agent, start["url"], "VER:V0001001"),
                  **{k: start[k] for k in ("verifier", "state", "nonce")})
    assert first["claims"]["vo_doelgroepcode"] == "VER"
    # ACM's switch at end-session: this site only, back to it, then the chooser
    out = _node(node_rp_dir, "logout", provider, node_client, id_token=first["id_token"],
                post_logout_redirect_uri=node_client.post_logout_uri, switch=True)
    back = agent.get(out["url"])
    assert back.status_code in (302, 303)
    assert back.headers["Location"].startswith(node_client.post_logout_uri)
    again = _node(node_rp_dir, "start", provider, node_client, scope=SCOPE)
    page = agent.follow(agent.get(again["url"]))
    assert agent.is_chooser(page) and not agent.is_login_page(page)
    location = agent.choose(page, f"BUR:{JAN}").headers["Location"]
    second = _node(node_rp_dir, "callback", provider, node_client, callback_url=location,
                   **{k: again[k] for k in ("verifier", "state", "nonce")})
    assert "error" not in second, second
    assert second["claims"]["vo_doelgroepcode"] == "BUR"
    assert second["claims"]["auth_time"] == first["claims"]["auth_time"]  # no new sign-in
    # the switch_id hint, as ACM's sites send it, through the library's URL
    hinted = _node(node_rp_dir, "start", provider, node_client, scope=SCOPE,
                   login_hint="eyJzd2l0Y2hfaWQiOnRydWV9")
    assert agent.is_chooser(agent.follow(agent.get(hinted["url"])))


def test_the_library_refuses_a_tampered_callback(node_rp_dir, provider, node_client,
                                                 agent) -> None:
    """The checks are real: a callback whose `iss` is not the provider's is refused by the
    library before any token request (RFC 9207 mix-up defence)."""
    start = _node(node_rp_dir, "start", provider, node_client, scope="openid")
    callback = _sign_in(agent, start["url"], None)
    parts = urlsplit(callback)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["iss"] = "http://127.0.0.1:9/evil"
    tampered = parts._replace(query="&".join(f"{k}={requests.utils.quote(v, safe='')}"
                                             for k, v in query.items())).geturl()
    refused = _node(node_rp_dir, "callback", provider, node_client, callback_url=tampered,
                    **{k: start[k] for k in ("verifier", "state", "nonce")})
    assert refused.get("error"), refused


@pytest.fixture(scope="session")
def node_key_client(provider, backchannel_receiver, tmp_path_factory) -> tuple[RelyingParty, dict]:
    """A client that authenticates with private_key_jwt only: registered without a secret, its
    public key (made here) given to `loket client key add`; the private JWK goes to Node."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    redirect = f"{backchannel_receiver.base}/node-key-callback"
    args = [a for scope in SCOPE.split() for a in ("--scope", scope)]
    added = provider.cli("client", "add", "--id", "node-key-rp", "--name", "Node key RP",
                         "--redirect-uri", redirect, "--post-logout-uri", redirect,
                         "--grant-type", "authorization_code", "--grant-type", "refresh_token",
                         "--auth-method", "private_key_jwt", *args, "--json")
    assert json.loads(added.stdout)["client_secret"] is None
    folder = tmp_path_factory.mktemp("node-key")
    private = private_rsa_jwk(key, "node-key-1")
    (folder / "private.json").write_text(json.dumps(private))
    (folder / "public.json").write_text(json.dumps({"keys": [public_jwk(key, "node-key-1")]}))
    refused = provider.cli("client", "key", "add", "node-key-rp", str(folder / "private.json"),
                           check=False)
    assert refused.returncode == 1 and "this is a private key" in refused.stderr
    provider.cli("client", "key", "add", "node-key-rp", str(folder / "public.json"))
    return RelyingParty("node-key-rp", "", redirect, redirect), private


def test_private_key_jwt_with_the_library(node_rp_dir, provider, node_key_client, agent,
                                          discovery) -> None:
    assert "private_key_jwt" in discovery["token_endpoint_auth_methods_supported"]
    assert "RS256" in discovery["token_endpoint_auth_signing_alg_values_supported"]
    client, private = node_key_client
    auth = {"auth": "private_key_jwt", "private_jwk": private}
    start = _node(node_rp_dir, "start", provider, client, scope=SCOPE, **auth)
    assert "error" not in start, start
    signed = _node(node_rp_dir, "callback", provider, client,
                   callback_url=_sign_in(agent, start["url"], "VER:V0001001"),
                   **{k: start[k] for k in ("verifier", "state", "nonce")}, **auth)
    assert "error" not in signed, signed
    assert signed["claims"]["aud"] == "node-key-rp" and signed["refresh_token"]
    assert signed["userinfo"]["vo_orgnaam"] == "FC Groenbeek"
    assert signed["client_assertion"], "the library sent no client_assertion"

    refreshed = _node(node_rp_dir, "refresh", provider, client,
                      refresh_token=signed["refresh_token"], **auth)
    assert "error" not in refreshed, refreshed
    assert refreshed["claims"]["sub"] == signed["claims"]["sub"]
    assert refreshed["client_assertion"] != signed["client_assertion"]  # one per request

    # the assertion of that refresh, replayed with the new refresh token: refused before the
    # grant is looked at, so the refresh token still works afterwards
    token_endpoint = discovery["token_endpoint"]
    replayed = requests.post(token_endpoint, timeout=15, data={
        "grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"],
        "client_id": client.client_id, "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": refreshed["client_assertion"]})
    assert replayed.status_code == 401, replayed.text
    assert replayed.json()["error"] == "invalid_client"
    assert "used already" in replayed.json()["error_description"]
    again = _node(node_rp_dir, "refresh", provider, client,
                  refresh_token=refreshed["refresh_token"], **auth)
    assert "error" not in again, again

    # no secret for this client, whatever is sent as one
    secret = requests.post(token_endpoint, timeout=15, auth=(client.client_id, "guess"),
                           data={"grant_type": "refresh_token",
                                 "refresh_token": again["refresh_token"]})
    assert secret.status_code == 401
    assert "private_key_jwt only" in secret.json()["error_description"]
