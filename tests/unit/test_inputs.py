"""The input rules without Flask: whole numbers in ASCII digits only, control characters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loket import inputs


@pytest.mark.parametrize("raw, expected", [("0", 0), ("7", 7), ("007", 7),
                                           ("123456789012345678", 123456789012345678)])
def test_ascii_digits_are_a_whole_number(raw: str, expected: int) -> None:
    assert inputs.whole_number(raw) == expected


@pytest.mark.parametrize("raw", [
    "²", "٣", "５", "1²", "𝟕",          # digits to str.isdigit(), some even to int()
    "", " 7", "7 ", "+7", "-7", "1_000", "7.0", "0x7", "7\x00", None, 7,
    "1" * 19,                           # more than a 64-bit column holds
])
def test_anything_else_is_refused(raw: object) -> None:
    with pytest.raises(inputs.NotAWholeNumber):
        inputs.whole_number(raw)
    assert inputs.whole_number_or_none(raw) is None


def test_bounds_and_length_are_the_callers() -> None:
    assert inputs.whole_number("5", low=1, high=5) == 5
    for raw in ("0", "6"):
        assert inputs.whole_number_or_none(raw, low=1, high=5) is None
    assert inputs.whole_number_or_none("1234", max_digits=3) is None


@given(st.text(max_size=12))
def test_whatever_it_accepts_is_ascii_digits_and_their_value(raw: str) -> None:
    value = inputs.whole_number_or_none(raw)
    if value is not None:
        assert raw.isascii() and raw.isdigit() and value == int(raw)
    else:
        assert not (raw.isascii() and raw.isdigit() and raw)


@pytest.mark.parametrize("text, one_line, typed", [
    ("gewone tekst é ß", False, False),
    ("a\x00b", True, True),
    ("a\x1bb", True, True),
    ("a\x7fb", True, True),
    ("twee\nregels\r\n\tingesprongen", True, False),
])
def test_control_characters(text: str, one_line: bool, typed: bool) -> None:
    assert inputs.has_control(text) is one_line
    assert inputs.has_control(text, multiline=True) is typed


def test_visible_writes_control_characters_out() -> None:
    assert inputs.visible("/a\x00b\x7f") == "/a\\x00b\\x7f"
    assert inputs.visible("/dossiers/é") == "/dossiers/é"
