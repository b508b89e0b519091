"""Input rules every request keeps, against a live `loket serve` on SQLite and PostgreSQL:
whole numbers in ASCII digits only, and no control character in a path, parameter or form
field — a clear 400, never a 500, and every such refusal in the audit log with who tried."""

from __future__ import annotations

import html
import uuid
from typing import Any

import pytest
import requests

from support.agent import Agent, forms
from support.oidc import JAN, auth_params, bearer, club_token, full_flow
from support.register import audit_rows, last_audit_seq, person_sub
from support.servers import Provider


@pytest.fixture(scope="module")
def backoffice(provider: Provider) -> dict[str, str]:
    client_id = f"bo-input-{uuid.uuid4().hex[:6]}"
    secret = provider.add_client(client_id, "--grant-type", "client_credentials",
                                 "--scope", "dossiers:write", "--scope", "associations:exchange")
    answer = requests.post(f"{provider.url}/oidc/token", auth=(client_id, secret), timeout=15,
                           data={"grant_type": "client_credentials"})
    assert answer.status_code == 200, answer.text
    return {"id": client_id, "secret": secret, "token": answer.json()["access_token"]}


def refusals(provider: Provider, since: int) -> list[dict[str, Any]]:
    return audit_rows(provider, since, operation="bad-input", outcome="refused")


# ---- control characters ------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/dossiers/%00/X", "/api/v1/dossiers/bo/%01",
                                  "/api/v1/dossiers/bo/X?lang=%00"])
def test_a_control_character_in_a_back_office_push_is_a_400_with_its_caller_audited(
        provider, backoffice, path) -> None:
    start = last_audit_seq(provider)
    answer = requests.put(f"{provider.url}{path}", json={"name": "x"}, timeout=15,
                          headers=bearer(backoffice["token"]))
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "invalid_characters"
    assert "stuurteken" in answer.json()["detail"]
    [entry] = refusals(provider, start)
    assert entry["client_id"] == backoffice["id"] and entry["actor"] == backoffice["id"]
    assert "\x00" not in entry["resource"] and entry["resource"].startswith("/api/v1/dossiers/")


def test_a_nul_in_the_nonce_at_authorize_is_an_error_page_and_audited(provider, rp,
                                                                       agent) -> None:
    start = last_audit_seq(provider)
    params = {k: v for k, v in auth_params(rp, nonce="n\x00").items() if not k.startswith("_")}
    answer = agent.get("/oidc/authorize", params=params, headers={"Accept": "text/html"})
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "stuurteken" in answer.text and "'nonce'" in html.unescape(answer.text)
    [entry] = refusals(provider, start)
    assert entry["resource"] == "/oidc/authorize" and entry["client_id"] is None


def test_the_token_endpoint_answers_oauths_shape_and_names_the_client(provider, rp) -> None:
    start = last_audit_seq(provider)
    answer = requests.post(f"{provider.url}/oidc/token", auth=(rp.client_id, rp.secret),
                           data={"grant_type": "authorization_code", "code": "a\x00b",
                                 "redirect_uri": rp.redirect_uri}, timeout=15)
    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid_request",
                             "error_description": "Parameter 'code' holds a control character."}
    [entry] = refusals(provider, start)
    assert entry["client_id"] == rp.client_id


def test_a_person_probing_with_a_token_is_named(provider, rp, agent) -> None:
    access = full_flow(provider, rp, agent, JAN, capacity="BUR:85073003328")["tokens"][
        "access_token"]
    start = last_audit_seq(provider)
    answer = requests.get(f"{provider.url}/api/v1/me/dossiers?status=%00", timeout=15,
                          headers=bearer(access))
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_characters"
    [entry] = refusals(provider, start)
    assert entry["actor"] == person_sub(provider, JAN) and entry["client_id"] == rp.client_id


@pytest.mark.parametrize("url", ["/nergens%00", "/api/v1/associations?q=a%7Fb",
                                 "/api/v1/associations?q%00=a", "/aanmelden?next=%1B/",
                                 "/api/v1/associations/V0001001%09"])
def test_control_characters_anywhere_in_path_or_query_are_refused(provider, url) -> None:
    start = last_audit_seq(provider)
    answer = requests.get(f"{provider.url}{url}", timeout=15,
                          headers={"Accept": "application/json"})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "invalid_characters"
    assert len(refusals(provider, start)) == 1


def test_a_nul_in_a_form_field_is_refused_before_the_form_is_read(provider, rp, agent) -> None:
    page = agent.authorize(**{k: v for k, v in auth_params(rp).items() if not k.startswith("_")})
    start = last_audit_seq(provider)
    answer = agent.post(page.url, data={**forms(page.text)[0].fields, "insz": "85073003328\x00"})
    assert answer.status_code == 400 and "'insz'" in html.unescape(answer.text)
    assert len(refusals(provider, start)) == 1
    assert audit_rows(provider, start, operation="sign-in") == []


def test_line_breaks_in_a_typed_value_are_not_control_characters_to_refuse(provider) -> None:
    answer = requests.get(f"{provider.url}/api/v1/associations", params={"q": "fc\ngroen\tbeek"},
                          timeout=15)
    assert answer.status_code == 200, answer.text


# ---- whole numbers -------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["since=%C2%B2", "limit=%C2%B2", "since=%D9%A3",
                                   "limit=%EF%BC%95", "since=-1", "since=%201"])
def test_exchange_paging_takes_only_ascii_digits(provider, backoffice, query) -> None:
    answer = requests.get(f"{provider.url}/api/v1/exchange/changes?{query}", timeout=15,
                          headers={**bearer(backoffice["token"]),
                                   "X-Loket-Reason": "subsidiedossier 2026/0815"})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "invalid_parameter"


def test_access_log_paging_takes_only_ascii_digits(provider) -> None:
    client_id = f"privacy-{uuid.uuid4().hex[:6]}"
    token = club_token(provider, client_id, ["privacy"])
    for before in ("%C2%B2", "%D9%A3"):
        answer = requests.get(f"{provider.url}/api/v1/me/access-log?before={before}",
                              headers=bearer(token), timeout=15)
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"] == "invalid_parameter"
    assert requests.get(f"{provider.url}/api/v1/me/access-log?before=1", headers=bearer(token),
                        timeout=15).status_code == 200


@pytest.mark.parametrize("item", ["%C2%B2", "%D9%A3"])
def test_an_item_id_in_other_digits_names_no_item(provider, item) -> None:
    token = club_token(provider, f"items-{uuid.uuid4().hex[:6]}", ["associations"])
    answer = requests.delete(
        f"{provider.url}/api/v1/associations/V0001001/contactgegevens/{item}", timeout=15,
        headers={**bearer(token), "If-Match": "*"})
    assert answer.status_code == 404, answer.text
    assert answer.json()["error"] == "not_found"


@pytest.mark.parametrize("limit", ["%D9%A3", "%C2%B2", "%203", "1_0"])
def test_catalog_and_search_limits_take_only_ascii_digits(provider, limit) -> None:
    for path in ("/api/v1/catalog/products", "/api/v1/associations"):
        answer = requests.get(f"{provider.url}{path}?limit={limit}", timeout=15)
        assert answer.status_code == 400, (path, answer.text)
        assert answer.json()["error"] == "invalid_parameter"


def test_the_access_overview_page_ignores_a_page_number_in_other_digits(provider) -> None:
    agent = Agent(provider.url)
    try:
        assert agent.submit_login(agent.get("/aanmelden"), JAN).status_code == 200
        answer = agent.get("/mijn-gegevens?voor=%C2%B2")
        assert answer.status_code == 200, answer.text[:300]
        assert "Mijn gegevens" in answer.text
    finally:
        agent.http.close()


# ---- body limits, with Content-Length or chunked -------------------------------------------

def chunked(body: bytes, size: int = 16 * 1024) -> Any:
    """The body as a generator: requests sends it with Transfer-Encoding: chunked."""
    return (body[i:i + size] for i in range(0, len(body), size))


@pytest.mark.parametrize("send", ["content-length", "chunked"])
def test_the_token_endpoint_refuses_a_form_over_64_kb_however_it_is_sent(provider, rp,
                                                                         send) -> None:
    body = b"grant_type=client_credentials&pad=" + b"x" * (65 * 1024)
    answer = requests.post(f"{provider.url}/oidc/token", auth=(rp.client_id, rp.secret),
                           data=body if send == "content-length" else chunked(body),
                           headers={"Content-Type": "application/x-www-form-urlencoded"},
                           timeout=15)
    assert answer.status_code == 413, answer.text
    assert answer.json()["error"] == "invalid_request"
    assert "64 KB" in answer.json()["error_description"]


def test_a_chunked_form_within_the_limit_is_read_whole(provider, backoffice) -> None:
    body = (f"grant_type=client_credentials&client_id={backoffice['id']}"
            f"&client_secret={backoffice['secret']}&scope=dossiers:write").encode()
    answer = requests.post(f"{provider.url}/oidc/token", data=chunked(body, 7), timeout=15,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["scope"] == "dossiers:write"


def test_the_register_refuses_a_chunked_json_body_over_64_kb(provider) -> None:
    token = club_token(provider, f"big-{uuid.uuid4().hex[:6]}", ["associations"])
    body = b'{"type": "E-mail", "waarde": "a@b.be", "beschrijving": "' + b"x" * (65 * 1024) + b'"}'
    answer = requests.post(f"{provider.url}/api/v1/associations/V0001001/contactgegevens",
                           data=chunked(body), timeout=15,
                           headers={**bearer(token), "Content-Type": "application/json"})
    assert answer.status_code == 413, answer.text
    assert answer.json()["error"] == "too_large"


@pytest.mark.parametrize("send", ["content-length", "chunked"])
def test_a_push_over_2_mb_is_413_before_the_token_is_even_checked(provider, send) -> None:
    body = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    answer = requests.put(f"{provider.url}/api/v1/dossiers/bo/1", timeout=15,
                          data=body if send == "content-length" else chunked(body),
                          headers={"Content-Type": "application/json",
                                   "Authorization": "Bearer not-a-token"})
    assert answer.status_code == 413, answer.text
    assert answer.json()["error"] == "too_large"


def test_a_chunked_page_form_over_the_limit_is_413(provider) -> None:
    body = b"insz=" + b"1" * (2 * 1024 * 1024 + 10)
    answer = requests.post(f"{provider.url}/aanmelden", data=chunked(body), timeout=15,
                           headers={"Content-Type": "application/x-www-form-urlencoded",
                                    "Accept": "text/html"})
    assert answer.status_code == 413
    assert answer.headers["Content-Type"].startswith("text/html")
