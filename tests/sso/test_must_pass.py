"""The OpenID provider's must-pass cases (shared/reference/domain.md), against a live
`loket serve` on SQLite and on PostgreSQL."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
import requests
from jose import jwt as jose_jwt

from support.agent import Agent, callback_params
from support.oidc import (
    AN,
    JAN,
    auth_params,
    authorize,
    full_flow,
    hint,
    sign_in,
    token,
    userinfo,
)

# ---- redirect URI ---------------------------------------------------------------------------

@pytest.mark.parametrize("variant", [
    lambda r: "http://127.0.0.1:59999/evil",
    lambda r: r + "/extra",
    lambda r: r + "?x=1",
    lambda r: r + "#frag",
    lambda r: r.replace("/callback", "/CALLBACK"),
    lambda r: r.replace("http://", "https://"),
    lambda r: r.replace("127.0.0.1", "localhost"),
], ids=["other", "longer-path", "extra-query", "fragment", "case", "scheme", "host"])
def test_unregistered_or_extended_redirect_uri_shows_error_page(provider, rp, agent,
                                                               variant) -> None:
    redirect_uri = variant(rp.redirect_uri)
    params = auth_params(rp, redirect_uri=redirect_uri)
    response = agent.get("/oidc/authorize", params={k: v for k, v in params.items()
                                                     if not k.startswith("_")})
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "text/html" in response.headers["Content-Type"]
    assert "niet geregistreerd" in response.text


def test_unknown_client_shows_error_page(provider, rp, agent) -> None:
    params = auth_params(rp, client_id="nobody")
    response = agent.get("/oidc/authorize", params={k: v for k, v in params.items()
                                                     if not k.startswith("_")})
    assert response.status_code == 400 and "Location" not in response.headers
    assert "niet geregistreerd" in response.text
    assert "Traceback" not in response.text


# ---- codes --------------------------------------------------------------------------------

def test_reused_code_is_refused_and_revokes_what_it_issued(provider, rp, agent) -> None:
    params = auth_params(rp)
    cb = sign_in(agent, params)
    first = token(provider, rp, cb["code"], params["_verifier"])
    assert first.status_code == 200, first.text
    access = first.json()["access_token"]
    assert userinfo(provider, access).status_code == 200
    second = token(provider, rp, cb["code"], params["_verifier"])
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"
    revoked = userinfo(provider, access)
    assert revoked.status_code == 401
    assert "invalid_token" in revoked.headers["WWW-Authenticate"]


def test_expired_code_is_refused(provider, rp, agent) -> None:
    params = auth_params(rp)
    cb = sign_in(agent, params)
    provider.sql("UPDATE authorization_codes SET expires_at = expires_at - 3600")
    response = token(provider, rp, cb["code"], params["_verifier"])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_code_of_another_client_is_refused(provider, rp, other_rp, agent) -> None:
    params = auth_params(rp)
    cb = sign_in(agent, params)
    response = token(provider, other_rp, cb["code"], params["_verifier"],
                     redirect_uri=rp.redirect_uri)
    assert response.json()["error"] == "invalid_grant"
    # a code another client presented is burned: whoever holds it, it is out
    assert token(provider, rp, cb["code"], params["_verifier"]).status_code == 400


def test_other_redirect_uri_at_token_endpoint_is_refused(provider, rp, agent) -> None:
    params = auth_params(rp)
    cb = sign_in(agent, params)
    response = token(provider, rp, cb["code"], params["_verifier"],
                     redirect_uri="http://127.0.0.1:59999/other")
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("verifier", [None, "x" * 43, "too-short"])
def test_wrong_or_missing_pkce_verifier_is_refused(provider, rp, agent, verifier) -> None:
    params = auth_params(rp)
    cb = sign_in(agent, params)
    response = token(provider, rp, cb["code"], verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_plain_pkce_is_refused_with_invalid_request(provider, rp, agent) -> None:
    params = auth_params(rp, code_challenge="a" * 43, code_challenge_method="plain")
    cb = callback_params(authorize(agent, params))
    assert cb["error"] == "invalid_request"
    assert cb["state"] == params["state"]
    assert cb["iss"] == provider.url


# ---- scopes and parameters -------------------------------------------------------------------

@pytest.mark.parametrize("scope", ["profile capacity", "", "teleport email"])
def test_missing_openid_is_an_error(provider, rp, agent, scope) -> None:
    cb = callback_params(authorize(agent, auth_params(rp, scope=scope)))
    assert cb["error"] == "invalid_scope"
    assert "code" not in cb


def test_unknown_scopes_are_ignored_and_the_token_says_what_was_granted(provider, rp,
                                                                      agent) -> None:
    """`openid profile email`, many libraries' default, signs in (OIDC Core 3.1.2.1)."""
    result = full_flow(provider, rp, agent, scope="openid profile email teleport")
    assert sorted(result["tokens"]["scope"].split()) == ["openid", "profile"]


def test_unknown_parameters_are_ignored(provider, rp, agent) -> None:
    result = full_flow(provider, rp, agent, frobnicate="yes", claims_locales="xx", foo_bar="1")
    assert result["tokens"]["token_type"] == "Bearer"


def test_state_is_echoed_byte_for_byte(provider, rp, agent) -> None:
    state = ("é€𝄞 ~!*'();:@&=+$,/?#[] " * 60)[:1024]
    params = auth_params(rp, state=state)
    cb = sign_in(agent, params)
    assert cb["state"] == state
    assert cb["iss"] == provider.url


# ---- the ID token ---------------------------------------------------------------------------

def test_id_token_claims(provider, rp, agent, discovery) -> None:
    result = full_flow(provider, rp, agent)
    id_token = result["tokens"]["id_token"]
    header = jose_jwt.get_unverified_header(id_token)
    assert header["alg"] == "RS256"
    jwks = requests.get(discovery["jwks_uri"], timeout=10).json()
    assert header["kid"] in {k["kid"] for k in jwks["keys"]}
    claims = jose_jwt.decode(
        id_token, jwks, algorithms=["RS256"], audience=rp.client_id, issuer=discovery["issuer"],
        access_token=result["tokens"]["access_token"],
    )
    assert claims["iss"] == discovery["issuer"] == provider.url
    assert claims["aud"] == rp.client_id and claims["azp"] == rp.client_id
    assert claims["exp"] > claims["iat"]
    assert abs(claims["auth_time"] - time.time()) < 120
    assert claims["nonce"] == result["params"]["nonce"]
    assert claims["at_hash"]
    assert claims["given_name"] == "An" and claims["family_name"] == "Janssens"
    assert claims["capacity"] == {"code": "BUR", "identifier": AN, "name": "An Janssens"}


def test_discovery_never_offers_none_or_symmetric_algorithms(discovery) -> None:
    algs = discovery["id_token_signing_alg_values_supported"]
    assert "none" not in algs and not any(a.startswith("HS") for a in algs)
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert discovery["response_types_supported"] == ["code"]
    assert discovery["authorization_response_iss_parameter_supported"] is True


def test_oauth_server_metadata_is_the_same_document(provider, discovery) -> None:
    """RFC 8414's well-known address answers what OpenID discovery answers (libraries that
    speak plain OAuth look there)."""
    import requests

    answer = requests.get(f"{provider.url}/.well-known/oauth-authorization-server", timeout=10)
    assert answer.status_code == 200 and answer.json() == discovery
    assert answer.json()["issuer"] == provider.url


# ---- prompt and max_age ---------------------------------------------------------------------

def test_prompt_none_without_session_is_login_required(provider, rp, agent) -> None:
    cb = callback_params(authorize(agent, auth_params(rp, prompt="none")))
    assert cb["error"] == "login_required"


def test_prompt_none_with_another_prompt_is_invalid_request(provider, rp, agent) -> None:
    cb = callback_params(authorize(agent, auth_params(rp, prompt="none login")))
    assert cb["error"] == "invalid_request"


def test_prompt_none_with_session_returns_a_code_silently(provider, rp, agent) -> None:
    full_flow(provider, rp, agent)
    cb = callback_params(authorize(agent, auth_params(rp, prompt="none")))
    assert "code" in cb


def test_prompt_login_asks_for_credentials_again(provider, rp, agent) -> None:
    full_flow(provider, rp, agent)
    response = authorize(agent, auth_params(rp, prompt="login"))
    assert agent.is_login_page(response)


def test_max_age_exceeded_forces_reauthentication_with_new_auth_time(provider, rp, agent) -> None:
    first = full_flow(provider, rp, agent)
    first_claims = jose_jwt.get_unverified_claims(first["tokens"]["id_token"])
    time.sleep(2.2)
    params = auth_params(rp, max_age="1")
    response = authorize(agent, params)
    assert agent.is_login_page(response), "max_age exceeded must ask to sign in again"
    cb = callback_params(agent.submit_login(response, AN))
    tokens = token(provider, rp, cb["code"], params["_verifier"]).json()
    claims = jose_jwt.get_unverified_claims(tokens["id_token"])
    assert claims["auth_time"] > first_claims["auth_time"]


def test_max_age_not_exceeded_keeps_the_session(provider, rp, agent) -> None:
    full_flow(provider, rp, agent)
    cb = callback_params(authorize(agent, auth_params(rp, max_age="3600")))
    assert "code" in cb


# ---- capacities and login_hint --------------------------------------------------------------

def test_forged_login_hint_shows_the_chooser_never_a_grant(provider, rp, agent) -> None:
    params = auth_params(rp, login_hint=hint("VER", "V0001003"))
    response = authorize(agent, params)
    response = agent.submit_login(response, JAN)
    assert agent.is_chooser(response), "a hint for a capacity Jan does not hold must not grant"
    assert "V0001003" not in response.text
    assert "niet kunt aannemen" in response.text


def test_forged_login_hint_for_a_citizen_only_person_shows_the_chooser(provider, rp,
                                                                      agent) -> None:
    response = authorize(agent, auth_params(rp, login_hint=hint("VER", "V0001001")))
    response = agent.submit_login(response, AN)
    assert agent.is_chooser(response)
    cb = callback_params(agent.choose(response, f"BUR:{AN}"))
    assert "code" in cb


def test_targeted_login_hint_selects_the_capacity_without_chooser(provider, rp, agent) -> None:
    result = full_flow(provider, rp, agent, JAN, login_hint=hint("VER", "V0001001"))
    claims = jose_jwt.get_unverified_claims(result["tokens"]["id_token"])
    assert claims["capacity"] == {"code": "VER", "identifier": "V0001001", "name": "FC Groenbeek"}


def test_person_with_several_capacities_sees_the_chooser(provider, rp, agent) -> None:
    response = authorize(agent, auth_params(rp))
    response = agent.submit_login(response, JAN)
    assert agent.is_chooser(response)
    for value in (f"BUR:{JAN}", "VER:V0001001", "VER:V0001002", "EA:0412345614"):
        assert f'value="{value}"' in response.text


# ---- logout ---------------------------------------------------------------------------------

def test_logout_with_unregistered_post_logout_uri_does_not_redirect(provider, rp, agent) -> None:
    result = full_flow(provider, rp, agent)
    response = agent.get("/oidc/logout", params={
        "id_token_hint": result["tokens"]["id_token"],
        "post_logout_redirect_uri": "http://127.0.0.1:59999/evil",
    })
    assert response.status_code == 400 and "Location" not in response.headers


def test_logout_with_tampered_id_token_hint_does_not_redirect(provider, rp, agent) -> None:
    result = full_flow(provider, rp, agent)
    head, payload, sig = result["tokens"]["id_token"].split(".")
    tampered = f"{head}.{payload[:-4]}AAAA.{sig}"
    response = agent.get("/oidc/logout", params={
        "id_token_hint": tampered, "post_logout_redirect_uri": rp.post_logout_uri,
    })
    assert response.status_code == 400 and "Location" not in response.headers


def test_logout_with_valid_hint_redirects_and_ends_the_session(provider, rp, agent,
                                                               backchannel_receiver) -> None:
    backchannel_receiver.clear()
    result = full_flow(provider, rp, agent)
    response = agent.get("/oidc/logout", params={
        "id_token_hint": result["tokens"]["id_token"],
        "post_logout_redirect_uri": rp.post_logout_uri, "state": "bye",
    })
    assert response.status_code == 302
    assert response.headers["Location"] == f"{rp.post_logout_uri}?state=bye"
    assert userinfo(provider, result["tokens"]["access_token"]).status_code == 401
    assert agent.is_login_page(authorize(agent, auth_params(rp)))
    assert len(backchannel_receiver.tokens) == 1
    jwks = requests.get(f"{provider.url}/oidc/jwks.json", timeout=10).json()
    logout = jose_jwt.decode(backchannel_receiver.tokens[0], jwks, algorithms=["RS256"],
                             audience=rp.client_id, issuer=provider.url)
    id_claims = jose_jwt.get_unverified_claims(result["tokens"]["id_token"])
    assert logout["sid"] == id_claims["sid"] and logout["sub"] == id_claims["sub"]
    assert "http://schemas.openid.net/event/backchannel-logout" in logout["events"]
    assert "nonce" not in logout


def test_logout_without_hint_asks_for_confirmation(provider, rp, agent) -> None:
    full_flow(provider, rp, agent)
    page = agent.get("/oidc/logout")
    assert page.status_code == 200 and "Wil je afmelden?" in page.text
    # a cross-site POST without the form's CSRF token does not sign the person out: it only
    # gets the question again
    forged = agent.post("/oidc/logout", data={})
    assert forged.status_code == 200 and "Wil je afmelden?" in forged.text
    assert "code" in callback_params(authorize(agent, auth_params(rp, prompt="none")))


# ---- key rotation ---------------------------------------------------------------------------

def test_old_kid_still_verifies_after_rotation(provider, rp, agent) -> None:
    before = full_flow(provider, rp, agent)
    old_kid = jose_jwt.get_unverified_header(before["tokens"]["id_token"])["kid"]
    provider.cli("keys", "rotate")
    time.sleep(5.5)  # other workers cache the active key for at most 5 s
    after = full_flow(provider, rp, Agent(provider.url))
    new_kid = jose_jwt.get_unverified_header(after["tokens"]["id_token"])["kid"]
    assert new_kid != old_kid
    jwks = requests.get(f"{provider.url}/oidc/jwks.json", timeout=10).json()
    assert {old_kid, new_kid} <= {k["kid"] for k in jwks["keys"]}
    jose_jwt.decode(before["tokens"]["id_token"], jwks, algorithms=["RS256"],
                    audience=rp.client_id, issuer=provider.url,
                    access_token=before["tokens"]["access_token"])
    # and the provider itself still accepts the old token as a logout hint
    response = agent.get("/oidc/logout", params={
        "id_token_hint": before["tokens"]["id_token"],
        "post_logout_redirect_uri": rp.post_logout_uri,
    })
    assert response.status_code == 302


# ---- oversized input --------------------------------------------------------------------------

def test_oversized_request_body_is_refused_quickly(provider) -> None:
    started = time.monotonic()
    response = requests.post(f"{provider.url}/oidc/token", data="a=" + "x" * (3 * 1024 * 1024),
                             headers={"Content-Type": "application/x-www-form-urlencoded"},
                             timeout=15)
    assert response.status_code == 413
    assert time.monotonic() - started < 3


def test_oversized_token_is_refused_quickly(provider) -> None:
    started = time.monotonic()
    response = requests.get(f"{provider.url}/oidc/userinfo",
                            headers={"Authorization": "Bearer " + "a" * 20000}, timeout=15)
    assert response.status_code in (400, 401, 431)
    assert time.monotonic() - started < 3


def test_oversized_query_is_refused_quickly(provider, rp) -> None:
    started = time.monotonic()
    response = requests.get(f"{provider.url}/oidc/authorize",
                            params={"client_id": rp.client_id, "id_token_hint": "x" * 20000},
                            timeout=15, allow_redirects=False)
    assert response.status_code in (400, 414)
    assert time.monotonic() - started < 3


def test_oversized_id_token_hint_within_the_line_limit_is_refused(provider, rp, agent) -> None:
    params = auth_params(rp, id_token_hint="x" * 5000)
    cb = callback_params(authorize(agent, params))
    assert cb["error"] == "invalid_request"


def test_issuer_in_discovery_is_the_configured_one(provider, discovery) -> None:
    assert discovery["issuer"] == provider.url
    for key in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri",
                "end_session_endpoint"):
        assert urlsplit(discovery[key]).netloc == urlsplit(provider.url).netloc
