"""Messages (berichten): a government publishes with a target fixed at publication; each
representative reads, marks and archives for themselves in the capacity they act in; senders
see only their own figures; every list read is in the audit log. In-process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from support.catalog import HOSTILE, bearer

JAN, ELS = "85073003328", "79050124561"
FC, SCHAKEL = "V0001001", "V0001002"
GROENBEEK = "BE23999001"


def ver(vcode: str, name: str = "") -> dict[str, str]:
    return {"code": "VER", "identifier": vcode, "name": name or vcode}


def message(**fields: Any) -> dict[str, Any]:
    return {"categorie": "subsidie",
            "titel": {"nl": "Vraag nu je jeugdsubsidie aan", "fr": "Demandez votre subside"},
            "tekst": {"nl": "Tot 31 maart.\nZie de link.", "fr": "Jusqu'au 31 mars."},
            "link": "https://www.gx.example/jeugdsubsidie",
            "doelgroep": {"filter": {"hoofdactiviteiten": ["JGDW"],
                                     "werkingsgebieden": [GROENBEEK]}}, **fields}


@pytest.fixture
def sender(gov_client: Callable[..., str]) -> str:
    return gov_client()


def publish(client: FlaskClient, token: str, **fields: Any) -> Any:
    return client.post("/api/v1/messages", headers=bearer(token), json=message(**fields))


def inbox(client: FlaskClient, token: str, **params: str) -> dict[str, Any]:
    answer = client.get("/api/v1/me/messages", headers=bearer(token), query_string=params)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return dict(answer.get_json())


def published_ids(client: FlaskClient, token: str, **params: str) -> list[int]:
    """The ids of this test's government's messages in the inbox (the demo has messages of its
    own: Groenbeek's youth grant, dossiers asking for action)."""
    return [m["id"] for m in inbox(client, token, **params)["berichten"]
            if m["soort"] == "bericht" and m["afzender"] == "Gemeente Gx"]


def count_rows(app: Flask, model: Any) -> int:
    from loket import db

    with db.database(app).sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_filtered_message_reaches_youth_associations_in_groenbeek_only(
        app, client, sender, person_token) -> None:
    published = publish(client, sender)
    assert published.status_code == 201, published.get_data(as_text=True)
    sent = published.get_json()
    assert sent["bereikt"] == 1 and sent["gelezen"] == 0 and sent["afzender"] == "Gemeente Gx"
    schakel = person_token(JAN, ver(SCHAKEL), scope="openid capacity messages")
    fc = person_token(JAN, ver(FC), scope="openid capacity messages")
    before = inbox(client, schakel)["ongelezen"]
    got = inbox(client, schakel, lang="fr")
    item = got["berichten"][0]  # unread, and the newest
    assert item["id"] == sent["id"] and before == got["ongelezen"]
    assert (item["titel"], item["taal"], item["gelezen"]) == ("Demandez votre subside", "fr",
                                                              None)
    assert item["link"] == "https://www.gx.example/jeugdsubsidie"
    assert sent["id"] not in published_ids(client, fc)  # sports, not youth work
    # in a language it was not written in: Dutch
    assert inbox(client, schakel, lang="de")["berichten"][0]["titel"] == \
        "Vraag nu je jeugdsubsidie aan"


def test_read_and_archive_are_per_person(app, client, sender, person_token) -> None:
    from loket import db
    from loket.models import Association
    from loket.register import changes, representatives

    with db.database(app).transaction() as session:
        assoc = changes.register(session, {"naam": "Jeugdkoor Gx", "hoofdactiviteiten": ["JGDW"],
                                           "werkingsgebieden": [GROENBEEK]}, changes.SYSTEM)
        for insz, primary in ((JAN, True), (ELS, False)):
            representatives.add_representative(session, assoc, {
                "insz": insz, "voornaam": "T", "achternaam": "V", "isPrimair": primary},
                changes.SYSTEM, None)
        session.flush()
        vcode = assoc.vcode
    sent = publish(client, sender, doelgroep={"verenigingen": [vcode.lower()]}).get_json()
    jan = person_token(JAN, ver(vcode), scope="openid capacity messages")
    els = person_token(ELS, ver(vcode), scope="openid capacity messages")
    mid = sent["id"]
    read = client.post(f"/api/v1/me/messages/{mid}/read", headers=bearer(jan))
    assert read.status_code == 200 and read.get_json()["ongelezen"] == 0
    assert client.post(f"/api/v1/me/messages/{mid}/read",
                       headers=bearer(jan)).get_json()["gelezen"] == read.get_json()["gelezen"]
    assert inbox(client, els)["ongelezen"] == 1  # Els has not read it
    archived = client.post(f"/api/v1/me/messages/{mid}/archive", headers=bearer(els))
    assert archived.get_json()["gearchiveerd"] and archived.get_json()["gelezen"]
    assert inbox(client, els)["totaal"] == 0
    assert [m["id"] for m in inbox(client, els, archived="true")["berichten"]] == [mid]
    assert inbox(client, jan)["totaal"] == 1  # Jan's copy is not archived
    figures = client.get(f"/api/v1/messages/{mid}", headers=bearer(sender)).get_json()
    assert (figures["bereikt"], figures["gelezen"]) == (1, 1)  # one association read it
    unread = client.delete(f"/api/v1/me/messages/{mid}/read", headers=bearer(jan))
    assert unread.get_json()["ongelezen"] == 1
    # a representative removed stops reading at once, even with a token issued before
    with db.database(app).transaction() as session:
        found = session.scalar(select(Association).where(Association.vcode == vcode))
        assert found is not None
        els_rep = next(r for r in found.representatives if r.person.insz == ELS)
        session.delete(els_rep)
    refused = client.get("/api/v1/me/messages", headers=bearer(els))
    assert refused.status_code == 403 and refused.get_json()["error"] == "capacity_not_held"


def test_publishing_is_idempotent_by_sleutel_and_refusals_write_nothing(
        app, client, sender, gov_client) -> None:
    from loket.models import Message, MessageRecipient

    first = publish(client, sender, sleutel="jeugd-2027")
    again = publish(client, sender, sleutel="jeugd-2027")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    messages, recipients = count_rows(app, Message), count_rows(app, MessageRecipient)
    refusals = {
        "categorie": publish(client, sender, categorie="reclame"),
        "titel.nl": publish(client, sender, titel={"fr": "Seulement en français"}),
        "link": publish(client, sender, link="https://elders.example/phishing"),
        "doelgroep.verenigingen": publish(client, sender,
                                          doelgroep={"verenigingen": ["V9999999"]}),
        "doelgroep.verenigingen[0]": publish(client, sender,
                                             doelgroep={"verenigingen": ["X1"]}),
        "doelgroep.filter.werkingsgebieden": publish(
            client, sender, doelgroep={"filter": {"werkingsgebieden": ["BE99"]}}),
        "doelgroep": publish(client, sender, doelgroep={"verenigingen": [FC],
                                                        "personen": [JAN]}),
        "tekst.nl": publish(client, sender, tekst={"nl": "stuur\x07teken"}),
        "geldigTot": publish(client, sender, geldigTot="2001-01-01"),
        "productnummer": publish(client, sender, productnummer="BESTAAT-NIET"),
    }
    for field, answer in refusals.items():
        assert answer.status_code == 400, (field, answer.get_data(as_text=True))
        assert answer.get_json()["field"] == field, answer.get_json()
    assert publish(client, sender, link="javascript:alert(1)").get_json()["field"] == "link"
    assert (count_rows(app, Message), count_rows(app, MessageRecipient)) == (messages,
                                                                            recipients)
    # another sender sees neither the message nor its figures
    other = gov_client("gemeente-gy", "Gemeente Gy", "GY-X")
    assert client.get(f"/api/v1/messages/{first.get_json()['id']}",
                      headers=bearer(other)).status_code == 404
    assert client.get("/api/v1/messages", headers=bearer(other)).get_json()["berichten"] == []
    # and a token without the scope publishes nothing
    reader = gov_client("gemeente-gz", "Gemeente Gz", scopes=("associations:exchange",))
    assert publish(client, reader).status_code == 403


def test_hostile_text_is_kept_as_text_and_a_citizen_target_reaches_the_person(
        app, client, sender, person_token) -> None:
    sent = publish(client, sender, titel={"nl": HOSTILE}, tekst=HOSTILE,
                   doelgroep={"personen": [JAN]}, categorie="info")
    assert sent.status_code == 201, sent.get_data(as_text=True)
    citizen = person_token(JAN, scope="openid capacity messages")
    item = inbox(client, citizen)["berichten"][0]
    assert item["titel"] == HOSTILE and item["tekst"] == HOSTILE  # JSON: escaped where shown
    assert sent.get_json()["id"] not in published_ids(
        client, person_token(JAN, ver(FC), scope="openid capacity messages"))


def test_recognitions_in_a_filter_and_an_audited_list_read(app, client, sender,
                                                           person_token) -> None:
    from loket import db
    from loket.models import AuditEntry

    made = client.post(f"/api/v1/exchange/associations/{SCHAKEL}/erkenningen",
                       headers=bearer(sender),
                       json={"productnummer": "GX-ERKENNING", "startdatum": "2020-01-01"})
    assert made.status_code == 201, made.get_data(as_text=True)
    holds = publish(client, sender, doelgroep={"filter": {
        "heeftErkenning": "gx-erkenning", "werkingsgebieden": [GROENBEEK]}}).get_json()
    lacks = publish(client, sender, doelgroep={"filter": {
        "mistErkenning": "GX-ERKENNING", "werkingsgebieden": [GROENBEEK]}}).get_json()
    assert holds["bereikt"] == 1 and lacks["bereikt"] >= 1
    schakel = person_token(JAN, ver(SCHAKEL), scope="openid capacity messages")
    fc = person_token(JAN, ver(FC), scope="openid capacity messages")
    assert published_ids(client, schakel) == [holds["id"]]
    assert holds["id"] not in published_ids(client, fc)
    with db.database(app).sessions() as session:
        reads = list(session.scalars(select(AuditEntry).where(
            AuditEntry.operation == "messages-read")))
    assert reads and all(r.subject and r.capacity for r in reads)
    assert {r.capacity for r in reads} == {f"VER:{SCHAKEL}", f"VER:{FC}"}
