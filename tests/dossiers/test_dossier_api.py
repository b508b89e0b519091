"""The dossier API against the in-process app (seeded SQLite): pushing, refusing, reading."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from loket import audit, db
from loket.models import (
    AuditEntry,
    Dossier,
    DossierAgent,
    DossierStatusChange,
    Person,
    Representative,
)
from support.dossiers import AN, FC_GROENBEEK, JAN, PEETERS_BOUW, bearer, dossier_body

URL = "/api/v1/dossiers/bo-test"
HOSTILE = "<img src=x onerror=alert(1)>"


def put(client: FlaskClient, token: str, number: str, body: Any, source: str = "bo-test",
        **kw: Any) -> Any:
    return client.put(f"/api/v1/dossiers/{source}/{number}", json=body, headers=bearer(token),
                      **kw)


def mine(client: FlaskClient, token: str, query: str = "") -> Any:
    return client.get(f"/api/v1/me/dossiers{query}", headers=bearer(token))


def stored(app: Flask, number: str, source: str = "bo-test") -> Dossier | None:
    with db.database(app).read_sessions() as session:
        return session.scalar(select(Dossier).where(Dossier.source == source,
                                                    Dossier.number == number))


def audit_entries(app: Flask, operation: str) -> list[AuditEntry]:
    with db.database(app).read_sessions() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.operation == operation)
                                    .order_by(AuditEntry.seq)))


# ---- pushing ----------------------------------------------------------------------------------

def test_put_creates_then_an_identical_put_changes_nothing(app, client, backoffice,
                                                            count_rows) -> None:
    first = put(client, backoffice, "D-1", dossier_body())
    assert first.status_code == 201, first.get_json()
    assert first.headers["Location"].endswith("/api/v1/dossiers/bo-test/D-1")
    assert first.get_json()["result"] == "created"
    shown = first.get_json()["dossier"]
    assert shown["agents"] == [{"identifier": "V0001001", "type": "vCode", "rights": "beheren"}]
    assert shown["source"] == {"id": "bo-test", "name": "Back office bo-test"}
    history = count_rows(DossierStatusChange)
    again = put(client, backoffice, "D-1", dossier_body())
    assert again.status_code == 200
    assert again.get_json()["result"] == "unchanged"
    assert again.get_json()["dossier"]["version"] == 1
    assert count_rows(DossierStatusChange) == history


def test_a_new_status_adds_history_a_new_name_does_not(app, client, backoffice) -> None:
    put(client, backoffice, "D-2", dossier_body())
    renamed = put(client, backoffice, "D-2", dossier_body(name="Andere naam"))
    assert renamed.get_json()["result"] == "updated"
    moved = dossier_body(name="Andere naam", lastChange="2025-03-05T09:00:00Z",
                         status={"code": "InBehandeling", "phase": "Behandeling"})
    response = put(client, backoffice, "D-2", moved)
    assert response.status_code == 200
    assert response.get_json()["dossier"]["version"] == 3
    detail = client.get(f"{URL}/D-2", headers=bearer(backoffice)).get_json()
    assert [h["status"]["code"] for h in detail["history"]] == ["InBehandeling",
                                                                 "DossierOnvolledig"]
    assert detail["history"][0]["lastChange"] == "2025-03-05T09:00:00Z"
    assert detail["status"]["action"] == {"required": False, "text": None}


def test_changing_agents_moves_who_sees_the_dossier(app, client, backoffice,
                                                     person_token) -> None:
    put(client, backoffice, "D-3", dossier_body())
    as_club = person_token(JAN, FC_GROENBEEK)
    assert "D-3" in [d["number"] for d in mine(client, as_club).get_json()["dossiers"]]
    put(client, backoffice, "D-3", dossier_body(agents=[{"identifier": JAN,
                                                         "rights": "raadplegen"}]))
    assert "D-3" not in [d["number"] for d in mine(client, as_club).get_json()["dossiers"]]
    as_citizen = person_token(JAN)
    mine_now = mine(client, as_citizen).get_json()["dossiers"]
    assert [d["rights"] for d in mine_now if d["number"] == "D-3"] == ["raadplegen"]


def test_hostile_text_goes_in_and_comes_out_verbatim_as_json(app, client, backoffice,
                                                             person_token) -> None:
    body = dossier_body(name=HOSTILE, type="<b>t</b>",
                        status={"code": "InBehandeling", "phase": "Behandeling",
                                "detail": "'; DROP TABLE dossiers; --\n{{7*7}}",
                                "action": {"required": True, "text": "<script>x</script>"}},
                        handler={"name": "\"><svg onload=alert(1)>"})
    assert put(client, backoffice, "D-4", body).status_code == 201
    response = mine(client, person_token(JAN, FC_GROENBEEK))
    assert response.mimetype == "application/json"
    item = next(d for d in response.get_json()["dossiers"] if d["number"] == "D-4")
    assert item["name"] == HOSTILE and item["type"] == "<b>t</b>"
    assert item["status"]["detail"] == "'; DROP TABLE dossiers; --\n{{7*7}}"
    assert item["status"]["action"]["text"] == "<script>x</script>"
    assert item["handler"] == {"name": "\"><svg onload=alert(1)>",
                               "organisation": "Back office bo-test"}
    assert stored(app, "D-4") is not None


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda b: b["agents"][0].update(identifier="85073003329"), "agents[0].identifier"),
    (lambda b: b["agents"].append({"identifier": "0412345615", "rights": "beheren"}),
     "agents[1].identifier"),
    (lambda b: b["status"].update(phase="Klaar"), "status.phase"),
    (lambda b: b["status"].update(code="Vergeten"), "status.code"),
    (lambda b: b.update(link="javascript:alert(1)"), "link"),
    (lambda b: b.update(lastChange="gisteren"), "lastChange"),
    (lambda b: b.update(name="x" * 301), "name"),
    (lambda b: b.update(unknown=True), "unknown"),
])
def test_a_malformed_update_changes_nothing_and_names_the_field(app, client, backoffice, mutate,
                                                                field) -> None:
    put(client, backoffice, "D-5", dossier_body())
    before = stored(app, "D-5")
    body = dossier_body()
    mutate(body)
    response = put(client, backoffice, "D-5", body)
    assert response.status_code == 400
    error = response.get_json()
    assert error["error"] == "invalid_field"
    assert error["field"] == field
    assert error["detail"].startswith(field)
    after = stored(app, "D-5")
    assert before is not None and after is not None
    assert (after.version, after.content_hash, after.name) == (before.version,
                                                               before.content_hash, before.name)
    refused = audit_entries(app, "dossier-write")[-1]
    assert (refused.outcome, refused.detail) == ("invalid", {"field": field})


def test_a_malformed_new_dossier_is_not_created(app, client, backoffice, count_rows) -> None:
    dossiers = count_rows(Dossier)
    body = dossier_body(agents=[{"identifier": "V0001001", "rights": "beheren"},
                                {"identifier": "V12345", "rights": "beheren"}])
    response = put(client, backoffice, "D-6", body)
    assert (response.status_code, response.get_json()["field"]) == (400, "agents[1].identifier")
    assert count_rows(Dossier) == dossiers and stored(app, "D-6") is None


@pytest.mark.parametrize(("number", "status"), [("bad number", 400), ("-leading", 400),
                                                ("x" * 101, 400)])
def test_the_number_in_the_url_is_checked(client, backoffice, number, status) -> None:
    response = put(client, backoffice, number, dossier_body())
    assert response.status_code == status
    assert response.get_json()["field"] == "number"


def test_not_json_is_refused(client, backoffice) -> None:
    text = client.put(f"{URL}/D-7", data="name=x", headers={
        **bearer(backoffice), "Content-Type": "application/x-www-form-urlencoded"})
    assert (text.status_code, text.get_json()["error"]) == (415, "unsupported_media_type")
    broken = client.put(f"{URL}/D-7", data="{not json", headers={
        **bearer(backoffice), "Content-Type": "application/json"})
    assert (broken.status_code, broken.get_json()["error"]) == (400, "invalid_json")


def test_another_source_cannot_write_or_read_it(app, client, backoffice, cc_token,
                                                count_rows) -> None:
    put(client, backoffice, "D-8", dossier_body())
    other = cc_token("bo-other")
    before = stored(app, "D-8")
    response = put(client, other, "D-8", dossier_body(name="Overgenomen"))
    assert (response.status_code, response.get_json()["error"]) == (403, "forbidden_source")
    bulk = client.post(URL, json={"dossiers": [{**dossier_body(), "number": "D-9"}]},
                       headers=bearer(other))
    assert bulk.status_code == 403
    assert client.get(f"{URL}/D-8", headers=bearer(other)).status_code == 403
    after = stored(app, "D-8")
    assert before is not None and after is not None
    assert (after.name, after.version) == (before.name, before.version)
    assert stored(app, "D-9") is None
    refused = [e for e in audit_entries(app, "dossier-write") if e.outcome == "refused"]
    assert refused[-1].client_id == "bo-other"


def test_tokens_without_the_write_scope_or_expired_are_refused(app, client, backoffice,
                                                               cc_token, person_token) -> None:
    assert client.put(f"{URL}/D-10", json=dossier_body()).status_code == 401
    catalog = cc_token("bo-catalog", "catalog:write")
    response = put(client, catalog, "D-10", dossier_body(), source="bo-catalog")
    assert (response.status_code, response.get_json()["error"]) == (403, "insufficient_scope")
    citizen = person_token(JAN, scope="openid dossiers")
    assert put(client, citizen, "D-10", dossier_body()).status_code == 403
    from loket.models import AccessToken
    from loket.sso.provider import digest

    with db.database(app).transaction() as session:
        session.get(AccessToken, digest(backoffice)).expires_at = 0
    expired = put(client, backoffice, "D-10", dossier_body())
    assert (expired.status_code, expired.get_json()["error"]) == (401, "invalid_token")
    assert stored(app, "D-10") is None


def test_bulk_is_all_or_nothing(app, client, backoffice, count_rows) -> None:
    records = [{**dossier_body(name=f"Dossier {i}"), "number": f"B-{i}"} for i in range(5)]
    created = client.post(URL, json={"dossiers": records}, headers=bearer(backoffice))
    assert created.status_code == 200, created.get_json()
    assert created.get_json()["created"] == 5
    assert [r["result"] for r in created.get_json()["results"]] == ["created"] * 5
    repeat = client.post(URL, json={"dossiers": records}, headers=bearer(backoffice)).get_json()
    assert (repeat["created"], repeat["updated"], repeat["unchanged"]) == (0, 0, 5)
    dossiers, history = count_rows(Dossier), count_rows(DossierStatusChange)
    changed = copy.deepcopy(records)
    changed[0]["name"] = "Nieuwe naam"
    changed.append({**dossier_body(), "number": "B-new"})
    changed[3]["status"]["phase"] = "Gedaan"
    refused = client.post(URL, json={"dossiers": changed}, headers=bearer(backoffice))
    assert refused.status_code == 400
    error = refused.get_json()
    assert (error["field"], error["index"]) == ("dossiers[3].status.phase", 3)
    assert (count_rows(Dossier), count_rows(DossierStatusChange)) == (dossiers, history)
    b0 = stored(app, "B-0")
    assert b0 is not None and b0.name == "Dossier 0" and stored(app, "B-new") is None


def test_bulk_mixes_created_updated_unchanged(client, backoffice) -> None:
    put(client, backoffice, "M-1", dossier_body())
    put(client, backoffice, "M-2", dossier_body())
    records = [{**dossier_body(), "number": "M-1"}, {**dossier_body(name="x"), "number": "M-2"},
               {**dossier_body(), "number": "M-3"}]
    result = client.post(URL, json={"dossiers": records}, headers=bearer(backoffice)).get_json()
    assert [r["result"] for r in result["results"]] == ["unchanged", "updated", "created"]


def test_every_write_is_in_the_audit_log(app, client, backoffice) -> None:
    put(client, backoffice, "A-1", dossier_body())
    put(client, backoffice, "A-1", dossier_body())
    entries = [e for e in audit_entries(app, "dossier-write") if e.resource == "dossier/bo-test/A-1"]
    assert [(e.actor, e.client_id, e.detail["result"]) for e in entries] == [
        ("bo-test", "bo-test", "created"), ("bo-test", "bo-test", "unchanged")]
    with db.database(app).read_sessions() as session:
        assert audit.verify(session).ok


# ---- reading ----------------------------------------------------------------------------------

def test_fc_groenbeek_reads_its_dossiers_in_order(app, client, person_token) -> None:
    response = mine(client, person_token(JAN, FC_GROENBEEK))
    assert response.status_code == 200
    body = response.get_json()
    assert body["capacity"] == FC_GROENBEEK
    numbers = [d["number"] for d in body["dossiers"]]
    # Action required first, then open by last change, then closed by last change.
    assert numbers == ["GB-2025-0142", "GB-2025-0201", "VVT-2025-1234", "GB-2024-0877",
                       "VVT-2023-0999"]
    assert body["counts"] == {"total": 5, "open": 3, "actionRequired": 1, "closed": 2}
    assert body["total"] == 5 and body["next"] is None
    first = body["dossiers"][0]
    assert first["status"]["action"]["required"] is True
    assert first["source"] == {"id": "groenbeek-backoffice", "name": "Gemeente Groenbeek"}
    assert first["rights"] == "beheren" and "agents" not in first
    assert [d["open"] for d in body["dossiers"]] == [True, True, True, False, False]


def test_rank_beats_recency(client, backoffice, person_token) -> None:
    now = time.time()
    iso = lambda seconds_ago: time.strftime(  # noqa: E731
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - seconds_ago))
    put(client, backoffice, "R-closed", dossier_body(
        lastChange=iso(3600), status={"code": "Goedgekeurd", "phase": "Afgerond"}))
    put(client, backoffice, "R-open", dossier_body(
        lastChange=iso(7200), status={"code": "InBehandeling", "phase": "Behandeling"}))
    put(client, backoffice, "R-action-old", dossier_body(lastChange="2020-01-01T00:00:00Z"))
    body = mine(client, person_token(JAN, FC_GROENBEEK)).get_json()
    assert [d["number"] for d in body["dossiers"]] == [
        "GB-2025-0142", "R-action-old",
        "R-open", "GB-2025-0201", "VVT-2025-1234",
        "R-closed", "GB-2024-0877", "VVT-2023-0999"]
    page = mine(client, person_token(JAN, FC_GROENBEEK), "?limit=3").get_json()
    rest = mine(client, person_token(JAN, FC_GROENBEEK),
                f"?limit=10&cursor={page['next']}").get_json()
    assert [d["number"] for d in page["dossiers"] + rest["dossiers"]] == \
        [d["number"] for d in body["dossiers"]]


def test_status_filter_and_cursor_pages(client, person_token) -> None:
    token = person_token(JAN, FC_GROENBEEK)
    closed = mine(client, token, "?status=closed").get_json()
    assert [d["number"] for d in closed["dossiers"]] == ["GB-2024-0877", "VVT-2023-0999"]
    assert closed["total"] == 2
    open_ = mine(client, token, "?status=open").get_json()
    assert open_["total"] == 3 and all(d["open"] for d in open_["dossiers"])
    seen: list[str] = []
    query = "?limit=2"
    while True:
        page = mine(client, token, query).get_json()
        assert page["total"] == 5 and len(page["dossiers"]) <= 2
        seen += [d["number"] for d in page["dossiers"]]
        if page["next"] is None:
            break
        query = f"?limit=2&cursor={page['next']}"
    assert seen == ["GB-2025-0142", "GB-2025-0201", "VVT-2025-1234", "GB-2024-0877",
                    "VVT-2023-0999"]


@pytest.mark.parametrize(("query", "field"), [
    ("?status=pending", "status"), ("?limit=0", "limit"), ("?limit=101", "limit"),
    ("?limit=ten", "limit"), ("?limit=%C2%B2", "limit"), ("?cursor=nonsense", "cursor"),
    ("?cursor=" + "A" * 100, "cursor"),
])
def test_bad_list_parameters_name_the_field(client, person_token, query, field) -> None:
    response = mine(client, person_token(JAN, FC_GROENBEEK), query)
    assert (response.status_code, response.get_json()["field"]) == (400, field)


def test_acting_as_citizen_jan_sees_only_his_own(client, person_token) -> None:
    body = mine(client, person_token(JAN)).get_json()
    assert body["capacity"]["code"] == "BUR"
    assert [d["number"] for d in body["dossiers"]] == ["GB-2025-0033"]


def test_each_capacity_sees_its_own(client, person_token) -> None:
    company = mine(client, person_token(JAN, PEETERS_BOUW)).get_json()
    assert [d["number"] for d in company["dossiers"]] == ["GB-2025-0099"]
    an = mine(client, person_token(AN)).get_json()
    assert [d["number"] for d in an["dossiers"]] == ["RS-24-01977"]


def test_a_capacity_no_longer_held_reads_nothing(app, client, person_token) -> None:
    token = person_token(JAN, FC_GROENBEEK)
    with db.database(app).transaction() as session:
        jan = session.scalar(select(Person).where(Person.insz == JAN))
        session.execute(delete(Representative).where(Representative.person_id == jan.id))
    response = mine(client, token)
    assert (response.status_code, response.get_json()["error"]) == (403, "capacity_not_held")
    forged = person_token(AN, {"code": "VER", "identifier": "V0001001", "name": "x"})
    assert mine(client, forged).status_code == 403


def test_reading_needs_a_person_token_with_the_dossiers_scope(client, backoffice,
                                                              person_token) -> None:
    assert mine(client, backoffice).status_code == 403
    without = person_token(JAN, FC_GROENBEEK, scope="openid profile")
    response = mine(client, without)
    assert (response.status_code, response.get_json()["error"]) == (403, "insufficient_scope")
    assert client.get("/api/v1/me/dossiers").status_code == 401


def test_every_read_is_in_the_audit_log(app, client, person_token) -> None:
    mine(client, person_token(JAN, FC_GROENBEEK), "?status=open")
    entry = audit_entries(app, "dossiers-read")[-1]
    with db.database(app).read_sessions() as session:
        jan = session.scalar(select(Person).where(Person.insz == JAN))
    assert (entry.actor, entry.capacity, entry.subject, entry.client_id, entry.resource) == (
        jan.sub, "VER:V0001001", "VER:V0001001", "groenbeek", "dossiers/me")
    assert entry.detail == {"status": "open", "returned": 3, "total": 3}
    mine(client, person_token(JAN))
    citizen = audit_entries(app, "dossiers-read")[-1]
    assert (citizen.capacity, citizen.subject) == ("BUR", jan.sub)


def test_one_dossier_with_its_history_for_its_agent_only(app, client, person_token) -> None:
    url = "/api/v1/me/dossiers/groenbeek-backoffice/GB-2025-0142"
    found = client.get(url, headers=bearer(person_token(JAN, FC_GROENBEEK)))
    assert found.status_code == 200
    assert [h["status"]["code"] for h in found.get_json()["history"]] == ["DossierOnvolledig"]
    assert client.get(url, headers=bearer(person_token(JAN))).status_code == 404
    assert client.get("/api/v1/me/dossiers/groenbeek-backoffice/nope",
                      headers=bearer(person_token(JAN))).status_code == 404
    assert audit_entries(app, "dossier-read")[-1].resource == \
        "dossier/groenbeek-backoffice/GB-2025-0142"


def test_back_office_lookup_is_404_for_an_unknown_number(client, backoffice) -> None:
    assert client.get(f"{URL}/none", headers=bearer(backoffice)).status_code == 404
    assert client.get(f"{URL}/bad%20number", headers=bearer(backoffice)).status_code == 404


def test_the_agent_rows_carry_the_sort_key(app, client, backoffice) -> None:
    put(client, backoffice, "S-1", dossier_body())
    closed = dossier_body(status={"code": "Goedgekeurd", "phase": "Afgerond"},
                          lastChange="2025-04-01T00:00:00Z")
    put(client, backoffice, "S-1", closed)
    with db.database(app).read_sessions() as session:
        rows = session.execute(select(DossierAgent.sort_rank, DossierAgent.last_change)
                               .join(Dossier, Dossier.id == DossierAgent.dossier_id)
                               .where(Dossier.number == "S-1")).all()
    assert [tuple(r) for r in rows] == [(2, 1743465600)]


def test_openapi_documents_the_dossier_api(client) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    for path in ("/dossiers/{source}/{number}", "/dossiers/{source}", "/me/dossiers",
                 "/me/dossiers/{source}/{number}"):
        assert path in doc["paths"]
    assert set(doc["paths"]["/dossiers/{source}/{number}"]) >= {"put", "get", "parameters"}
    schemas = doc["components"]["schemas"]
    assert "Afgerond" in schemas["DossierStatus"]["properties"]["phase"]["enum"]
    assert {"DossierInput", "DossierList", "SourceDossier"} <= set(schemas)
    refused = doc["paths"]["/dossiers/{source}/{number}"]["put"]["responses"]["400"]
    assert refused["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    listed = doc["paths"]["/me/dossiers"]["get"]["responses"]["200"]
    assert listed["content"]["application/json"]["schema"]["$ref"].endswith("/DossierList")


def test_a_client_registered_like_the_docs_gets_its_token(client, register) -> None:
    secret = register("bo-docs", "dossiers:write")
    response = client.post("/oidc/token", data={
        "grant_type": "client_credentials", "scope": "dossiers:write",
        "client_id": "bo-docs", "client_secret": secret})
    assert response.status_code == 200
    assert response.get_json()["scope"] == "dossiers:write"


def test_a_registered_site_may_read_from_the_browser_others_may_not(client, person_token) -> None:
    site = "http://127.0.0.2:8001"  # the Groenbeek demo site, registered by the seed
    preflight = client.options("/api/v1/me/dossiers", headers={
        "Origin": site, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == site
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    token = person_token(JAN, FC_GROENBEEK)
    read = client.get("/api/v1/me/dossiers", headers={**bearer(token), "Origin": site})
    assert read.headers["Access-Control-Allow-Origin"] == site
    assert read.headers["Cache-Control"] == "no-store"
    other = client.get("/api/v1/me/dossiers", headers={**bearer(token),
                                                      "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_a_back_office_reading_its_dossier_is_in_each_agents_access_overview(
        app, client, backoffice) -> None:
    """A dossier holds its agents' identifiers (a person's INSZ among them): the back office's
    read is logged once per agent as subject, so each sees it in their own overview."""
    body = dossier_body(agents=[{"identifier": JAN, "rights": "beheren"},
                                {"identifier": "V0001001", "rights": "raadplegen"}])
    assert put(client, backoffice, "D-AUDIT", body).status_code in (200, 201)
    assert client.get(f"{URL}/D-AUDIT", headers=bearer(backoffice)).status_code == 200
    with db.database(app).read_sessions() as session:
        jan = session.scalar(select(Person).where(Person.insz == JAN))
    reads = [e for e in audit_entries(app, "dossier-read") if e.resource.endswith("/D-AUDIT")]
    assert sorted(e.subject for e in reads) == sorted([jan.sub, "VER:V0001001"])
    assert all(JAN not in str(e.detail) and e.client_id == "bo-test" for e in reads)


# ---- who may address whom (loket.trust) -----------------------------------------------------

@pytest.mark.parametrize(("change", "field"), [
    ({"link": "https://evil.example/inloggen"}, "link"),
    ({"link": "http://backoffice.example/dossiers/1"}, "link"),  # another origin: the scheme
    ({"link": "https://backoffice.example:8443/x"}, "link"),     # and the port count
    ({"handler": {"name": "Stad", "website": "https://phish.example/"}}, "handler.website"),
], ids=["other-host", "other-scheme", "other-port", "handler-website"])
def test_links_must_lie_on_the_clients_registered_origins(app, client, backoffice, change,
                                                          field) -> None:
    refused = put(client, backoffice, "D-TRUST", dossier_body(**change))
    assert refused.status_code == 400, refused.get_data(as_text=True)
    assert refused.get_json()["field"] == field
    assert "https://backoffice.example" in refused.get_json()["detail"]
    assert stored(app, "D-TRUST") is None
    bulk = client.post(URL, json={"dossiers": [{**dossier_body(**change), "number": "D-T2"}]},
                       headers=bearer(backoffice))
    assert bulk.status_code == 400 and bulk.get_json()["field"] == f"dossiers[0].{field}"


def test_a_client_without_origins_sends_no_links_and_is_told_how(client, cc_token,
                                                                  register) -> None:
    from loket import clients, db

    token = cc_token("bo-nolinks")
    with db.database(client.application).transaction() as session:
        session.get(clients.Client, "bo-nolinks").origins = []
    refused = put(client, token, "D-1", dossier_body(), source="bo-nolinks")
    assert refused.status_code == 400 and refused.get_json()["field"] == "link"
    assert "loket client add --origin" in refused.get_json()["detail"]
    without = dossier_body(handler={"name": "Loket"})
    del without["link"]
    assert put(client, token, "D-1", without, source="bo-nolinks").status_code == 201


def test_the_handler_is_of_the_registered_organisation(client, backoffice,
                                                       person_token) -> None:
    sent = dossier_body(handler={"name": "Dienst Vrije Tijd", "organisation": "Stad Antwerpen"})
    refused = put(client, backoffice, "D-ORG", sent)
    assert refused.status_code == 400 and refused.get_json()["field"] == "handler.organisation"
    assert put(client, backoffice, "D-ORG", dossier_body()).status_code == 201
    item = next(d for d in mine(client, person_token(JAN, FC_GROENBEEK)).get_json()["dossiers"]
                if d["number"] == "D-ORG")
    assert item["handler"]["organisation"] == item["source"]["name"] == "Back office bo-test"
