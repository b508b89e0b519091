"""What sites written for ACM ask of a provider, and refresh tokens, against a live
`loket serve` on SQLite and PostgreSQL: the `vo`, `rrn` and `papi` scopes and their claims
(consistent with Loket's own `capacity`), the `switch_id` hint and the end-session `switch`,
and refresh tokens with rotation, reuse detection and the capacity checked anew."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import requests
from jose import jwt as jose_jwt

from support.agent import Agent
from support.oidc import JAN, RelyingParty, auth_params, bearer, sign_in, token, userinfo
from support.register import audit_rows, fresh_insz, last_audit_seq, make_association

SCOPE = "openid profile capacity vo rrn papi offline_access"
SWITCH = base64.b64encode(json.dumps({"switch_id": True}).encode()).decode()


@pytest.fixture(scope="session")
def acm_rp(provider, backchannel_receiver) -> RelyingParty:
    """A site written for ACM: asks vo, rrn and papi, and keeps access with refresh tokens."""
    redirect = f"{backchannel_receiver.base}/acm-callback"
    bye = f"{backchannel_receiver.base}/acm-bye"
    args = [a for scope in SCOPE.split() for a in ("--scope", scope)]
    secret = provider.add_client(
        "acm-rp", "--redirect-uri", redirect, "--post-logout-uri", bye,
        "--backchannel-logout-uri", backchannel_receiver.url,
        "--grant-type", "authorization_code", "--grant-type", "refresh_token", *args)
    return RelyingParty("acm-rp", secret, redirect, bye)


def _claims(id_token: str) -> dict[str, Any]:
    return jose_jwt.get_unverified_claims(id_token)


def _refresh(provider, rp: RelyingParty, refresh_token: str, **extra: str) -> requests.Response:
    return requests.post(f"{provider.url}/oidc/token", auth=(rp.client_id, rp.secret), timeout=15,
                         data={"grant_type": "refresh_token", "refresh_token": refresh_token,
                               **extra})


def _signed_in(provider, rp, agent, insz: str = JAN, capacity: str | None = "VER:V0001001",
               scope: str = SCOPE, **extra: Any) -> dict[str, Any]:
    params = auth_params(rp, scope=scope, **extra)
    callback = sign_in(agent, params, insz, capacity)
    answer = token(provider, rp, callback["code"], params["_verifier"])
    assert answer.status_code == 200, answer.text
    return answer.json()


# ---- ACM's scopes and claims ---------------------------------------------------------------

def test_acm_claims_say_what_the_capacity_says(provider, acm_rp, agent, discovery) -> None:
    tokens = _signed_in(provider, acm_rp, agent)
    claims = _claims(tokens["id_token"])
    assert claims["capacity"] == {"code": "VER", "identifier": "V0001001", "name": "FC Groenbeek"}
    assert claims["vo_doelgroepcode"] == "VER"
    assert claims["vo_orgcode"] == "V0001001" and claims["vo_orgnaam"] == "FC Groenbeek"
    assert claims["vo_id"] == claims["sub"]
    assert claims["rrn"] == JAN
    assert set(tokens["scope"].split()) == set(SCOPE.split())
    info = userinfo(provider, tokens["access_token"]).json()
    for name in ("vo_id", "vo_doelgroepcode", "vo_orgcode", "vo_orgnaam", "rrn"):
        assert info[name] == claims[name]
    assert {"vo", "papi", "offline_access"} <= set(discovery["scopes_supported"])
    assert "refresh_token" in discovery["grant_types_supported"]
    assert {"vo_orgcode", "papi_token"} <= set(discovery["claims_supported"])


def test_a_citizen_has_no_organisation_claims(provider, acm_rp, agent) -> None:
    claims = _claims(_signed_in(provider, acm_rp, agent, capacity=f"BUR:{JAN}")["id_token"])
    assert claims["vo_doelgroepcode"] == "BUR"
    assert "vo_orgcode" not in claims and "vo_orgnaam" not in claims


def test_papi_token_reads_the_headers_profile_and_nothing_else(provider, acm_rp, agent) -> None:
    tokens = _signed_in(provider, acm_rp, agent)
    papi = _claims(tokens["id_token"])["papi_token"]
    profile = requests.get(f"{provider.url}/widgets/v1/{acm_rp.client_id}/profile",
                           headers=bearer(papi), timeout=15)
    assert profile.status_code == 200, profile.text
    assert profile.json()["idpData"]["activeIdentity"]["onBehalfOf"]["identifier"] == "V0001001"
    # a profile token is no access token, and no refresh token either
    assert userinfo(provider, papi).status_code == 401
    assert _refresh(provider, acm_rp, papi).json()["error"] == "invalid_grant"
    # userinfo hands out a fresh one each time
    again = userinfo(provider, tokens["access_token"]).json()["papi_token"]
    assert again != papi and again.startswith("lpt_")


def test_a_client_not_registered_for_vo_gets_invalid_scope(provider, other_rp, agent) -> None:
    params = auth_params(other_rp, scope="openid vo")
    answer = agent.get("/oidc/authorize", params={k: v for k, v in params.items()
                                                   if not k.startswith("_")})
    assert answer.status_code in (302, 303)
    assert "error=invalid_scope" in answer.headers["Location"]


# ---- switching identity ---------------------------------------------------------------------

def test_switch_id_hint_shows_the_chooser_without_signing_in_again(provider, acm_rp,
                                                                   agent) -> None:
    _signed_in(provider, acm_rp, agent)
    params = auth_params(acm_rp, scope=SCOPE, login_hint=SWITCH)
    page = agent.authorize(**{k: v for k, v in params.items() if not k.startswith("_")})
    assert Agent.is_chooser(page) and not Agent.is_login_page(page)
    callback = agent.sign_in(JAN, f"BUR:{JAN}", **{k: v for k, v in params.items()
                                                   if not k.startswith("_")})
    answer = token(provider, acm_rp, callback["code"], params["_verifier"])
    assert _claims(answer.json()["id_token"])["vo_doelgroepcode"] == "BUR"


def test_end_session_switch_signs_out_of_that_site_only_and_the_chooser_follows(
        provider, acm_rp, rp, agent, backchannel_receiver) -> None:
    other = token(provider, rp, *(lambda p: (sign_in(agent, p, JAN, "VER:V0001001")["code"],
                                             p["_verifier"]))(auth_params(rp)))
    assert other.status_code == 200
    tokens = _signed_in(provider, acm_rp, agent)
    backchannel_receiver.clear()
    start = last_audit_seq(provider)
    out = agent.get("/oidc/logout", params={
        "id_token_hint": tokens["id_token"], "post_logout_redirect_uri": acm_rp.post_logout_uri,
        "state": "s1", "switch": "true"})
    assert out.status_code in (302, 303)
    assert out.headers["Location"] == f"{acm_rp.post_logout_uri}?state=s1"
    # that site's tokens are gone, the other site's are not; only that site is told
    assert userinfo(provider, tokens["access_token"]).status_code == 401
    assert _refresh(provider, acm_rp, tokens["refresh_token"]).status_code == 400
    assert userinfo(provider, other.json()["access_token"]).status_code == 200
    told = [jose_jwt.get_unverified_claims(t)["aud"] for t in backchannel_receiver.tokens]
    assert told == [acm_rp.client_id]
    [entry] = audit_rows(provider, start, operation="sign-out")
    assert entry["client_id"] == acm_rp.client_id
    # the site's next sign-in: not silent, but the chooser, without the login page
    silent = auth_params(acm_rp, scope=SCOPE, prompt="none")
    refused = agent.authorize(**{k: v for k, v in silent.items() if not k.startswith("_")})
    assert "error=account_selection_required" in refused.headers["Location"]
    params = auth_params(acm_rp, scope=SCOPE)
    page = agent.authorize(**{k: v for k, v in params.items() if not k.startswith("_")})
    assert Agent.is_chooser(page)
    callback = agent.choose(page, f"BUR:{JAN}")
    assert callback.status_code in (302, 303)
    # once chosen, a silent sign-in works again, in the capacity chosen
    params = auth_params(acm_rp, scope=SCOPE, prompt="none")
    again = agent.authorize(**{k: v for k, v in params.items() if not k.startswith("_")})
    assert again.status_code in (302, 303) and "code=" in again.headers["Location"]


def test_switch_without_this_sign_ins_hint_signs_nobody_out(provider, acm_rp, agent) -> None:
    tokens = _signed_in(provider, acm_rp, agent)
    refused = agent.get("/oidc/logout", params={"client_id": acm_rp.client_id,
                                                 "switch": "true"})
    assert refused.status_code == 400
    assert userinfo(provider, tokens["access_token"]).status_code == 200


# ---- refresh tokens -------------------------------------------------------------------------

def test_a_refresh_rotates_and_keeps_who_and_how(provider, acm_rp, agent) -> None:
    first = _signed_in(provider, acm_rp, agent)
    answer = _refresh(provider, acm_rp, first["refresh_token"])
    assert answer.status_code == 200, answer.text
    second = answer.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    before, after = _claims(first["id_token"]), _claims(second["id_token"])
    for name in ("sub", "auth_time", "acr", "amr", "sid", "aud", "vo_orgcode"):
        assert after[name] == before[name], name
    assert "nonce" not in after
    assert userinfo(provider, second["access_token"]).json()["capacity"]["identifier"] == "V0001001"
    assert userinfo(provider, second["refresh_token"]).status_code == 401  # no access token
    narrowed = _refresh(provider, acm_rp, second["refresh_token"], scope="openid vo")
    assert narrowed.status_code == 200 and narrowed.json()["scope"] == "openid vo"
    wider = _refresh(provider, acm_rp, narrowed.json()["refresh_token"], scope="openid dossiers")
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"


def test_a_reused_refresh_token_revokes_its_family(provider, acm_rp, agent) -> None:
    first = _signed_in(provider, acm_rp, agent)
    second = _refresh(provider, acm_rp, first["refresh_token"]).json()
    start = last_audit_seq(provider)
    reused = _refresh(provider, acm_rp, first["refresh_token"])
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    # the thief's copy and the rightful one's newer tokens: all revoked
    assert _refresh(provider, acm_rp, second["refresh_token"]).status_code == 400
    assert userinfo(provider, second["access_token"]).status_code == 401
    entries = audit_rows(provider, start, operation="refresh-refused")
    assert [e["reason"] for e in entries] == ["refresh token reused", "refresh token reused"]


def test_a_refresh_token_of_another_client_is_refused(provider, acm_rp, rp, agent) -> None:
    first = _signed_in(provider, acm_rp, agent)
    stolen = requests.post(f"{provider.url}/oidc/token", auth=(rp.client_id, rp.secret),
                           data={"grant_type": "refresh_token",
                                 "refresh_token": first["refresh_token"]}, timeout=15)
    assert stolen.status_code == 400
    assert stolen.json()["error"] in ("invalid_grant", "unauthorized_client")


def test_a_refresh_checks_the_capacity_anew(provider, acm_rp, agent) -> None:
    insz = fresh_insz()
    made = make_association(provider, reps=[(insz, True)])
    tokens = _signed_in(provider, acm_rp, agent, insz=insz, capacity=f"VER:{made['vcode']}")
    provider.sql("DELETE FROM representatives WHERE id = :id", {"id": made["reps"][0]})
    refused = _refresh(provider, acm_rp, tokens["refresh_token"])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert "capacity" in refused.json()["error_description"]


def test_signing_out_ends_refresh_tokens(provider, acm_rp, agent) -> None:
    tokens = _signed_in(provider, acm_rp, agent)
    out = agent.get("/oidc/logout", params={"id_token_hint": tokens["id_token"]},
                    )
    assert out.status_code in (200, 302, 303)
    assert _refresh(provider, acm_rp, tokens["refresh_token"]).status_code == 400


def test_no_refresh_token_without_offline_access_or_the_grant(provider, acm_rp, rp,
                                                              agent) -> None:
    without = _signed_in(provider, acm_rp, agent, scope="openid capacity vo")
    assert "refresh_token" not in without
    params = auth_params(rp, scope="openid offline_access")  # rp is not registered for it
    callback = sign_in(agent, params, JAN, "VER:V0001001")
    answer = token(provider, rp, callback["code"], params["_verifier"]).json()
    assert "refresh_token" not in answer and answer["scope"] == "openid"
