"""Tokens that keep to what is true now, against a live `loket serve` on SQLite and PostgreSQL:
userinfo asks the register at every call, every client uses PKCE, and a code that failed to
redeem once never redeems."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from support.agent import callback_params
from support.oidc import auth_params, authorize, sign_in, token, userinfo
from support.register import audit_rows, fresh_insz, last_audit_seq, make_association

# ---- userinfo re-checks the capacity -------------------------------------------------------


@pytest.fixture
def representative(provider, rp, agent) -> dict[str, Any]:
    """A fresh person, the only representative of a fresh association, signed in for it."""
    insz = fresh_insz()
    made = make_association(provider, reps=[(insz, True)])
    params = auth_params(rp)
    cb = sign_in(agent, params, insz, capacity=f"VER:{made['vcode']}")
    answer = token(provider, rp, cb["code"], params["_verifier"])
    assert answer.status_code == 200, answer.text
    access = answer.json()["access_token"]
    before = userinfo(provider, access)
    assert before.status_code == 200 and before.json()["capacity"]["identifier"] == made["vcode"]
    return {**made, "insz": insz, "access": access}


@pytest.mark.parametrize("change", [
    lambda provider, made: provider.sql("DELETE FROM representatives WHERE id = :id",
                                        {"id": made["reps"][0]}),
    lambda provider, made: provider.sql("UPDATE associations SET status = 'Gestopt' "
                                        "WHERE vcode = :v", {"v": made["vcode"]}),
], ids=["representative-removed", "association-stopped"])
def test_userinfo_stops_giving_a_capacity_the_person_no_longer_holds(
        provider, representative: dict[str, Any], change: Callable[..., Any]) -> None:
    change(provider, representative)
    start = last_audit_seq(provider)
    after = userinfo(provider, representative["access"])
    assert after.status_code == 401
    assert after.json()["error"] == "invalid_token"
    assert 'error="invalid_token"' in after.headers["WWW-Authenticate"]
    assert "capacity" not in after.json()
    [entry] = audit_rows(provider, start, resource="userinfo", outcome="refused")
    assert entry["capacity"] == f"VER:{representative['vcode']}"


def test_userinfo_keeps_answering_while_the_capacity_is_held(provider,
                                                             representative) -> None:
    again = userinfo(provider, representative["access"])
    assert again.status_code == 200
    assert again.json()["capacity"]["code"] == "VER"


# ---- PKCE for every client -------------------------------------------------------------------

def test_a_confidential_client_without_pkce_gets_invalid_request(provider, rp, agent) -> None:
    params = auth_params(rp)
    del params["code_challenge"], params["code_challenge_method"]
    cb = callback_params(authorize(agent, params))
    assert cb["error"] == "invalid_request" and "PKCE" in cb["error_description"]
    assert cb["state"] == params["state"] and cb["iss"] == provider.url
    assert "code" not in cb


def test_a_client_registered_without_pkce_signs_in_without_it(provider, rp, agent) -> None:
    """The one exception, registered on purpose: `loket client add --without-pkce` (never for a
    public client, whose codes only PKCE binds)."""
    import uuid

    from support.oidc import RelyingParty

    client_id = f"no-pkce-{uuid.uuid4().hex[:8]}"
    added = provider.cli("client", "add", "--id", client_id, "--name", "Oude software",
                         "--redirect-uri", rp.redirect_uri, "--without-pkce")
    assert "PKCE:        not required" in added.stdout
    secret = added.stdout.split("secret:", 1)[1].split()[0]
    old = RelyingParty(client_id, secret, rp.redirect_uri, rp.post_logout_uri)
    params = auth_params(old, scope="openid profile")
    del params["code_challenge"], params["code_challenge_method"]
    cb = sign_in(agent, params, "92021411256")
    assert token(provider, old, cb["code"], None).status_code == 200
    refused = provider.cli("client", "add", "--id", f"{client_id}-app", "--name", "App",
                           "--redirect-uri", rp.redirect_uri, "--public", "--without-pkce",
                           check=False)
    assert refused.returncode != 0 and "--without-pkce" in refused.stderr


def test_discovery_still_offers_only_s256(discovery) -> None:
    assert discovery["code_challenge_methods_supported"] == ["S256"]


# ---- a failed redemption burns the code ------------------------------------------------------

@pytest.mark.parametrize("wrong", ["verifier", "no-verifier", "redirect_uri", "client"])
def test_a_failed_redemption_burns_the_code(provider, rp, other_rp, agent, wrong) -> None:
    params = auth_params(rp)
    cb = sign_in(agent, params)
    start = last_audit_seq(provider)
    if wrong == "client":
        failed = token(provider, other_rp, cb["code"], params["_verifier"],
                       redirect_uri=rp.redirect_uri)
    elif wrong == "redirect_uri":
        failed = token(provider, rp, cb["code"], params["_verifier"],
                       redirect_uri=rp.redirect_uri + "/other")
    else:
        failed = token(provider, rp, cb["code"], "x" * 43 if wrong == "verifier" else None)
    assert failed.status_code == 400 and failed.json()["error"] == "invalid_grant"
    [burned] = audit_rows(provider, start, operation="code-refused", outcome="refused")
    assert burned["client_id"] == (other_rp if wrong == "client" else rp).client_id

    right = token(provider, rp, cb["code"], params["_verifier"])
    assert right.status_code == 400, right.text
    assert right.json()["error"] == "invalid_grant"
    assert "access_token" not in right.json()
