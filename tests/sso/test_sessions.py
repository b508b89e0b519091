"""SSO sessions: shared across sites, server-side (a restart loses none), idle and absolute
timeouts, and the cookie's attributes."""

from __future__ import annotations

from support.agent import Agent, callback_params, forms
from support.oidc import AN, auth_params, authorize, full_flow, sign_in, token, userinfo


def test_second_client_gets_the_person_back_without_credentials(provider, rp, other_rp,
                                                                agent) -> None:
    full_flow(provider, rp, agent)
    params = auth_params(other_rp, scope="openid profile")
    response = authorize(agent, params)
    cb = callback_params(response)
    assert "code" in cb, "SSO: no credential prompt at the second site"


def test_session_cookie_attributes(provider, rp, agent) -> None:
    params = auth_params(rp)
    response = authorize(agent, params)
    posted = agent.post(response.url, data={
        **forms(response.text)[0].fields,
        "insz": AN,
    })
    cookie = posted.headers["Set-Cookie"]
    assert "loket_sso=" in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie


def test_a_restart_loses_no_session(provider, rp, agent) -> None:
    full_flow(provider, rp, agent)
    provider.stop()
    provider.start()
    cb = callback_params(authorize(agent, auth_params(rp, prompt="none")))
    assert "code" in cb


def test_idle_session_ends(provider, rp, agent) -> None:
    full_flow(provider, rp, agent)
    provider.sql("UPDATE sso_sessions SET last_seen_at = last_seen_at - 3600 "
                 "WHERE ended_at IS NULL")
    cb = callback_params(authorize(agent, auth_params(rp, prompt="none")))
    assert cb["error"] == "login_required"


def test_session_ends_after_two_hours_whatever_the_activity(provider, rp, agent) -> None:
    full_flow(provider, rp, agent)
    provider.sql("UPDATE sso_sessions SET expires_at = expires_at - 7201 WHERE ended_at IS NULL")
    response = authorize(agent, auth_params(rp))
    assert Agent.is_login_page(response)


def test_two_browsers_have_two_sessions(provider, rp) -> None:
    first, second = Agent(provider.url), Agent(provider.url)
    try:
        full_flow(provider, rp, first)
        response = authorize(second, auth_params(rp, prompt="none"))
        assert callback_params(response)["error"] == "login_required"
    finally:
        first.http.close()
        second.http.close()


def test_logout_ends_the_session_for_every_client(provider, rp, other_rp, agent) -> None:
    first = full_flow(provider, rp, agent)
    params = auth_params(other_rp, scope="openid profile")
    cb = sign_in(agent, params)
    second = token(provider, other_rp, cb["code"], params["_verifier"]).json()
    agent.get("/oidc/logout", params={"id_token_hint": first["tokens"]["id_token"]})
    assert userinfo(provider, first["tokens"]["access_token"]).status_code == 401
    assert userinfo(provider, second["access_token"]).status_code == 401
