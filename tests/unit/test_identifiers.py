"""INSZ, KBO and vCode checks, with property-based tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loket.identifiers import (
    InvalidIdentifier,
    format_kbo,
    format_vcode,
    insz_birth_date,
    insz_checksum_ok,
    make_insz,
    make_kbo,
    parse_insz,
    parse_kbo,
    parse_vcode,
)

DEMO_INSZ = ["85073003328", "92021411256", "79050124561"]


@pytest.mark.parametrize("insz", DEMO_INSZ)
def test_demo_persons_have_valid_insz(insz: str) -> None:
    assert parse_insz(insz) == insz


def test_insz_accepts_separators() -> None:
    assert parse_insz("85.07.30-033.28") == "85073003328"
    assert parse_insz(" 85 07 30 033 28 ") == "85073003328"


@pytest.mark.parametrize("value, message", [
    ("85073003329", "controlegetal"),
    ("8507300332", "11 cijfers"),
    ("850730033280", "11 cijfers"),
    ("8507300332a", "alleen cijfers"),
    ("８５０７３００３３２８", "alleen cijfers"),  # full-width digits are not ASCII digits
    ("", "Vul het rijksregisternummer in"),
    ("1" * 100, "te lang"),
])
def test_insz_rejects_with_a_clear_message(value: str, message: str) -> None:
    with pytest.raises(InvalidIdentifier) as exc:
        parse_insz(value)
    assert message in exc.value.message


def test_insz_rejects_non_text() -> None:
    with pytest.raises(InvalidIdentifier):
        parse_insz(85073003328)


dates = st.dates().map(lambda d: d.strftime("%y%m%d"))


@given(birth=dates, serial=st.integers(1, 998), after_2000=st.booleans())
def test_made_insz_always_parses(birth: str, serial: int, after_2000: bool) -> None:
    insz = make_insz(birth, serial, after_2000)
    assert parse_insz(insz) == insz


@given(birth=st.dates(min_value=__import__("datetime").date(1900, 1, 1),
                      max_value=__import__("datetime").date(2099, 12, 31)),
       serial=st.integers(1, 998))
def test_birth_date_round_trips(birth, serial: int) -> None:
    insz = make_insz(birth.strftime("%y%m%d"), serial, birth.year >= 2000)
    if insz_checksum_ok(insz):
        assert insz_birth_date(insz) == birth


@given(birth=dates, serial=st.integers(1, 998), position=st.integers(0, 10),
       delta=st.integers(1, 9))
def test_single_digit_change_breaks_the_checksum_of_its_century(birth: str, serial: int,
                                                                position: int, delta: int) -> None:
    insz = make_insz(birth, serial)  # a pre-2000 number
    digit = (int(insz[position]) + delta) % 10
    changed = insz[:position] + str(digit) + insz[position + 1:]
    assert 97 - int(changed[:9]) % 97 != int(changed[9:])


def test_bis_numbers_are_accepted() -> None:
    bis = make_insz("852730", 33)  # month + 20
    assert parse_insz(bis) == bis


def test_demo_company_kbo() -> None:
    assert parse_kbo("0412.345.614") == "0412345614"
    assert parse_kbo("BE0412345614") == "0412345614"
    assert format_kbo("0412345614") == "0412.345.614"


@pytest.mark.parametrize("value, message", [
    ("0412.345.615", "controlegetal"),
    ("2412345614", "begint met 0 of 1"),
    ("041234561", "10 cijfers"),
])
def test_kbo_rejects(value: str, message: str) -> None:
    with pytest.raises(InvalidIdentifier) as exc:
        parse_kbo(value)
    assert message in exc.value.message


@given(body=st.integers(0, 19_999_999))
def test_made_kbo_always_parses_and_formats(body: int) -> None:
    kbo = make_kbo(body)
    assert parse_kbo(kbo) == kbo
    assert parse_kbo(format_kbo(kbo)) == kbo


@given(body=st.integers(0, 19_999_999), position=st.integers(0, 9), delta=st.integers(1, 9))
def test_kbo_single_digit_change_is_caught(body: int, position: int, delta: int) -> None:
    kbo = make_kbo(body)
    changed = kbo[:position] + str((int(kbo[position]) + delta) % 10) + kbo[position + 1:]
    with pytest.raises(InvalidIdentifier):
        parse_kbo(changed)


def test_vcode() -> None:
    assert parse_vcode("v0001001") == "V0001001"
    assert parse_vcode(" V0001003 ") == "V0001003"
    assert format_vcode(1001) == "V0001001"


@pytest.mark.parametrize("value", ["V000100", "V00010011", "X0001001", "V0001000", "V000100a",
                                   "", "V０００１００１", None, 1001])
def test_vcode_rejects(value) -> None:
    with pytest.raises(InvalidIdentifier):
        parse_vcode(value)


@given(number=st.integers(1001, 9_999_999))
def test_vcode_round_trips(number: int) -> None:
    code = format_vcode(number)
    assert parse_vcode(code.lower()) == code and len(code) == 8
