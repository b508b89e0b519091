"""The real register's public API on Loket (docs/compatibility.md), against the live provider on
SQLite and PostgreSQL: the query syntax, geotags, paging limits, sort, facets, the answer shape
(fixtures written from the register's documented shapes), the detail as JSON-LD, the change
feed, the code lists, and clear 400s for malformed queries."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from support.register import make_association, word

SEARCH_HIT_FIELDS = {
    "vCode": str, "naam": str, "roepnaam": str, "korteNaam": str, "korteBeschrijving": str,
    "verenigingstype": dict, "doelgroep": dict, "hoofdactiviteitenVerenigingsloket": list,
    "werkingsgebieden": list, "locaties": list, "sleutels": list, "relaties": list,
    "lidmaatschappen": list, "links": dict,
}
LOCATION_FIELDS = {"locatietype", "isPrimair", "adresvoorstelling", "naam", "postcode", "gemeente"}
DETAIL_FIELDS = {
    "@type", "vCode", "naam", "roepnaam", "korteNaam", "korteBeschrijving", "startdatum",
    "verenigingstype", "doelgroep", "status", "contactgegevens", "locaties",
    "hoofdactiviteitenVerenigingsloket", "werkingsgebieden", "sleutels", "relaties",
    "lidmaatschappen", "erkenningen",
}


def zoeken(provider, q: str, **params: Any) -> requests.Response:
    return requests.get(f"{provider.url}/v1/verenigingen/zoeken", params={"q": q, **params},
                        timeout=15)


def vcodes(response: requests.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [v["vCode"] for v in response.json()["verenigingen"]]


def test_the_documented_query_finds_fc_groenbeek_by_postcode_and_by_province(provider) -> None:
    found = zoeken(provider, "locaties.postcode:9999 AND hoofdactiviteitenVerenigingsloket.code:SPRT")
    assert "V0001001" in vcodes(found)
    for q in ("werkingsgebieden.code:BE23 AND hoofdactiviteitenVerenigingsloket.code:SPRT",
              "geotags.identificatie:BE23 AND hoofdactiviteitenVerenigingsloket.code:SPRT",
              "geotags.identificatie:9999", "werkingsgebieden.naam:Oost-Vlaanderen",
              'werkingsgebieden.naam:"Provincie Oost-Vlaanderen"', "vCode:V0001001",
              "voetbal*", "naam:groenbeek"):
        assert "V0001001" in vcodes(zoeken(provider, q, limit=1000)), q
    # elsewhere, it is not
    assert "V0001001" not in vcodes(zoeken(provider, "locaties.postcode:3999", limit=1000))
    # the answer's shape, field by field
    body = found.json()
    assert set(body) == {"@context", "verenigingen", "facets", "metadata"}
    hit = next(v for v in body["verenigingen"] if v["vCode"] == "V0001001")
    assert {k: type(v) for k, v in hit.items()} == SEARCH_HIT_FIELDS
    assert hit["hoofdactiviteitenVerenigingsloket"][0].keys() == {"code", "naam"}
    assert hit["locaties"] and set(hit["locaties"][0]) == LOCATION_FIELDS
    assert hit["links"]["detail"].endswith("/v1/verenigingen/V0001001")
    assert body["metadata"]["pagination"] == {"totalCount": len(body["verenigingen"]),
                                              "offset": 0, "limit": 50}
    sport = next(f for f in body["facets"]["hoofdactiviteitenVerenigingsloket"]
                 if f["code"] == "SPRT")
    assert sport["aantal"] == body["metadata"]["pagination"]["totalCount"]
    assert "facets.hoofdactiviteitenVerenigingsloket=SPRT" in sport["query"]


def test_and_or_not_parentheses_and_prefixes(provider) -> None:
    marker = word()
    a = make_association(provider, naam=f"Schaakclub {marker}", hoofdactiviteiten=["SPRT"])
    b = make_association(provider, naam=f"Toneelgroep {marker}", hoofdactiviteiten=["KECU"],
                         werkingsgebieden=["BE24999002"])
    c = make_association(provider, naam=f"Koor {marker}", hoofdactiviteiten=["KECU"])
    def found(q: str) -> set[str]:
        return set(vcodes(zoeken(provider, q, limit=1000)))
    assert found(marker) == {a["vcode"], b["vcode"], c["vcode"]}
    assert found(f"{marker} AND hoofdactiviteitenVerenigingsloket.code:KECU") == {
        b["vcode"], c["vcode"]}
    assert found(f"{marker} hoofdactiviteitenVerenigingsloket.code:KECU") == {
        b["vcode"], c["vcode"]}  # side by side: both must hold
    assert found(f"{marker} AND NOT hoofdactiviteitenVerenigingsloket.code:KECU") == {a["vcode"]}
    assert found(f"{marker} -hoofdactiviteitenVerenigingsloket.code:KECU") == {a["vcode"]}
    assert found(f"{marker} AND (schaak* OR koor)") == {a["vcode"], c["vcode"]}
    assert found(f"{marker} AND (geotags.identificatie:3999 OR naam:koor)") == {
        b["vcode"], c["vcode"]}
    assert found(f"vCode:{a['vcode']} OR vCode:{b['vcode']}") == {a["vcode"], b["vcode"]}


def test_stopped_duplicate_and_opted_out_associations_are_never_found(provider) -> None:
    marker = word()
    shown = make_association(provider, naam=f"Open {marker}")
    hidden = [make_association(provider, naam=f"Gestopt {marker}", status="Gestopt"),
              make_association(provider, naam=f"Dubbel {marker}", status="Dubbel"),
              make_association(provider, naam=f"Stil {marker}", opt_out=True)]
    for q in (marker, f"NOT vCode:{shown['vcode']} AND {marker}",
              " OR ".join(f"vCode:{h['vcode']}" for h in hidden)):
        assert set(vcodes(zoeken(provider, q))) <= {shown["vcode"]}, q
    for h in hidden:
        assert requests.get(f"{provider.url}/v1/verenigingen/{h['vcode']}",
                            timeout=15).status_code == 404


def test_paging_limits_and_sort(provider) -> None:
    marker = word()
    made = [make_association(provider, naam=f"{name} {marker}") for name in ("Bever", "Aap", "Das")]
    by_vcode = sorted(m["vcode"] for m in made)
    assert vcodes(zoeken(provider, marker)) == by_vcode[::-1]  # default: -vCode
    assert vcodes(zoeken(provider, marker, sort="vCode")) == by_vcode
    assert [v["naam"].split()[0] for v in zoeken(provider, marker, sort="naam").json()[
        "verenigingen"]] == ["Aap", "Bever", "Das"]
    assert [v["naam"].split()[0] for v in zoeken(provider, marker, sort="-naam,vCode").json()[
        "verenigingen"]] == ["Das", "Bever", "Aap"]
    page = zoeken(provider, marker, sort="naam", offset=1, limit=1).json()
    assert [v["naam"].split()[0] for v in page["verenigingen"]] == ["Bever"]
    assert page["metadata"]["pagination"] == {"totalCount": 3, "offset": 1, "limit": 1}
    assert [v["naam"].split()[0] for v in zoeken(provider, marker, sort="-naam", offset=2,
                                                  limit=5).json()["verenigingen"]] == ["Aap"]
    for params in ({"offset": "990", "limit": "20"}, {"limit": "1001"}, {"offset": "-1"},
                   {"sort": "postcode"}, {"limit": "x"}):
        refused = zoeken(provider, marker, **params)
        assert refused.status_code == 400, params
        assert refused.headers["Content-Type"].startswith("application/problem+json")
        assert refused.json()["detail"]


@pytest.mark.parametrize("q", ["(", ")", "a AND", "OR b", "((a)", "onbekend:veld",
                               "hoofdactiviteitenVerenigingsloket.code:XXXX", '"open',
                               "locaties.postcode:99", "NOT", "a:" , "x" * 600,
                               "werkingsgebieden.code:NERGENS", "((((((((((((a))))))))))))"])
def test_malformed_queries_get_a_clear_400_never_a_500(provider, q: str) -> None:
    refused = zoeken(provider, q)
    assert refused.status_code == 400, (q, refused.text)
    body = refused.json()
    assert body["error"] in ("invalid_query", "invalid_parameter") and body["detail"]


def test_the_detail_is_json_ld_in_the_registers_shape(provider) -> None:
    response = requests.get(f"{provider.url}/v1/verenigingen/V0001001", timeout=15)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/ld+json")
    assert response.headers["ETag"]
    body = response.json()
    assert set(body) == {"@context", "vereniging", "metadata"}
    assert set(body["vereniging"]) == DETAIL_FIELDS
    assert body["vereniging"]["vCode"] == "V0001001" and body["vereniging"]["status"] == "Actief"
    location = body["vereniging"]["locaties"][0]
    assert {"locatietype", "isPrimair", "adresvoorstelling", "adres", "naam"} <= set(location)
    assert set(body["vereniging"]["contactgegevens"][0]) == {
        "contactgegeventype", "waarde", "beschrijving", "isPrimair"}
    assert body["metadata"]["datumLaatsteAanpassing"]
    assert "vertegenwoordigers" not in response.text and "insz" not in response.text
    context = requests.get(body["@context"], timeout=15)
    assert context.status_code == 200 and "@context" in context.json()
    assert requests.get(f"{provider.url}/v1/verenigingen/V9999999", timeout=15).status_code == 404


def test_the_change_feed_and_the_code_lists(provider) -> None:
    first = requests.get(f"{provider.url}/v1/verenigingen/mutaties", params={"sinds": 0},
                         timeout=15).json()
    assert first and set(first[0]) == {"vCode", "sequence"}
    last = first[-1]["sequence"]
    made = make_association(provider)
    later = requests.get(f"{provider.url}/v1/verenigingen/mutaties",
                         params={"sinds": max(e["sequence"] for e in first)}, timeout=15).json()
    assert made["vcode"] in {e["vCode"] for e in later} and all(
        e["sequence"] > last for e in later)
    acts = requests.get(f"{provider.url}/v1/hoofdactiviteitenVerenigingsloket", timeout=15).json()
    assert {"code": "SPRT", "naam": "Sport"} in acts["hoofdactiviteitenVerenigingsloket"]
    areas = requests.get(f"{provider.url}/v1/werkingsgebieden", timeout=15).json()
    assert {"code": "BE23999001", "naam": "Groenbeek"} in areas["werkingsgebieden"]


def test_a_refusal_speaks_the_callers_language(provider) -> None:
    for lang, text in (("en", "q is missing a ')'."), ("fr", "il manque une ')' dans q."),
                       ("de", "in q fehlt eine ')'."), ("nl", "q mist een ')'.")):
        refused = requests.get(f"{provider.url}/v1/verenigingen/zoeken", params={"q": "(a"},
                               headers={"Accept-Language": lang}, timeout=15)
        assert refused.status_code == 400 and refused.json()["detail"] == text, lang
