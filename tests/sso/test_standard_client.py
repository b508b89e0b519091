"""A standard OIDC client library we did not write (Authlib) against a live `loket serve`:
discovery → code + PKCE → validated ID token → userinfo."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, JsonWebToken
from authlib.oidc.core import CodeIDToken

from support.agent import Agent
from support.oidc import JAN, hint
from support.servers import Provider


def run_flow(provider: Provider, rp: Any, agent: Agent, capacity_choice: str | None,
             **extra: str) -> dict[str, Any]:
    meta = requests.get(f"{provider.url}/.well-known/openid-configuration", timeout=10).json()
    session = OAuth2Session(rp.client_id, rp.secret, scope="openid profile capacity",
                            redirect_uri=rp.redirect_uri, code_challenge_method="S256",
                            token_endpoint_auth_method="client_secret_basic")
    verifier = generate_token(64)
    nonce = secrets.token_urlsafe(16)
    url, state = session.create_authorization_url(meta["authorization_endpoint"],
                                                  code_verifier=verifier, nonce=nonce, **extra)
    response = agent.follow(agent.get(url))
    if agent.is_login_page(response):
        response = agent.submit_login(response, JAN)
    chooser_shown = agent.is_chooser(response)
    if chooser_shown:
        assert capacity_choice, "chooser shown unexpectedly"
        response = agent.choose(response, capacity_choice)
    callback = response.headers["Location"]
    token = session.fetch_token(meta["token_endpoint"], authorization_response=callback,
                                code_verifier=verifier, state=state)
    keys = JsonWebKey.import_key_set(requests.get(meta["jwks_uri"], timeout=10).json())
    claims = JsonWebToken(["RS256"]).decode(
        token["id_token"], keys, claims_cls=CodeIDToken,
        claims_options={"iss": {"essential": True, "value": meta["issuer"]}},
        claims_params={"nonce": nonce, "client_id": rp.client_id,
                       "access_token": token["access_token"]},
    )
    claims.validate(leeway=30)
    info = session.get(meta["userinfo_endpoint"], timeout=10).json()
    session.close()
    return {"claims": dict(claims), "userinfo": info, "chooser_shown": chooser_shown}


def test_jan_as_citizen(provider, rp, agent) -> None:
    result = run_flow(provider, rp, agent, f"BUR:{JAN}")
    assert result["chooser_shown"], "Jan holds four capacities: without a hint he chooses"
    expected = {"code": "BUR", "identifier": JAN, "name": "Jan Peeters"}
    assert result["claims"]["capacity"] == expected
    assert result["userinfo"]["capacity"] == expected
    assert result["userinfo"]["given_name"] == "Jan"
    assert result["userinfo"]["family_name"] == "Peeters"
    assert result["userinfo"]["sub"] == result["claims"]["sub"]
    offered = {(c["code"], c["identifier"]) for c in result["userinfo"]["capacities"]}
    demo = {("BUR", JAN), ("VER", "V0001001"), ("VER", "V0001002"), ("EA", "0412345614")}
    # the demo's, and associations that tests before this one registered with Jan on this
    # same provider
    assert demo <= offered and all(code == "VER" for code, _ in offered - demo)


def test_jan_as_fc_groenbeek_via_login_hint(provider, rp, agent) -> None:
    result = run_flow(provider, rp, agent, None, login_hint=hint("VER", "V0001001"))
    assert not result["chooser_shown"]
    expected = {"code": "VER", "identifier": "V0001001", "name": "FC Groenbeek"}
    assert result["claims"]["capacity"] == expected
    assert result["userinfo"]["capacity"] == expected
    # the natural person stays in given_name / family_name
    assert result["claims"]["given_name"] == "Jan"


def test_forged_hint_for_v0001003_shows_the_chooser(provider, rp, agent) -> None:
    result = run_flow(provider, rp, agent, f"BUR:{JAN}", login_hint=hint("VER", "V0001003"))
    assert result["chooser_shown"], "a capacity Jan does not hold must never be granted"
    assert result["claims"]["capacity"]["code"] == "BUR"


@pytest.mark.parametrize("method", ["client_secret_post"])
def test_client_secret_post_works_too(provider, rp, agent, method) -> None:
    meta = requests.get(f"{provider.url}/.well-known/openid-configuration", timeout=10).json()
    assert method in meta["token_endpoint_auth_methods_supported"]
    session = OAuth2Session(rp.client_id, rp.secret, scope="openid",
                            redirect_uri=rp.redirect_uri, code_challenge_method="S256",
                            token_endpoint_auth_method=method)
    verifier = generate_token(64)
    url, state = session.create_authorization_url(meta["authorization_endpoint"],
                                                  code_verifier=verifier)
    response = agent.follow(agent.get(url))
    response = agent.submit_login(response, "92021411256")
    token = session.fetch_token(meta["token_endpoint"],
                                authorization_response=response.headers["Location"],
                                code_verifier=verifier, state=state)
    assert token["token_type"] == "Bearer" and "id_token" in token
    session.close()
