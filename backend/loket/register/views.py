"""JSON views of an association: public (no personal data), full (with representatives, for the
association itself and for governments), and of its change events; plus the code-list names
every view and the search need, cached per process."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.models import (
    Association,
    AssociationEvent,
    Contactgegeven,
    Hoofdactiviteit,
    Locatie,
    Recognition,
    Representative,
    Werkingsgebied,
)
from loket.register import recognitions
from loket.register.validation import ASSOCIATION_TYPES


@dataclass(frozen=True)
class Area:
    code: str
    naam: str
    niveau: str
    provincie: str | None


@dataclass(frozen=True)
class Names:
    """Code-list names: hoofdactiviteiten in the register's order, werkingsgebieden by code."""

    activities: dict[str, str]
    areas: dict[str, Area]

    def activity(self, code: str) -> dict[str, str]:
        return {"code": code, "naam": self.activities.get(code, code)}

    def area(self, code: str) -> dict[str, str]:
        found = self.areas.get(code)
        return {"code": code, "naam": found.naam if found else code}


class CodeNames:
    """The code lists, read at most every ``ttl`` seconds per process (they change only when
    ``loket db upgrade`` or the seed adds a municipality)."""

    def __init__(self, ttl: float = 30.0) -> None:
        self._ttl = ttl
        self._cached: tuple[float, Names] | None = None

    def get(self, session: Session) -> Names:
        now = time.monotonic()
        if self._cached is None or now - self._cached[0] > self._ttl:
            activities = {row.code: row.naam for row in session.scalars(
                select(Hoofdactiviteit).order_by(Hoofdactiviteit.volgorde, Hoofdactiviteit.code))}
            areas = {row.code: Area(row.code, row.naam, row.niveau, row.provincie)
                     for row in session.scalars(select(Werkingsgebied).order_by(
                         Werkingsgebied.code))}
            self._cached = (now, Names(activities, areas))
        return self._cached[1]

    def forget(self) -> None:
        self._cached = None


def names(session: Session) -> Names:
    """The code-list names of the current app."""
    cache = current_app.extensions.setdefault("loket.register.names", CodeNames())
    return cache.get(session)  # type: ignore[no-any-return]


def contact_view(item: Contactgegeven) -> dict[str, Any]:
    return {"id": item.id, "type": item.type, "waarde": item.waarde,
            "beschrijving": item.beschrijving, "isPrimair": item.is_primair}


def address_line(item: Locatie) -> str:
    street = f"{item.straatnaam} {item.huisnummer}"
    if item.busnummer:
        street += f" bus {item.busnummer}"
    line = f"{street}, {item.postcode} {item.gemeente}"
    return line if item.land == "België" else f"{line}, {item.land}"


def location_view(item: Locatie) -> dict[str, Any]:
    return {
        "id": item.id, "type": item.type, "isPrimair": item.is_primair, "naam": item.naam,
        "adres": {"straatnaam": item.straatnaam, "huisnummer": item.huisnummer,
                  "busnummer": item.busnummer, "postcode": item.postcode,
                  "gemeente": item.gemeente, "land": item.land},
        "adresvoorstelling": address_line(item),
    }


def recognition_view(item: Recognition, *, full: bool = False) -> dict[str, Any]:
    """A recognition as the register shows it; its status as its dates give it today (the
    scheduled job stores it soon after). The reason of a suspension only in ``full``."""
    view: dict[str, Any] = {
        "erkenningId": item.id, "productnummer": item.product_id,
        "organisatie": item.organisation, "startdatum": item.startdatum,
        "einddatum": item.einddatum, "hernieuwingsdatum": item.hernieuwingsdatum,
        "hernieuwingsUrl": item.hernieuwings_url,
        "status": recognitions.status_on(item, recognitions.today()),
    }
    if full:
        view["redenSchorsing"] = item.reden_schorsing
    return view


def mask_insz(insz: str) -> str:
    """An INSZ with only its check digits showing (``••.••.••-•••.28``)."""
    return f"••.••.••-•••.{insz[-2:]}"


def representative_view(rep: Representative, *, masked: bool = False) -> dict[str, Any]:
    """A representative with their personal data: never part of a public response. ``masked``
    hides most of the INSZ (what a representative who is not primary sees of the others)."""
    return {
        "id": rep.id, "insz": mask_insz(rep.person.insz) if masked else rep.person.insz,
        "inszGemaskeerd": masked, "voornaam": rep.person.given_name,
        "achternaam": rep.person.family_name, "roepnaam": rep.roepnaam, "rol": rep.rol,
        "isPrimair": rep.is_primair, "email": rep.email, "telefoon": rep.telefoon,
    }


def public_view(assoc: Association, codes: Names) -> dict[str, Any]:
    """Everything the register publishes about an association; no representative in it."""
    return {
        "vCode": assoc.vcode,
        "naam": assoc.naam,
        "korteNaam": assoc.korte_naam,
        "roepnaam": assoc.roepnaam,
        "korteBeschrijving": assoc.korte_beschrijving,
        "verenigingstype": {"code": assoc.verenigingstype,
                            "naam": ASSOCIATION_TYPES.get(assoc.verenigingstype, "")},
        "kboNummer": assoc.kbo,
        "startdatum": assoc.startdatum,
        "einddatum": assoc.einddatum,
        "status": assoc.status,
        "dubbelVan": assoc.dubbel_van,
        "doelgroep": {"minimumleeftijd": assoc.min_leeftijd,
                      "maximumleeftijd": assoc.max_leeftijd},
        "hoofdactiviteiten": [codes.activity(a.code) for a in assoc.activities],
        "werkingsgebieden": [codes.area(a.code) for a in assoc.areas],
        "contactgegevens": [contact_view(c) for c in assoc.contacts],
        "locaties": [location_view(loc) for loc in assoc.locations],
        "erkenningen": [recognition_view(r) for r in assoc.recognitions],
        "versie": assoc.version,
    }


def full_view(assoc: Association, codes: Names, *, seen_by: Representative | None = None
              ) -> dict[str, Any]:
    """The whole record, representatives included (for the association and for governments).
    ``seen_by`` a representative who is not primary: the others' INSZ masked."""
    view = public_view(assoc, codes)
    view["erkenningen"] = [recognition_view(r, full=True) for r in assoc.recognitions]
    view["isUitgeschrevenUitPubliekeDatastroom"] = assoc.opt_out
    view["vertegenwoordigers"] = [representative_view(r, masked=masks(seen_by, r)) for r in sorted(
        assoc.representatives, key=lambda r: (not r.is_primair, r.id))]
    view["aangemaakt"] = assoc.created_at
    view["gewijzigd"] = assoc.updated_at
    return view


def masks(seen_by: Representative | None, rep: Representative) -> bool:
    """Whether ``seen_by`` sees ``rep``'s INSZ masked: only a primary representative sees the
    others' in full (everyone sees their own)."""
    return seen_by is not None and not seen_by.is_primair and seen_by.id != rep.id


def event_view(event: AssociationEvent) -> dict[str, Any]:
    return {
        "sequentie": event.seq, "vCode": event.vcode, "versie": event.version,
        "type": event.type, "tijdstip": event.at,
        "door": {"actor": event.actor, "hoedanigheid": event.capacity,
                 "client": event.client_id},
        "data": event.data,
    }
