"""The DOSIS-compatible face (docs/compatibility.md): the public DOSIS connector's body, written
here from its documented shape, goes in through /api/v2/dosis/dossiers and reads the same as a
push through /api/v1; its processing result, retries, refusals in DOSIS's error shape, the
delete, and every field of the connector's body accounted for."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from support.dossiers import FC_GROENBEEK, JAN, bearer, dossier_body

# The connector's upload (Qmino/dosis-connector, DosisDossierTO and the classes it holds): the
# fields it sends, with values of our own.
CONNECTOR_UPLOAD: dict[str, Any] = {
    "Identificatie": {"Bron": None, "DossierNummer": None},  # filled in per test
    "UploadId": None,
    "Naam": "Subsidie jeugdkamp 2026",
    "WijzigingsDatum": "2026-03-01T10:15:30",
    "TypeDossierCode": "DossierStatus",
    "Status": {"VlaamsCode": "DossierOnvolledig", "VlaamsFase": "Samenstelling",
               "Detail1": "De begroting ontbreekt.",
               "Actie": {"ActieNodig": True, "Actie": "Bezorg de begroting."}},
    "Producten": [{"Id": "GB-SUB-JEUGD"}],
    "DossierBeheerder": {"Naam": "Sofie Van Damme", "Dienst": "Dienst Vrije Tijd",
                         "Telefoon": "09 999 12 34", "Email": "vrijetijd@backoffice.example",
                         "Website": "https://backoffice.example/vrije-tijd",
                         "Adres": {"Straat": "Dorpsplein", "Nummer": "1", "Postcode": "9999",
                                   "Gemeente": "Groenbeek"}},
    "Agenten": [{"Identificatie": "V0001001", "Toegangsrechten": [{"Code": "Beheerder"}]},
                {"Identificatie": JAN, "Toegangsrechten": [{"Code": "Raadpleger"}]}],
}
# Where each field of the connector's body lands in Loket's own dossier view (None: kept
# nowhere, listed as a difference in docs/compatibility.md).
MAPPING = {
    "Identificatie.Bron": "source.id", "Identificatie.DossierNummer": "number",
    "UploadId": None, "Naam": "name", "WijzigingsDatum": "lastChange", "TypeDossierCode": "type",
    "Status.VlaamsCode": "status.code", "Status.VlaamsFase": "status.phase",
    "Status.Detail1": "status.detail", "Status.Actie.ActieNodig": "status.action.required",
    "Status.Actie.Actie": "status.action.text", "Producten.Id": "productNumbers",
    "DossierBeheerder.Naam": "handler.name", "DossierBeheerder.Dienst": "handler.department",
    "DossierBeheerder.Telefoon": "handler.phone", "DossierBeheerder.Email": "handler.email",
    "DossierBeheerder.Website": "handler.website", "DossierBeheerder.Adres": None,
    "Agenten.Identificatie": "agents.identifier", "Agenten.Toegangsrechten.Code": "agents.rights",
}


@pytest.fixture
def dosis(cc_token: Callable[..., str]) -> tuple[str, str]:
    """A back office with the DOSIS scope: (its id, its token)."""
    client_id = f"bo-dosis-{uuid.uuid4().hex[:6]}"
    return client_id, cc_token(client_id, "DosisImport", "dossiers:write")


def upload(source: str, number: str, **changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(CONNECTOR_UPLOAD)
    body["Identificatie"] = {"Bron": source, "DossierNummer": number}
    body["UploadId"] = str(uuid.uuid4())
    body.update(changes)
    return body


def paths(value: Any, prefix: str = "") -> set[str]:
    """Every leaf field of a JSON value, lists flattened (``Agenten.Identificatie``)."""
    if isinstance(value, dict):
        return {p for k, v in value.items() for p in paths(v, f"{prefix}{k}.")}
    if isinstance(value, list):
        return {p for item in value for p in paths(item, prefix)}
    return {prefix.rstrip(".")}


def test_every_field_of_the_connectors_body_is_accounted_for() -> None:
    sent = paths(CONNECTOR_UPLOAD)
    # the address of the handler is one field here (its parts are not kept apart)
    sent = {p for p in sent if not p.startswith("DossierBeheerder.Adres.")} | {
        "DossierBeheerder.Adres"}
    assert sent == set(MAPPING)
    with open("docs/compatibility.md", encoding="utf-8") as doc:
        text = doc.read()
    for field, ours in MAPPING.items():
        assert f"`{field}`" in text, f"{field} is not in docs/compatibility.md"
        if ours is None:
            assert f"`{field}` | not kept" in text


def test_an_upload_is_one_dossier_that_reads_as_pushed(client: FlaskClient, dosis,
                                                       person_token) -> None:
    source, token = dosis
    body = upload(source, "DOS-1")
    answer = client.post("/api/v2/dosis/dossiers", json=body, headers=bearer(token))
    assert answer.status_code == 202, answer.get_json()
    assert answer.get_json() == {"Status": "Verwerkt", "UploadId": body["UploadId"]}
    view = client.get(f"/api/v1/dossiers/{source}/DOS-1", headers=bearer(token))
    assert view.status_code == 200
    dossier = view.get_json()
    assert dossier["name"] == "Subsidie jeugdkamp 2026"
    assert dossier["lastChange"] == "2026-03-01T09:15:30Z"  # Brussels time, winter
    assert dossier["status"] == {"code": "DossierOnvolledig", "phase": "Samenstelling",
                                 "detail": "De begroting ontbreekt.",
                                 "action": {"required": True, "text": "Bezorg de begroting."}}
    assert dossier["productNumbers"] == ["GB-SUB-JEUGD"]
    assert dossier["handler"]["name"] == "Sofie Van Damme"
    assert dossier["handler"]["website"] == "https://backoffice.example/vrije-tijd"
    assert {(a["identifier"], a["rights"]) for a in dossier["agents"]} == {
        ("V0001001", "beheren"), (JAN, "raadplegen")}
    assert dossier.get("type") is None  # DOSIS's "DossierStatus" is no dossier type
    # FC Groenbeek reads it in its list
    mine = client.get("/api/v1/me/dossiers", headers=bearer(person_token(JAN, FC_GROENBEEK)))
    assert "DOS-1" in [d["number"] for d in mine.get_json()["dossiers"]]
    # the processing result, by upload and by dossier
    for query in (f"uploadId={body['UploadId']}", f"bron={source}&dossierNummer=DOS-1"):
        result = client.get(f"/api/v1/dosis/resultaten?{query}", headers=bearer(token))
        assert result.status_code == 200
        found = result.get_json()
        assert found["Identificatie"] == {"Bron": source, "DossierNummer": "DOS-1"}
        assert (found["UploadId"], found["Succes"], found["Fout"], found["Fouten"]) == (
            body["UploadId"], True, None, [])
        assert found["VerwerktVoorOpvraging"] is True


def test_the_same_dossier_through_both_faces_is_one_dossier(client: FlaskClient, dosis) -> None:
    source, token = dosis
    assert client.post("/api/v2/dosis/dossiers", json=upload(source, "BOTH-1"),
                       headers=bearer(token)).status_code == 202
    again = client.put(f"/api/v1/dossiers/{source}/BOTH-1", headers=bearer(token),
                       json=dossier_body(name="Subsidie jeugdkamp 2026 (aangepast)"))
    assert again.status_code == 200 and again.get_json()["result"] == "updated"
    later = upload(source, "BOTH-1", Naam="Subsidie jeugdkamp 2026",
                   WijzigingsDatum="2026-03-02T08:00:00")
    assert client.post("/api/v1/dosis/dossiers", json=later,  # the connector's own path
                       headers=bearer(token)).status_code == 202
    view = client.get(f"/api/v1/dossiers/{source}/BOTH-1", headers=bearer(token)).get_json()
    assert view["version"] == 3 and view["name"] == "Subsidie jeugdkamp 2026"


def test_an_upload_sent_again_is_processed_once(client: FlaskClient, dosis) -> None:
    source, token = dosis
    body = upload(source, "AGAIN-1")
    for _ in range(2):
        answer = client.post("/api/v2/dosis/dossiers", json=body, headers=bearer(token))
        assert answer.status_code == 202
    view = client.get(f"/api/v1/dossiers/{source}/AGAIN-1", headers=bearer(token)).get_json()
    assert view["version"] == 1
    other = {**body, "Naam": "Iets anders"}
    refused = client.post("/api/v2/dosis/dossiers", json=other, headers=bearer(token))
    assert refused.status_code == 409 and refused.get_json()["Code"] == "upload_id_reused"


@pytest.mark.parametrize(("change", "field"), [
    ({"Status": {"VlaamsCode": "Onbekend", "VlaamsFase": "Samenstelling"}}, "Status.VlaamsCode"),
    ({"WijzigingsDatum": "gisteren"}, "WijzigingsDatum"),
    ({"Agenten": [{"Identificatie": "12345", "Toegangsrechten": [{"Code": "Raadpleger"}]}]},
     "Agenten[0].Identificatie"),
    ({"Naam": ""}, "Naam"),
])
def test_a_bad_upload_changes_nothing_and_names_the_dosis_field(client: FlaskClient, dosis,
                                                                change, field) -> None:
    source, token = dosis
    body = upload(source, "BAD-1", **change)
    answer = client.post("/api/v2/dosis/dossiers", json=body, headers=bearer(token))
    assert answer.status_code == 400
    error = answer.get_json()
    assert error["Code"] == "invalid_field" and error["Message"] == "Ongeldige aanvraag"
    assert error["Description"].startswith(field)
    assert client.get(f"/api/v1/dossiers/{source}/BAD-1",
                      headers=bearer(token)).status_code == 404
    result = client.get(f"/api/v1/dosis/resultaten?uploadId={body['UploadId']}",
                        headers=bearer(token)).get_json()
    assert result["Succes"] is False and result["Fout"].startswith(field)
    assert result["Fouten"] == [{"Omschrijving": result["Fout"], "LijnNummer": None}]


def test_another_bron_a_missing_scope_and_no_identification_are_refused(
        client: FlaskClient, dosis, cc_token) -> None:
    source, token = dosis
    foreign = client.post("/api/v2/dosis/dossiers", json=upload("groenbeek-backoffice", "X-1"),
                          headers=bearer(token))
    assert foreign.status_code == 403 and foreign.get_json()["Code"] == "forbidden_source"
    plain = cc_token(f"bo-plain-{uuid.uuid4().hex[:6]}", "dossiers:write")
    refused = client.post("/api/v2/dosis/dossiers", json=upload(source, "X-2"),
                          headers=bearer(plain))
    assert refused.status_code == 403 and refused.get_json()["Code"] == "insufficient_scope"
    for broken in ({"Naam": "x"}, [], {"Identificatie": {"Bron": source}},
                   {**upload(source, "X-3"), "UploadId": "not-a-uuid"}):
        answer = client.post("/api/v2/dosis/dossiers", json=broken, headers=bearer(token))
        assert answer.status_code == 400 and answer.get_json()["Description"]
    # results are only the uploader's own
    mine = upload(source, "X-4")
    assert client.post("/api/v2/dosis/dossiers", json=mine,
                       headers=bearer(token)).status_code == 202
    other = cc_token(f"bo-dosis-other-{uuid.uuid4().hex[:6]}", "DosisImport")
    assert client.get(f"/api/v1/dosis/resultaten?uploadId={mine['UploadId']}",
                      headers=bearer(other)).status_code == 404


def test_a_deleted_dossier_is_gone_for_everyone(client: FlaskClient, dosis, person_token) -> None:
    source, token = dosis
    assert client.post("/api/v2/dosis/dossiers", json=upload(source, "DEL-1"),
                       headers=bearer(token)).status_code == 202
    gone = client.delete(f"/api/v1/dosis/dossiers?bron={source}&dossierNummer=DEL-1",
                         headers=bearer(token))
    assert gone.status_code == 204
    assert client.get(f"/api/v1/dossiers/{source}/DEL-1",
                      headers=bearer(token)).status_code == 404
    mine = client.get("/api/v1/me/dossiers", headers=bearer(person_token(JAN, FC_GROENBEEK)))
    assert "DEL-1" not in [d["number"] for d in mine.get_json()["dossiers"]]
    again = client.delete(f"/api/v1/dosis/dossiers?bron={source}&dossierNummer=DEL-1",
                          headers=bearer(token))
    assert again.status_code == 404 and again.get_json()["Code"] == "not_found"
    foreign = client.delete("/api/v1/dosis/dossiers?bron=groenbeek-backoffice"
                            "&dossierNummer=GB-2025-0142", headers=bearer(token))
    assert foreign.status_code == 403
