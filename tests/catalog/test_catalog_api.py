"""The catalog API in-process: publishing (PUT/DELETE), search, filters, facets, relevance,
audit of personalised reads, and the OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from support.catalog import FC_GROENBEEK, HOSTILE, PEETERS_BOUW, bearer, ids, product

JAN, AN = "85073003328", "92021411256"
URL = "/api/v1/catalog/products"


def put(client: FlaskClient, token: str, product_id: str, body: Any,
        **headers: str) -> Any:
    return client.put(f"{URL}/{product_id}", json=body, headers={**bearer(token), **headers})


def count(app: Flask, model: Any) -> int:
    from loket import db

    with db.database(app).read_sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


# ---- publishing ---------------------------------------------------------------------------

def test_put_creates_then_is_idempotent_then_updates(client: FlaskClient,
                                                     publisher: Callable[..., str]) -> None:
    token = publisher("pub-a")
    first = put(client, token, "A-1", product())
    assert first.status_code == 201, first.get_json()
    assert first.headers["Location"].endswith("/catalog/products/A-1")
    assert first.get_json()["publisher"] == "pub-a" and first.headers["ETag"] == 'W/"1"'
    again = put(client, token, "A-1", product())
    assert again.status_code == 200 and again.get_json()["result"] == "unchanged"
    assert again.get_json()["version"] == 1
    changed = put(client, token, "A-1", product(costs={"nl": "5 euro", "en": "5 euros"}))
    assert changed.get_json()["result"] == "updated" and changed.get_json()["version"] == 2
    shown = client.get(f"{URL}/A-1").get_json()
    assert shown["costs"] == {"nl": "5 euro", "en": "5 euros"} and shown["open"] is True


def test_put_if_match(client: FlaskClient, publisher: Callable[..., str]) -> None:
    token = publisher("pub-a")
    put(client, token, "A-2", product())
    stale = put(client, token, "A-2", product(costs={"nl": "x"}), **{"If-Match": 'W/"7"'})
    assert stale.status_code == 412
    fresh = put(client, token, "A-2", product(costs={"nl": "x"}), **{"If-Match": 'W/"1"'})
    assert fresh.status_code == 200


def test_put_errors_name_the_field_and_change_nothing(app: Flask, client: FlaskClient,
                                                      publisher: Callable[..., str]) -> None:
    from loket.models import CatalogProduct

    token = publisher("pub-a")
    before = count(app, CatalogProduct)
    response = put(client, token, "A-3", product(themas=["Sport"], onlineRequestUrl="ftp://x"))
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_product"
    assert {e["field"] for e in body["errors"]} == {"themas[0]", "onlineRequestUrl"}
    assert "themas[0]" in body["detail"]
    assert put(client, token, "A-3", ["not", "an", "object"]).status_code == 400
    text = client.put(f"{URL}/A-3", data="x", headers={**bearer(token), "Content-Type": "text/plain"})
    assert text.status_code == 415 and "JSON" in text.get_json()["detail"]
    assert count(app, CatalogProduct) == before


def test_another_publisher_cannot_overwrite_or_delete(app: Flask, client: FlaskClient,
                                                      publisher: Callable[..., str]) -> None:
    from loket.models import AuditEntry

    owner, other = publisher("pub-a"), publisher("pub-b")
    put(client, owner, "A-4", product())
    refused = put(client, other, "A-4", product(title={"nl": "Gekaapt", "en": "Hijacked"}))
    assert refused.status_code == 403 and refused.get_json()["error"] == "not_owner"
    assert client.delete(f"{URL}/A-4", headers=bearer(other)).status_code == 403
    shown = client.get(f"{URL}/A-4").get_json()
    assert shown["title"]["nl"] == "Subsidie voor buurtfeesten" and shown["version"] == 1
    from loket import db

    with db.database(app).read_sessions() as session:
        refusals = session.scalars(select(AuditEntry).where(AuditEntry.outcome == "refused",
                                                            AuditEntry.actor == "pub-b")).all()
    assert {r.operation for r in refusals} == {"catalog-put", "catalog-delete"}


def test_delete(client: FlaskClient, publisher: Callable[..., str]) -> None:
    token = publisher("pub-a")
    put(client, token, "A-5", product())
    assert client.delete(f"{URL}/A-5", headers=bearer(token)).status_code == 204
    assert client.get(f"{URL}/A-5").status_code == 404
    assert client.delete(f"{URL}/A-5", headers=bearer(token)).status_code == 404


def test_writes_need_a_client_token_with_catalog_write(client: FlaskClient,
                                                       publisher: Callable[..., str],
                                                       person_token: Callable[..., str]) -> None:
    assert client.put(f"{URL}/A-6", json=product()).status_code == 401
    wrong = put(client, publisher("pub-c", "dossiers:write"), "A-6", product())
    assert wrong.status_code == 403 and wrong.get_json()["error"] == "insufficient_scope"
    person = put(client, person_token(JAN, scope="openid catalog catalog:write"), "A-6", product())
    assert person.status_code == 403 and person.get_json()["error"] == "client_required"
    assert put(client, "lat_unknown", "A-6", product()).status_code == 401


# ---- search -------------------------------------------------------------------------------

def test_anonymous_search_with_text_filters_and_pages(client: FlaskClient) -> None:
    body = client.get(URL, query_string={"q": "sportver", "limit": 5}).get_json()
    assert body["personalised"] is False and "relevance" not in body["items"][0]
    assert "GB-SUB-SPORT" in ids(body)
    local = client.get(URL, query_string={"municipality": "BE24999002",
                                          "doelgroep": "Vereniging"}).get_json()
    assert "RS-SUB-NATUUR" in ids(local) and "VL-EVENEMENT-GEWESTWEG" in ids(local)
    assert not any(i.startswith("GB-") for i in ids(local))
    first = client.get(URL, query_string={"limit": 3}).get_json()
    second = client.get(URL, query_string={"limit": 3, "offset": 3}).get_json()
    assert len(first["items"]) == 3 and not set(ids(first)) & set(ids(second))
    assert first["total"] == second["total"] >= 26


def test_text_search_ignores_case_and_accents_and_matches_prefixes(
        client: FlaskClient, publisher: Callable[..., str]) -> None:
    put(client, publisher("pub-a"), "CRECHE",
        product(title={"nl": "Premie voor crèches", "en": "Childcare premium"},
                keywords={"nl": ["kinderopvang"]}))
    for q in ("creches", "CRÈCH", "premie crè", "kinderop"):
        assert ids(client.get(URL, query_string={"q": q}).get_json()) == ["CRECHE"], q
    assert client.get(URL, query_string={"q": "crèches zwembad"}).get_json()["total"] == 0


def test_several_values_of_one_filter_mean_any(client: FlaskClient) -> None:
    both = client.get(URL, query_string={"type": "Toelating,Bewijs"}).get_json()
    one = client.get(URL, query_string={"type": "Toelating"}).get_json()
    other = client.get(URL, query_string=[("type", "Bewijs")]).get_json()
    assert both["total"] == one["total"] + other["total"]


@pytest.mark.parametrize("params", [
    {"thema": "CultuurSportVrijeTijd"},
    {"municipality": "BE23999001", "q": "subsidie"},
    {"level": "Lokaal", "doelgroep": "Burger"},
])
def test_facet_counts_equal_the_results_of_each_refinement(client: FlaskClient,
                                                           params: dict[str, str]) -> None:
    body = client.get(URL, query_string=params).get_json()
    assert sum(f["count"] for f in body["facets"]["type"]) == body["total"]
    checked = 0
    for facet in ("doelgroep", "thema", "type", "level"):
        for entry in body["facets"][facet]:
            if facet in params:  # a second value of the same filter would widen, not narrow
                assert entry["count"] <= body["total"]
                assert entry["code"] != params[facet] or entry["count"] == body["total"]
                continue
            refined = {**params, facet: entry["code"], "facets": "false"}
            assert client.get(URL, query_string=refined).get_json()["total"] == entry["count"], \
                (facet, entry)
            checked += 1
    assert checked >= 4


def test_facet_labels_follow_the_language(client: FlaskClient) -> None:
    body = client.get(URL, query_string={"lang": "en"}).get_json()
    labels = {f["code"]: f["label"] for f in body["facets"]["doelgroep"]}
    assert labels["Vereniging"] == "Association" and body["lang"] == "en"
    fr = client.get(URL, headers={"Accept-Language": "fr-BE"}).get_json()
    assert {f["code"]: f["label"] for f in fr["facets"]["doelgroep"]}["Vereniging"] == "Association"


@pytest.mark.parametrize("params, name", [
    ({"thema": "Sport"}, "thema"), ({"municipality": "Groenbeek"}, "municipality"),
    ({"limit": "500"}, "limit"), ({"offset": "-1"}, "offset"), ({"scope": "everything"}, "scope"),
    ({"q": "x" * 201}, "q"), ({"facets": "maybe"}, "facets"),
])
def test_bad_parameters_are_named(client: FlaskClient, params: dict[str, str], name: str) -> None:
    response = client.get(URL, query_string=params)
    assert response.status_code == 400
    assert response.get_json()["detail"].startswith(name)


def test_text_query_syntax_is_only_words(client: FlaskClient) -> None:
    for q in ('"', "sport*", "AND OR NOT", "a:b", "(", "sport NEAR/2 club", "') --"):
        assert client.get(URL, query_string={"q": q}).status_code == 200


def test_hostile_titles_stay_data(client: FlaskClient, publisher: Callable[..., str]) -> None:
    token = publisher("pub-a")
    put(client, token, "EVIL", product(title={"nl": HOSTILE, "en": HOSTILE}))
    found = client.get(URL, query_string={"q": "img onerror"})
    assert found.mimetype == "application/json"
    assert found.get_json()["items"][0]["title"]["nl"] == HOSTILE


# ---- personalised -------------------------------------------------------------------------

def test_fc_groenbeek_ranking_and_reasons(client: FlaskClient,
                                          person_token: Callable[..., str]) -> None:
    token = person_token(JAN, FC_GROENBEEK)
    body = client.get(URL, query_string={"limit": 100}, headers=bearer(token)).get_json()
    assert body["personalised"] and body["scope"] == "mine"
    assert body["capacity"] == FC_GROENBEEK
    found = ids(body)
    assert "GB-SUB-SPORT" in found and "VL-EVENEMENT-GEWESTWEG" in found
    assert not any(i.startswith(("RS-", "VBR-")) for i in found)
    sport = body["items"][found.index("GB-SUB-SPORT")]["relevance"]
    assert {"code": "doelgroep", "doelgroep": "Vereniging", "text": "voor verenigingen"} \
        in sport["reasons"]
    assert "voor verenigingen in groenbeek" in sport["text"].lower() and "sport" in sport["text"]
    assert sport["score"] == 40 + 25 + 30
    # open before not open; every not-open product at the end
    opened = [i["open"] for i in body["items"]]
    assert opened == sorted(opened, reverse=True) and not opened[-1]
    everything = client.get(URL, query_string={"limit": 100, "scope": "all"},
                            headers=bearer(token)).get_json()
    order = ids(everything)
    assert order.index("GB-SUB-SPORT") < order.index("RS-SUB-SPORT")
    assert order.index("VL-EVENEMENT-GEWESTWEG") < order.index("RS-SUB-NATUUR")
    rs = everything["items"][order.index("RS-SUB-SPORT")]["relevance"]
    assert any(r["code"] == "outside_area" for r in rs["reasons"])


def test_a_recognition_to_renew_soon_comes_first_and_a_held_one_says_so(
        app: Flask, client: FlaskClient, person_token: Callable[..., str]) -> None:
    from datetime import date, timedelta

    from loket import clients, db
    from loket.register import changes, recognitions
    from loket.trust import Binding

    day = date.fromisoformat(recognitions.today())
    with db.database(app).transaction() as session:  # as Groenbeek records them (its products)
        binding = Binding.of(clients.get(session, "catalog-groenbeek"))
        assoc = changes.find(session, FC_GROENBEEK["identifier"], lock=True)
        for product_id, renew in (("GB-ERKENNING", 30), ("GB-ZAAL", 200)):
            recognitions.add(session, assoc, {
                "productnummer": product_id, "startdatum": str(day - timedelta(days=300)),
                "einddatum": str(day + timedelta(days=renew + 30)),
                "hernieuwingsdatum": str(day + timedelta(days=renew))}, binding, changes.SYSTEM)
    body = client.get(URL, query_string={"limit": 100},
                      headers=bearer(person_token(JAN, FC_GROENBEEK))).get_json()
    found = ids(body)
    assert found[0] == "GB-ERKENNING"
    first = body["items"][0]["relevance"]
    renew = (day + timedelta(days=30))
    assert {"code": "renew_soon", "date": renew.isoformat(),
            "text": f"jullie erkenning hiervoor vraagt hernieuwing vóór "
                    f"{renew.day}/{renew.month}/{renew.year}"} in first["reasons"]
    hall = body["items"][found.index("GB-ZAAL")]["relevance"]
    assert [r["code"] for r in hall["reasons"]].count("recognised") == 1
    assert "erkend tot" in hall["text"]
    # another association holds neither
    other = client.get(URL, query_string={"limit": 100}, headers=bearer(person_token(
        "79050124561", {"code": "VER", "identifier": "V0001003",
                        "name": "Vogelwerkgroep De Rietgors"}))).get_json()
    assert not any(r["code"] in ("renew_soon", "recognised") for item in other["items"]
                   for r in item["relevance"]["reasons"])


def test_english_reasons(client: FlaskClient, person_token: Callable[..., str]) -> None:
    body = client.get(URL, query_string={"lang": "en", "q": "sport grant"},
                      headers=bearer(person_token(JAN, FC_GROENBEEK))).get_json()
    text = body["items"][0]["relevance"]["text"]
    assert text.startswith("For associations in ") and "open now" in text


def test_citizen_and_company_see_their_products_first(client: FlaskClient,
                                                      person_token: Callable[..., str]) -> None:
    citizen = client.get(URL, headers=bearer(person_token(AN))).get_json()
    top = citizen["items"][0]
    assert "Burger" in top["doelgroepen"] and top["relevance"]["text"].startswith("Voor burgers")
    company = client.get(URL, headers=bearer(person_token(JAN, PEETERS_BOUW))).get_json()
    assert "Onderneming" in company["items"][0]["doelgroepen"]


def test_personalised_reads_are_audited(app: Flask, client: FlaskClient,
                                        person_token: Callable[..., str]) -> None:
    from loket import db
    from loket.models import AuditEntry

    token = person_token(JAN, FC_GROENBEEK)
    client.get(URL, query_string={"thema": "CultuurSportVrijeTijd"}, headers=bearer(token))
    client.get(f"{URL}/GB-SUB-SPORT", headers=bearer(token))
    client.get(URL)  # anonymous: not audited
    with db.database(app).read_sessions() as session:
        rows = session.scalars(select(AuditEntry).where(
            AuditEntry.operation.in_(("catalog-search", "catalog-read")))
            .order_by(AuditEntry.seq)).all()
    assert [(r.operation, r.capacity) for r in rows] == [
        ("catalog-search", "VER:V0001001"), ("catalog-read", "VER:V0001001")]
    assert rows[0].detail["filters"] == {"thema": ["CultuurSportVrijeTijd"]}


def test_detail_with_a_token_explains(client: FlaskClient,
                                      person_token: Callable[..., str]) -> None:
    body = client.get(f"{URL}/RS-SUB-SPORT",
                      headers=bearer(person_token(JAN, FC_GROENBEEK))).get_json()
    assert any(r["code"] == "outside_area" for r in body["relevance"]["reasons"])


def test_read_tokens_must_be_valid_and_hold_catalog(client: FlaskClient,
                                                    person_token: Callable[..., str],
                                                    publisher: Callable[..., str]) -> None:
    assert client.get(URL, headers=bearer("lat_nope")).status_code == 401
    no_scope = client.get(URL, headers=bearer(person_token(JAN, FC_GROENBEEK, "openid")))
    assert no_scope.status_code == 403 and no_scope.get_json()["error"] == "insufficient_scope"
    assert client.get(URL, headers=bearer(publisher("pub-d"))).status_code == 403


def test_openapi_documents_the_catalog(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    assert {"get"} <= set(doc["paths"]["/catalog/products"])
    assert {"get", "put", "delete"} <= set(doc["paths"]["/catalog/products/{product_id}"])
    assert "CatalogProduct" in doc["components"]["schemas"]


# ---- who may publish what (loket.trust) -----------------------------------------------------

def test_ids_are_compared_without_regard_to_case(client: FlaskClient,
                                                 publisher: Callable[..., str]) -> None:
    owner, other = publisher("pub-case-a"), publisher("pub-case-b")
    assert put(client, owner, "gb-regenton", product()).status_code == 201
    # another publisher's GB-REGENTON is the same product: refused as someone else's
    taken = put(client, other, "GB-REGENTON", product())
    assert taken.status_code == 403 and taken.get_json()["error"] == "not_owner"
    # the owner in another spelling: told which spelling it has
    clash = put(client, owner, "GB-Regenton", product())
    assert clash.status_code == 409 and clash.get_json()["error"] == "id_case_clash"
    assert "'gb-regenton'" in clash.get_json()["detail"]
    found = client.get(f"{URL}/GB-REGENTON")
    assert found.status_code == 200 and found.get_json()["id"] == "gb-regenton"


def test_the_competent_authority_is_the_publishers_organisation(
        client: FlaskClient, publisher: Callable[..., str]) -> None:
    token = publisher("pub-authority")  # registered for Gemeente Groenbeek
    posing = put(client, token, "A-AUTH", product(
        competentAuthority={"level": "Vlaams", "name": "Vlaamse overheid"}))
    assert posing.status_code == 400
    fields = [p["field"] for p in posing.get_json()["errors"]]
    assert fields == ["competentAuthority.name"]
    assert "Gemeente Groenbeek" in posing.get_json()["errors"][0]["detail"]
    assert client.get(f"{URL}/A-AUTH").status_code == 404
    unnamed = put(client, token, "A-AUTH", product(competentAuthority={"level": "Lokaal"}))
    assert unnamed.status_code == 201
    assert unnamed.get_json()["competentAuthority"]["name"] == "Gemeente Groenbeek"


@pytest.mark.parametrize(("change", "field"), [
    ({"websites": [{"url": "https://phish.example/subsidie"}]}, "websites[0].url"),
    ({"onlineRequestUrl": "https://phish.example/aanvragen"}, "onlineRequestUrl"),
    ({"contactPoints": [{"url": "http://www.groenbeek.example/contact"}]}, "contactPoints[0].url"),
])
def test_links_lie_on_the_publishers_origins(client: FlaskClient, publisher: Callable[..., str],
                                             change: dict[str, Any], field: str) -> None:
    refused = put(client, publisher("pub-links"), "A-LINK", product(**change))
    assert refused.status_code == 400
    assert field in [p["field"] for p in refused.get_json()["errors"]]
    assert client.get(f"{URL}/A-LINK").status_code == 404
