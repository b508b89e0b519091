"""Every failure answered the same way, in-process: the JSON an error names itself, the error
page for people, the language rule, and the same If-Match rules on the catalog and the
register."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from support.catalog import basic, bearer, product

JAN = "85073003328"


@pytest.mark.parametrize("language, expected", [
    (None, "Stuur een access token mee"),
    ("nl-BE,nl;q=0.9", "Stuur een access token mee"),
    ("fr-BE,fr;q=0.9,en;q=0.5", "Envoyez un jeton"),
    ("de", "Senden Sie ein Zugriffstoken"),
    ("en-GB,en;q=0.8", "Send an access token"),
    ("es", "Stuur een access token mee"),  # none of ours: Dutch
])
def test_an_api_error_speaks_the_callers_language_and_keeps_its_code(
        client: FlaskClient, language: str | None, expected: str) -> None:
    headers = {"Accept-Language": language} if language else {}
    answer = client.get("/api/v1/me/dossiers", headers=headers)
    assert answer.status_code == 401
    body = answer.get_json()
    assert body["error"] == "invalid_token" and body["detail"].startswith(expected)
    assert set(body) == {"error", "detail"}
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="loket"'


def test_a_page_that_does_not_exist_is_a_page_in_the_browsers_language_and_json_for_a_program(
        client: FlaskClient) -> None:
    page = client.get("/nergens", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "This page does not exist." in page.get_data(as_text=True)
    dutch = client.get("/nergens", headers={"Accept": "text/html"})
    assert "Deze pagina bestaat niet." in dutch.get_data(as_text=True)
    program = client.get("/nergens", headers={"Accept": "application/json",
                                              "Accept-Language": "en"})
    assert program.status_code == 404
    assert program.get_json() == {"error": "not_found", "detail": "This page does not exist."}


def test_a_refused_method_says_which_are_allowed(client: FlaskClient) -> None:
    answer = client.delete("/oidc/userinfo", headers={"Accept-Language": "fr"})
    assert answer.status_code == 405 and set(answer.headers["Allow"].split(", ")) >= {"GET",
                                                                                      "POST"}
    assert answer.get_json()["detail"] == "Cette méthode n'est pas autorisée ici."


def test_oauth_endpoints_answer_oauths_shape_in_english(client: FlaskClient) -> None:
    answer = client.post("/oidc/token", data={"grant_type": "client_credentials"},
                         headers={"Accept-Language": "fr"})
    assert answer.status_code == 401
    assert answer.get_json() == {"error": "invalid_client",
                                 "error_description": "Client authentication failed."}
    refused = client.get("/oidc/userinfo", headers={"Authorization": "Bearer nope"})
    assert refused.status_code == 401 and refused.get_json()["error"] == "invalid_token"
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


# ---- the same If-Match rules on every API --------------------------------------------------------

def _publisher_token(app: Flask, client: FlaskClient, client_id: str) -> str:
    from loket import clients, db

    reg = clients.Registration(id=client_id, name="Publisher", scopes=["catalog:write"],
                               grant_types=["client_credentials"],
                               organisation="Gemeente Groenbeek",
                               origins=["https://www.groenbeek.example",
                                        "https://loket.groenbeek.example"])
    with db.database(app).transaction() as session:
        _, secret = clients.add(session, reg, allow_http_anywhere=True)
    answer = client.post("/oidc/token", data={"grant_type": "client_credentials"},
                         headers=basic(client_id, secret or ""))
    return str(answer.get_json()["access_token"])


def test_the_catalog_refuses_a_malformed_if_match_and_a_stale_one_names_the_version(
        app: Flask, client: FlaskClient) -> None:
    token = _publisher_token(app, client, "pub-precondition")
    url = "/api/v1/catalog/products/PRE-1"
    assert client.put(url, json=product(), headers=bearer(token)).status_code == 201
    malformed = client.put(url, json=product(costs={"nl": "x"}),
                           headers={**bearer(token), "If-Match": "versie één"})
    assert malformed.status_code == 400 and malformed.get_json()["error"] == "invalid_if_match"
    stale = client.put(url, json=product(costs={"nl": "x"}),
                       headers={**bearer(token), "If-Match": 'W/"7"', "Accept-Language": "en"})
    assert stale.status_code == 412 and stale.headers["ETag"] == 'W/"1"'
    assert stale.get_json() == {"error": "precondition_failed", "detail": "The record changed "
                                "since you read it (If-Match); read it again."}
    missing = client.put("/api/v1/catalog/products/PRE-2", json=product(),
                         headers={**bearer(token), "If-Match": "*"})
    assert missing.status_code == 412 and "ETag" not in missing.headers
    assert client.get(url).get_json()["version"] == 1  # nothing changed


def test_the_register_refuses_the_same_malformed_if_match(client: FlaskClient,
                                                          person_token: Callable[..., str]
                                                          ) -> None:
    token = person_token(JAN, {"code": "VER", "identifier": "V0001001", "name": "FC Groenbeek"})
    answer = client.patch("/api/v1/associations/V0001001", json={"roepnaam": "FCG"},
                          headers={**bearer(token), "If-Match": "versie één"})
    assert answer.status_code == 400 and answer.get_json()["error"] == "invalid_if_match"
    without = client.patch("/api/v1/associations/V0001001", json={"roepnaam": "FCG"},
                           headers={**bearer(token), "Accept-Language": "de"})
    assert without.status_code == 428
    assert without.get_json()["detail"].startswith("Senden Sie die Version")


def test_deeply_nested_json_is_a_clear_400(client, app: Flask) -> None:
    from support.oidc import bearer

    secret = _backoffice(app)
    token = client.post("/oidc/token", data={"grant_type": "client_credentials"},
                        auth=("deep-bo", secret)).json["access_token"]
    for url in ("/api/v1/dossiers/deep-bo/X-1", "/api/v1/catalog/products/DEEP-1"):
        answer = client.put(url, data="[" * 50000, headers={**bearer(token),
                                                           "Content-Type": "application/json"})
        assert answer.status_code == 400 and answer.json["error"] == "invalid_json"


def _backoffice(app: Flask) -> str:
    from loket import clients, db

    with db.database(app).transaction() as session:
        _, secret = clients.add(session, clients.Registration(
            id="deep-bo", name="Deep", grant_types=["client_credentials"],
            scopes=["dossiers:write", "catalog:write"]), allow_http_anywhere=True)
    return str(secret)
