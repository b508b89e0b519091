"""The rules every request's text must keep, in one place and without Flask.

Whole numbers are written in ASCII digits only: ``str.isdigit()`` says yes to ``²`` and ``٣``,
and ``int()`` takes ``٣``, ``" 7 "`` and ``1_000`` — or crashes on ``²``. Text carries no control
characters: PostgreSQL cannot store a NUL, and no field of ours means one. Paths, parameter
names and one-line values may hold none; text a person types (a form's values, a query's
values) may hold tab, line feed and carriage return. :mod:`loket.request_checks` applies the
character rule to every request.
"""

from __future__ import annotations

import re

_ASCII_DIGITS = re.compile(r"[0-9]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, LF and CR allowed

MAX_DIGITS = 18  # every whole number we take fits in a signed 64-bit column


class NotAWholeNumber(ValueError):
    """The text is not a whole number in ASCII digits between the bounds asked for."""


def whole_number(raw: object, *, low: int = 0, high: int | None = None,
                 max_digits: int = MAX_DIGITS) -> int:
    """``raw`` as an int: ASCII digits only (no sign, space or ``_``), at most ``max_digits``
    of them, between ``low`` and ``high``; :class:`NotAWholeNumber` otherwise."""
    if not isinstance(raw, str) or len(raw) > max_digits or not _ASCII_DIGITS.fullmatch(raw):
        raise NotAWholeNumber(f"not a whole number: {visible(str(raw))[:40]!r}")
    value = int(raw)
    if value < low or (high is not None and value > high):
        raise NotAWholeNumber(f"{value} is not between {low} and {high}")
    return value


def whole_number_or_none(raw: object, *, low: int = 0, high: int | None = None,
                         max_digits: int = MAX_DIGITS) -> int | None:
    """Like :func:`whole_number`, but None where that refuses."""
    try:
        return whole_number(raw, low=low, high=high, max_digits=max_digits)
    except NotAWholeNumber:
        return None


def has_control(text: str, *, multiline: bool = False) -> bool:
    """Whether ``text`` holds a control character (tab, LF and CR allowed when ``multiline``)."""
    return (_CONTROL_IN_TEXT if multiline else _CONTROL).search(text) is not None


def visible(text: str) -> str:
    """``text`` with each control character written out (``\\x00``), safe to store and show."""
    return _CONTROL.sub(lambda found: f"\\x{ord(found[0]):02x}", text)
