"""OIDC helpers for tests: authorization parameters with PKCE, token and userinfo calls."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any

import requests

from support.agent import Agent, pkce_pair
from support.servers import Provider


@dataclass
class Receiver:
    """A stand-in relying party: records back-channel logout tokens, answers GETs with a page."""

    url: str
    tokens: list[str]
    status: list[int]

    @property
    def base(self) -> str:
        return self.url.rsplit("/", 1)[0]

    def clear(self) -> None:
        self.tokens.clear()


@dataclass
class RelyingParty:
    client_id: str
    secret: str
    redirect_uri: str
    post_logout_uri: str


JAN = "85073003328"
AN = "92021411256"
ELS = "79050124561"


def auth_params(rp: Any, **extra: Any) -> dict[str, Any]:
    verifier, challenge = pkce_pair()
    params = {
        "client_id": rp.client_id,
        "redirect_uri": rp.redirect_uri,
        "response_type": "code",
        "scope": "openid profile capacity",
        "state": "st-" + str(time.time_ns()),
        "nonce": "n-" + str(time.time_ns()),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(extra)
    params["_verifier"] = verifier
    return params


def authorize(agent: Agent, params: dict[str, Any]) -> requests.Response:
    return agent.authorize(**{k: v for k, v in params.items() if not k.startswith("_")})


def sign_in(agent: Agent, params: dict[str, Any], insz: str = AN,
            capacity: str | None = None) -> dict[str, str]:
    return agent.sign_in(insz, capacity, **{k: v for k, v in params.items()
                                            if not k.startswith("_")})


def token(provider: Provider, rp: Any, code: str, verifier: str | None,
          redirect_uri: str | None = None, auth: str = "basic") -> requests.Response:
    data = {"grant_type": "authorization_code", "code": code,
            "redirect_uri": redirect_uri or rp.redirect_uri}
    if verifier is not None:
        data["code_verifier"] = verifier
    kwargs: dict[str, Any] = {"timeout": 15}
    if auth == "basic":
        kwargs["auth"] = (rp.client_id, rp.secret)
    else:
        data.update(client_id=rp.client_id, client_secret=rp.secret)
    return requests.post(f"{provider.url}/oidc/token", data=data, **kwargs)


def userinfo(provider: Provider, access_token: str) -> requests.Response:
    return requests.get(f"{provider.url}/oidc/userinfo",
                        headers={"Authorization": f"Bearer {access_token}"}, timeout=15)


def full_flow(provider: Provider, rp: Any, agent: Agent, insz: str = AN,
              capacity: str | None = None, **extra: Any) -> dict[str, Any]:
    params = auth_params(rp, **extra)
    cb = sign_in(agent, params, insz, capacity)
    response = token(provider, rp, cb["code"], params["_verifier"])
    assert response.status_code == 200, response.text
    return {"params": params, "callback": cb, "tokens": response.json()}


def hint(code: str, identifier: str | None = None) -> str:
    payload = {"cap_hint": code, **({"code_hint": identifier} if identifier else {})}
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def club_token(provider: Provider, client_id: str, scopes: list[str],
               vcode: str = "V0001001") -> str:
    """Jan's access token acting for FC Groenbeek (or another association he represents,
    ``vcode``), as a site's server holds it after sign-in (registers ``client_id`` with
    ``scopes``; the redirect is never fetched)."""
    callback = "http://127.0.0.1:9/callback"
    args = [a for scope in ["openid", "capacity", *scopes] for a in ("--scope", scope)]
    secret = provider.add_client(client_id, "--redirect-uri", callback, *args)
    agent = Agent(provider.url)
    try:
        verifier, challenge = pkce_pair()
        params = agent.sign_in(
            JAN, None, client_id=client_id, redirect_uri=callback, response_type="code",
            scope=" ".join(["openid", "capacity", *scopes]), state="s", nonce="n",
            code_challenge=challenge, code_challenge_method="S256",
            login_hint=hint("VER", vcode))
    finally:
        agent.http.close()
    answer = requests.post(f"{provider.url}/oidc/token", auth=(client_id, secret), timeout=15,
                           data={"grant_type": "authorization_code", "code": params["code"],
                                 "redirect_uri": callback, "code_verifier": verifier})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])
