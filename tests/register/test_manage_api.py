"""Changes by representatives through the API, against the live provider: ETag / If-Match,
concurrent edits, who may do what, refused values, and the events each change leaves."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
import requests

from support.oidc import ELS, JAN
from support.register import (
    audit_rows,
    bearer,
    fresh_insz,
    last_audit_seq,
    make_association,
    person_sub,
    user_token,
)

API = "/api/v1/associations"


@pytest.fixture
def club(provider, register_rp) -> dict[str, Any]:
    """A fresh association with a primary and an ordinary representative, and their tokens."""
    primary, ordinary = fresh_insz(), fresh_insz()
    made = make_association(provider, reps=[(primary, True), (ordinary, False)])
    capacity = f"VER:{made['vcode']}"
    return {**made, "primary": primary, "ordinary": ordinary,
            "primary_token": user_token(provider, register_rp, primary, capacity),
            "ordinary_token": user_token(provider, register_rp, ordinary, capacity)}


def get(provider, vcode: str) -> requests.Response:
    return requests.get(f"{provider.url}{API}/{vcode}", timeout=15)


def call(provider, method: str, path: str, token: str, etag: str | None = None,
         body: Any = None) -> requests.Response:
    headers = bearer(token)
    if etag is not None:
        headers["If-Match"] = etag
    return requests.request(method, f"{provider.url}{API}/{path}", json=body, headers=headers,
                            timeout=15)


def test_changes_need_if_match_and_answer_with_the_new_etag(provider, club) -> None:
    vcode, token = club["vcode"], club["ordinary_token"]
    before = get(provider, vcode)
    etag = before.headers["ETag"]
    missing = call(provider, "PATCH", vcode, token, body={"roepnaam": "De Snelle"})
    assert missing.status_code == 428 and missing.json()["error"] == "precondition_required"
    done = call(provider, "PATCH", vcode, token, etag, {"roepnaam": "De Snelle"})
    assert done.status_code == 200, done.text
    assert done.json()["roepnaam"] == "De Snelle"
    assert done.headers["ETag"] == f'W/"{before.json()["versie"] + 1}"'
    assert get(provider, vcode).headers["ETag"] == done.headers["ETag"]
    stale = call(provider, "PATCH", vcode, token, etag, {"roepnaam": "Te laat"})
    assert stale.status_code == 412 and stale.headers["ETag"] == done.headers["ETag"]
    assert get(provider, vcode).json()["roepnaam"] == "De Snelle"
    strong = call(provider, "PATCH", vcode, token, done.headers["ETag"].removeprefix("W/"),
                  {"korteNaam": "DS"})
    assert strong.status_code == 200
    anything = call(provider, "PATCH", vcode, token, "*", {"korteNaam": "DS2"})
    assert anything.status_code == 200
    assert call(provider, "PATCH", vcode, token, "nonsense", {}).status_code == 400


def test_two_representatives_at_once_one_wins_the_other_gets_412(provider, club) -> None:
    vcode = club["vcode"]
    etag = get(provider, vcode).headers["ETag"]
    barrier = threading.Barrier(2)
    results: dict[str, requests.Response] = {}

    def edit(who: str, value: str) -> None:
        barrier.wait()
        results[who] = call(provider, "POST", f"{vcode}/contactgegevens",
                            club[f"{who}_token"], etag,
                            {"type": "E-mail", "waarde": value, "isPrimair": True})

    threads = [threading.Thread(target=edit, args=("primary", "a@club.example")),
               threading.Thread(target=edit, args=("ordinary", "b@club.example"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r.status_code for r in results.values())
    assert statuses == [201, 412], {k: (r.status_code, r.text) for k, r in results.items()}
    winner = next(r for r in results.values() if r.status_code == 201)
    loser_key = next(k for k, r in results.items() if r.status_code == 412)
    loser = results[loser_key]
    assert loser.headers["ETag"] == winner.headers["ETag"]
    assert "gewijzigd" in loser.json()["detail"]
    contacts = get(provider, vcode).json()["contactgegevens"]
    assert [c["waarde"] for c in contacts] == [winner.json()["waarde"]]
    # nothing is lost silently: with the new version the other one's change goes through
    # (and the register still refuses a second primary e-mail, naming the field)
    other = "b@club.example" if loser_key == "ordinary" else "a@club.example"
    second = call(provider, "POST", f"{vcode}/contactgegevens", club[f"{loser_key}_token"],
                  loser.headers["ETag"], {"type": "E-mail", "waarde": other, "isPrimair": True})
    assert second.status_code == 400 and second.json()["field"] == "isPrimair"
    retry = call(provider, "POST", f"{vcode}/contactgegevens", club[f"{loser_key}_token"],
                 loser.headers["ETag"], {"type": "E-mail", "waarde": other})
    assert retry.status_code == 201
    assert len(get(provider, vcode).json()["contactgegevens"]) == 2


def test_twenty_writers_at_once_lose_no_acknowledged_change(provider, club) -> None:
    """Twenty writers read, append their mark and write back with If-Match, retrying on 412:
    every change answered 200 is in the final record; every other answer was a 412."""
    vcode, token = club["vcode"], club["ordinary_token"]
    writers, attempts = 20, 40
    barrier = threading.Barrier(writers)
    acknowledged: list[str] = []
    answers: list[int] = []
    lock = threading.Lock()

    def write(n: int) -> None:
        mark = f"w{n:02d}"
        barrier.wait()
        with requests.Session() as http:
            for _ in range(attempts):
                got = http.get(f"{provider.url}{API}/{vcode}", timeout=30)
                text = got.json()["korteBeschrijving"] or ""
                done = http.patch(f"{provider.url}{API}/{vcode}",
                                  json={"korteBeschrijving": f"{text} {mark}".strip()},
                                  headers={**bearer(token), "If-Match": got.headers["ETag"]},
                                  timeout=30)
                with lock:
                    answers.append(done.status_code)
                if done.status_code == 200:
                    with lock:
                        acknowledged.append(mark)
                    return

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    final = (get(provider, vcode).json()["korteBeschrijving"] or "").split()
    assert set(answers) <= {200, 412}, sorted(set(answers))
    assert acknowledged, "no writer got through"
    assert sorted(acknowledged) == sorted(final)   # every acknowledged mark, each once
    assert answers.count(200) == len(acknowledged)


def test_adding_needs_no_if_match_but_a_stale_one_is_refused(provider, club) -> None:
    vcode, token = club["vcode"], club["ordinary_token"]
    etag = get(provider, vcode).headers["ETag"]
    first = call(provider, "POST", f"{vcode}/contactgegevens", token,
                 body={"type": "Website", "waarde": "https://een.example"})
    assert first.status_code == 201, first.text
    stale = call(provider, "POST", f"{vcode}/contactgegevens", token, etag,
                 {"type": "Website", "waarde": "https://twee.example"})
    assert stale.status_code == 412 and stale.headers["ETag"] == first.headers["ETag"]
    item = first.json()["id"]
    for method in ("PATCH", "DELETE"):   # these could overwrite: If-Match stays required
        refused = call(provider, method, f"{vcode}/contactgegevens/{item}", token,
                       body={"beschrijving": "x"} if method == "PATCH" else None)
        assert refused.status_code == 428, (method, refused.text)
    assert [c["waarde"] for c in get(provider, vcode).json()["contactgegevens"]] == [
        "https://een.example"]


@pytest.mark.parametrize("path, body, field", [
    ("contactgegevens", {"type": "Website", "waarde": "javascript:alert(1)"}, "waarde"),
    ("contactgegevens", {"type": "Website", "waarde": "ftp://files.example"}, "waarde"),
    ("contactgegevens", {"type": "E-mail", "waarde": "niet-een-adres"}, "waarde"),
    ("contactgegevens", {"type": "Fax", "waarde": "123"}, "type"),
    ("", {"startdatum": (date.today() + timedelta(days=2)).isoformat()}, "startdatum"),
    ("", {"doelgroep": {"maximumleeftijd": 151}}, "doelgroep.maximumleeftijd"),
    ("", {"doelgroep": {"minimumleeftijd": 40, "maximumleeftijd": 12}},
     "doelgroep.minimumleeftijd"),
    ("", {"hoofdactiviteiten": ["SPRT", "XXXX"]}, "hoofdactiviteiten"),
    ("", {"naam": ""}, "naam"),
    ("", {"kleur": "groen"}, "kleur"),
    ("locaties", {"type": "Activiteiten", "adres": {"straatnaam": "Dorp", "huisnummer": "1",
                                                    "postcode": "99", "gemeente": "X"}},
     "adres.postcode"),
])
def test_invalid_values_are_refused_naming_the_field_and_nothing_changes(
        provider, club, path: str, body: dict[str, Any], field: str) -> None:
    vcode = club["vcode"]
    before = get(provider, vcode)
    response = call(provider, "POST" if path else "PATCH",
                    f"{vcode}/{path}" if path else vcode, club["ordinary_token"],
                    before.headers["ETag"], body)
    assert response.status_code == 400, response.text
    assert response.headers["ETag"] == before.headers["ETag"]  # still the current version
    assert response.json()["error"] == "invalid_field"
    assert response.json()["field"] == field and field in response.json()["detail"]
    after = get(provider, vcode)
    assert after.headers["ETag"] == before.headers["ETag"] and after.json() == before.json()


def test_a_second_primary_email_is_refused(provider, club) -> None:
    vcode, token = club["vcode"], club["primary_token"]
    etag = get(provider, vcode).headers["ETag"]
    first = call(provider, "POST", f"{vcode}/contactgegevens", token, etag,
                 {"type": "E-mail", "waarde": "een@club.example", "isPrimair": True})
    second = call(provider, "POST", f"{vcode}/contactgegevens", token, first.headers["ETag"],
                  {"type": "E-mail", "waarde": "twee@club.example", "isPrimair": True})
    assert second.status_code == 400 and second.json()["field"] == "isPrimair"
    website = call(provider, "POST", f"{vcode}/contactgegevens", token, first.headers["ETag"],
                   {"type": "Website", "waarde": "https://club.example", "isPrimair": True})
    assert website.status_code == 201  # one primary per type
    item = first.json()["id"]
    moved = call(provider, "PATCH", f"{vcode}/contactgegevens/{item}", token,
                 website.headers["ETag"], {"isPrimair": False})
    assert moved.status_code == 200 and moved.json()["isPrimair"] is False
    gone = call(provider, "DELETE", f"{vcode}/contactgegevens/{item}", token,
                moved.headers["ETag"])
    assert gone.status_code == 204 and gone.headers["ETag"]
    assert call(provider, "DELETE", f"{vcode}/contactgegevens/{item}", token,
                gone.headers["ETag"]).status_code == 404


def test_locations_with_addresses(provider, club) -> None:
    vcode, token = club["vcode"], club["ordinary_token"]
    etag = get(provider, vcode).headers["ETag"]
    added = call(provider, "POST", f"{vcode}/locaties", token, etag, {
        "type": "Activiteiten", "isPrimair": True, "naam": "Sporthal",
        "adres": {"straatnaam": "Kerkstraat", "huisnummer": "7", "busnummer": "2",
                  "postcode": "9999", "gemeente": "Groenbeek"}})
    assert added.status_code == 201, added.text
    assert added.json()["adresvoorstelling"] == "Kerkstraat 7 bus 2, 9999 Groenbeek"
    assert added.headers["Location"].endswith(f"/locaties/{added.json()['id']}")
    changed = call(provider, "PATCH", f"{vcode}/locaties/{added.json()['id']}", token,
                   added.headers["ETag"], {"adres": {"huisnummer": "9"}})
    assert changed.status_code == 200
    assert changed.json()["adres"]["straatnaam"] == "Kerkstraat"
    assert changed.json()["adres"]["huisnummer"] == "9"


def test_a_non_representative_is_refused(provider, club, register_rp) -> None:
    vcode = club["vcode"]
    etag = get(provider, vcode).headers["ETag"]
    # Els acts for her own association: her token does not act for this one
    els = user_token(provider, register_rp, ELS, "VER:V0001003")
    other = call(provider, "PATCH", vcode, els, etag, {"roepnaam": "Overgenomen"})
    assert other.status_code == 403 and other.json()["error"] == "wrong_capacity"
    mine = call(provider, "PATCH", "V0001001", els, "*", {"roepnaam": "Overgenomen"})
    assert mine.status_code == 403
    citizen = user_token(provider, register_rp, "92021411256", None)
    assert call(provider, "PATCH", vcode, citizen, etag, {}).status_code == 403
    assert call(provider, "GET", f"{vcode}/vertegenwoordigers", citizen).status_code == 403
    assert call(provider, "PATCH", vcode, "lat_unknown", etag, {}).status_code == 401
    assert get(provider, vcode).json()["roepnaam"] is None


def test_only_a_primary_adds_or_removes_representatives(provider, club) -> None:
    vcode = club["vcode"]
    etag = get(provider, vcode).headers["ETag"]
    newcomer = {"insz": fresh_insz(), "voornaam": "Nieuwe", "achternaam": "Kracht",
                "rol": "kassier", "email": "nieuw@club.example"}
    start = last_audit_seq(provider)
    refused = call(provider, "POST", f"{vcode}/vertegenwoordigers", club["ordinary_token"],
                   etag, newcomer)
    assert refused.status_code == 403 and refused.json()["error"] == "not_primary"
    logged = audit_rows(provider, start, outcome="refused")
    assert logged and logged[-1]["capacity"] == f"VER:{vcode}"
    assert logged[-1]["actor"] == person_sub(provider, club["ordinary"])
    ordinary_id = club["reps"][1]
    assert call(provider, "DELETE", f"{vcode}/vertegenwoordigers/{club['reps'][0]}",
                club["ordinary_token"], etag).status_code == 403
    # an ordinary representative may change their own details, not make themselves primary
    own = call(provider, "PATCH", f"{vcode}/vertegenwoordigers/{ordinary_id}",
               club["ordinary_token"], etag, {"telefoon": "+32 470 99 88 77"})
    assert own.status_code == 200 and own.json()["telefoon"] == "+32 470 99 88 77"
    promote = call(provider, "PATCH", f"{vcode}/vertegenwoordigers/{ordinary_id}",
                   club["ordinary_token"], own.headers["ETag"], {"isPrimair": True})
    assert promote.status_code == 403

    # adding a representative is inviting one: nobody is listed without agreeing
    invited = call(provider, "POST", f"{vcode}/vertegenwoordigers", club["primary_token"],
                   own.headers["ETag"], newcomer)
    assert invited.status_code == 202, invited.text
    assert invited.json()["status"] == "WachtOpAntwoord"
    assert invited.json()["insz"] == newcomer["insz"]
    reps = call(provider, "GET", f"{vcode}/vertegenwoordigers", club["primary_token"]).json()
    assert newcomer["insz"] not in [r["insz"] for r in reps["vertegenwoordigers"]]
    twice = call(provider, "POST", f"{vcode}/vertegenwoordigers", club["primary_token"],
                 invited.headers["ETag"], newcomer)
    assert twice.status_code == 409 and twice.json()["error"] == "already_invited"
    assert twice.json()["field"] == "insz"
    removed = call(provider, "DELETE", f"{vcode}/vertegenwoordigers/{ordinary_id}",
                   club["primary_token"], invited.headers["ETag"])
    assert removed.status_code == 204


def test_the_last_primary_cannot_be_removed(provider, club) -> None:
    vcode, token = club["vcode"], club["primary_token"]
    etag = get(provider, vcode).headers["ETag"]
    primary_id, ordinary_id = club["reps"]
    last = call(provider, "DELETE", f"{vcode}/vertegenwoordigers/{primary_id}", token, etag)
    assert last.status_code == 409 and last.json()["error"] == "last_primary"
    demote = call(provider, "PATCH", f"{vcode}/vertegenwoordigers/{primary_id}", token, etag,
                  {"isPrimair": False})
    assert demote.status_code == 409 and demote.json()["field"] == "isPrimair"
    promoted = call(provider, "PATCH", f"{vcode}/vertegenwoordigers/{ordinary_id}", token, etag,
                    {"isPrimair": True})
    assert promoted.status_code == 200
    leaves = call(provider, "DELETE", f"{vcode}/vertegenwoordigers/{primary_id}", token,
                  promoted.headers["ETag"])
    assert leaves.status_code == 204
    # the one who left lost the right at once, though their token still names the capacity
    after = call(provider, "PATCH", vcode, token, leaves.headers["ETag"], {"roepnaam": "x"})
    assert after.status_code == 403 and after.json()["error"] == "not_representative"


def test_representatives_see_each_other_and_the_reads_are_logged(provider, club) -> None:
    vcode = club["vcode"]
    start = last_audit_seq(provider)
    # a primary representative sees every INSZ in full (the others see theirs masked:
    # tests/register/test_lifecycle.py)
    response = call(provider, "GET", f"{vcode}/vertegenwoordigers", club["primary_token"])
    assert response.status_code == 200 and response.headers["ETag"]
    reps = response.json()["vertegenwoordigers"]
    assert [r["insz"] for r in reps] == [club["primary"], club["ordinary"]]
    reads = audit_rows(provider, start, operation="read")
    assert {r["subject"] for r in reads} == {person_sub(provider, club["primary"]),
                                             person_sub(provider, club["ordinary"])}


def test_every_change_is_an_event_with_who_when_and_capacity(provider, club) -> None:
    vcode = club["vcode"]
    etag = get(provider, vcode).headers["ETag"]
    call(provider, "PATCH", vcode, club["primary_token"], etag,
         {"korteBeschrijving": "Nieuwe tekst", "hoofdactiviteiten": ["SPRT", "KECU"]})
    rows = provider.sql("SELECT seq, version, type, actor, capacity, client_id, at, data "
                        "FROM association_events WHERE vcode = :v ORDER BY seq", {"v": vcode})
    assert [r.version for r in rows] == list(range(1, len(rows) + 1))
    assert [r.seq for r in rows] == sorted(r.seq for r in rows)
    last = rows[-1]
    assert last.type == "BasisgegevensWerdenGewijzigd"
    assert last.actor == person_sub(provider, club["primary"])
    assert last.capacity == f"VER:{vcode}" and last.client_id == "register-rp"
    assert last.at.endswith("Z")
    data = last.data if isinstance(last.data, dict) else __import__("json").loads(last.data)
    assert data["gewijzigd"]["korteBeschrijving"] == {"oud": None, "nieuw": "Nieuwe tekst"}
    assert data["gewijzigd"]["hoofdactiviteiten"]["nieuw"] == ["SPRT", "KECU"]


def test_the_demo_primary_representative_can_manage_fc_groenbeek(provider, register_rp) -> None:
    token = user_token(provider, register_rp, JAN, "VER:V0001001")
    response = call(provider, "GET", "V0001001/vertegenwoordigers", token)
    assert response.status_code == 200
    assert response.json()["vertegenwoordigers"][0]["insz"] == JAN
    # a representative who is not primary (Jan for De Schakel) may not add people
    schakel = user_token(provider, register_rp, JAN, "VER:V0001002")
    refused = call(provider, "POST", "V0001002/vertegenwoordigers", schakel, "*",
                   {"insz": fresh_insz(), "voornaam": "X", "achternaam": "Y"})
    assert refused.status_code == 403 and refused.json()["error"] == "not_primary"


def test_a_refused_value_is_explained_in_the_callers_language(provider, club) -> None:
    vcode, token = club["vcode"], club["ordinary_token"]
    etag = get(provider, vcode).headers["ETag"]
    body = {"startdatum": "2999-01-01"}
    answers = {}
    for lang in ("", "fr-BE,fr;q=0.9", "de", "en-GB"):
        headers = bearer(token, **({"Accept-Language": lang} if lang else {}))
        headers["If-Match"] = etag
        answer = requests.patch(f"{provider.url}{API}/{vcode}", json=body, headers=headers,
                                timeout=15)
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"] == "invalid_field" and answer.json()["field"] == "startdatum"
        answers[lang[:2]] = answer.json()["detail"]
    assert answers == {"": "startdatum: mag niet in de toekomst liggen.",
                       "fr": "startdatum: ne peut pas être dans le futur.",
                       "de": "startdatum: darf nicht in der Zukunft liegen.",
                       "en": "startdatum: may not be in the future."}
