"""The security officer's desk and the theme preview speak the page's language (in-process:
the officer signs in with the test login)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient

AN = "92021411256"   # granted the officer's role below
JAN = "85073003328"  # no officer
DESK = "/veiligheidsconsulent"


def sign_in(client: FlaskClient, insz: str) -> None:
    page = client.get("/aanmelden")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    assert token
    answer = client.post("/aanmelden", data={"csrf_token": token.group(1), "insz": insz,
                                             "request_id": ""})
    assert answer.status_code == 303


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match
    return match.group(1)


# The desk's outcome SelectField declares its choices as (value, label) tuples, which WTForms
# 3.3 deprecates; the shared select macro (register/_form.html) unpacks such pairs. Until both
# move to SelectChoice, the warning is no failure of the desk's languages.
@pytest.mark.filterwarnings("ignore:Passing SelectField choices as tuples:DeprecationWarning")
def test_the_desk_in_english_and_german(app: Flask, client: FlaskClient) -> None:
    from loket import db, officers

    with db.database(app).transaction() as session:
        officers.grant(session, AN, by="test")
    sign_in(client, AN)
    page = client.get(DESK, headers={"Accept-Language": "en"})
    html = unescape(page.text)
    assert page.status_code == 200 and '<html lang="en">' in html
    assert "<h1>Consult the audit log</h1>" in html
    assert "The person's national register number (optional)" in html  # a form's label
    assert "Signals of the last days" in html and ">refused</option>" in html

    no_reason = client.post(DESK, headers={"Accept-Language": "de"},
                            data={"csrf_token": csrf(page.text), "person": JAN})
    assert "Geben Sie den Grund dieser Suche an" in unescape(no_reason.text)
    assert "Es gibt ein Problem" in no_reason.text
    found = client.post(DESK, headers={"Accept-Language": "de"}, data={
        "csrf_token": csrf(page.text), "operation": "sign-in", "reason": "Prüfung"})
    assert re.search(r"<h2 id=\"results\">\d+ Eintr(ag|äge)</h2>", found.text), found.text[-3000:]
    assert "Zeitpunkt (UTC)" in found.text


def test_someone_else_is_refused_in_french(client: FlaskClient) -> None:
    sign_in(client, JAN)
    refused = client.get(DESK, headers={"Accept-Language": "fr-BE"})
    assert refused.status_code == 403
    assert "Seul un conseiller en sécurité peut consulter le journal d'audit" in unescape(
        refused.text)


def test_the_theme_preview_follows_the_language(client: FlaskClient) -> None:
    page = client.get("/themes/groenbeek/preview", headers={"Accept-Language": "fr"})
    html = unescape(page.text)
    assert page.status_code == 200 and '<html lang="fr">' in html
    assert "Pied de page" in html and "Rechercher des associations" in html
    assert "GSM (320 px)" in html
    dutch = unescape(client.get("/themes/groenbeek/preview").text)
    assert '<html lang="nl">' in dutch and "Voettekst" in dutch and "gsm (320 px)" in dutch
