"""Production sign-in: Loket federates to an upstream OpenID provider.

Two upstreams: a small fake provider that can hand out bad tokens on purpose, and a second
`loket serve` process with the test login (a real provider, on its own host)."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from loket.sso import jose
from support.agent import Agent, forms
from support.fake_idp import FakeIdP, running_fake_idp
from support.oidc import JAN, RelyingParty, auth_params, hint, token
from support.servers import Provider, free_port, make_provider


def walk(agent: Agent, response: requests.Response, stop: str, limit: int = 15,
         ) -> requests.Response:
    """Follow redirects across hosts (Loket, the upstream) until one goes to ``stop``."""
    for _ in range(limit):
        if response.status_code not in (301, 302, 303, 307, 308):
            return response
        target = urljoin(response.url, response.headers["Location"])
        if target.startswith(stop):
            return response
        response = agent.http.get(target, allow_redirects=False, timeout=15)
    raise AssertionError("too many redirects")


def params_of(response: requests.Response) -> dict[str, str]:
    query = parse_qs(urlsplit(response.headers["Location"]).query, keep_blank_values=True)
    return {k: v[0] for k, v in query.items()}


# ---- against a fake upstream that misbehaves on purpose ----------------------------------------

@pytest.fixture(scope="module")
def fake() -> Iterator[FakeIdP]:
    with running_fake_idp() as idp:
        yield idp


@pytest.fixture(scope="module")
def federated(fake: FakeIdP, tmp_path_factory: pytest.TempPathFactory,
              backchannel_receiver: Any) -> Iterator[tuple[Provider, Any]]:
    loket = make_provider(tmp_path_factory.mktemp("federated"), extra_env={
        "LOKET_UPSTREAM_ISSUER": fake.url, "LOKET_UPSTREAM_CLIENT_ID": fake.client_id,
        "LOKET_UPSTREAM_CLIENT_SECRET": fake.client_secret, "LOKET_TEST_LOGIN": "0",
    })
    redirect = f"{backchannel_receiver.base}/fed-callback"
    secret = loket.add_client("fed-rp", "--redirect-uri", redirect, "--post-logout-uri",
                              f"{backchannel_receiver.base}/fed-bye")
    try:
        yield loket, RelyingParty("fed-rp", secret, redirect, f"{backchannel_receiver.base}/fed-bye")
    finally:
        loket.stop()


def start(loket: Provider, rp: Any, agent: Agent, **extra: Any) -> tuple[requests.Response, dict]:
    params = auth_params(rp, **extra)
    first = agent.http.get(f"{loket.url}/oidc/authorize", allow_redirects=False, timeout=15,
                           params={k: v for k, v in params.items() if not k.startswith("_")})
    return walk(agent, first, rp.redirect_uri), params


def test_sign_in_through_the_upstream(federated, fake) -> None:
    loket, rp = federated
    fake.mode, fake.acr, fake.auth_time = "good", "urn:be:vlaanderen:acm:substantieel", None
    agent = Agent(loket.url)
    response, params = start(loket, rp, agent, login_hint=hint("VER", "V0001001"),
                             acr_values="urn:be:vlaanderen:acm:hoog")
    asked = fake.seen[-1]
    assert asked["code_challenge_method"] == "S256" and asked["nonce"] and asked["state"]
    assert asked["acr_values"] == "urn:be:vlaanderen:acm:hoog"
    cb = params_of(response)
    tokens = token(loket, rp, cb["code"], params["_verifier"]).json()
    claims = jose.unverified_claims(tokens["id_token"])
    assert claims["capacity"]["identifier"] == "V0001001"
    # what the upstream did, never more: its acr and its auth_time
    assert claims["acr"] == "urn:be:vlaanderen:acm:substantieel"
    assert claims["amr"] == ["eid"]
    assert claims["auth_time"] < claims["iat"] - 20
    agent.http.close()


@pytest.mark.parametrize("mode, message", [
    ("wrong_iss", "andere uitgever"),
    ("wrong_aud", "andere uitgever of toepassing"),
    ("wrong_nonce", "nonce"),
    ("bad_signature", "handtekening"),
    ("alg_none", "algoritme"),
    ("expired", "verlopen"),
    ("missing_rrn", "claim 'rrn'"),
    ("error", "&lt;b&gt;geweigerd&lt;/b&gt;"),
])
def test_bad_upstream_tokens_are_refused_with_a_clear_page(federated, fake, mode,
                                                           message) -> None:
    loket, rp = federated
    fake.mode = mode
    agent = Agent(loket.url)
    try:
        response, _ = start(loket, rp, agent)
        assert response.status_code == 400
        assert "text/html" in response.headers["Content-Type"]
        shown = response.text if mode == "error" else html.unescape(response.text)
        assert message in shown  # the upstream's own words arrive escaped, never as markup
        assert "Traceback" not in response.text
        # nobody got signed in
        again, _ = start(loket, rp, agent, prompt="none")
        assert params_of(again)["error"] == "login_required"
    finally:
        fake.mode = "good"
        agent.http.close()


def test_logout_ends_the_upstream_session_too(federated, fake) -> None:
    loket, rp = federated
    fake.mode = "good"
    agent = Agent(loket.url)
    response, params = start(loket, rp, agent, login_hint=hint("BUR"))
    tokens = token(loket, rp, params_of(response)["code"], params["_verifier"]).json()
    ended_before = len(fake.ended)
    out = agent.http.get(f"{loket.url}/oidc/logout", allow_redirects=False, timeout=15, params={
        "id_token_hint": tokens["id_token"], "post_logout_redirect_uri": rp.post_logout_uri,
        "state": "bye"})
    final = walk(agent, out, rp.post_logout_uri)
    assert final.headers["Location"] == f"{rp.post_logout_uri}?state=bye"
    assert len(fake.ended) == ended_before + 1
    assert fake.ended[-1]["post_logout_redirect_uri"] == f"{loket.url}/afgemeld"
    agent.http.close()


def test_callback_without_a_started_sign_in_is_refused(federated) -> None:
    loket, _ = federated
    response = requests.get(f"{loket.url}/aanmelden/terug?code=x&state=forged", timeout=15)
    assert response.status_code == 400 and "verlopen" in response.text


# ---- against a real provider upstream: another `loket serve` --------------------------------

@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory,
          backchannel_receiver: Any) -> Iterator[tuple[Provider, Provider, list]]:
    upstream = make_provider(tmp_path_factory.mktemp("upstream"), host="127.0.0.6")
    port = free_port("127.0.0.1")
    loket_url = f"http://127.0.0.1:{port}"
    try:
        secret = upstream.add_client("municipal-loket", "--redirect-uri",
                                     f"{loket_url}/aanmelden/terug",
                                     "--post-logout-uri", f"{loket_url}/afgemeld",
                                     "--scope", "openid", "--scope", "profile", "--scope", "rrn")
        loket = make_provider(tmp_path_factory.mktemp("federating"), extra_env={
            "LOKET_UPSTREAM_ISSUER": upstream.url, "LOKET_UPSTREAM_CLIENT_ID": "municipal-loket",
            "LOKET_UPSTREAM_CLIENT_SECRET": secret, "LOKET_TEST_LOGIN": "0",
            "LOKET_ISSUER": loket_url,
        }, port=port)
    except BaseException:
        upstream.stop()
        raise
    try:
        sites = []
        for name in ("site-a", "site-b"):
            redirect = f"{backchannel_receiver.base}/{name}"
            sites.append((name, loket.add_client(name, "--redirect-uri", redirect), redirect))
        yield upstream, loket, sites
    finally:
        loket.stop()
        upstream.stop()


def upstream_sign_ins(upstream: Provider) -> int:
    return int(upstream.sql("SELECT COUNT(*) FROM audit_log WHERE operation = 'sign-in' "
                            "AND outcome = 'ok'")[0][0])


def test_sign_in_upstream_then_switch_and_second_site_without_the_upstream(chain) -> None:
    upstream, loket, sites = chain
    site_a = RelyingParty(sites[0][0], sites[0][1], sites[0][2], "")
    site_b = RelyingParty(sites[1][0], sites[1][1], sites[1][2], "")
    agent = Agent(loket.url)
    response, params = start(loket, site_a, agent, login_hint=hint("VER", "V0001001"))
    page = response  # the upstream's own test login page
    assert 'name="insz"' in page.text and upstream.url in page.url
    form = forms(page.text)[0]
    posted = agent.http.post(urljoin(page.url, form.action), data={**form.fields, "insz": JAN},
                             allow_redirects=False, timeout=15)
    response = walk(agent, posted, site_a.redirect_uri)
    cb = params_of(response)
    first = jose.unverified_claims(token(loket, site_a, cb["code"], params["_verifier"])
                                   .json()["id_token"])
    assert first["capacity"]["identifier"] == "V0001001"
    assert first["given_name"] == "Jan" and first["acr"] == "urn:loket:acr:test-login"
    asked = upstream_sign_ins(upstream)

    # switch capacity at site A: no upstream round trip
    response, params = start(loket, site_a, agent, login_hint=hint("EA", "0412345614"))
    cb = params_of(response)
    switched = jose.unverified_claims(token(loket, site_a, cb["code"], params["_verifier"])
                                      .json()["id_token"])
    assert switched["capacity"]["code"] == "EA"

    # and sign in at site B: SSO at Loket, the upstream is not asked again
    response, params = start(loket, site_b, agent, login_hint=hint("BUR"))
    assert "code" in params_of(response)
    assert upstream_sign_ins(upstream) == asked
    agent.http.close()


def test_production_needs_an_upstream() -> None:
    from loket.config import load, production_problems

    base = {"LOKET_ENV": "production", "LOKET_ISSUER": "https://loket.example",
            "LOKET_SECRET_KEY": "s" * 40}
    problems = production_problems(load(base))
    assert any("LOKET_UPSTREAM_ISSUER" in p for p in problems)
    ok = load({**base, "LOKET_UPSTREAM_ISSUER": "https://acm.example",
               "LOKET_UPSTREAM_CLIENT_ID": "loket", "LOKET_UPSTREAM_CLIENT_SECRET": "x"})
    assert production_problems(ok) == []
    with_test_login = load({**base, "LOKET_TEST_LOGIN": "1",
                            "LOKET_UPSTREAM_ISSUER": "https://acm.example",
                            "LOKET_UPSTREAM_CLIENT_ID": "loket",
                            "LOKET_UPSTREAM_CLIENT_SECRET": "x"})
    assert any("test login" in p for p in production_problems(with_test_login))


def test_upstream_without_its_client_settings_is_a_config_error() -> None:
    from loket.config import ConfigError, load

    with pytest.raises(ConfigError) as exc:
        load({"LOKET_UPSTREAM_ISSUER": "https://acm.example"})
    assert "LOKET_UPSTREAM_CLIENT_ID" in str(exc.value)
    assert "LOKET_UPSTREAM_CLIENT_SECRET" in str(exc.value)
