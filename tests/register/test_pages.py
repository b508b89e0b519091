"""The self-service pages over plain HTTP (no JavaScript): sign-in required, capacity checked,
CSRF-protected forms, errors at their fields, and a stale form that loses nothing typed."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from support.agent import Agent
from support.oidc import AN, JAN
from support.register import (
    HOSTILE,
    audit_rows,
    fresh_insz,
    last_audit_seq,
    make_association,
    person_sub,
)

BASE = "/mijn-verenigingsloket"
PEETERS_BOUW = "0412345614"  # the demo's company; Jan holds its mandate


def sign_in(provider, insz: str) -> Agent:
    agent = Agent(provider.url)
    page = agent.get("/aanmelden")
    home = agent.submit_login(page, insz)
    assert home.status_code == 200, home.text[:300]
    return agent


@pytest.fixture
def agents() -> Iterator[list[Agent]]:
    made: list[Agent] = []
    yield made
    for agent in made:
        agent.http.close()


def hidden(page: requests.Response, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page.text) or \
        re.search(rf'value="([^"]*)"[^>]*name="{name}"', page.text)
    assert match, f"no {name} in the form"
    return html.unescape(match.group(1))


def post_form(agent: Agent, url: str, page: requests.Response,
              data: dict[str, Any]) -> requests.Response:
    fields = {"csrf_token": hidden(page, "csrf_token"), **data}
    if "version" not in data and 'name="version"' in page.text:
        fields["version"] = hidden(page, "version")
    return agent.post(url, data=fields)


def field_value(page: requests.Response, name: str) -> str:
    match = re.search(rf'name="{name}"\s[^>]*value="([^"]*)"', page.text)
    assert match, f"no input {name}"
    return html.unescape(match.group(1))


def test_the_pages_need_a_signed_in_person(provider) -> None:
    for path in (BASE, f"{BASE}/V0001001", "/mijn-gegevens"):
        response = requests.get(f"{provider.url}{path}", timeout=15)
        assert response.status_code == 401 and "Meld je eerst aan" in response.text


def test_onze_gegevens_shows_everything_and_logs_the_read(provider, agents) -> None:
    agent = sign_in(provider, JAN)
    agents.append(agent)
    landing = agent.get(BASE)
    assert landing.status_code == 200
    assert "FC Groenbeek" in landing.text and "Jeugdhuis De Schakel" in landing.text
    start = last_audit_seq(provider)
    page = agent.get(f"{BASE}/v0001001")
    assert page.status_code == 200
    for text in ("FC Groenbeek", "De Groene Leeuwen", "secretariaat@fcgroenbeek.example",
                 "Beekstraat 12, 9999 Groenbeek", "Sport", "Groenbeek", JAN,
                 "jan.peeters@example.org", "Vereniging geregistreerd",
                 "Vertegenwoordiger uitnodigen", "0456.789.133"):   # the KBO number as written
        assert text in page.text, text
    reads = audit_rows(provider, start, operation="read")
    assert {r["subject"] for r in reads} == {person_sub(provider, JAN)}
    assert reads[0]["capacity"] == "VER:V0001001"


def test_someone_who_does_not_represent_it_is_refused(provider, agents) -> None:
    agent = sign_in(provider, AN)
    agents.append(agent)
    assert "geen vereniging" in agent.get(BASE).text
    for path in (f"{BASE}/V0001001", f"{BASE}/V0001001/basisgegevens",
                 f"{BASE}/V0001001/contactgegevens/nieuw"):
        response = agent.get(path)
        assert response.status_code == 403, path
        assert "Je kunt niet optreden namens V0001001" in response.text


def test_a_form_without_csrf_token_changes_nothing(provider, agents) -> None:
    agent = sign_in(provider, JAN)
    agents.append(agent)
    before = requests.get(f"{provider.url}/api/v1/associations/V0001001", timeout=15)
    response = agent.post(f"{BASE}/V0001001/basisgegevens",
                          data={"version": before.json()["versie"], "roepnaam": "Gekaapt",
                                "minimumleeftijd": "0", "maximumleeftijd": "150"})
    assert response.status_code == 400 and "formulier is verlopen" in response.text
    after = requests.get(f"{provider.url}/api/v1/associations/V0001001", timeout=15)
    assert after.headers["ETag"] == before.headers["ETag"]


@pytest.fixture
def club(provider, agents) -> dict[str, Any]:
    primary, ordinary = fresh_insz(), fresh_insz()
    made = make_association(provider, reps=[(primary, True), (ordinary, False)])
    first, second = sign_in(provider, primary), sign_in(provider, ordinary)
    agents.extend([first, second])
    return {**made, "primary": first, "ordinary": second}


def test_errors_are_named_at_their_fields_and_nothing_changes(provider, club) -> None:
    agent, vcode = club["ordinary"], club["vcode"]
    url = f"{BASE}/{vcode}/basisgegevens"
    form = agent.get(url)
    response = post_form(agent, url, form, {
        "naam": club["naam"], "startdatum": "2999-01-01", "minimumleeftijd": "0",
        "maximumleeftijd": "151", "korteBeschrijving": HOSTILE})
    assert response.status_code == 200
    assert 'href="#startdatum"' in response.text and 'href="#maximumleeftijd"' in response.text
    assert "mag niet in de toekomst liggen" in response.text
    assert 'id="maximumleeftijd-error"' in response.text
    assert 'aria-describedby="maximumleeftijd-hint maximumleeftijd-error"' in response.text
    # what was typed stays, escaped
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text and HOSTILE not in response.text
    assert field_value(response, "startdatum") == "2999-01-01"
    detail = requests.get(f"{provider.url}/api/v1/associations/{vcode}", timeout=15).json()
    assert detail["versie"] == int(hidden(form, "version"))
    assert detail["korteBeschrijving"] is None

    contact_url = f"{BASE}/{vcode}/contactgegevens/nieuw"
    bad = post_form(agent, contact_url, agent.get(contact_url),
                    {"type": "Website", "waarde": "javascript:alert(1)"})
    assert bad.status_code == 200 and 'href="#waarde"' in bad.text
    assert "http:// of https://" in bad.text


def test_changes_through_the_forms(provider, club) -> None:
    agent, vcode = club["ordinary"], club["vcode"]
    url = f"{BASE}/{vcode}/contactgegevens/nieuw"
    done = post_form(agent, url, agent.get(url), {
        "type": "E-mail", "waarde": "bestuur@club.example", "beschrijving": HOSTILE,
        "isPrimair": "y"})
    assert done.status_code == 303
    overview = agent.follow(done)
    assert "Het contactgegeven is toegevoegd." in overview.text
    assert "bestuur@club.example" in overview.text and HOSTILE not in overview.text
    detail = requests.get(f"{provider.url}/api/v1/associations/{vcode}", timeout=15).json()
    contact = detail["contactgegevens"][0]
    assert contact["beschrijving"] == HOSTILE and contact["isPrimair"] is True

    areas = f"{BASE}/{vcode}/activiteiten"
    saved = post_form(agent, areas, agent.get(areas), {
        "hoofdactiviteiten": ["SPRT", "KECU"], "werkingsgebieden": [],
        "nieuwWerkingsgebied": "3999"})
    assert saved.status_code == 303
    detail = requests.get(f"{provider.url}/api/v1/associations/{vcode}", timeout=15).json()
    assert [a["code"] for a in detail["hoofdactiviteiten"]] == ["KECU", "SPRT"]
    assert [a["code"] for a in detail["werkingsgebieden"]] == ["BE24999002"]
    unknown = post_form(agent, areas, agent.get(areas), {
        "hoofdactiviteiten": ["SPRT"], "nieuwWerkingsgebied": "1234"})
    assert unknown.status_code == 200 and "Postcode 1234 is niet gekend" in unknown.text

    remove = f"{BASE}/{vcode}/contactgegevens/{contact['id']}/verwijderen"
    gone = post_form(agent, remove, agent.get(remove), {})
    assert gone.status_code == 303
    assert requests.get(f"{provider.url}/api/v1/associations/{vcode}",
                        timeout=15).json()["contactgegevens"] == []


def _detail(provider, vcode: str) -> dict[str, Any]:
    return requests.get(f"{provider.url}/api/v1/associations/{vcode}", timeout=15).json()


def test_a_stale_form_merges_the_fields_only_one_of_them_changed(provider, club) -> None:
    vcode = club["vcode"]
    url = f"{BASE}/{vcode}/basisgegevens"
    mine = club["ordinary"].get(url)           # tab 1 and tab 2 open the form …
    theirs = club["primary"].get(url)
    assert post_form(club["primary"], url, theirs, {   # … tab 2 saves a description
        "naam": club["naam"], "korteBeschrijving": "Hun tekst", "minimumleeftijd": "0",
        "maximumleeftijd": "150"}).status_code == 303
    saved = post_form(club["ordinary"], url, mine, {   # tab 1 saves a call name, later
        "naam": club["naam"], "roepnaam": "Mijn roepnaam", "minimumleeftijd": "0",
        "maximumleeftijd": "150"})
    assert saved.status_code == 303
    detail = _detail(provider, vcode)
    assert detail["roepnaam"] == "Mijn roepnaam" and detail["korteBeschrijving"] == "Hun tekst"
    overview = club["ordinary"].get(f"{BASE}/{vcode}")
    assert "Intussen had iemand anders ook iets gewijzigd (Korte beschrijving)" in overview.text


def test_a_clash_is_shown_field_by_field_and_saved_only_as_chosen(provider, club) -> None:
    vcode = club["vcode"]
    url = f"{BASE}/{vcode}/basisgegevens"
    mine = club["ordinary"].get(url)           # opened first …
    theirs = club["primary"].get(url)
    saved = post_form(club["primary"], url, theirs, {
        "naam": club["naam"], "roepnaam": "Hun roepnaam", "korteNaam": "HK",
        "minimumleeftijd": "0", "maximumleeftijd": "150"})
    assert saved.status_code == 303
    typed = {"naam": club["naam"], "roepnaam": "Mijn roepnaam", "korteBeschrijving": HOSTILE,
             "minimumleeftijd": "6", "maximumleeftijd": "12"}
    stale = post_form(club["ordinary"], url, mine, typed)   # … saved second
    assert stale.status_code == 200
    assert "Iemand anders heeft deze gegevens intussen gewijzigd" in stale.text
    assert "Eén veld veranderden jullie allebei" in stale.text
    assert 'name="botsingen" value="roepnaam"' in stale.text
    assert "Hun roepnaam" in stale.text and "Mijn roepnaam" in stale.text
    assert field_value(stale, "roepnaam") == "Mijn roepnaam"   # what was typed stays …
    assert field_value(stale, "korteNaam") == "HK"             # … beside what they saved
    assert field_value(stale, "minimumleeftijd") == "6"
    assert "&lt;img src=x onerror=alert(1)&gt;" in stale.text and HOSTILE not in stale.text
    detail = _detail(provider, vcode)                            # nothing saved yet
    assert detail["roepnaam"] == "Hun roepnaam" and detail["korteBeschrijving"] is None
    assert hidden(stale, "version") == str(detail["versie"])
    resend = {**typed, "korteNaam": "HK", "botsingen": "roepnaam"}
    # saving without choosing asks again and saves nothing
    unchosen = post_form(club["ordinary"], url, stale, resend)
    assert unchosen.status_code == 200 and "Kies welke waarde blijft" in unchosen.text
    assert 'href="#kies-roepnaam-hun"' in unchosen.text
    assert _detail(provider, vcode)["versie"] == detail["versie"]
    # keeping their value for the clashing field, mine for the rest
    kept = post_form(club["ordinary"], url, unchosen, {**resend, "kies-roepnaam": "hun"})
    assert kept.status_code == 303
    detail = _detail(provider, vcode)
    assert detail["roepnaam"] == "Hun roepnaam" and detail["korteNaam"] == "HK"
    assert detail["korteBeschrijving"] == HOSTILE and detail["doelgroep"]["minimumleeftijd"] == 6


def test_choosing_mine_overwrites_theirs_because_the_person_saw_it(provider, club) -> None:
    vcode = club["vcode"]
    url = f"{BASE}/{vcode}/basisgegevens"
    mine = club["ordinary"].get(url)
    theirs = club["primary"].get(url)
    post_form(club["primary"], url, theirs, {"naam": club["naam"], "roepnaam": "Hun",
                                              "minimumleeftijd": "0", "maximumleeftijd": "150"})
    typed = {"naam": club["naam"], "roepnaam": "Mijn", "minimumleeftijd": "0",
             "maximumleeftijd": "150"}
    stale = post_form(club["ordinary"], url, mine, typed)
    assert stale.status_code == 200
    chosen = post_form(club["ordinary"], url, stale,
                       {**typed, "botsingen": "roepnaam", "kies-roepnaam": "mijn"})
    assert chosen.status_code == 303
    assert _detail(provider, vcode)["roepnaam"] == "Mijn"


def test_a_stale_item_edit_merges_per_field(provider, club) -> None:
    vcode = club["vcode"]
    new = f"{BASE}/{vcode}/contactgegevens/nieuw"
    added = post_form(club["primary"], new, club["primary"].get(new), {
        "type": "E-mail", "waarde": "info@club.example"})
    assert added.status_code == 303
    item = _detail(provider, vcode)["contactgegevens"][0]["id"]
    edit = f"{BASE}/{vcode}/contactgegevens/{item}"
    mine, theirs = club["ordinary"].get(edit), club["primary"].get(edit)
    post_form(club["primary"], edit, theirs, {"type": "E-mail", "waarde": "info@club.example",
                                              "beschrijving": "secretariaat"})
    saved = post_form(club["ordinary"], edit, mine, {"type": "E-mail",
                                                     "waarde": "bestuur@club.example"})
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith("#contact")   # back at the part edited
    contact = _detail(provider, vcode)["contactgegevens"][0]
    assert (contact["waarde"], contact["beschrijving"]) == ("bestuur@club.example",
                                                            "secretariaat")
    # both change the value: a clash, nothing saved
    mine, theirs = club["ordinary"].get(edit), club["primary"].get(edit)
    post_form(club["primary"], edit, theirs, {"type": "E-mail", "waarde": "a@club.example",
                                              "beschrijving": "secretariaat"})
    clash = post_form(club["ordinary"], edit, mine, {"type": "E-mail", "waarde": "b@club.example",
                                                     "beschrijving": "secretariaat"})
    assert clash.status_code == 200 and 'name="botsingen" value="waarde"' in clash.text
    assert _detail(provider, vcode)["contactgegevens"][0]["waarde"] == "a@club.example"


def test_adding_an_item_on_a_stale_form_goes_through(provider, club) -> None:
    vcode = club["vcode"]
    new = f"{BASE}/{vcode}/contactgegevens/nieuw"
    form = club["ordinary"].get(new)
    basics = f"{BASE}/{vcode}/basisgegevens"
    post_form(club["primary"], basics, club["primary"].get(basics), {
        "naam": club["naam"], "roepnaam": "Intussen", "minimumleeftijd": "0",
        "maximumleeftijd": "150"})
    added = post_form(club["ordinary"], new, form, {"type": "Website",
                                                    "waarde": "https://club.example"})
    assert added.status_code == 303
    assert _detail(provider, vcode)["contactgegevens"][0]["waarde"] == "https://club.example"


def test_a_stale_edit_of_a_removed_item_offers_it_again(provider, club) -> None:
    vcode = club["vcode"]
    new = f"{BASE}/{vcode}/locaties/nieuw"
    post_form(club["primary"], new, club["primary"].get(new), {
        "type": "Activiteiten", "straatnaam": "Dorpsstraat", "huisnummer": "1",
        "postcode": "9999", "gemeente": "Groenbeek", "land": "België"})
    item = requests.get(f"{provider.url}/api/v1/associations/{vcode}",
                        timeout=15).json()["locaties"][0]["id"]
    edit = f"{BASE}/{vcode}/locaties/{item}"
    mine = club["ordinary"].get(edit)
    remove = f"{BASE}/{vcode}/locaties/{item}/verwijderen"
    assert post_form(club["primary"], remove, club["primary"].get(remove), {}).status_code == 303
    stale = post_form(club["ordinary"], edit, mine, {
        "type": "Activiteiten", "straatnaam": "Dorpsstraat", "huisnummer": "3",
        "postcode": "9999", "gemeente": "Groenbeek", "land": "België"})
    assert stale.status_code == 200 and "werd intussen verwijderd" in stale.text
    assert field_value(stale, "huisnummer") == "3"
    assert f'action="{BASE}/{vcode}/locaties/nieuw"' in stale.text


def test_only_a_primary_manages_representatives_in_the_forms(provider, club) -> None:
    vcode = club["vcode"]
    ordinary = club["ordinary"]
    overview = ordinary.get(f"{BASE}/{vcode}")
    assert "Vertegenwoordiger uitnodigen" not in overview.text
    assert ordinary.get(f"{BASE}/{vcode}/vertegenwoordigers/nieuw").status_code == 403
    assert ordinary.get(f"{BASE}/{vcode}/uitnodigen").status_code == 403
    primary_id, ordinary_id = club["reps"]
    assert ordinary.get(f"{BASE}/{vcode}/vertegenwoordigers/{primary_id}").status_code == 403
    remove = f"{BASE}/{vcode}/vertegenwoordigers/{primary_id}/verwijderen"
    assert ordinary.get(remove).status_code == 403
    own = ordinary.get(f"{BASE}/{vcode}/vertegenwoordigers/{ordinary_id}")
    assert own.status_code == 200

    primary = club["primary"]
    last = f"{BASE}/{vcode}/vertegenwoordigers/{primary_id}/verwijderen"
    refused = post_form(primary, last, primary.get(last), {})
    assert refused.status_code == 200 and "laatste primaire vertegenwoordiger" in refused.text
    # adding a representative is inviting one (tests/register/test_invitations.py)
    invite = f"{BASE}/{vcode}/uitnodigen"
    newcomer = fresh_insz()
    missing = post_form(primary, invite, primary.get(invite), {"insz": newcomer})
    assert missing.status_code == 200 and 'href="#email"' in missing.text
    invited = post_form(primary, invite, missing, {"insz": newcomer, "voornaam": "Nieuwe",
                                                   "achternaam": "Kracht",
                                                   "email": "nieuw@club.example"})
    assert invited.status_code == 303
    page = primary.follow(invited).text
    assert "Nieuwe Kracht" in page and "Wacht op antwoord" in page


def test_mijn_gegevens_download_and_access_overview(provider, agents) -> None:
    agent = sign_in(provider, JAN)
    agents.append(agent)
    page = agent.get("/mijn-gegevens")
    assert page.status_code == 200 and "Wie keek je gegevens in?" in page.text
    start = last_audit_seq(provider)
    download = post_form(agent, "/mijn-gegevens/download", page, {})
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("application/json")
    data = json.loads(download.text)
    # the demo's two associations, and any that tests before this one registered with Jan
    assert data["persoon"]["insz"] == JAN
    assert {"V0001001", "V0001002"} <= {r["vereniging"]["vCode"]
                                        for r in data["alsVertegenwoordiger"]}
    assert audit_rows(provider, start, operation="privacy-export")[0]["subject"] == \
        person_sub(provider, JAN)
    assert "al je gegevens gedownload" in agent.get("/mijn-gegevens").text
    # reading one's own overview is itself an entry about oneself, shown the next time
    [own, *_] = audit_rows(provider, start, operation="access-overview-read")
    assert own["subject"] == person_sub(provider, JAN) and own["capacity"] == "BUR"
    assert "je toegangsoverzicht bekeken" in agent.get("/mijn-gegevens").text
    without_token = agent.post("/mijn-gegevens/download", data={})
    assert without_token.status_code == 400


def test_the_history_says_which_fields_changed_by_whom_in_which_capacity(provider,
                                                                          club) -> None:
    vcode = club["vcode"]
    url = f"{BASE}/{vcode}/basisgegevens"
    post_form(club["primary"], url, club["primary"].get(url), {
        "naam": club["naam"], "roepnaam": HOSTILE, "minimumleeftijd": "6",
        "maximumleeftijd": "150"})
    overview = club["ordinary"].get(f"{BASE}/{vcode}")
    history = overview.text[overview.text.index('id="geschiedenis"'):]
    assert "Basisgegevens gewijzigd" in history
    assert "Roepnaam: — " in history and "&lt;img src=x onerror=alert(1)&gt;" in history
    assert HOSTILE not in overview.text
    assert "Doelgroep: 0 tot 150 jaar" in history and "6 tot 150 jaar" in history
    assert "Test0 Vertegenwoordiger" in history and "vertegenwoordiger" in history


def test_a_primary_representative_stops_the_association_in_a_form(provider, club) -> None:
    vcode = club["vcode"]
    url = f"{BASE}/{vcode}/stopzetten"
    assert club["ordinary"].get(url).status_code == 403
    assert "Vereniging stopzetten" not in club["ordinary"].get(f"{BASE}/{vcode}").text
    form = club["primary"].get(url)
    assert form.status_code == 200
    unconfirmed = post_form(club["primary"], url, form, {"einddatum": "2026-01-01"})
    assert unconfirmed.status_code == 200 and "Vink aan dat de vereniging gestopt is" in \
        unconfirmed.text
    future = post_form(club["primary"], url, form, {"einddatum": "2999-01-01", "bevestig": "y"})
    assert future.status_code == 200 and "mag niet in de toekomst liggen" in future.text
    assert _detail(provider, vcode)["status"] == "Actief"
    done = post_form(club["primary"], url, form, {"einddatum": "2026-01-01", "bevestig": "y"})
    assert done.status_code == 303
    overview = club["ordinary"].get(f"{BASE}/{vcode}")
    assert "is gestopt sinds 2026-01-01" in overview.text
    assert "Basisgegevens wijzigen" not in overview.text and "toevoegen</a>" not in overview.text
    assert "Vereniging gestopt" in overview.text   # in the history
    basics = f"{BASE}/{vcode}/basisgegevens"
    refused = post_form(club["ordinary"], basics, club["ordinary"].get(basics), {
        "naam": club["naam"], "roepnaam": "Toch", "minimumleeftijd": "0",
        "maximumleeftijd": "150"})
    assert refused.status_code == 200 and "kunnen niet meer gewijzigd worden" in refused.text
    assert requests.get(f"{provider.url}/api/v1/associations/{vcode}",
                        timeout=15).status_code == 404


def test_a_non_primary_representative_sees_the_others_insz_masked(provider, club) -> None:
    vcode = club["vcode"]
    ordinary = club["ordinary"].get(f"{BASE}/{vcode}")
    primary = club["primary"].get(f"{BASE}/{vcode}")
    assert ordinary.text.count("••.••.••-•••.") == 1   # the primary's; their own in full
    assert "••.••.••-•••." not in primary.text


def test_a_stale_location_edit_is_cleaned_as_a_fresh_one(provider, club) -> None:
    """The merge sees what the change would save: an emptied municipality is filled from the
    postcode there too, not refused."""
    vcode = club["vcode"]
    new = f"{BASE}/{vcode}/locaties/nieuw"
    post_form(club["primary"], new, club["primary"].get(new), {
        "type": "Activiteiten", "straatnaam": "Dorpsstraat", "huisnummer": "1",
        "postcode": "9999", "gemeente": "Groenbeek", "land": "België"})
    item = _detail(provider, vcode)["locaties"][0]["id"]
    edit = f"{BASE}/{vcode}/locaties/{item}"
    mine, theirs = club["ordinary"].get(edit), club["primary"].get(edit)
    post_form(club["primary"], edit, theirs, {
        "type": "Activiteiten", "naam": "Sporthal", "straatnaam": "Dorpsstraat",
        "huisnummer": "1", "postcode": "9999", "gemeente": "Groenbeek", "land": "België"})
    saved = post_form(club["ordinary"], edit, mine, {
        "type": "Activiteiten", "straatnaam": "Dorpsstraat", "huisnummer": "2",
        "postcode": "9999", "gemeente": "", "land": "België"})
    assert saved.status_code == 303, saved.text[:300]
    location = _detail(provider, vcode)["locaties"][0]
    assert (location["naam"], location["adres"]["huisnummer"],
            location["adres"]["gemeente"]) == ("Sporthal", "2", "Groenbeek")


@pytest.mark.parametrize("version", ["²", "٣", "-1"])
def test_a_version_in_other_digits_is_a_stale_form_not_an_error(provider, club,
                                                               version) -> None:
    agent, vcode = club["ordinary"], club["vcode"]
    url = f"{BASE}/{vcode}/basisgegevens"
    response = post_form(agent, url, agent.get(url), {
        "version": version, "naam": club["naam"], "roepnaam": "Nieuw",
        "minimumleeftijd": "0", "maximumleeftijd": "150"})
    assert response.status_code == 200, response.text[:300]
    assert 'id="stale-notice"' in response.text
    detail = requests.get(f"{provider.url}/api/v1/associations/{vcode}", timeout=15).json()
    assert detail["roepnaam"] != "Nieuw"


def test_onze_gegevens_shows_the_recognitions_escaped_in_its_language(provider, agents) -> None:
    club = make_association(provider, reps=[(JAN, True)])
    [(assoc_id,)] = provider.sql("SELECT id FROM associations WHERE vcode = :v",
                                 {"v": club["vcode"]})
    provider.sql(
        "INSERT INTO recognitions (association_id, product_id, product_key, client_id, "
        "organisation, startdatum, einddatum, hernieuwingsdatum, hernieuwings_url, "
        "reden_schorsing, status, created_at, updated_at) VALUES (:a, 'GB-ERKENNING', "
        "'gb-erkenning', 'catalog-groenbeek', 'Gemeente Groenbeek', '2024-01-01', '2099-12-31', "
        "'2099-10-01', 'https://www.groenbeek.example/hernieuwen', :why, 'Geschorst', 0, 0)",
        {"a": assoc_id, "why": HOSTILE})
    agent = sign_in(provider, JAN)
    agents.append(agent)
    page = agent.get(f"{BASE}/{club['vcode'].lower()}?lang=fr")
    assert page.status_code == 200
    for text in ("Agréments", "GB-ERKENNING", "Gemeente Groenbeek", "suspendu",
                 "01/01/2024", "31/12/2099", "avant le 01/10/2099",
                 'href="https://www.groenbeek.example/hernieuwen"', html.escape(HOSTILE)):
        assert text in page.text, text
    assert HOSTILE not in page.text


def test_berichten_read_archive_and_email_choices_without_lost_changes(provider, agents) -> None:
    club = make_association(provider, reps=[(JAN, True)])
    vcode = club["vcode"]
    sender = f"sender-{vcode.lower()}"
    secret = provider.add_client(sender, "--grant-type", "client_credentials",
                                 "--scope", "messages:publish", "--organisation", "Gemeente X")
    token = requests.post(f"{provider.url}/oidc/token", data={"grant_type": "client_credentials"},
                          auth=(sender, secret), timeout=15).json()["access_token"]
    sent = requests.post(f"{provider.url}/api/v1/messages", headers={
        "Authorization": f"Bearer {token}"}, json={
        "categorie": "evenement", "titel": HOSTILE, "tekst": "Regel een\nRegel twee",
        "doelgroep": {"verenigingen": [vcode]}}, timeout=15)
    assert sent.status_code == 201, sent.text
    mid = sent.json()["id"]
    agent = sign_in(provider, JAN)
    agents.append(agent)
    overview = agent.get(f"{BASE}/{vcode.lower()}")
    assert "1 ongelezen" in overview.text
    url = f"{BASE}/{vcode.lower()}/berichten"
    page = agent.get(url)
    assert page.status_code == 200
    assert html.escape(HOSTILE) in page.text and HOSTILE not in page.text
    assert "Gemeente X" in page.text and "Nieuw" in page.text
    # a form without its CSRF token changes nothing
    assert agent.post(url, data={"m-message": str(mid), "m-action": "read"}).status_code == 400
    moved = agent.post(url, data={"m-csrf_token": hidden(page, "m-csrf_token"),
                                  "m-message": str(mid), "m-action": "archive"})
    assert moved.status_code == 303 and moved.headers["Location"].endswith(f"#m{mid}")
    assert "Er zijn geen berichten" in agent.follow(moved).text
    assert f'id="m{mid}"' in agent.get(f"{url}?archief=1").text
    # e-mail choices: saved; a second tab with the old page is told, and changes nothing
    page = agent.get(url)
    form = {"e-csrf_token": hidden(page, "e-csrf_token"), "e-seen": hidden(page, "e-seen")}
    saved = agent.post(url, data={**form, "e-subsidie": "meteen"})
    assert saved.status_code == 303
    assert "Je e-mailkeuzes zijn bewaard." in agent.follow(saved).text
    stale = agent.post(url, data={**form, "e-subsidie": "", "e-info": "dagelijks"})
    assert stale.status_code == 409 and "intussen elders gewijzigd" in stale.text
    assert re.search(r'<option value="meteen" selected>', stale.text)
    rows = provider.sql("SELECT p.category, p.mode FROM message_mail_preferences p JOIN "
                        "representatives r ON r.id = p.representative_id JOIN associations a "
                        "ON a.id = r.association_id WHERE a.vcode = :v", {"v": vcode})
    assert [tuple(r) for r in rows] == [("subsidie", "meteen")]


def test_berichten_to_a_citizen_and_to_a_company_on_their_own_pages(provider, agents) -> None:
    """Messages to a person (INSZ) or a company (KBO) are read in Mijn Verenigingsloket too:
    on the person's own page and on the company's, for those who hold its mandate only; no
    e-mail choices there (those are a representative's)."""
    sender = f"sender-bur-{fresh_insz()[-6:]}"
    secret = provider.add_client(sender, "--grant-type", "client_credentials",
                                 "--scope", "messages:publish", "--organisation", "Gemeente Y")
    token = requests.post(f"{provider.url}/oidc/token", data={"grant_type": "client_credentials"},
                          auth=(sender, secret), timeout=15).json()["access_token"]
    sent = {}
    for name, target in (("an", {"personen": [AN]}), ("bouw", {"ondernemingen": [PEETERS_BOUW]})):
        answer = requests.post(f"{provider.url}/api/v1/messages", headers={
            "Authorization": f"Bearer {token}"}, json={
            "categorie": "info", "titel": f"{HOSTILE} {name}", "tekst": "Voor jou.",
            "doelgroep": target}, timeout=15)
        assert answer.status_code == 201, answer.text
        sent[name] = answer.json()["id"]

    an = sign_in(provider, AN)
    agents.append(an)
    index = an.get(BASE)
    assert 'href="/mijn-verenigingsloket/berichten"' in index.text
    assert re.search(r"\d+ nieuwe? bericht", index.text)
    url = f"{BASE}/berichten"
    page = an.get(url)
    assert page.status_code == 200
    assert html.escape(f"{HOSTILE} an") in page.text and "<img src=x" not in page.text
    assert "Gemeente Y" in page.text and "Op je eigen naam" in page.text
    assert "bouw" not in page.text and 'id="email-keuzes"' not in page.text
    read = an.post(url, data={"m-csrf_token": hidden(page, "m-csrf_token"),
                              "m-message": str(sent["an"]), "m-action": "read"})
    assert read.status_code == 303 and read.headers["Location"].endswith(f"#m{sent['an']}")
    assert "Markeer als ongelezen" in an.follow(read).text
    # a company's messages: not for An, who holds no mandate for it
    company = f"{BASE}/ondernemingen/{PEETERS_BOUW}/berichten"
    assert an.get(company).status_code == 403
    assert an.get(f"{BASE}/ondernemingen/123/berichten").status_code == 403

    since = last_audit_seq(provider)
    jan = sign_in(provider, JAN)
    agents.append(jan)
    assert f'href="/mijn-verenigingsloket/ondernemingen/{PEETERS_BOUW}/berichten"' in \
        jan.get(BASE).text
    page = jan.get(company)
    assert page.status_code == 200 and "Peeters Bouw BV" in page.text
    assert html.escape(f"{HOSTILE} bouw") in page.text
    assert html.escape(f"{HOSTILE} an") not in page.text
    assert audit_rows(provider, since, operation="messages-read",
                      capacity=f"EA:{PEETERS_BOUW}")
