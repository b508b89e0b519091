"""The real register's management paths on Loket (docs/compatibility.md), against the live
provider: a representative's changes through /v1/verenigingen/… answer 202 with VR-Sequence and
a weak ETag, need VR-Initiator, refuse a stale If-Match, go through the same change service as
/api/v1 (both faces read the same record at once); registration with the 409 confirmation; the
public history without personal data; expectedSequence."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from support.register import (
    add_person,
    bearer,
    fresh_insz,
    make_association,
    user_token,
    word,
)

INITIATOR = {"VR-Initiator": "OVO002949"}


@pytest.fixture
def club(provider, register_rp) -> dict[str, Any]:
    primary = fresh_insz()
    made = make_association(provider, reps=[(primary, True)])
    return {**made, "primary": primary,
            "token": user_token(provider, register_rp, primary, f"VER:{made['vcode']}")}


def call(provider, method: str, path: str, token: str, body: Any = None,
         **headers: str) -> requests.Response:
    return requests.request(method, f"{provider.url}/v1/verenigingen{path}", json=body,
                            headers={**bearer(token), **headers}, timeout=15)


def own(provider, vcode: str) -> requests.Response:
    return requests.get(f"{provider.url}/api/v1/associations/{vcode}", timeout=15)


def test_a_change_answers_202_with_the_sequence_and_both_faces_agree(provider, club) -> None:
    vcode, token = club["vcode"], club["token"]
    etag = own(provider, vcode).headers["ETag"]
    changed = call(provider, "PATCH", f"/{vcode}", token,
                   {"korteNaam": "KN", "hoofdactiviteitenVerenigingsloket": ["SPRT", "JGDW"]},
                   **INITIATOR, **{"If-Match": etag})
    assert changed.status_code == 202, changed.text
    sequence = int(changed.headers["VR-Sequence"])
    assert changed.headers["ETag"].startswith('W/"') and changed.headers["ETag"] != etag
    # readable at once, through both faces, at that sequence
    detail = requests.get(f"{provider.url}/v1/verenigingen/{vcode}",
                          params={"expectedSequence": sequence}, timeout=15)
    assert detail.status_code == 200
    assert detail.json()["vereniging"]["korteNaam"] == "KN"
    assert {a["code"] for a in detail.json()["vereniging"][
        "hoofdactiviteitenVerenigingsloket"]} == {"SPRT", "JGDW"}
    assert own(provider, vcode).json()["korteNaam"] == "KN"
    assert own(provider, vcode).headers["ETag"] == changed.headers["ETag"]
    # a sequence not reached yet: 412
    later = requests.get(f"{provider.url}/v1/verenigingen/{vcode}",
                         params={"expectedSequence": sequence + 10**6}, timeout=15)
    assert later.status_code == 412 and later.json()["error"] == "sequence_not_reached"


def test_vr_initiator_is_required_and_a_stale_if_match_is_refused(provider, club) -> None:
    vcode, token = club["vcode"], club["token"]
    etag = own(provider, vcode).headers["ETag"]
    missing = call(provider, "PATCH", f"/{vcode}", token, {"korteNaam": "X"},
                   **{"If-Match": etag})
    assert missing.status_code == 400 and missing.json()["error"] == "initiator_required"
    assert missing.headers["Content-Type"].startswith("application/problem+json")
    first = call(provider, "PATCH", f"/{vcode}", token, {"korteNaam": "Eerste"}, **INITIATOR,
                 **{"If-Match": etag})
    assert first.status_code == 202
    stale = call(provider, "PATCH", f"/{vcode}", token, {"korteNaam": "Tweede"}, **INITIATOR,
                 **{"If-Match": etag})
    assert stale.status_code == 412 and stale.headers["ETag"] == first.headers["ETag"]
    assert own(provider, vcode).json()["korteNaam"] == "Eerste"
    # Loket never overwrites blindly: without If-Match a change that could is refused (428)
    blind = call(provider, "PATCH", f"/{vcode}", token, {"korteNaam": "Blind"}, **INITIATOR)
    assert blind.status_code == 428
    assert own(provider, vcode).json()["korteNaam"] == "Eerste"


def test_contacts_and_locations_in_the_registers_names(provider, club) -> None:
    vcode, token = club["vcode"], club["token"]
    added = call(provider, "POST", f"/{vcode}/contactgegevens", token,
                 {"contactgegeventype": "E-mail", "waarde": "info@club.example",
                  "isPrimair": False}, **INITIATOR)
    assert added.status_code == 202, added.text
    item = added.json()["id"]
    located = call(provider, "POST", f"/{vcode}/locaties", token,
                   {"locatietype": "Activiteiten", "isPrimair": False, "adres": {
                       "straatnaam": "Kerkstraat", "huisnummer": "4", "postcode": "9999"}},
                   **INITIATOR)
    assert located.status_code == 202, located.text
    detail = requests.get(f"{provider.url}/v1/verenigingen/{vcode}", timeout=15).json()
    assert {"contactgegeventype": "E-mail", "waarde": "info@club.example", "beschrijving": "",
            "isPrimair": False} in detail["vereniging"]["contactgegevens"]
    assert any(loc["adres"]["straatnaam"] == "Kerkstraat"
               for loc in detail["vereniging"]["locaties"])
    etag = own(provider, vcode).headers["ETag"]
    removed = call(provider, "DELETE", f"/{vcode}/contactgegevens/{item}", token, **INITIATOR,
                   **{"If-Match": etag})
    assert removed.status_code == 202
    assert all(c["waarde"] != "info@club.example" for c in own(provider, vcode).json()[
        "contactgegevens"])


def test_someone_who_is_no_representative_changes_nothing(provider, club, register_rp) -> None:
    other = fresh_insz()
    made = make_association(provider, reps=[(other, True)])
    token = user_token(provider, register_rp, other, f"VER:{made['vcode']}")
    refused = call(provider, "PATCH", f"/{club['vcode']}", token, {"korteNaam": "Overname"},
                   **INITIATOR, **{"If-Match": own(provider, club["vcode"]).headers["ETag"]})
    assert refused.status_code == 403
    assert own(provider, club["vcode"]).json()["korteNaam"] != "Overname"


def test_registration_with_the_duplicate_confirmation(provider, register_rp) -> None:
    insz = fresh_insz()
    add_person(provider, insz, "Nora", "Nieuw")
    token = user_token(provider, register_rp, insz, None)
    # a base name of this test's own: another test's similar names in Groenbeek would be
    # candidates too (test_registration.py uses "Speelpleinwerking")
    marker = word()
    existing = make_association(provider, naam=f"Kantklosgilde {marker} vzw")
    body = {"naam": f"Kantklosgilde {marker}", "hoofdactiviteitenVerenigingsloket": ["SPRT"],
            "locaties": [{"locatietype": "Activiteiten", "isPrimair": True, "adres": {
                "straatnaam": "Dorpsstraat", "huisnummer": "3", "postcode": "9999"}}]}
    first = call(provider, "POST", "/feitelijkeverenigingen", token, body, **INITIATOR)
    assert first.status_code == 409, first.text
    assert [c["vCode"] for c in first.json()["kandidaten"]] == [existing["vcode"]]
    confirmation = first.headers["VR-BevestigingsToken"]
    made = call(provider, "POST", "/feitelijkeverenigingen", token, body, **INITIATOR,
                **{"VR-BevestigingsToken": confirmation})
    assert made.status_code == 202, made.text
    vcode = made.json()["vCode"]
    assert made.json()["verenigingstype"]["code"] == "FV"
    assert int(made.headers["VR-Sequence"]) > 0
    assert requests.get(f"{provider.url}/v1/verenigingen/{vcode}", timeout=15).status_code == 200


def test_the_public_history_names_each_fact_without_personal_data(provider, club) -> None:
    vcode, token = club["vcode"], club["token"]
    call(provider, "PATCH", f"/{vcode}", token, {"roepnaam": "De Club"}, **INITIATOR,
         **{"If-Match": own(provider, vcode).headers["ETag"]})
    history = requests.get(f"{provider.url}/v1/verenigingen/{vcode}/historiek", timeout=15)
    assert history.status_code == 200
    events = history.json()["gebeurtenissen"]
    assert [e["gebeurtenis"] for e in events][0] == "VerenigingWerdGeregistreerd"
    assert "BasisgegevensWerdenGewijzigd" in [e["gebeurtenis"] for e in events]
    assert all({"gebeurtenis", "beschrijving", "data", "initiator", "tijdstip"} <= set(e)
               for e in events)
    assert club["primary"] not in history.text  # the representative's INSZ is nowhere
    assert requests.get(history.json()["@context"], timeout=15).status_code == 200
    added = [e for e in events if e["gebeurtenis"] == "VertegenwoordigerWerdToegevoegd"]
    assert added and all(e["data"] == {} for e in added)
