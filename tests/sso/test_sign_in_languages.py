"""The sign-in pages in the person's language: the browser's Accept-Language, a site's OpenID
``ui_locales`` (kept for the whole sign-in, through the POSTed login form and the chooser,
without a cookie), the language switch; error pages that say what happened in that language
and lead back to the site when it is registered; a site's name escaped in every language."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from loket.sso.protocol import pkce_challenge

REDIRECT = "http://127.0.0.2:8001/auth/callback"
HOME = "http://127.0.0.2:8001/"
SITE = "Gemeente Groenbeek"
JAN = "85073003328"  # a citizen who also represents associations and a company: the chooser
VERIFIER = "v" * 50
HOSTILE = "<img src=x onerror=alert(1)>"


def authorize(client: FlaskClient, headers: dict[str, str] | None = None,
              **extra: str) -> TestResponse:
    return client.get("/oidc/authorize", headers=headers or {}, query_string={
        "client_id": "groenbeek", "redirect_uri": REDIRECT, "response_type": "code",
        "scope": "openid profile capacity", "state": "st", "nonce": "no",
        "code_challenge": pkce_challenge(VERIFIER), "code_challenge_method": "S256", **extra})


def lang_of(page: TestResponse) -> str:
    match = re.search(r'<html lang="(\w+)"', page.text)
    assert match, page.text[:200]
    assert page.headers["Content-Language"] == match.group(1)
    return match.group(1)


def text(page: TestResponse) -> str:
    return unescape(page.text)


def csrf(page: TestResponse) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


def to_login(client: FlaskClient, headers: dict[str, str] | None = None,
             **extra: str) -> tuple[str, str]:
    """Start a sign-in for Groenbeek: the login page's path and the pending request's id."""
    started = authorize(client, headers, **extra)
    assert started.status_code == 302, started.text[:300]
    location = started.headers["Location"]
    assert location.startswith("/aanmelden?request=")
    return location, parse_qs(urlsplit(location).query)["request"][0]


def post_login(client: FlaskClient, page: TestResponse, request_id: str, insz: str,
               headers: dict[str, str] | None = None) -> TestResponse:
    return client.post("/aanmelden", headers=headers or {}, data={
        "csrf_token": csrf(page), "insz": insz, "request_id": request_id})


def to_chooser(client: FlaskClient, signed_in: TestResponse,
               headers: dict[str, str] | None = None) -> TestResponse:
    """From the login's 303 on: resume the request, which asks Jan to choose a capacity."""
    assert signed_in.status_code == 303, signed_in.text[:300]
    resumed = client.get(signed_in.headers["Location"], headers=headers or {})
    assert resumed.status_code == 302 and "/hoedanigheid" in resumed.headers["Location"]
    return client.get(resumed.headers["Location"], headers=headers or {})


def lang_cookie(response: TestResponse) -> list[str]:
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith("loket_lang=")]


# ---- the browser's language -------------------------------------------------------------------

@pytest.mark.parametrize(("accept", "lang", "title", "field"), [
    ("fr-BE,fr;q=0.9", "fr", f"Se connecter à {SITE}", "Numéro de registre national"),
    ("de-DE,de;q=0.8", "de", f"Bei {SITE} anmelden", "Nationalregisternummer"),
    ("en-GB,en;q=0.8", "en", f"Sign in to {SITE}", "National register number"),
    ("nl-BE,nl;q=0.9", "nl", f"Aanmelden bij {SITE}", "Rijksregisternummer"),
])
def test_the_sign_in_pages_follow_the_browser(client: FlaskClient, accept: str, lang: str,
                                              title: str, field: str) -> None:
    headers = {"Accept-Language": accept}
    login, request_id = to_login(client, headers)
    page = client.get(login, headers=headers)
    assert page.status_code == 200 and lang_of(page) == lang
    assert title in text(page) and field in text(page)
    chooser = to_chooser(client, post_login(client, page, request_id, JAN, headers), headers)
    assert lang_of(chooser) == lang
    expected = {"fr": "En tant que citoyen", "de": "Als Bürger", "en": "As a citizen",
                "nl": "Als burger"}[lang]
    assert expected in text(chooser)


# ---- the site's ui_locales --------------------------------------------------------------------

def test_ui_locales_picks_the_language_for_the_whole_sign_in(client: FlaskClient) -> None:
    dutch_browser = {"Accept-Language": "nl-BE,nl;q=0.9"}
    login, request_id = to_login(client, dutch_browser, ui_locales="es fr-BE fr")
    page = client.get(login, headers=dutch_browser)  # the URL carries nothing but the request
    assert "lang=" not in login and lang_of(page) == "fr"
    assert f"Se connecter à {SITE}" in text(page)
    assert not lang_cookie(page)  # a site's wish is no choice of the person's to remember

    # the POSTed form has no ui_locales and no cookie: the pending request carries them
    empty = post_login(client, page, request_id, "", dutch_browser)
    assert empty.status_code == 200 and lang_of(empty) == "fr"
    assert "Indiquez le numéro de registre national." in text(empty)  # a form's own message
    nobody = post_login(client, page, request_id, "00000000097", dutch_browser)
    assert "Il n'y a pas de personne de test avec ce numéro" in text(nobody)
    short = post_login(client, page, request_id, "8507300332", dutch_browser)
    assert "doit compter 11 chiffres, pas 10" in text(short)

    chooser = to_chooser(client, post_login(client, page, request_id, JAN, dutch_browser),
                         dutch_browser)
    assert lang_of(chooser) == "fr" and not lang_cookie(chooser)
    assert f"Comment voulez-vous vous connecter à {SITE} ?" in text(chooser)
    assert "Au nom de FC Groenbeek" in text(chooser)
    refused = client.post("/hoedanigheid", headers=dutch_browser, data={
        "csrf_token": csrf(chooser), "request_id": request_id, "capacity": "XXX:0"})
    assert "Choisissez l'une des qualités ci-dessous." in text(refused)

    chosen = client.post("/hoedanigheid", headers=dutch_browser, data={
        "csrf_token": csrf(chooser), "request_id": request_id, "capacity": f"BUR:{JAN}"})
    done = client.get(chosen.headers["Location"], headers=dutch_browser)
    assert done.headers["Location"].startswith(f"{REDIRECT}?code=")
    # the browser's Back to the answered step: still the site's language
    back = client.get(login, headers=dutch_browser)
    assert back.status_code == 200 and lang_of(back) == "fr"
    assert "Vous êtes connecté" in text(back) and f"Continuer vers {SITE}" in text(back)


@pytest.mark.parametrize(("ui_locales", "lang"), [("de", "de"), ("en-US", "en"),
                                                  ("es pt", "nl"), ("", "nl")])
def test_ui_locales_we_do_not_speak_leave_the_browser_to_decide(
        client: FlaskClient, ui_locales: str, lang: str) -> None:
    headers = {"Accept-Language": "nl"}
    login, _ = to_login(client, headers, ui_locales=ui_locales)
    assert lang_of(client.get(login, headers=headers)) == lang


def test_the_switch_and_an_earlier_choice_beat_the_sites_ui_locales(client: FlaskClient) -> None:
    login, request_id = to_login(client, ui_locales="fr")
    switched = client.get(f"{login}&lang=de")
    assert lang_of(switched) == "de" and f"Bei {SITE} anmelden" in text(switched)
    assert lang_cookie(switched)[0].startswith("loket_lang=de;")
    # the person chose: the rest of this sign-in stays German although the site asked French
    chooser = to_chooser(client, post_login(client, switched, request_id, JAN))
    assert lang_of(chooser) == "de"
    assert f"Wie möchten Sie sich bei {SITE} anmelden?" in text(chooser)
    # and so does the next sign-in of a site that asks for French (signed in: the chooser)
    again = authorize(client, ui_locales="fr")
    assert again.status_code == 302 and "/hoedanigheid" in again.headers["Location"]
    assert lang_of(client.get(again.headers["Location"])) == "de"


def test_a_widget_without_javascript_says_its_language_and_sets_no_cookie(
        client: FlaskClient) -> None:
    """The no-JavaScript header follows the site's ``lang`` (its own rule); Loket's cookie is
    a person's choice, not an embedding site's parameter (and this answer is cached)."""
    header = client.get("/widgets/v1/groenbeek/header.html?lang=fr&page=1",
                        headers={"Accept-Language": "nl"})
    assert header.status_code == 200 and lang_of(header) == "fr"
    assert not lang_cookie(header)


def test_the_discovery_document_lists_the_ui_locales(client: FlaskClient) -> None:
    doc = client.get("/.well-known/openid-configuration").get_json()
    assert doc["ui_locales_supported"] == ["nl", "fr", "de", "en"]


# ---- error pages ------------------------------------------------------------------------------

def test_an_unregistered_redirect_uri_is_explained_in_french_with_the_way_back(
        client: FlaskClient) -> None:
    evil = "https://evil.example/steal"
    answer = authorize(client, {"Accept-Language": "fr-BE,fr", "Accept": "text/html"},
                       redirect_uri=evil)
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert lang_of(answer) == "fr"
    shown = text(answer)
    assert (f"Après la connexion, {SITE} voulait vous envoyer vers une adresse qui n'est pas "
            "enregistrée auprès de Loket.") in shown
    assert f'<a class="button" href="{HOME}">Retour vers {SITE}</a>' in shown
    assert f'href="{evil}' not in answer.text  # never a link to the address that was refused
    assert "Pour le service d'assistance" in shown and "<code>invalid_request</code>" in shown


def test_the_sites_ui_locales_speak_on_its_error_page_too(client: FlaskClient) -> None:
    answer = authorize(client, {"Accept-Language": "nl"}, redirect_uri="https://x.example/",
                       ui_locales="en")
    assert lang_of(answer) == "en"
    assert "For your safety, you were not sent on." in text(answer)
    assert f"Back to {SITE}" in text(answer)


def test_an_unknown_site_gets_no_way_back(client: FlaskClient) -> None:
    answer = authorize(client, {"Accept-Language": "de"}, client_id="nobody")
    assert answer.status_code == 400 and lang_of(answer) == "de"
    assert "ist bei Loket nicht registriert" in text(answer)
    assert 'class="button"' not in answer.text and "<code>invalid_client</code>" in answer.text


def test_a_refused_logout_says_why_and_leads_back_to_the_registered_site(
        client: FlaskClient) -> None:
    answer = client.get("/oidc/logout", headers={"Accept-Language": "de"}, query_string={
        "client_id": "groenbeek", "post_logout_redirect_uri": "https://evil.example/bye"})
    assert answer.status_code == 400 and lang_of(answer) == "de"
    assert "Zu Ihrer Sicherheit wurden Sie nicht weitergeleitet." in text(answer)
    assert f'href="{HOME}">Zurück zu {SITE}</a>' in text(answer)
    assert 'href="https://evil.example' not in answer.text
    dutch = client.get("/oidc/logout", query_string={"client_id": "nobody"})
    assert "is niet gekend bij Loket" in text(dutch) and 'class="button"' not in dutch.text


def test_an_expired_step_speaks_the_language(client: FlaskClient) -> None:
    page = client.get("/aanmelden?request=gone", headers={"Accept-Language": "en"})
    assert page.status_code == 400 and lang_of(page) == "en"
    assert "This sign-in page has expired" in text(page)


def test_a_hostile_site_name_stays_escaped_in_every_language(app: Flask,
                                                             client: FlaskClient) -> None:
    from loket import clients, db

    with db.database(app).transaction() as session:
        clients.add(session, clients.Registration(
            id="hostile", name=HOSTILE, redirect_uris=["https://hostile.example/cb"],
            origins=["https://hostile.example"]), allow_http_anywhere=True)
    for lang, sentence in (("fr", "Après la connexion, "), ("de", ""), ("en", "After signing in, "),
                           ("nl", "")):
        answer = authorize(client, {"Accept-Language": lang}, client_id="hostile",
                           redirect_uri="https://elsewhere.example/cb")
        assert answer.status_code == 400 and lang_of(answer) == lang
        assert HOSTILE not in answer.text
        escaped = "&lt;img src=x onerror=alert(1)&gt;"
        assert f"{sentence}{escaped}" in answer.text  # in the sentence, inert
        assert 'href="https://hostile.example/">' in answer.text  # its registered origin
