"""The register's value checks, without Flask or a database: each refusal names its field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loket.register import search
from loket.register.validation import (
    InvalidRecord,
    check_basics,
    check_contact,
    check_location,
    check_registration,
    check_representative,
    is_http_url,
)

TODAY = date(2026, 11, 30)
CODES = {"SPRT", "JGDW"}
AREAS = {"BE23999001", "BE23"}


def fields_of(exc: pytest.ExceptionInfo[InvalidRecord]) -> list[str]:
    return [p.field for p in exc.value.problems]


@pytest.mark.parametrize("url, ok", [
    ("https://club.example", True), ("http://club.example/a?b=c", True),
    ("javascript:alert(1)", False), ("ftp://club.example", False), ("club.example", False),
    ("https://", False), ("https://user:pw@club.example", False), ("https://club .example", False),
    ("data:text/html,<script>", False), ("https://localhost", False),
])
def test_urls_are_http_or_https_with_a_host(url: str, ok: bool) -> None:
    assert is_http_url(url) is ok


@pytest.mark.parametrize("data, field", [
    ({"type": "E-mail", "waarde": "a@b"}, "waarde"),
    ({"type": "E-mail", "waarde": "a b@c.be"}, "waarde"),
    ({"type": "Telefoon", "waarde": "12"}, "waarde"),
    ({"type": "Telefoon", "waarde": "09 123 45 67 x"}, "waarde"),
    ({"type": "SocialMedia", "waarde": "@fcgroenbeek"}, "waarde"),
    ({"type": "Fax", "waarde": "x"}, "type"),
    ({"type": "E-mail", "waarde": ""}, "waarde"),
    ({"type": "E-mail", "waarde": "a@b.be", "beschrijving": "x" * 201}, "beschrijving"),
    ({"type": "E-mail", "waarde": "a@b.be", "isPrimair": "misschien"}, "isPrimair"),
    ({"type": "E-mail", "waarde": "a@b.be", "kleur": "rood"}, "kleur"),
    ({"type": "E-mail", "waarde": "a@b.be\x00"}, "waarde"),
])
def test_contact_refusals_name_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRecord) as exc:
        check_contact(data)
    assert field in fields_of(exc)


def test_a_good_contact_is_cleaned() -> None:
    assert check_contact({"type": "Telefoon", "waarde": " +32 9 123 45 67 ",
                          "isPrimair": True}) == {
        "type": "Telefoon", "waarde": "+32 9 123 45 67", "beschrijving": None,
        "is_primair": True}


def test_every_problem_of_a_location_is_listed() -> None:
    with pytest.raises(InvalidRecord) as exc:
        check_location({"type": "Kantoor", "adres": {"straatnaam": "", "huisnummer": "a1",
                                                     "postcode": "123", "gemeente": ""}})
    assert fields_of(exc) == ["type", "adres.straatnaam", "adres.huisnummer", "adres.postcode",
                              "adres.gemeente"]


def test_a_location_abroad_keeps_its_own_postcode() -> None:
    cleaned = check_location({"type": "Correspondentie", "adres": {
        "straatnaam": "Rue de la Loi", "huisnummer": "s/n", "postcode": "F-59000",
        "gemeente": "Lille", "land": "Frankrijk"}})
    assert cleaned["postcode"] == "F-59000" and cleaned["land"] == "Frankrijk"
    assert check_location({"type": "Activiteiten", "adres": {
        "straatnaam": "Kerkstraat", "huisnummer": "1", "postcode": "9000", "gemeente": "Gent",
        "land": "belgium"}})["land"] == "België"


@pytest.mark.parametrize("data, field", [
    ({"startdatum": "2026-12-01"}, "startdatum"),
    ({"startdatum": "2026-02-30"}, "startdatum"),
    ({"startdatum": "01/02/2003"}, "startdatum"),
    ({"doelgroep": {"maximumleeftijd": 151}}, "doelgroep.maximumleeftijd"),
    ({"doelgroep": {"minimumleeftijd": -1}}, "doelgroep.minimumleeftijd"),
    ({"doelgroep": {"minimumleeftijd": True}}, "doelgroep.minimumleeftijd"),
    ({"doelgroep": {"minimumleeftijd": 30, "maximumleeftijd": 20}},
     "doelgroep.minimumleeftijd"),
    ({"doelgroep": {"gemiddeld": 3}}, "doelgroep.gemiddeld"),
    ({"hoofdactiviteiten": ["SPRT", "NOPE"]}, "hoofdactiviteiten"),
    ({"hoofdactiviteiten": "SPRT"}, "hoofdactiviteiten"),
    ({"werkingsgebieden": ["BE99"]}, "werkingsgebieden"),
    ({"naam": "   "}, "naam"),
    ({"korteNaam": "x" * 101}, "korteNaam"),
])
def test_basics_refusals_name_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRecord) as exc:
        check_basics(data, current_min=0, current_max=150, today=TODAY, activities=CODES,
                     areas=AREAS)
    assert field in fields_of(exc)


def test_basics_merge_one_age_with_the_current_other() -> None:
    cleaned = check_basics({"doelgroep": {"maximumleeftijd": "18"}, "startdatum": "2026-11-30",
                            "hoofdactiviteiten": ["sprt", "SPRT"]}, current_min=6,
                           current_max=150, today=TODAY, activities=CODES, areas=AREAS)
    assert cleaned == {"min_leeftijd": 6, "max_leeftijd": 18, "startdatum": "2026-11-30",
                       "hoofdactiviteiten": ["SPRT"]}


@pytest.mark.parametrize("data, field", [
    ({"naam": "X", "verenigingstype": "FV", "kboNummer": "0412345614"}, "kboNummer"),
    ({"naam": "X", "verenigingstype": "VZER", "kboNummer": "0412345614"}, "kboNummer"),
    ({"naam": "X", "verenigingstype": "VZW"}, "kboNummer"),
    ({"naam": "X", "verenigingstype": "VZW", "kboNummer": "0412345615"}, "kboNummer"),
    ({"naam": "X", "verenigingstype": "BV"}, "verenigingstype"),
    ({"naam": "X", "status": "Slapend"}, "status"),
    ({"naam": ""}, "naam"),
])
def test_registration_types_and_kbo(data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRecord) as exc:
        check_registration(data, TODAY)
    assert field in fields_of(exc)


def test_a_vzw_has_a_checked_kbo_number() -> None:
    cleaned = check_registration({"naam": "X", "verenigingstype": "VZW",
                                  "kboNummer": "0412.345.614"}, TODAY)
    assert cleaned["kbo"] == "0412345614"


def test_representatives() -> None:
    with pytest.raises(InvalidRecord) as exc:
        check_representative({"insz": "12345678901", "email": "x", "telefoon": "1"}, new=True)
    assert fields_of(exc) == ["insz", "email", "telefoon"]
    with pytest.raises(InvalidRecord) as exc:
        check_representative({"insz": "85073003328"}, new=False)
    assert fields_of(exc) == ["insz"]  # the person a representation is about never changes
    cleaned = check_representative({"insz": "85.07.30-033.28", "isPrimair": True}, new=True)
    assert cleaned["insz"] == "85073003328" and cleaned["is_primair"] is True


@given(st.text(max_size=300))
def test_any_text_query_becomes_safe_prefix_terms(text: str) -> None:
    terms = search.terms(text)
    assert len(terms) <= search.MAX_TERMS
    for term in terms:
        assert term and term.isalnum() and term == term.casefold() and len(term) <= 40
        assert '"' not in term and ":" not in term and "&" not in term


def test_query_terms_fold_accents() -> None:
    assert search.terms("Café  Zéphyr-Noël's 2e") == ["cafe", "zephyr", "noel", "s", "2e"]


def test_a_refusal_says_why_in_every_language_with_its_values_filled_in() -> None:
    with pytest.raises(InvalidRecord) as exc:
        check_basics({"naam": "x" * 301, "doelgroep": {"maximumleeftijd": 151}}, current_min=0,
                     current_max=150, today=TODAY, activities=CODES, areas=AREAS)
    first = exc.value.problems[0]
    assert first.message_in("nl") == "mag hoogstens 300 tekens lang zijn (nu 301)."
    assert first.message_in("fr") == "peut compter au maximum 300 caractères (actuellement 301)."
    assert first.message_in("de") == "darf höchstens 300 Zeichen lang sein (jetzt 301)."
    assert first.message_in("en") == "may be at most 300 characters long (now 301)."
    # the API's answer: the code stays, the text follows the caller's language, Dutch by default
    assert exc.value.to_dict()["detail"] == "naam: mag hoogstens 300 tekens lang zijn (nu 301)."
    german = exc.value.to_dict("de")
    assert german["error"] == "invalid_field" and german["field"] == "naam"
    assert german["problems"][1] == {"field": "doelgroep.maximumleeftijd",
                                     "detail": "muss zwischen 0 und 150 liegen (nicht 151)."}
    assert exc.value.detail_in("en") == "naam: may be at most 300 characters long (now 301)."
