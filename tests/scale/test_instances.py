"""Beyond one machine: two `loket serve` instances sharing PostgreSQL and Redis behave as one
provider; rate limits answer 429 with Retry-After and count across instances."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from support.agent import Agent, callback_params, forms
from support.oidc import AN, RelyingParty, auth_params, authorize, sign_in, token, userinfo
from support.servers import (
    Provider,
    free_port,
    make_provider,
    postgres_available,
    postgres_database,
    redis_available,
    redis_env,
)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory,
         backchannel_receiver: Any) -> Iterator[tuple[Provider, Provider, RelyingParty]]:
    if not (postgres_available() and redis_available()):
        pytest.skip("needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379; the "
                    "two-instance tests did not run")
    shared = {**redis_env(), "LOKET_RATE_LIMITS": "signin=4/60"}
    with postgres_database() as url:
        first = make_provider(tmp_path_factory.mktemp("first"), url, extra_env=shared)
        second = Provider(url=f"http://127.0.0.1:{free_port()}", env=dict(first.env),
                          instance=tmp_path_factory.mktemp("second"), database_url=url)
        second.env["LOKET_INSTANCE_PATH"] = str(second.instance)
        second.start()
        redirect = f"{backchannel_receiver.base}/pair-callback"
        secret = first.add_client("pair-rp", "--redirect-uri", redirect)
        try:
            yield first, second, RelyingParty("pair-rp", secret, redirect, "")
        finally:
            second.stop()
            first.stop()


def test_code_from_one_instance_exchanged_at_the_other(pair) -> None:
    first, second, rp = pair
    agent = Agent(first.url)
    params = auth_params(rp)
    cb = sign_in(agent, params, AN)
    tokens = token(second, rp, cb["code"], params["_verifier"])
    assert tokens.status_code == 200
    access = tokens.json()["access_token"]
    assert userinfo(first, access).status_code == 200
    assert userinfo(second, access).status_code == 200
    # the code replayed at the other instance is refused, and what it issued is revoked
    replay = token(first, rp, cb["code"], params["_verifier"])
    assert replay.json()["error"] == "invalid_grant"
    assert userinfo(second, access).status_code == 401
    agent.http.close()


def test_logout_at_one_instance_ends_the_session_at_both(pair) -> None:
    first, second, rp = pair
    agent = Agent(first.url)
    params = auth_params(rp)
    cb = sign_in(agent, params, AN)
    id_token = token(first, rp, cb["code"], params["_verifier"]).json()["id_token"]
    at_second = Agent(second.url)
    at_second.http.cookies = agent.http.cookies  # one browser: cookies go by host, not port
    assert "code" in callback_params(authorize(at_second, auth_params(rp, prompt="none")))
    at_second.get("/oidc/logout", params={"id_token_hint": id_token})
    assert callback_params(authorize(agent, auth_params(rp, prompt="none")))["error"] == \
        "login_required"
    agent.http.close()


def test_sign_in_rate_limit_counts_across_instances(pair) -> None:
    first, second, rp = pair
    statuses = []
    for provider in (first, second) * 5:
        agent = Agent(provider.url)
        page = authorize(agent, auth_params(rp))
        posted = agent.post(page.url, data={**forms(page.text)[0].fields, "insz": "1"})
        statuses.append((provider.url, posted.status_code))
        if posted.status_code == 429:
            assert 1 <= int(posted.headers["Retry-After"]) <= 60
            assert "Te veel verzoeken" in posted.text
        agent.http.close()
    # 4 sign-in attempts a minute per IP in all, whatever earlier tests used: ten attempts
    # spread over both instances get at most 4 through (each counting alone would let 8), and
    # once the shared count is reached both refuse, never letting one through again
    codes = [code for _, code in statuses]
    assert codes.count(200) <= 4
    assert 200 not in codes[codes.index(429):]
    assert {url for url, code in statuses if code == 429} == {first.url, second.url}


def test_readiness_checks_database_and_redis(pair) -> None:
    first, second, _ = pair
    for provider in (first, second):
        ready = requests.get(f"{provider.url}/readyz", timeout=5)
        assert ready.status_code == 200 and ready.json() == {"status": "ready"}


# ---- one instance, embedded default --------------------------------------------------------

@pytest.fixture(scope="module")
def limited_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    live = make_provider(tmp_path_factory.mktemp("limited"), extra_env={
        "LOKET_RATE_LIMITS": "token_ip=5/60,signin=100/60"})
    try:
        yield live
    finally:
        live.stop()


def test_token_endpoint_rate_limit_answers_429_with_retry_after(limited_provider) -> None:
    # Without Redis each of the 2 worker processes counts on its own: 5 a minute each.
    answers = [requests.post(f"{limited_provider.url}/oidc/token",
                             data={"grant_type": "authorization_code", "code": "x"},
                             auth=("nobody", "x"), timeout=10) for _ in range(11)]
    assert [a.status_code for a in answers[:5]] == [401] * 5
    refused = [a for a in answers if a.status_code == 429]
    assert refused, "the 11th request at the latest is over the limit"
    assert refused[0].json()["error"] == "rate_limited"
    assert 1 <= int(refused[0].headers["Retry-After"]) <= 60


def test_logs_are_json_lines_with_a_request_id(limited_provider) -> None:
    import json

    answer = requests.get(f"{limited_provider.url}/.well-known/openid-configuration",
                          headers={"X-Request-Id": "trace-abc.123"}, timeout=10)
    assert answer.headers["X-Request-Id"] == "trace-abc.123"
    forged = requests.get(f"{limited_provider.url}/.well-known/openid-configuration",
                          headers={"X-Request-Id": "bad id; with <spaces>"}, timeout=10)
    assert forged.headers["X-Request-Id"] != "bad id; with <spaces>"
    time.sleep(0.5)
    lines = [json.loads(line) for line in limited_provider.log_text().splitlines()
             if line.startswith("{")]
    access = [entry for entry in lines if entry.get("request_id") == "trace-abc.123"]
    assert access and access[0]["status"] == 200 and access[0]["path"].startswith("/.well-known")
    assert "duration_ms" in access[0]


def test_graceful_restart_keeps_sessions(tmp_path: Path, backchannel_receiver: Any) -> None:
    live = make_provider(tmp_path)
    try:
        redirect = f"{backchannel_receiver.base}/graceful"
        secret = live.add_client("graceful-rp", "--redirect-uri", redirect)
        rp = RelyingParty("graceful-rp", secret, redirect, "")
        agent = Agent(live.url)
        sign_in(agent, auth_params(rp), AN)
        live.stop()
        live.start()
        assert "code" in callback_params(authorize(agent, auth_params(rp, prompt="none")))
        agent.http.close()
    finally:
        live.stop()
