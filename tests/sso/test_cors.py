"""A registered public client's own origin may call token and userinfo from the browser (CORS);
no other origin gets CORS headers, and no credentials are ever allowed."""

from __future__ import annotations

import uuid

import requests

from support.oidc import full_flow


def test_token_and_userinfo_answer_a_public_clients_origin_only(provider, rp, agent) -> None:
    spa = f"https://spa-{uuid.uuid4().hex[:8]}.example"
    provider.cli("client", "add", "--id", f"spa-{uuid.uuid4().hex[:8]}", "--name", "Browser-app",
                 "--public", "--redirect-uri", f"{spa}/cb", "--origin", spa)
    preflight = requests.options(f"{provider.url}/oidc/userinfo", timeout=10, headers={
        "Origin": spa, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert preflight.headers.get("Access-Control-Allow-Origin") == spa
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    access = full_flow(provider, rp, agent)["tokens"]["access_token"]
    answer = requests.get(f"{provider.url}/oidc/userinfo", timeout=10, headers={
        "Origin": spa, "Authorization": f"Bearer {access}"})
    assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == spa
    assert "Origin" in answer.headers.get("Vary", "")
    token = requests.post(f"{provider.url}/oidc/token", data={"grant_type": "authorization_code",
                                                             "code": "nope"},
                          headers={"Origin": spa}, timeout=10)
    assert token.status_code in (400, 401) and token.headers["Access-Control-Allow-Origin"] == spa
    # a confidential site's origin, or any other, gets none
    for other in ("https://evil.example", rp.redirect_uri.rsplit("/", 1)[0]):
        refused = requests.get(f"{provider.url}/oidc/userinfo", timeout=10, headers={
            "Origin": other, "Authorization": f"Bearer {access}"})
        assert "Access-Control-Allow-Origin" not in refused.headers, other
