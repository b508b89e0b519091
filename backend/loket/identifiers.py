"""Belgian identifiers: INSZ (rijksregisternummer), KBO ondernemingsnummer and vCode.

Pure functions, no Flask. Each ``parse_*`` returns the canonical form or raises
:class:`InvalidIdentifier` with a message a person can act on.
"""

from __future__ import annotations

import re
from datetime import date

_SEPARATORS = re.compile(r"[\s.\-/]")


class InvalidIdentifier(ValueError):
    """An identifier that is malformed or fails its checksum."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def _digits(value: object, kind: str, length: int, label: str) -> str:
    if not isinstance(value, str):
        raise InvalidIdentifier(kind, f"{label} moet tekst zijn.")
    if len(value) > 40:
        raise InvalidIdentifier(kind, f"{label} is te lang.")
    stripped = _SEPARATORS.sub("", value)
    if not stripped:
        raise InvalidIdentifier(kind, f"Vul {label[0].lower()}{label[1:]} in.")
    if not stripped.isascii() or not stripped.isdigit():
        raise InvalidIdentifier(kind, f"{label} mag alleen cijfers bevatten.")
    if len(stripped) != length:
        raise InvalidIdentifier(kind, f"{label} moet {length} cijfers hebben, niet {len(stripped)}.")
    return stripped


def insz_checksum_ok(digits: str) -> bool:
    """True when exactly one of the pre-2000 / post-2000 checksum variants holds."""
    body, check = int(digits[:9]), int(digits[9:])
    before_2000 = 97 - (body % 97) == check
    after_2000 = 97 - (int("2" + digits[:9]) % 97) == check
    return before_2000 != after_2000


def parse_insz(value: object) -> str:
    """Canonical 11-digit INSZ, or :class:`InvalidIdentifier`."""
    digits = _digits(value, "insz", 11, "Het rijksregisternummer")
    if not insz_checksum_ok(digits):
        raise InvalidIdentifier("insz", "Het rijksregisternummer klopt niet (controlegetal).")
    month = int(digits[2:4])
    if month > 40:  # bis number, unknown birth date allowed
        month -= 40
    elif month > 20:
        month -= 20
    if month > 12:
        raise InvalidIdentifier("insz", "Het rijksregisternummer bevat geen geldige maand.")
    return digits


def insz_birth_date(insz: str) -> date | None:
    """Birth date encoded in a valid INSZ, or None when it is unknown (month or day 00)."""
    digits = parse_insz(insz)
    century = 1900 if 97 - (int(digits[:9]) % 97) == int(digits[9:]) else 2000
    month = int(digits[2:4]) % 20
    day = int(digits[4:6])
    if month == 0 or day == 0:
        return None
    try:
        return date(century + int(digits[:2]), month, day)
    except ValueError:
        return None


def make_insz(yymmdd: str, serial: int, born_2000_or_later: bool = False) -> str:
    """Build a valid INSZ from a birth date and a 3-digit serial (for tests and seeding)."""
    body = f"{yymmdd}{serial:03d}"
    base = int(("2" if born_2000_or_later else "") + body)
    return f"{body}{97 - base % 97:02d}"


def parse_kbo(value: object) -> str:
    """Canonical 10-digit ondernemingsnummer, or :class:`InvalidIdentifier`."""
    if isinstance(value, str) and value.strip().upper().startswith("BE"):
        value = value.strip()[2:]
    digits = _digits(value, "kbo", 10, "Het ondernemingsnummer")
    if digits[0] not in "01":
        raise InvalidIdentifier("kbo", "Een ondernemingsnummer begint met 0 of 1.")
    if 97 - (int(digits[:8]) % 97) != int(digits[8:]):
        raise InvalidIdentifier("kbo", "Het ondernemingsnummer klopt niet (controlegetal).")
    return digits


def format_kbo(kbo: str) -> str:
    """``0412345614`` → ``0412.345.614``."""
    digits = parse_kbo(kbo)
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def make_kbo(body: int) -> str:
    """Valid ondernemingsnummer from an 8-digit body starting with 0 or 1 (tests, seeding)."""
    first8 = f"{body:08d}"
    return f"{first8}{97 - int(first8) % 97:02d}"


_VCODE = re.compile(r"^V\d{7}$")


def parse_vcode(value: object) -> str:
    """Canonical vCode (``V`` + 7 digits, upper case), or :class:`InvalidIdentifier`."""
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidIdentifier("vcode", "Een vCode is een V gevolgd door 7 cijfers.")
    candidate = value.strip().upper()
    if not _VCODE.match(candidate) or not candidate.isascii():
        raise InvalidIdentifier("vcode", "Een vCode is een V gevolgd door 7 cijfers, bv. V0001001.")
    if int(candidate[1:]) < 1001:
        raise InvalidIdentifier("vcode", "vCodes beginnen bij V0001001.")
    return candidate


def format_vcode(number: int) -> str:
    """vCode for a sequence number (1001 → V0001001)."""
    return parse_vcode(f"V{number:07d}")
