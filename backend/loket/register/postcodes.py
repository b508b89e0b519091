"""Postcodes: which municipality (werkingsgebied) a Belgian postcode lies in.

The shipped code lists carry no postcodes, so an operator loads a list with
``loket reference import-postcodes FILE``: CSV (comma or semicolon), UTF-8, a header row with

- ``postcode`` — four digits;
- ``gemeente`` — the municipality: its werkingsgebied code (``BE23444021``) or its Dutch name as
  in the code list (``Gent``), case and accents ignored;
- ``plaats`` (optional) — the place or deelgemeente the postcode is for (``Mariakerke``).

A file is checked whole before anything is stored; one bad line stores nothing.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.errors import Text
from loket.models import Postcode, Werkingsgebied
from loket.register import wording

_POSTCODE = re.compile(r"^[1-9][0-9]{3}$")
MAX_ROWS = 100_000


class PostcodeFileError(ValueError):
    """A postcode file that cannot be imported; ``problems`` name the lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Row:
    line: int
    postcode: str
    werkingsgebied: str
    plaats: str | None


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name, for matching."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


def municipalities_for(session: Session, postcode: str) -> list[str]:
    """The werkingsgebied codes a postcode lies in (usually one)."""
    return list(session.scalars(select(Postcode.werkingsgebied)
                                .where(Postcode.postcode == postcode)
                                .order_by(Postcode.werkingsgebied)))


def places_for(session: Session, postcode: str) -> list[tuple[str, str | None]]:
    """(municipality name, place) for each municipality a postcode lies in; empty when the
    postcode list does not know it."""
    return [(row.naam, row.plaats) for row in session.execute(
        select(Werkingsgebied.naam, Postcode.plaats)
        .join(Werkingsgebied, Werkingsgebied.code == Postcode.werkingsgebied)
        .where(Postcode.postcode == postcode).order_by(Werkingsgebied.naam))]


def municipality_problem(session: Session, postcode: str, gemeente: str) -> Text | None:
    """Why ``gemeente`` does not go with ``postcode`` (None when it does, or when the postcode
    list does not know the postcode: then nothing can be checked). A place of the postcode (a
    deelgemeente such as Mariakerke) counts as its municipality."""
    places = places_for(session, postcode)
    if not places:
        return None
    given = fold(gemeente)
    if any(given in (fold(name), fold(place or "")) for name, place in places):
        return None
    names = list(dict.fromkeys(name for name, _ in places))
    where: Text = names[0] if len(names) == 1 else wording.gettext(
        "%(names)s of %(last)s", names=", ".join(names[:-1]), last=names[-1])
    return wording.gettext("postcode %(postcode)s ligt in %(places)s, niet in %(given)s.",
                           postcode=postcode, places=where, given=gemeente[:60])


def parse(text: str, municipalities: dict[str, str]) -> list[Row]:
    """Rows of a postcode file; ``municipalities`` maps codes and folded names to codes."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines:
        raise PostcodeFileError(["the file is empty: expected a header row "
                                 "'postcode,gemeente[,plaats]'"])
    header = lines[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "postcode" not in fields or "gemeente" not in fields:
        raise PostcodeFileError([f"line 1: the header must name the columns 'postcode' and "
                                 f"'gemeente' (and optionally 'plaats'), found {header[:200]!r}"])
    reader.fieldnames = fields
    rows: list[Row] = []
    problems: list[str] = []
    for number, raw in enumerate(reader, start=2):
        if len(rows) >= MAX_ROWS:
            problems.append(f"more than {MAX_ROWS} lines: split the file")
            break
        postcode = (raw.get("postcode") or "").strip()
        place = (raw.get("gemeente") or "").strip()
        if not postcode and not place:
            continue
        if not _POSTCODE.match(postcode):
            problems.append(f"line {number}: postcode {postcode[:20]!r} is not four digits "
                            "(1000-9999)")
            continue
        code = municipalities.get(place.upper()) or municipalities.get(fold(place))
        if code is None:
            problems.append(f"line {number}: gemeente {place[:60]!r} is not a municipality in "
                            "the code list (give its werkingsgebied code, e.g. BE23444021, or "
                            "its Dutch name)")
            continue
        plaats = (raw.get("plaats") or "").strip()[:200] or None
        rows.append(Row(number, postcode, code, plaats))
    if problems:
        raise PostcodeFileError(problems)
    if not rows:
        raise PostcodeFileError(["the file has a header but no postcodes"])
    return rows


def municipality_index(session: Session) -> dict[str, str]:
    """Codes and folded Dutch names of every municipality → its code."""
    index: dict[str, str] = {}
    for area in session.scalars(select(Werkingsgebied).where(
            Werkingsgebied.niveau == "municipality")):
        index[area.code] = area.code
        index.setdefault(fold(area.naam), area.code)
    return index


def store(session: Session, rows: Iterable[Row], *, replace: bool = False,
          progress: Callable[[int], None] | None = None) -> int:
    """Add (or with ``replace`` first remove every) postcode link; returns the rows stored.

    The code list's own ``postcodes`` column is kept in step, for readers of the code list.
    """
    rows = list(rows)
    if replace:
        session.query(Postcode).delete()
        for area in session.scalars(select(Werkingsgebied)):
            area.postcodes = []
        session.flush()
    have = {(p.postcode, p.werkingsgebied): p for p in session.scalars(select(Postcode))}
    added: dict[str, list[str]] = {}
    for done, row in enumerate(rows, start=1):
        existing = have.get((row.postcode, row.werkingsgebied))
        if existing is None:
            existing = Postcode(postcode=row.postcode, werkingsgebied=row.werkingsgebied)
            session.add(existing)
            have[(row.postcode, row.werkingsgebied)] = existing
            added.setdefault(row.werkingsgebied, []).append(row.postcode)
        if row.plaats:
            existing.plaats = row.plaats
        if progress and done % 500 == 0:
            progress(500)
    if progress and len(rows) % 500:
        progress(len(rows) % 500)
    for code, postcodes in added.items():
        listed = session.get(Werkingsgebied, code)
        if listed is not None:
            listed.postcodes = sorted(set(listed.postcodes or []) | set(postcodes))
    session.flush()
    return len(rows)
