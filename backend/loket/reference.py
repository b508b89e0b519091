"""Reference code lists shipped as data (werkingsgebieden, hoofdactiviteiten), kept in sync
with the database by ``loket db upgrade``."""

from __future__ import annotations

import csv
import json
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from loket.models import Hoofdactiviteit, Postcode, Werkingsgebied


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("loket.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def werkingsgebieden() -> tuple[dict[str, str], ...]:
    return tuple(_rows("werkingsgebieden.csv") + _rows("werkingsgebieden-brussel.csv"))


@cache
def hoofdactiviteiten() -> tuple[dict[str, str], ...]:
    return tuple(_rows("hoofdactiviteiten.csv"))


@cache
def lpdc_codelists() -> dict[str, Any]:
    text = resources.files("loket.data").joinpath("lpdc-codelists.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def sync(session: Session) -> None:
    """Insert or rename every shipped code; codes added locally (demo municipalities) stay."""
    for row in werkingsgebieden():
        upsert_area(session, row["code"], row["name"], row["level"], row["province_code"] or None)
    for order, row in enumerate(hoofdactiviteiten()):
        existing = session.get(Hoofdactiviteit, row["code"])
        if existing is None:
            session.add(Hoofdactiviteit(code=row["code"], naam=row["name_nl"], volgorde=order))
        else:
            existing.naam, existing.volgorde = row["name_nl"], order
    session.flush()


def upsert_area(session: Session, code: str, name: str, level: str, province: str | None,
                postcodes: list[str] | None = None) -> Werkingsgebied:
    area = session.get(Werkingsgebied, code)
    if area is None:
        area = Werkingsgebied(code=code, naam=name, niveau=level, provincie=province,
                              postcodes=postcodes or [])
        session.add(area)
    else:
        area.naam, area.niveau, area.provincie = name, level, province
        if postcodes is not None:
            area.postcodes = postcodes
    if postcodes:
        # the postcode table is what the register's search reads
        session.flush()
        for postcode in postcodes:
            if session.get(Postcode, (postcode, code)) is None:
                session.add(Postcode(postcode=postcode, werkingsgebied=code))
    return area
