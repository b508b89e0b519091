"""Public search and detail against the live provider (SQLite and PostgreSQL): text with prefix
matching, werkingsgebied widening, facets, paging, sorting, and never any personal data."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from support.oidc import ELS, JAN
from support.register import fresh_insz, make_association, word


def search(provider, **params: Any) -> requests.Response:
    return requests.get(f"{provider.url}/api/v1/associations", params=params, timeout=15)


def test_a_citizen_searching_voetbal_near_groenbeek_finds_fc_groenbeek(provider) -> None:
    response = search(provider, q="voetbal", werkingsgebied="9999")
    assert response.status_code == 200
    body = response.json()
    assert [r["vCode"] for r in body["results"]] == ["V0001001"]
    found = body["results"][0]
    assert found["naam"] == "FC Groenbeek" and "Voetbal" in found["korteBeschrijving"]
    assert body["query"]["werkingsgebied"] == [
        {"gegeven": "9999", "gevonden": [{"code": "BE23999001", "naam": "Groenbeek"}]}]
    assert body["facets"]["hoofdactiviteiten"] == [
        {"code": "SPRT", "naam": "Sport", "count": 1}]
    assert body["facets"]["werkingsgebieden"] == [
        {"code": "BE23999001", "naam": "Groenbeek", "count": 1}]
    # the same words elsewhere find nothing
    assert search(provider, q="voetbal", werkingsgebied="3999").json()["total"] == 0


def test_every_word_is_a_prefix_and_accents_do_not_matter(provider) -> None:
    marker = word()
    made = make_association(provider, naam=f"Café Zéphyr {marker}",
                            korteBeschrijving="Petanque en kaarten")
    for q in (marker[:6], f"cafe zephyr {marker}", f"CAFÉ {marker}", f"petan {marker}"):
        body = search(provider, q=q).json()
        assert made["vcode"] in [r["vCode"] for r in body["results"]], q
    assert search(provider, q=f"{marker} biljart").json()["total"] == 0


def test_facets_count_the_matches(provider) -> None:
    marker = word()
    made = [
        make_association(provider, naam=f"A {marker}", hoofdactiviteiten=["SPRT", "JGDW"],
                         werkingsgebieden=["BE23999001"]),
        make_association(provider, naam=f"B {marker}", hoofdactiviteiten=["SPRT"],
                         werkingsgebieden=["BE23999001", "BE24999002"]),
        make_association(provider, naam=f"C {marker}", hoofdactiviteiten=["KECU"],
                         werkingsgebieden=["BE24999002"]),
        make_association(provider, naam=f"D {marker}", hoofdactiviteiten=["SPRT"],
                         status="Gestopt"),
    ]
    body = search(provider, q=marker).json()
    assert body["total"] == 3
    assert {f["code"]: f["count"] for f in body["facets"]["hoofdactiviteiten"]} == \
        {"SPRT": 2, "JGDW": 1, "KECU": 1}
    # no place searched: the areas facet counts per province
    assert {f["code"]: f["count"] for f in body["facets"]["werkingsgebieden"]} == \
        {"BE23": 2, "BE24": 2}

    sport = search(provider, q=marker, hoofdactiviteit="SPRT").json()
    assert sorted(r["naam"] for r in sport["results"]) == [f"A {marker}", f"B {marker}"]
    # the activity facet leaves its own filter out: each chip keeps its count
    assert {f["code"]: f["count"] for f in sport["facets"]["hoofdactiviteiten"]} == \
        {"SPRT": 2, "JGDW": 1, "KECU": 1}
    assert {f["code"]: f["count"] for f in sport["facets"]["werkingsgebieden"]} == \
        {"BE23": 2, "BE24": 1}
    # a province searched: per municipality within it
    province = search(provider, q=marker, werkingsgebied="BE24").json()
    assert {f["code"]: f["count"] for f in province["facets"]["werkingsgebieden"]} == \
        {"BE24999002": 2}
    either = search(provider, q=marker, hoofdactiviteit=["JGDW", "KECU"]).json()
    assert either["total"] == 2
    rivierstede = search(provider, q=marker, werkingsgebied="Rivierstede").json()
    assert sorted(r["naam"] for r in rivierstede["results"]) == [f"B {marker}", f"C {marker}"]
    assert {f["code"]: f["count"] for f in rivierstede["facets"]["hoofdactiviteiten"]} == \
        {"SPRT": 1, "KECU": 1}
    assert made[3]["vcode"] not in [r["vCode"] for r in body["results"]]


@pytest.mark.parametrize("area, found", [
    ("9999", True), ("BE23999001", True), ("groenbeek", True), ("BE23", True),
    ("Provincie Oost-Vlaanderen", True), ("Oost-Vlaanderen", True), ("oost-vlaanderen", True),
    ("provincie oost-vlaanderen", True), ("Vlaams-Brabant", False), ("BE24", False), ("3999", False),
])
def test_a_place_widens_to_what_lies_within(provider, area: str, found: bool) -> None:
    marker = word()
    made = make_association(provider, naam=f"Buurt {marker}", werkingsgebieden=["BE23999001"])
    results = search(provider, q=marker, werkingsgebied=area).json()["results"]
    assert (made["vcode"] in [r["vCode"] for r in results]) is found


def test_unknown_places_and_bad_parameters_are_named(provider) -> None:
    unknown = search(provider, werkingsgebied="1234")
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "unknown_postcode"
    assert unknown.json()["field"] == "werkingsgebied"
    assert "Postcode 1234 is niet gekend" in unknown.json()["detail"]
    for params, field in (({"werkingsgebied": "Atlantis"}, "werkingsgebied"),
                          ({"hoofdactiviteit": "XXXX"}, "hoofdactiviteit"),
                          ({"limit": "0"}, "limit"), ({"limit": "101"}, "limit"),
                          ({"offset": "-1"}, "offset"), ({"sort": "random"}, "sort"),
                          ({"q": "x" * 201}, "q")):
        response = search(provider, **params)
        assert response.status_code == 400, params
        assert response.json()["field"] == field and response.json()["detail"]


def test_only_active_associations_that_did_not_opt_out(provider) -> None:
    marker = word()
    shown = make_association(provider, naam=f"Open {marker}")
    stopped = make_association(provider, naam=f"Gestopt {marker}", status="Gestopt")
    duplicate = make_association(provider, naam=f"Dubbel {marker}", status="Dubbel")
    hidden = make_association(provider, naam=f"Stil {marker}", opt_out=True)
    assert [r["vCode"] for r in search(provider, q=marker).json()["results"]] == [shown["vcode"]]
    # nor does the public detail serve them, as the real register (404, as an unknown vCode)
    for vcode in (hidden["vcode"], stopped["vcode"], duplicate["vcode"]):
        assert requests.get(f"{provider.url}/api/v1/associations/{vcode}",
                            timeout=15).status_code == 404
    assert requests.get(f"{provider.url}/api/v1/associations/{shown['vcode']}",
                        timeout=15).status_code == 200


def test_paging_and_sorting(provider) -> None:
    marker = word()
    for name in ("Delta", "alfa", "Charlie", "bravo", "Echo"):
        make_association(provider, naam=f"{name} {marker}")
    first = search(provider, q=marker, sort="name", limit=2).json()
    assert first["total"] == 5 and first["limit"] == 2 and first["offset"] == 0
    assert [r["naam"].split()[0] for r in first["results"]] == ["alfa", "bravo"]
    second = requests.get(first["links"]["next"], timeout=15).json()
    assert [r["naam"].split()[0] for r in second["results"]] == ["Charlie", "Delta"]
    assert "prev" in second["links"]
    last = search(provider, q=marker, sort="name", limit=2, offset=4).json()
    assert [r["naam"].split()[0] for r in last["results"]] == ["Echo"]
    assert "next" not in last["links"]
    assert search(provider, q=marker, offset=10).json()["results"] == []
    assert search(provider).json()["limit"] == 50


def test_relevance_puts_the_name_first(provider) -> None:
    marker = word()
    in_text = make_association(provider, naam=f"Vereniging {word()}",
                               korteBeschrijving=f"Over {marker} en meer")
    in_name = make_association(provider, naam=f"{marker} vzw")
    ranked = [r["vCode"] for r in search(provider, q=marker).json()["results"]]
    assert ranked == [in_name["vcode"], in_text["vcode"]]
    assert search(provider, q=marker).json()["query"]["sort"] == "relevance"


def test_public_detail_is_case_insensitive_with_an_etag(provider) -> None:
    response = requests.get(f"{provider.url}/api/v1/associations/v0001001", timeout=15)
    assert response.status_code == 200
    body = response.json()
    assert body["vCode"] == "V0001001" and body["naam"] == "FC Groenbeek"
    assert response.headers["ETag"] == f'W/"{body["versie"]}"'
    assert {c["type"] for c in body["contactgegevens"]} >= {"E-mail", "Website"}
    assert body["locaties"][0]["adres"]["postcode"] == "9999"
    again = requests.get(f"{provider.url}/api/v1/associations/V0001001", timeout=15,
                         headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    for missing in ("V9999999", "nonsense"):
        gone = requests.get(f"{provider.url}/api/v1/associations/{missing}", timeout=15)
        assert gone.status_code == 404
        assert gone.headers["Content-Type"].startswith("application/json")
        assert gone.json()["error"] == "not_found"


def test_no_representative_data_in_any_public_response(provider) -> None:
    rep_insz = fresh_insz()
    marker = word()
    made = make_association(provider, reps=[(rep_insz, True)], naam=f"Privé {marker}")
    rows = provider.sql("SELECT p.insz, r.email, r.telefoon FROM representatives r "
                        "JOIN persons p ON p.id = r.person_id")
    secrets = {value for row in rows for value in row if value}
    assert {JAN, ELS, rep_insz} <= secrets and any("@" in s for s in secrets) \
        and any(s.startswith("+32") for s in secrets)
    bodies = [
        search(provider, q="voetbal", werkingsgebied="9999").text,
        search(provider, q=marker).text,
        search(provider, werkingsgebied="BE23", limit=100).text,
        search(provider, q="de").text,
    ]
    for vcode in ("V0001001", "V0001002", "V0001003", made["vcode"]):
        bodies.append(requests.get(f"{provider.url}/api/v1/associations/{vcode}",
                                   timeout=15).text)
    phones = {s.replace(" ", "") for s in secrets if s.startswith("+")}
    for text in bodies:
        assert not [s for s in secrets if s in text]
        assert not [p for p in phones if p in text.replace(" ", "")]
        assert "vertegenwoordiger" not in text.lower() and "insz" not in text.lower()


@pytest.mark.parametrize("q", [
    "!&|():*'\"\\ <> ~ -", "NOT AND OR NEAR", "voetbal:* & ! x", "ß ǅ ﬁ ²", "'; DROP TABLE x;--",
    "🙂", "a" * 200, "_ _ _",
])
def test_any_query_text_is_searched_safely(provider, q: str) -> None:
    response = search(provider, q=q)
    assert response.status_code == 200, response.text
    assert response.json()["total"] >= 0


def test_the_openapi_document_describes_the_register(provider) -> None:
    doc = requests.get(f"{provider.url}/api/v1/openapi.json", timeout=15).json()
    for path in ("/associations", "/associations/{vCode}", "/associations/{vCode}/locaties",
                 "/exchange/changes", "/me/access-log"):
        assert path in doc["paths"], path
    patch = doc["paths"]["/associations/{vCode}"]["patch"]
    assert {"412", "428"} <= set(patch["responses"])
    assert any(p["name"] == "If-Match" for p in patch["parameters"])
