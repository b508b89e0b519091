"""Recognitions (erkenningen): a government records them for its own products, they are part
of the association's record and change feed, and their status follows the dates (the
scheduled job), in-process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from support.catalog import bearer

FC = "V0001001"
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def government(gov_client: Callable[..., str]) -> Callable[..., str]:
    return gov_client


def url(vcode: str = FC, item: int | None = None) -> str:
    base = f"/api/v1/exchange/associations/{vcode}/erkenningen"
    return base if item is None else f"{base}/{item}"


def day(offset: int) -> str:
    from loket.register import recognitions

    return (date.fromisoformat(recognitions.today()) + timedelta(days=offset)).isoformat()


def record(client: FlaskClient, token: str, **fields: object) -> dict:
    body = {"productnummer": "GX-ERKENNING", "startdatum": day(-10), "einddatum": day(355),
            "hernieuwingsdatum": day(300),
            "hernieuwingsUrl": "https://www.gx.example/erkenning/hernieuwen", **fields}
    answer = client.post(url(), headers=bearer(token), json=body)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert answer.headers["Location"].endswith(url(item=answer.get_json()["erkenningId"]))
    return {**answer.get_json(), "etag": answer.headers["ETag"]}


def test_a_government_records_a_recognition_for_its_own_product(app, client,
                                                                  government) -> None:
    token = government()
    before = client.get(f"/api/v1/associations/{FC}").headers["ETag"]
    made = record(client, token)
    assert made["status"] == "Actief" and made["organisatie"] == "Gemeente Gx"
    assert made["productnummer"] == "GX-ERKENNING" and made["etag"] != before
    # part of the public record (without the reason of a suspension) and of the change feed
    public = client.get(f"/api/v1/associations/{FC}").get_json()
    assert [r["erkenningId"] for r in public["erkenningen"]] == [made["erkenningId"]]
    assert "redenSchorsing" not in public["erkenningen"][0]
    feed = client.get("/api/v1/exchange/changes", headers={**bearer(token),
                                                           "X-Loket-Reason": "test"},
                      query_string={"vCode": FC}).get_json()
    assert feed["changes"][-1]["type"] == "ErkenningWerdGeregistreerd"
    assert feed["changes"][-1]["door"]["client"] == "gemeente-gx"
    # a second running one for the same product is refused; any case names the product
    twice = client.post(url(), headers=bearer(token), json={"productnummer": "gx-erkenning"})
    assert twice.status_code == 409 and twice.get_json()["error"] == "already_recognised"
    own = client.get("/api/v1/exchange/erkenningen", headers=bearer(token)).get_json()
    assert [(r["vCode"], r["erkenningId"]) for r in own["erkenningen"]] == [
        (FC, made["erkenningId"])]


def test_only_for_its_own_products_and_links_on_its_own_origins(app, client,
                                                                government) -> None:
    token = government()
    other = government("gemeente-gy", "Gemeente Gy", "GY-SUBSIDIE")
    start = client.get(f"/api/v1/associations/{FC}").headers["ETag"]
    refused = [
        client.post(url(), headers=bearer(token), json={"productnummer": "GY-SUBSIDIE"}),
        client.post(url(), headers=bearer(token), json={"productnummer": "GX-ONBEKEND"}),
        client.post(url(), headers=bearer(token), json={
            "productnummer": "GX-ERKENNING", "hernieuwingsUrl": "https://evil.example/x"}),
        client.post(url(), headers=bearer(token), json={
            "productnummer": "GX-ERKENNING", "hernieuwingsUrl": "javascript:alert(1)"}),
        client.post(url(), headers=bearer(token), json={
            "productnummer": "GX-ERKENNING", "startdatum": "2026-02-30"}),
        client.post(url(), headers=bearer(token), json={
            "productnummer": "GX-ERKENNING", "startdatum": day(0), "einddatum": day(-1)}),
        client.post(url(), headers=bearer(token), json={
            "productnummer": "GX-ERKENNING", "einddatum": day(10),
            "hernieuwingsdatum": day(11)}),
        client.post(url(), headers=bearer(token), json={
            "productnummer": "GX-ERKENNING", "redenSchorsing": "te vroeg"}),
        client.post(url(), headers=bearer(token), json={
            "productnummer": "GX-ERKENNING", "status": "Actief"}),
    ]
    assert [r.status_code for r in refused] == [400] * 9
    fields = [r.get_json()["field"] for r in refused]
    assert fields == ["productnummer", "productnummer", "hernieuwingsUrl", "hernieuwingsUrl",
                      "startdatum", "einddatum", "hernieuwingsdatum", "redenSchorsing",
                      "status"]
    assert client.get(f"/api/v1/associations/{FC}").headers["ETag"] == start  # nothing changed
    # the other government's recognition is not this one's to change
    theirs = client.post(url(), headers=bearer(other), json={"productnummer": "GY-SUBSIDIE"})
    assert theirs.status_code == 201 and theirs.get_json()["status"] == "InAanvraag"
    item, etag = theirs.get_json()["erkenningId"], theirs.headers["ETag"]
    patch = client.patch(url(item=item), headers={**bearer(token), "If-Match": etag},
                         json={"startdatum": day(0)})
    assert patch.status_code == 403 and patch.get_json()["error"] == "not_yours"
    gone = client.delete(url(item=item), headers={**bearer(token), "If-Match": etag})
    assert gone.status_code == 403
    # a person's token, or a client without the scope, records nothing
    reader = government("gemeente-gz", "Gemeente Gz", scopes=("associations:exchange",))
    assert client.post(url(), headers=bearer(reader),
                       json={"productnummer": "GX-ERKENNING"}).status_code == 403


def test_changes_need_the_version_and_a_suspension_is_an_event(app, client, government) -> None:
    token = government()
    made = record(client, token)
    item = made["erkenningId"]
    no_version = client.patch(url(item=item), headers=bearer(token),
                              json={"redenSchorsing": "onderzoek"})
    assert no_version.status_code == 428
    stale = client.patch(url(item=item), headers={**bearer(token), "If-Match": 'W/"1"'},
                         json={"redenSchorsing": "onderzoek"})
    assert stale.status_code == 412
    suspended = client.patch(url(item=item), headers={**bearer(token), "If-Match": made["etag"]},
                             json={"redenSchorsing": HOSTILE})
    assert suspended.status_code == 200, suspended.get_data(as_text=True)
    assert suspended.get_json()["status"] == "Geschorst"
    assert suspended.get_json()["redenSchorsing"] == HOSTILE  # JSON, shown escaped elsewhere
    lifted = client.patch(url(item=item), headers={**bearer(token),
                                                   "If-Match": suspended.headers["ETag"]},
                          json={"redenSchorsing": None})
    assert lifted.get_json()["status"] == "Actief"
    removed = client.delete(url(item=item), headers={**bearer(token),
                                                     "If-Match": lifted.headers["ETag"]})
    assert removed.status_code == 204
    feed = client.get("/api/v1/exchange/changes", headers={**bearer(token),
                                                           "X-Loket-Reason": "test"},
                      query_string={"vCode": FC}).get_json()
    assert [c["type"] for c in feed["changes"][-4:]] == [
        "ErkenningWerdGeregistreerd", "ErkenningWerdGeschorst",
        "SchorsingErkenningWerdOpgeheven", "ErkenningWerdVerwijderd"]
    assert client.get(f"/api/v1/associations/{FC}").get_json()["erkenningen"] == []


def test_statuses_move_by_date_once_whoever_runs_the_job(app, client, government) -> None:
    from loket import db
    from loket.models import AssociationEvent, Recognition
    from loket.register import recognitions

    token = government()
    pending = client.post(url(), headers=bearer(token), json={
        "productnummer": "GX-ERKENNING", "startdatum": day(5), "einddatum": day(20)})
    assert pending.get_json()["status"] == "InAanvraag"
    item = pending.get_json()["erkenningId"]
    database = db.database(app)
    with database.sessions() as session:
        assert recognitions.move_by_date(session, day(4)).moved == {}
        first = recognitions.move_by_date(session, day(5))
        again = recognitions.move_by_date(session, day(5))  # a second worker finds nothing
        assert first.moved == {"Actief": 1} and again.moved == {}
        assert session.get(Recognition, item).status == "Actief"
        assert recognitions.move_by_date(session, day(21)).moved == {"Verlopen": 1}
        kinds = list(session.scalars(select(AssociationEvent.type).where(
            AssociationEvent.vcode == FC).order_by(AssociationEvent.seq)))
        assert kinds[-2:] == ["ErkenningWerdActief", "ErkenningWerdVerlopen"]
        assert session.get(Recognition, item).status == "Verlopen"


def test_a_lapsed_recognition_makes_room_for_a_new_one(app, client, government) -> None:
    token = government()
    lapsed = record(client, token, startdatum=day(-400), einddatum=day(-35),
                    hernieuwingsdatum=day(-60))
    assert lapsed["status"] == "Verlopen"
    assert record(client, token)["status"] == "Actief"


def test_the_registers_recognition_paths_record_change_and_remove(app, client,
                                                                  government) -> None:
    """The real register's management paths for recognitions (docs/compatibility.md): the
    same change service, 202 with VR-Sequence, VR-Initiator required, ipdcProductNummer."""
    token = government("gemeente-gy", "Gemeente Gy", "GY-ERKENNING")
    path = "/v1/verenigingen/V0001002/erkenningen"
    body = {"ipdcProductNummer": "GY-ERKENNING", "startdatum": day(-1), "einddatum": day(364),
            "hernieuwingsdatum": day(300),
            "hernieuwingsUrl": "https://www.gx.example/erkenning/hernieuwen"}
    initiator = {"VR-Initiator": "OVO000001"}
    assert client.post(path, headers=bearer(token), json=body).status_code == 400  # initiator
    made = client.post(path, headers={**bearer(token), **initiator}, json=body)
    assert made.status_code == 202, made.get_data(as_text=True)
    assert int(made.headers["VR-Sequence"]) > 0 and made.headers["ETag"].startswith('W/"')
    item = made.get_json()["erkenningId"]
    detail = client.get("/v1/verenigingen/V0001002").get_json()["vereniging"]
    assert "GY-ERKENNING" in [r["productnummer"] for r in detail["erkenningen"]]
    changed = client.patch(f"{path}/{item}", json={"hernieuwingsdatum": day(200)},
                           headers={**bearer(token), **initiator, "If-Match": made.headers["ETag"]})
    assert changed.status_code == 202, changed.get_data(as_text=True)
    mine = [r for r in client.get(url("V0001002"), headers=bearer(token)).get_json()[
        "erkenningen"] if r["erkenningId"] == item]
    assert mine[0]["hernieuwingsdatum"] == day(200)
    # an IPDC product number names the catalog's IPDC-<number>: this government has none
    ipdc = client.post(path, headers={**bearer(token), **initiator},
                       json={**body, "ipdcProductNummer": "1502"})
    assert ipdc.status_code in (400, 403, 404) and "IPDC-1502" in ipdc.get_data(as_text=True)
    gone = client.delete(f"{path}/{item}", headers={**bearer(token), **initiator,
                                                    "If-Match": changed.headers["ETag"]})
    assert gone.status_code == 202
    assert "GY-ERKENNING" not in [r["productnummer"] for r in client.get(
        "/v1/verenigingen/V0001002").get_json()["vereniging"]["erkenningen"]]
