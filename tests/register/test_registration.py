"""Registering a new association, against the live provider: through the API (409 with the
candidates and a confirmation token for a similar name in the same municipality, as the real
register) and in the self-service form; the person is its primary representative at once."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
import requests

from support.agent import Agent
from support.register import (
    HOSTILE,
    add_person,
    audit_rows,
    bearer,
    fresh_insz,
    last_audit_seq,
    make_association,
    user_token,
    word,
)

API = "/api/v1/associations"


def new_club(marker: str, **extra: Any) -> dict[str, Any]:
    return {"verenigingstype": "FV", "naam": f"Buurtcomité {marker}",
            "hoofdactiviteiten": ["SPRT"],
            "locaties": [{"type": "Activiteiten", "isPrimair": True, "adres": {
                "straatnaam": "Dorpsstraat", "huisnummer": "3", "postcode": "9999"}}],
            "contactgegevens": [{"type": "E-mail", "waarde": f"{marker}@club.example",
                                 "isPrimair": True}], **extra}


@pytest.fixture
def citizen(provider, register_rp) -> dict[str, Any]:
    insz = fresh_insz()
    add_person(provider, insz, "Nora", "Nieuw")
    return {"insz": insz, "token": user_token(provider, register_rp, insz, None)}


def post(provider, token: str, body: Any, **headers: str) -> requests.Response:
    return requests.post(f"{provider.url}{API}", json=body, headers=bearer(token, **headers),
                         timeout=15)


def test_a_citizen_registers_a_feitelijke_vereniging_through_the_api(provider, citizen,
                                                                      register_rp) -> None:
    marker = word()
    start = last_audit_seq(provider)
    made = post(provider, citizen["token"], new_club(marker))
    assert made.status_code == 201, made.text
    body = made.json()
    vcode = body["vCode"]
    assert made.headers["Location"].endswith(f"{API}/{vcode}")
    assert body["verenigingstype"]["code"] == "FV" and body["kboNummer"] is None
    assert body["locaties"][0]["adres"]["gemeente"] == "Groenbeek"   # from the postcode
    assert body["contactgegevens"][0]["waarde"] == f"{marker}@club.example"
    # a vCode from the register's sequence, publicly found
    assert re.fullmatch(r"V[0-9]{7}", vcode) and int(vcode[1:]) > 1001
    found = requests.get(f"{provider.url}{API}", params={"q": marker}, timeout=15).json()
    assert [hit["vCode"] for hit in found["results"]] == [vcode]
    # the person is its primary representative and may act for it at once
    token = user_token(provider, register_rp, citizen["insz"], f"VER:{vcode}")
    reps = requests.get(f"{provider.url}{API}/{vcode}/vertegenwoordigers",
                        headers=bearer(token), timeout=15).json()["vertegenwoordigers"]
    assert [(r["insz"], r["isPrimair"], r["voornaam"]) for r in reps] == [
        (citizen["insz"], True, "Nora")]
    assert audit_rows(provider, start, operation="association-change",
                      resource=f"association/{vcode}", outcome="ok")


def test_a_similar_name_in_the_same_municipality_needs_the_confirmation(provider,
                                                                        citizen) -> None:
    # names of this test's own: other tests' "Buurtcomité zq…" in Groenbeek could be similar
    # enough to be candidates too (two random markers share letters)
    marker = word()
    existing = make_association(provider, naam=f"Speelpleinwerking {marker} vzw")
    body = new_club(marker, naam=f"Speelpleinwerking {marker}")
    first = post(provider, citizen["token"], body)
    assert first.status_code == 409, first.text
    answer = first.json()
    assert answer["error"] == "possible_duplicate"
    assert [c["vCode"] for c in answer["kandidaten"]] == [existing["vcode"]]
    token = first.headers["VR-BevestigingsToken"]
    assert token == answer["bevestigingsToken"]
    found = requests.get(f"{provider.url}{API}", params={"q": marker}, timeout=15).json()
    assert [hit["vCode"] for hit in found["results"]] == [existing["vcode"]]  # nothing made
    # a token confirms exactly the request it was given for
    other = post(provider, citizen["token"], {**body, "naam": f"Speelpleinwerkingske {marker}"},
                 **{"VR-BevestigingsToken": "0" * 40})
    assert other.status_code == 409
    confirmed = post(provider, citizen["token"], body, **{"VR-BevestigingsToken": token})
    assert confirmed.status_code == 201, confirmed.text
    # elsewhere, the same name is no duplicate
    elsewhere = new_club(marker, naam=f"Speelpleinwerking {marker} vzw")
    elsewhere["locaties"][0]["adres"].update(postcode="1234", gemeente="Ergens")
    assert post(provider, citizen["token"], elsewhere).status_code == 201


@pytest.mark.parametrize(("change", "field"), [
    ({"naam": ""}, "naam"),
    ({"naam": "x" * 301}, "naam"),
    ({"verenigingstype": "VZW"}, "kboNummer"),
    ({"verenigingstype": "VZW", "kboNummer": "0412.345.615"}, "kboNummer"),
    ({"verenigingstype": "PS"}, "verenigingstype"),
    ({"startdatum": "2999-01-01"}, "startdatum"),
    ({"hoofdactiviteiten": ["XXXX"]}, "hoofdactiviteiten"),
    ({"kleur": "groen"}, "kleur"),
    ({"contactgegevens": [{"type": "Website", "waarde": "javascript:alert(1)"}]},
     "contactgegevens[0].waarde"),
    ({"locaties": [{"type": "Activiteiten", "adres": {
        "straatnaam": "Dorpsstraat", "huisnummer": "3", "postcode": "9999",
        "gemeente": "Rivierstede"}}]}, "locaties[0].adres.gemeente"),
])
def test_bad_values_are_refused_naming_the_field_and_nothing_is_made(provider, citizen,
                                                                      change, field) -> None:
    marker = word()
    answer = post(provider, citizen["token"], {**new_club(marker), **change})
    assert answer.status_code == 400, answer.text
    assert field in [p["field"] for p in answer.json()["problems"]]
    found = requests.get(f"{provider.url}{API}", params={"q": marker}, timeout=15).json()
    assert found["total"] == 0


def test_a_vzw_registers_by_its_kbo_number(provider, citizen) -> None:
    # a name of its own: "Buurtcomité zq…" of another test in Groenbeek can be similar enough
    # to be a possible duplicate (two random markers share letters)
    marker = word()
    made = post(provider, citizen["token"], new_club(marker, naam=f"Tafeltennis {marker} vzw",
                                                     verenigingstype="VZW",
                                                     kboNummer="0412.345.614"))
    assert made.status_code == 201, made.text
    assert made.json()["kboNummer"] == "0412345614"


def _hidden(text: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', text)
    assert match, name
    return html.unescape(match.group(1))


def test_the_form_registers_and_shows_candidates_escaped(provider) -> None:
    insz = fresh_insz()
    add_person(provider, insz, "Vera", "Vrijwilliger")
    marker = word()
    make_association(provider, naam=f"{HOSTILE} {marker}")
    agent = Agent(provider.url)
    try:
        agent.submit_login(agent.get("/aanmelden"), insz)
        landing = agent.get("/mijn-verenigingsloket")
        assert "Vereniging registreren" in landing.text
        url = "/mijn-verenigingsloket/registreren"
        form = agent.get(url)
        fields = {"csrf_token": _hidden(form.text, "csrf_token"), "verenigingstype": "FV",
                  "naam": f"{HOSTILE} {marker}", "hoofdactiviteiten": "SPRT",
                  "straatnaam": "Dorpsstraat", "huisnummer": "3", "postcode": "9999",
                  "email": f"{marker}@club.example"}
        asked = agent.post(url, data=fields)
        assert asked.status_code == 200 and "Is dit jullie vereniging?" in asked.text
        assert HOSTILE not in asked.text and "&lt;img src=x onerror=alert(1)&gt;" in asked.text
        token = _hidden(asked.text, "bevestiging")
        done = agent.post(url, data={**fields, "bevestiging": token, "toch": "y"})
        assert done.status_code == 303, done.text[:500]
        overview = agent.get(done.headers["Location"])
        assert "is geregistreerd met vCode" in overview.text
        assert "Vera Vrijwilliger" in overview.text
    finally:
        agent.http.close()
