"""Mijn Verenigingsloket in French, German and English: the landing page, "Onze gegevens" and a
form with its refusals in the page's language (the browser's Accept-Language, or ?lang=), the
register's own names kept, values escaped inside translated sentences, and times written as
each language writes them."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from support.agent import Agent
from support.register import HOSTILE, fresh_insz, make_association

BASE = "/mijn-verenigingsloket"
# How each language asks: a browser's Accept-Language, or the language switch's ?lang=.
ASKED = [("fr", {"headers": {"Accept-Language": "fr-BE,fr;q=0.9,nl;q=0.5"}}),
         ("de", {"params": {"lang": "de"}}),
         ("en", {"headers": {"Accept-Language": "en-GB,en;q=0.8"}}),
         ("fr", {"params": {"lang": "fr"}, "headers": {"Accept-Language": "de"}}),
         ("nl", {})]
TIMES = {"nl": r"\d\d-\d\d-\d{4} \d\d:\d\d", "fr": r"\d\d/\d\d/\d{4} \d\d:\d\d",
         "de": r"\d\d\.\d\d\.\d{4} \d\d:\d\d", "en": r"\d\d/\d\d/\d{4} \d\d:\d\d"}


def sign_in(provider, insz: str) -> Agent:
    agent = Agent(provider.url)
    home = agent.submit_login(agent.get("/aanmelden"), insz)
    assert home.status_code == 200, home.text[:300]
    return agent


def hidden(page: requests.Response, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page.text) or \
        re.search(rf'value="([^"]*)"[^>]*name="{name}"', page.text)
    assert match, f"no {name} in the form"
    return html.unescape(match.group(1))


def lang_of(page: requests.Response) -> str:
    match = re.search(r'<html lang="(\w+)"', page.text)
    assert match, page.text[:200]
    return match.group(1)


def text_of(page: requests.Response) -> str:
    """The page's text as a person reads it (tags out, entities and spaces resolved)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


@pytest.fixture
def club(provider) -> Iterator[dict[str, Any]]:
    primary = fresh_insz()
    made = make_association(provider, reps=[(primary, True)])
    agent = sign_in(provider, primary)
    yield {**made, "agent": agent}
    agent.http.close()


LANDING = {"nl": ("Verenigingen die je vertegenwoordigt", "Vereniging registreren"),
           "fr": ("Associations que vous représentez", "Enregistrer une association"),
           "de": ("Vereine, die Sie vertreten", "Verein registrieren"),
           "en": ("Associations you represent", "Register an association")}
OVERVIEW = {"nl": ("Onze gegevens", "Basisgegevens", "Vertegenwoordiger uitnodigen",
                   "Vereniging geregistreerd", "Feitelijke vereniging"),
            "fr": ("Nos données", "Données de base", "Inviter un représentant",
                   "Association enregistrée", "Association de fait"),
            "de": ("Unsere Daten", "Basisdaten", "Vertreter einladen", "Verein registriert",
                   "Faktischer Verein"),
            "en": ("Our details", "Basic details", "Invite a representative",
                   "Association registered", "De facto association")}


@pytest.mark.parametrize(("lang", "asked"), ASKED)
def test_the_landing_page_and_onze_gegevens_speak_the_page_language(
        provider, club, lang: str, asked: dict[str, Any]) -> None:
    agent, vcode, naam = club["agent"], club["vcode"], club["naam"]
    landing = agent.get(BASE, **asked)
    assert landing.status_code == 200 and lang_of(landing) == lang
    assert landing.headers["Content-Language"] == lang
    text = text_of(landing)
    for expected in LANDING[lang]:
        assert expected in text, (lang, expected)
    assert "Mijn Verenigingsloket" in text  # the product's name is never translated

    page = agent.get(f"{BASE}/{vcode}", **asked)
    assert page.status_code == 200 and lang_of(page) == lang
    text = text_of(page)
    for expected in OVERVIEW[lang]:
        assert expected in text, (lang, expected)
    assert naam in text and vcode in text
    # the history's times, as the language writes them (Belgian time)
    history = page.text[page.text.index('id="geschiedenis"'):]
    assert re.search(rf'data-label="[^"]+">{TIMES[lang]}</td>', history), history[:600]


@pytest.mark.parametrize(("lang", "asked"), ASKED)
def test_a_refused_form_names_its_problems_in_the_page_language(
        provider, club, lang: str, asked: dict[str, Any]) -> None:
    agent, vcode = club["agent"], club["vcode"]
    url = f"{BASE}/{vcode}/basisgegevens"
    form = agent.get(url, **asked)
    assert lang_of(form) == lang
    answer = agent.post(url, **asked, data={
        "csrf_token": hidden(form, "csrf_token"), "version": hidden(form, "version"),
        "naam": club["naam"], "startdatum": "2999-01-01", "minimumleeftijd": "0",
        "maximumleeftijd": "151"})
    assert answer.status_code == 200 and lang_of(answer) == lang
    text = text_of(answer)
    expected = {
        "nl": ("Er is een probleem", "Startdatum: mag niet in de toekomst liggen.",
               "Maximumleeftijd: moet tussen 0 en 150 liggen (niet 151).",
               "Mag niet in de toekomst liggen.", "Fout:"),
        "fr": ("Il y a un problème", "Date de début : ne peut pas être dans le futur.",
               "Âge maximum : doit être compris entre 0 et 150 (pas 151).",
               "Ne peut pas être dans le futur.", "Erreur :"),
        "de": ("Es gibt ein Problem", "Startdatum: darf nicht in der Zukunft liegen.",
               "Höchstalter: muss zwischen 0 und 150 liegen (nicht 151).",
               "Darf nicht in der Zukunft liegen.", "Fehler:"),
        "en": ("There is a problem", "Start date: may not be in the future.",
               "Maximum age: must be between 0 and 150 (not 151).",
               "May not be in the future.", "Error:"),
    }[lang]
    for part in expected:
        assert part in text, (lang, part)
    assert 'href="#startdatum"' in answer.text and 'id="maximumleeftijd-error"' in answer.text


@pytest.mark.parametrize(("lang", "sentence"), [
    ("nl", "Dit is alles wat de overheid over {name} weet."),
    ("fr", "Voici tout ce que les pouvoirs publics savent de {name}."),
    ("de", "Das ist alles, was die Behörden über {name} wissen."),
    ("en", "This is everything the government knows about {name}."),
])
def test_a_hostile_name_stays_escaped_inside_a_translated_sentence(
        provider, lang: str, sentence: str) -> None:
    primary = fresh_insz()
    made = make_association(provider, reps=[(primary, True)], naam=HOSTILE)
    agent = sign_in(provider, primary)
    try:
        page = agent.get(f"{BASE}/{made['vcode']}", params={"lang": lang})
    finally:
        agent.http.close()
    assert page.status_code == 200 and lang_of(page) == lang
    escaped = "&lt;img src=x onerror=alert(1)&gt;"
    assert sentence.format(name=escaped) in " ".join(page.text.split())
    assert HOSTILE not in page.text


@pytest.mark.parametrize("lang", ["nl", "fr", "de", "en"])
def test_mijn_gegevens_writes_its_times_and_operations_in_the_page_language(
        provider, club, lang: str) -> None:
    agent = club["agent"]
    agent.get(f"{BASE}/{club['vcode']}")  # the representative's own read of Onze gegevens
    agent.get("/mijn-gegevens")  # reading it once leaves an entry for the next time
    page = agent.get("/mijn-gegevens", params={"lang": lang})
    assert page.status_code == 200 and lang_of(page) == lang
    expected = {"nl": ("Wie keek je gegevens in?", "jijzelf", "je toegangsoverzicht bekeken",
                       "vertegenwoordiger bekijkt 'Onze gegevens'"),
                "fr": ("Qui a consulté vos données ?", "vous-même",
                       "aperçu de vos accès consulté",
                       "un représentant consulte « Nos données »"),
                "de": ("Wer hat Ihre Daten eingesehen?", "Sie selbst",
                       "Ihre Zugriffsübersicht angesehen",
                       "ein Vertreter sieht sich „Unsere Daten“ an"),
                "en": ("Who looked at your data?", "you", "looked at your access overview",
                       "a representative looks at 'Our details'")}[lang]
    text = text_of(page)
    for part in expected:
        assert part in text, (lang, part)
    assert re.search(rf'<time datetime="[^"]+">{TIMES[lang]}</time>', page.text)
