"""Representatives with their consent, against the live provider: an invitation waits until the
invited person signs in and accepts or declines; it expires and can be withdrawn; after the
retention period `loket db prune` empties the personal data of invitations and of removed
representatives in the history."""

from __future__ import annotations

import html
import json
import re
import time
from typing import Any

import pytest
import requests

from support.agent import Agent
from support.register import (
    HOSTILE,
    add_person,
    bearer,
    fresh_insz,
    make_association,
    user_token,
)

API = "/api/v1"


@pytest.fixture
def club(provider, register_rp) -> dict[str, Any]:
    primary, ordinary, guest = fresh_insz(), fresh_insz(), fresh_insz()
    made = make_association(provider, reps=[(primary, True), (ordinary, False)])
    add_person(provider, guest, "Gust", "Gast")
    capacity = f"VER:{made['vcode']}"
    return {**made, "guest": guest,
            "primary_token": user_token(provider, register_rp, primary, capacity),
            "ordinary_token": user_token(provider, register_rp, ordinary, capacity),
            "guest_token": user_token(provider, register_rp, guest, None)}


def invite(provider, club: dict[str, Any], token: str, body: dict[str, Any]
           ) -> requests.Response:
    return requests.post(f"{provider.url}{API}/associations/{club['vcode']}/uitnodigingen",
                         json=body, headers=bearer(token), timeout=15)


def reps(provider, club: dict[str, Any]) -> list[str]:
    answer = requests.get(f"{provider.url}{API}/associations/{club['vcode']}/"
                          "vertegenwoordigers", headers=bearer(club["primary_token"]),
                          timeout=15)
    return [r["insz"] for r in answer.json()["vertegenwoordigers"]]


def mine(provider, token: str) -> list[dict[str, Any]]:
    answer = requests.get(f"{provider.url}{API}/uitnodigingen", headers=bearer(token),
                          timeout=15)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["uitnodigingen"])


def test_an_invitation_waits_for_the_answer_then_makes_a_representative(provider, club,
                                                                        register_rp) -> None:
    body = {"insz": club["guest"], "email": "gust@club.example", "rol": "kassier"}
    refused = invite(provider, club, club["ordinary_token"], body)
    assert refused.status_code == 403 and refused.json()["error"] == "not_primary"
    made = invite(provider, club, club["primary_token"], body)
    assert made.status_code == 202, made.text
    assert made.json()["status"] == "WachtOpAntwoord"
    assert club["guest"] not in reps(provider, club)          # not yet: it waits
    # the invited person sees it when signed in; nobody else does
    waiting = mine(provider, club["guest_token"])
    assert [(i["vCode"], i["rol"]) for i in waiting] == [(club["vcode"], "kassier")]
    assert mine(provider, club["ordinary_token"]) == []
    other = requests.post(f"{provider.url}{API}/uitnodigingen/{waiting[0]['id']}/aanvaarden",
                          headers=bearer(club["ordinary_token"]), timeout=15)
    assert other.status_code == 404
    accepted = requests.post(
        f"{provider.url}{API}/uitnodigingen/{waiting[0]['id']}/aanvaarden",
        headers=bearer(club["guest_token"]), timeout=15)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "Aanvaard"
    assert club["guest"] in reps(provider, club)
    # and may act for the association from the next sign-in on
    token = user_token(provider, register_rp, club["guest"], f"VER:{club['vcode']}")
    detail = requests.get(f"{provider.url}{API}/associations/{club['vcode']}",
                          headers=bearer(token), timeout=15)
    patch = requests.patch(f"{provider.url}{API}/associations/{club['vcode']}",
                           json={"roepnaam": "Gust was hier"},
                           headers={**bearer(token), "If-Match": detail.headers["ETag"]},
                           timeout=15)
    assert patch.status_code == 200, patch.text
    again = requests.post(f"{provider.url}{API}/uitnodigingen/{waiting[0]['id']}/weigeren",
                          headers=bearer(club["guest_token"]), timeout=15)
    assert again.status_code == 409 and again.json()["error"] == "not_waiting"


def test_declined_and_withdrawn_invitations_make_nobody_a_representative(provider,
                                                                         club) -> None:
    made = invite(provider, club, club["primary_token"],
                  {"insz": club["guest"], "email": "gust@club.example"}).json()
    declined = requests.post(f"{provider.url}{API}/uitnodigingen/{made['id']}/weigeren",
                             headers=bearer(club["guest_token"]), timeout=15)
    assert declined.status_code == 200 and declined.json()["status"] == "Geweigerd"
    assert club["guest"] not in reps(provider, club)
    second = invite(provider, club, club["primary_token"],
                    {"insz": club["guest"], "email": "gust@club.example"})
    assert second.status_code == 202   # a declined invitation does not block a new one
    url = f"{provider.url}{API}/associations/{club['vcode']}/uitnodigingen/{second.json()['id']}"
    assert requests.delete(url, headers=bearer(club["ordinary_token"]),
                           timeout=15).status_code == 403
    withdrawn = requests.delete(url, headers=bearer(club["primary_token"]), timeout=15)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "Ingetrokken"
    assert mine(provider, club["guest_token"]) == []
    late = requests.post(f"{provider.url}{API}/uitnodigingen/{second.json()['id']}/aanvaarden",
                         headers=bearer(club["guest_token"]), timeout=15)
    assert late.status_code == 409 and club["guest"] not in reps(provider, club)
    # the association's list: newest first, INSZ masked for a representative not primary
    listed = requests.get(f"{provider.url}{API}/associations/{club['vcode']}/uitnodigingen",
                          headers=bearer(club["ordinary_token"]), timeout=15).json()
    assert [i["status"] for i in listed["uitnodigingen"]] == ["Ingetrokken", "Geweigerd"]
    assert all(i["insz"].startswith("••") for i in listed["uitnodigingen"])


def test_an_expired_invitation_cannot_be_accepted(provider, club) -> None:
    made = invite(provider, club, club["primary_token"],
                  {"insz": club["guest"], "email": "gust@club.example"}).json()
    provider.sql("UPDATE representative_invitations SET expires_at = :t WHERE id = :i",
                 {"t": int(time.time()) - 1, "i": made["id"]})
    assert mine(provider, club["guest_token"]) == []
    late = requests.post(f"{provider.url}{API}/uitnodigingen/{made['id']}/aanvaarden",
                         headers=bearer(club["guest_token"]), timeout=15)
    assert late.status_code == 409 and "verlopen" in late.json()["detail"]
    assert club["guest"] not in reps(provider, club)


@pytest.mark.parametrize(("body", "field"), [
    ({"insz": "12345678901", "email": "a@b.example"}, "insz"),
    ({"insz": "{guest}", "email": HOSTILE}, "email"),
    ({"insz": "{guest}"}, "email"),
    ({"insz": "{guest}", "email": "a@b.example", "kleur": "groen"}, "kleur"),
])
def test_bad_invitations_are_refused_naming_the_field(provider, club, body: dict[str, str],
                                                      field: str) -> None:
    body = {k: v.format(guest=club["guest"]) for k, v in body.items()}
    answer = invite(provider, club, club["primary_token"], body)
    assert answer.status_code == 400, answer.text
    assert field in [p["field"] for p in answer.json()["problems"]]
    assert mine(provider, club["guest_token"]) == []


def test_prune_empties_old_personal_data_and_keeps_what_happened(provider, club) -> None:
    made = invite(provider, club, club["primary_token"],
                  {"insz": club["guest"], "email": "gust@club.example"}).json()
    requests.post(f"{provider.url}{API}/uitnodigingen/{made['id']}/weigeren",
                  headers=bearer(club["guest_token"]), timeout=15)
    ordinary_id = club["reps"][1]
    etag = requests.get(f"{provider.url}{API}/associations/{club['vcode']}",
                        timeout=15).headers["ETag"]
    removed = requests.delete(
        f"{provider.url}{API}/associations/{club['vcode']}/vertegenwoordigers/{ordinary_id}",
        headers={**bearer(club["primary_token"]), "If-Match": etag}, timeout=15)
    assert removed.status_code == 204
    # within the retention period nothing is emptied
    provider.cli("db", "prune")
    assert provider.sql("SELECT insz FROM representative_invitations WHERE id = :i",
                        {"i": made["id"]})[0][0] == club["guest"]
    # a year and a day later it is
    long_ago = int(time.time()) - 366 * 86400
    provider.sql("UPDATE representative_invitations SET answered_at = :t WHERE id = :i",
                 {"t": long_ago, "i": made["id"]})
    provider.sql("UPDATE association_events SET at = '2000-01-01T00:00:00.000000Z' "
                 "WHERE vcode = :v AND type = 'VertegenwoordigerWerdVerwijderd'",
                 {"v": club["vcode"]})
    out = provider.cli("db", "prune")
    assert "1 invitations anonymised" in out.stdout, out.stdout
    row = provider.sql("SELECT insz, email, status FROM representative_invitations "
                       "WHERE id = :i", {"i": made["id"]})[0]
    assert (row[0], row[1], row[2]) == (None, None, "Geweigerd")
    events = provider.sql("SELECT type, data FROM association_events WHERE vcode = :v AND "
                          "type LIKE 'VertegenwoordigerWerd%'", {"v": club["vcode"]})
    for kind, data in events:
        data = json.loads(data) if isinstance(data, str) else data
        if data.get("vertegenwoordigerId") == ordinary_id:
            assert data["geanonimiseerd"] and data.get("email") is None, (kind, data)
            assert data.get("persoon") is None
        else:
            assert not data.get("geanonimiseerd"), (kind, data)


def _hidden(text: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', text)
    assert match, name
    return html.unescape(match.group(1))


def test_the_pages_invite_and_answer(provider, club) -> None:
    primary_insz = provider.sql("SELECT p.insz FROM persons p JOIN representatives r ON "
                                "r.person_id = p.id WHERE r.id = :i",
                                {"i": club["reps"][0]})[0][0]
    primary, guest = Agent(provider.url), Agent(provider.url)
    try:
        primary.submit_login(primary.get("/aanmelden"), primary_insz)
        guest.submit_login(guest.get("/aanmelden"), club["guest"])
        base = f"/mijn-verenigingsloket/{club['vcode']}"
        assert primary.get(f"{base}/vertegenwoordigers/nieuw").headers["Location"].endswith(
            f"{base}/uitnodigen")
        form = primary.get(f"{base}/uitnodigen")
        made = primary.post(f"{base}/uitnodigen", data={
            "csrf_token": _hidden(form.text, "csrf_token"), "version": "0",
            "insz": club["guest"], "voornaam": HOSTILE, "email": "gust@club.example"})
        assert made.status_code == 303, made.text[:400]
        overview = primary.get(base)
        assert "Wacht op antwoord" in overview.text
        assert HOSTILE not in overview.text and "&lt;img" in overview.text
        landing = guest.get("/mijn-verenigingsloket")
        assert club["naam"] in landing.text and "Aanvaarden" in landing.text
        action = "/mijn-verenigingsloket/uitnodigingen/"
        item = provider.sql("SELECT id FROM representative_invitations WHERE insz = :i",
                            {"i": club["guest"]})[0][0]
        no_csrf = guest.post(f"{action}{item}/aanvaarden", data={})
        assert no_csrf.status_code == 400
        accepted = guest.post(f"{action}{item}/aanvaarden",
                              data={"csrf_token": _hidden(landing.text, "csrf_token")})
        assert accepted.status_code == 303
        assert accepted.headers["Location"].endswith(base)
        page = guest.get(base)
        assert page.status_code == 200 and "Je bent nu vertegenwoordiger" in page.text
    finally:
        primary.http.close()
        guest.http.close()
