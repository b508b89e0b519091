"""Reference code lists shipped as data (werkingsgebieden, hoofdactiviteiten), kept in sync
with the database by ``loket db upgrade``."""

from __future__ import annotations

import csv
import json
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import select
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
    # What is there, in one query per list: one lookup per code cost hundreds of round trips
    # (and a flush each) at every `loket db upgrade`.
    areas = {area.code: area for area in session.scalars(select(Werkingsgebied))}
    for row in werkingsgebieden():
        province = row["province_code"] or None
        area = areas.get(row["code"])
        if area is None:
            session.add(Werkingsgebied(code=row["code"], naam=row["name"], niveau=row["level"],
                                       provincie=province, postcodes=[]))
        else:
            area.naam, area.niveau, area.provincie = row["name"], row["level"], province
    activities = {item.code: item for item in session.scalars(select(Hoofdactiviteit))}
    for order, row in enumerate(hoofdactiviteiten()):
        existing = activities.get(row["code"])
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
