"""An association's life after its start, against the live provider: a primary representative
stops it, a register office marks one as a duplicate of another; public search and public
detail then know neither (404, as the real register), nor one that opted out; addresses whose
postcode lies elsewhere are refused; the history says what changed, by whom, in which capacity."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from support.register import (
    HOSTILE,
    audit_rows,
    bearer,
    client_token,
    fresh_insz,
    last_audit_seq,
    make_association,
    user_token,
    word,
)

API = "/api/v1/associations"


@pytest.fixture
def club(provider, register_rp) -> dict[str, Any]:
    primary, ordinary = fresh_insz(), fresh_insz()
    marker = word()
    made = make_association(provider, naam=f"Levensloop {marker}",
                            reps=[(primary, True), (ordinary, False)])
    capacity = f"VER:{made['vcode']}"
    return {**made, "marker": marker,
            "primary_token": user_token(provider, register_rp, primary, capacity),
            "ordinary_token": user_token(provider, register_rp, ordinary, capacity)}


@pytest.fixture(scope="module")
def office(provider) -> str:
    """A register office's client: it may mark duplicates (scope associations:manage)."""
    secret = provider.add_client("registerkantoor", "--grant-type", "client_credentials",
                                 "--scope", "associations:manage",
                                 "--scope", "associations:exchange")
    return client_token(provider, "registerkantoor", secret, "associations:manage")


def public(provider, vcode: str, **headers: str) -> requests.Response:
    return requests.get(f"{provider.url}{API}/{vcode}", headers=headers, timeout=15)


def found(provider, marker: str) -> list[str]:
    answer = requests.get(f"{provider.url}{API}", params={"q": marker}, timeout=15)
    assert answer.status_code == 200, answer.text
    return [hit["vCode"] for hit in answer.json()["results"]]


def stop(provider, club: dict[str, Any], token: str, body: Any) -> requests.Response:
    return requests.post(f"{provider.url}{API}/{club['vcode']}/stop", json=body,
                         headers=bearer(token), timeout=15)


def test_a_primary_representative_stops_the_association(provider, club) -> None:
    vcode = club["vcode"]
    assert found(provider, club["marker"]) == [vcode]
    refused = stop(provider, club, club["ordinary_token"], {"einddatum": "2026-01-01"})
    assert refused.status_code == 403 and refused.json()["error"] == "not_primary"
    for bad, field in (({"einddatum": "2999-01-01"}, "einddatum"), ({}, "einddatum"),
                       ({"einddatum": HOSTILE}, "einddatum"), ({"reden": "x"}, "reden")):
        answer = stop(provider, club, club["primary_token"], bad)
        assert answer.status_code == 400 and answer.json()["field"] == field, answer.text
        assert HOSTILE not in answer.text
    assert public(provider, vcode).json()["status"] == "Actief"   # nothing changed
    done = stop(provider, club, club["primary_token"], {"einddatum": "2026-01-01"})
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["einddatum"]) == ("Gestopt", "2026-01-01")
    # gone from public search and detail, as a vCode nobody has
    assert found(provider, club["marker"]) == []
    gone = public(provider, vcode)
    assert gone.status_code == 404
    assert gone.json() == public(provider, "V9999999").json() | {
        "detail": gone.json()["detail"]}
    # its representatives still read it, but nothing changes any more
    mine = public(provider, vcode, **bearer(club["ordinary_token"]))
    assert mine.status_code == 200 and mine.json()["status"] == "Gestopt"
    patch = requests.patch(f"{provider.url}{API}/{vcode}", json={"roepnaam": "Toch"},
                           headers={**bearer(club["primary_token"]),
                                    "If-Match": mine.headers["ETag"]}, timeout=15)
    assert patch.status_code == 409 and patch.json()["error"] == "not_active"
    again = stop(provider, club, club["primary_token"], {"einddatum": "2026-01-02"})
    assert again.status_code == 409 and again.json()["error"] == "not_active"


def test_an_opted_out_association_is_not_served_publicly(provider, club) -> None:
    vcode = club["vcode"]
    etag = public(provider, vcode).headers["ETag"]
    patch = requests.patch(f"{provider.url}{API}/{vcode}",
                           json={"isUitgeschrevenUitPubliekeDatastroom": True},
                           headers={**bearer(club["ordinary_token"]), "If-Match": etag},
                           timeout=15)
    assert patch.status_code == 200, patch.text
    assert public(provider, vcode).status_code == 404
    assert public(provider, vcode, **{"If-None-Match": patch.headers["ETag"]}).status_code == 404
    assert found(provider, club["marker"]) == []
    assert public(provider, vcode, **bearer(club["ordinary_token"])).status_code == 200
    assert public(provider, vcode, Authorization="Bearer not-a-token").status_code == 404


def test_a_register_office_marks_a_duplicate_and_can_undo_it(provider, club, office,
                                                             register_rp) -> None:
    original = make_association(provider, naam=f"Origineel {word()}")
    vcode = club["vcode"]
    url = f"{provider.url}/api/v1/exchange/associations/{vcode}/dubbelVan"
    reason = {"X-Loket-Reason": "melding dubbele registratie 2026/17"}
    start = last_audit_seq(provider)
    no_reason = requests.post(url, json={"dubbelVan": original["vcode"]},
                              headers=bearer(office), timeout=15)
    assert no_reason.status_code == 400 and no_reason.json()["error"] == "reason_required"
    representative = requests.post(url, json={"dubbelVan": original["vcode"]},
                                   headers=bearer(club["primary_token"], **reason), timeout=15)
    assert representative.status_code == 403
    for bad in ({"dubbelVan": vcode}, {"dubbelVan": "V9999999"}, {"dubbelVan": HOSTILE}, {}):
        answer = requests.post(url, json=bad, headers=bearer(office, **reason), timeout=15)
        assert answer.status_code == 400 and answer.json()["field"] == "dubbelVan", answer.text
    marked = requests.post(url, json={"dubbelVan": original["vcode"]},
                           headers=bearer(office, **reason), timeout=15)
    assert marked.status_code == 200, marked.text
    assert marked.json()["status"] == "Dubbel" and marked.json()["dubbelVan"] == original["vcode"]
    assert public(provider, vcode).status_code == 404
    assert found(provider, club["marker"]) == []
    logged = audit_rows(provider, start, operation="association-change", outcome="ok",
                        resource=f"association/{vcode}")
    assert [r["reason"] for r in logged] == ["melding dubbele registratie 2026/17"]
    undone = requests.delete(url, headers=bearer(office, **reason), timeout=15)
    assert undone.status_code == 200 and undone.json()["status"] == "Actief"
    assert public(provider, vcode).status_code == 200
    assert found(provider, club["marker"]) == [vcode]


def test_a_postcode_must_lie_in_the_municipality(provider, club) -> None:
    lookup = requests.get(f"{provider.url}/api/v1/postcodes/9999", timeout=15)
    assert lookup.status_code == 200
    assert [g["naam"] for g in lookup.json()["gemeenten"]] == ["Groenbeek"]
    assert requests.get(f"{provider.url}/api/v1/postcodes/1234", timeout=15).status_code == 404
    assert requests.get(f"{provider.url}/api/v1/postcodes/12a4", timeout=15).status_code == 400
    vcode = club["vcode"]
    url = f"{provider.url}{API}/{vcode}/locaties"
    address = {"straatnaam": "Dorpsstraat", "huisnummer": "1", "postcode": "9999"}
    wrong = requests.post(url, json={"type": "Activiteiten", "adres": {
        **address, "gemeente": "Rivierstede"}}, headers=bearer(club["ordinary_token"]),
        timeout=15)
    assert wrong.status_code == 400 and wrong.json()["field"] == "adres.gemeente"
    assert "9999 ligt in Groenbeek" in wrong.json()["detail"]
    assert public(provider, vcode).json()["locaties"] == []
    # left empty, the municipality follows from the postcode
    filled = requests.post(url, json={"type": "Activiteiten", "adres": address},
                           headers=bearer(club["ordinary_token"]), timeout=15)
    assert filled.status_code == 201, filled.text
    assert filled.json()["adres"]["gemeente"] == "Groenbeek"
    # a postcode the list does not know cannot be checked, and is taken as given
    abroad = requests.post(url, json={"type": "Correspondentie", "adres": {
        "straatnaam": "Kerkstraat", "huisnummer": "2", "postcode": "1234",
        "gemeente": "Ergens"}}, headers=bearer(club["ordinary_token"]), timeout=15)
    assert abroad.status_code == 201, abroad.text


def test_representatives_who_are_not_primary_see_the_others_insz_masked(provider,
                                                                          club) -> None:
    url = f"{provider.url}{API}/{club['vcode']}/vertegenwoordigers"
    primary = requests.get(url, headers=bearer(club["primary_token"]), timeout=15).json()
    ordinary = requests.get(url, headers=bearer(club["ordinary_token"]), timeout=15).json()
    full = {r["id"]: r["insz"] for r in primary["vertegenwoordigers"]}
    seen = {r["id"]: (r["insz"], r["inszGemaskeerd"]) for r in ordinary["vertegenwoordigers"]}
    primary_id, ordinary_id = club["reps"]
    assert seen[ordinary_id] == (full[ordinary_id], False)        # their own, in full
    insz, masked = seen[primary_id]
    assert masked and insz != full[primary_id] and insz.endswith(full[primary_id][-2:])
    assert full[primary_id][:9] not in insz
