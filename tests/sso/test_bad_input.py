"""Bad input gets a clear error page or JSON error, changes nothing, and never a stack trace."""

from __future__ import annotations

import base64

import pytest
import requests

from support.agent import callback_params, forms
from support.oidc import JAN, auth_params, authorize, hint

STATE_TABLES = ("sso_sessions", "authorization_codes", "access_tokens", "persons", "clients")


def counts(provider) -> dict[str, int]:
    return {t: int(provider.sql(f"SELECT COUNT(*) FROM {t}")[0][0])  # noqa: S608 - fixed names
            for t in STATE_TABLES}


@pytest.mark.parametrize("insz, message", [
    ("85073003329", "controlegetal"),
    ("8507300332", "11 cijfers"),
    ("85O73OO3328", "alleen cijfers"),
    ("", "Vul"),
    ("x" * 5000, "te lang"),
    ("12345678901", "controlegetal"),
    ("00000000097", "testpersoon"),
])
def test_malformed_or_unknown_insz_at_login(provider, rp, agent, insz, message) -> None:
    page = authorize(agent, auth_params(rp))
    before = counts(provider)
    response = agent.post(page.url, data={**forms(page.text)[0].fields, "insz": insz})
    assert response.status_code == 200
    assert message in response.text
    assert 'role="alert"' in response.text
    assert "loket_sso" not in response.headers.get("Set-Cookie", "")
    assert counts(provider) == before


def test_login_without_csrf_token_is_refused(provider, rp, agent) -> None:
    page = authorize(agent, auth_params(rp))
    fields = forms(page.text)[0].fields
    fields.pop("csrf_token")
    before = counts(provider)
    response = agent.post(page.url, data={**fields, "insz": JAN})
    assert response.status_code == 400 and "formulier is verlopen" in response.text
    assert counts(provider) == before


@pytest.mark.parametrize("login_hint", [
    "not base64 at all!!",
    base64.b64encode(b"[1,2,3]").decode(),
    base64.b64encode(b'{"cap_hint": "VER", "code_hint": "V12"}').decode(),
    base64.b64encode(b'{"cap_hint": "EA", "code_hint": "0412345615"}').decode(),
    base64.b64encode(b'{"cap_hint": "GOD"}').decode(),
    hint("VER", "<img src=x onerror=alert(1)>"),
])
def test_garbage_login_hint_is_no_hint(provider, rp, agent, login_hint) -> None:
    page = authorize(agent, auth_params(rp, login_hint=login_hint))
    response = agent.submit_login(page, JAN)
    assert agent.is_chooser(response)
    assert "<img src=x" not in response.text


@pytest.mark.parametrize("extra, error", [
    ({"response_type": "token"}, "unsupported_response_type"),
    ({"response_type": "code id_token"}, "unsupported_response_type"),
    ({"response_mode": "fragment"}, "invalid_request"),
    ({"max_age": "soon"}, "invalid_request"),
    ({"max_age": "-5"}, "invalid_request"),
    ({"prompt": "whenever"}, "invalid_request"),
    ({"state": "s" * 5000}, "invalid_request"),
    ({"nonce": "n" * 600}, "invalid_request"),
    ({"code_challenge": "short"}, "invalid_request"),
    ({"request": "eyJhbGciOiJub25lIn0.e30."}, "request_not_supported"),
    ({"id_token_hint": "garbage.token.here"}, "invalid_request"),
])
def test_garbage_authorization_parameters_are_redirected_errors(provider, rp, agent, extra,
                                                                 error) -> None:
    before = counts(provider)
    cb = callback_params(authorize(agent, auth_params(rp, **extra)))
    assert cb["error"] == error and cb["error_description"]
    assert "code" not in cb
    assert counts(provider) == before


def test_duplicated_client_id_is_an_error_page(provider, rp, agent) -> None:
    response = agent.get(f"/oidc/authorize?client_id={rp.client_id}&client_id=other"
                         f"&redirect_uri={rp.redirect_uri}&response_type=code&scope=openid")
    assert response.status_code == 400 and "Location" not in response.headers


@pytest.mark.parametrize("client_id", ["nobody", "<script>", "a" * 500, ""])
def test_unknown_clients_at_authorize(provider, rp, agent, client_id) -> None:
    response = agent.get("/oidc/authorize", params={"client_id": client_id,
                                                     "redirect_uri": rp.redirect_uri})
    assert response.status_code == 400 and "Location" not in response.headers
    assert "<script>" not in response.text


def post_token(provider, data=None, **kw):
    return requests.post(f"{provider.url}/oidc/token", data=data, timeout=10, **kw)


def test_token_endpoint_errors_are_json(provider, rp) -> None:
    cases = [
        (post_token(provider, {"grant_type": "authorization_code", "code": "x"},
                    auth=("nobody", "x")), 401, "invalid_client"),
        (post_token(provider, {"grant_type": "authorization_code", "code": "x"},
                    auth=(rp.client_id, "wrong")), 401, "invalid_client"),
        (post_token(provider, {"grant_type": "password", "username": "x"},
                    auth=(rp.client_id, rp.secret)), 400, "unsupported_grant_type"),
        (post_token(provider, {"grant_type": "authorization_code"},
                    auth=(rp.client_id, rp.secret)), 400, "invalid_grant"),
        (post_token(provider, {"grant_type": "client_credentials"},
                    auth=(rp.client_id, rp.secret)), 400, "unauthorized_client"),
        (post_token(provider, json={"grant_type": "authorization_code"},
                    auth=(rp.client_id, rp.secret)), 400, "invalid_request"),
        (post_token(provider, {"grant_type": "authorization_code", "client_id": rp.client_id,
                               "client_secret": rp.secret},
                    auth=(rp.client_id, rp.secret)), 400, "invalid_request"),
        (post_token(provider, "grant_type=a&grant_type=b",
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                    auth=(rp.client_id, rp.secret)), 400, "invalid_request"),
        (post_token(provider, {"grant_type": "authorization_code"},
                    headers={"Authorization": "Basic !!!not-base64"}), 401, "invalid_client"),
    ]
    for response, status, error in cases:
        assert response.status_code == status, response.text
        assert response.json()["error"] == error
        assert response.headers["Cache-Control"] == "no-store"


def test_basic_auth_failure_asks_for_basic(provider) -> None:
    response = post_token(provider, {"grant_type": "authorization_code"}, auth=("nobody", "x"))
    assert response.headers["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize("header", ["Bearer lat_tampered", "Bearer " + "a" * 150])
def test_userinfo_with_bad_tokens(provider, header) -> None:
    response = requests.get(f"{provider.url}/oidc/userinfo", headers={"Authorization": header},
                            timeout=10)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", ""])
def test_userinfo_without_a_token_gets_the_bare_challenge(provider, header) -> None:
    """RFC 6750 §3.1: a request without any bearer token hears no error code in the
    challenge, only how to authenticate."""
    response = requests.get(f"{provider.url}/oidc/userinfo", headers={"Authorization": header},
                            timeout=10)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="loket"'


def test_wrong_methods_and_unknown_paths(provider) -> None:
    assert requests.get(f"{provider.url}/oidc/token", timeout=10).status_code == 405
    missing = requests.get(f"{provider.url}/api/v1/nothing", timeout=10)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_no_stack_trace_was_ever_logged(provider) -> None:
    assert "Traceback" not in provider.log_text()
