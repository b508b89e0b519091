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


def test_the_next_site_gets_the_capacity_last_acted_in(provider, rp, agent) -> None:
    """Jan signs in at one site for FC Groenbeek; a silent request (prompt=none) of the next
    site gets FC Groenbeek, and its chooser preselects it."""
    import uuid

    from support.oidc import JAN, RelyingParty

    client_id = f"next-site-{uuid.uuid4().hex[:8]}"
    secret = provider.add_client(client_id, "--redirect-uri", rp.redirect_uri, "--scope",
                                 "openid", "--scope", "profile", "--scope", "capacity")
    other_rp = RelyingParty(client_id, secret, rp.redirect_uri, rp.post_logout_uri)
    full_flow(provider, rp, agent, JAN, capacity="VER:V0001001")
    params = auth_params(other_rp, prompt="none")
    cb = callback_params(authorize(agent, params))
    assert "code" in cb, cb
    answer = token(provider, other_rp, cb["code"], params["_verifier"])
    claims = userinfo(provider, answer.json()["access_token"]).json()
    assert claims["capacity"]["identifier"] == "V0001001"
    chooser = authorize(agent, auth_params(other_rp, prompt="select_account"))
    assert 'value="VER:V0001001" checked' in chooser.text.replace("\n", " ")


def test_back_after_signing_in_leads_back_to_the_site(provider, rp) -> None:
    browser = Agent(provider.url)
    try:
        params = auth_params(rp)
        login_page = authorize(browser, params)
        assert browser.is_login_page(login_page)
        cb = callback_params(browser.submit_login(login_page, AN))
        assert "code" in cb
        back = browser.get(login_page.url)                       # the browser's Back
        assert back.status_code == 200 and "Je bent aangemeld" in back.text
        origin = rp.redirect_uri.split("/callback")[0] + "/"
        assert f'href="{origin}"' in back.text and "request_expired" in back.text
        # signed in, but a step that was never finished and ran out: it says so, as a 400
        again = authorize(browser, auth_params(rp, prompt="login"))
        assert browser.is_login_page(again)
        provider.sql("UPDATE authorization_requests SET expires_at = 0 WHERE id = :i",
                     {"i": again.url.split("request=")[1].split("&")[0]})
        stale = browser.get(again.url)
        assert stale.status_code == 400 and "verlopen" in stale.text
        unknown = browser.get("/aanmelden?request=nooit-gezien")
        assert unknown.status_code == 400 and "verlopen" in unknown.text
        assert 'href="/"' in unknown.text                        # still a way on
    finally:
        browser.http.close()


def test_signing_in_on_a_provider_page_comes_back_to_it(provider) -> None:
    browser = Agent(provider.url)
    try:
        asked = browser.get("/mijn-verenigingsloket")
        assert asked.status_code == 401
        link = "/aanmelden?next=/mijn-verenigingsloket"
        assert f'href="{link}"' in asked.text
        landed = browser.submit_login(browser.get(link), AN)
        assert landed.status_code == 200 and landed.url.endswith("/mijn-verenigingsloket")
        for elsewhere in ("https://evil.example/", "//evil.example/", "/\t/evil.example"):
            other = Agent(provider.url)
            page = other.get("/aanmelden", params={"next": elsewhere})
            done = other.post(page.url, data={**forms(page.text)[0].fields, "insz": AN})
            assert done.headers["Location"] in ("/", f"{provider.url}/"), elsewhere
            other.http.close()
    finally:
        browser.http.close()
