"""Registering a new association: a signed-in person registers a feitelijke vereniging, a VZER
or (by its KBO number) a VZW, with its first location and contact, and becomes its primary
representative at once.

Before a new vCode is handed out the register looks for a **possible duplicate**: an active
association with a similar name in the same municipality (where its locations lie or where it
is active). When there is one, the registration waits for an explicit confirmation, as the
real register does (409 with the candidates and a confirmation token; the same request sent
again with the token registers). The token is an HMAC over who asks, the name and the
municipalities, so it confirms exactly the request it was given for. No Flask here.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from loket import audit
from loket.errors import Conflict
from loket.models import (
    Association,
    AssociationArea,
    Locatie,
    Person,
    Postcode,
    Werkingsgebied,
)
from loket.register import changes, postcodes, representatives, wording
from loket.register import validation as checks
from loket.register.changes import Actor
from loket.register.search import normalise
from loket.register.validation import InvalidRecord, Problem

REGISTRABLE = ("FV", "VZER", "VZW")
# words that say what kind of association it is, not which one
_NOISE = {"vzw", "vzer", "fv", "feitelijke", "vereniging", "de", "het", "een", "v", "z", "w"}
SIMILAR = 0.82
MAX_CANDIDATES = 5


@dataclass(frozen=True)
class Candidate:
    """An existing association the new one may be."""

    vcode: str
    naam: str
    gemeente: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"vCode": self.vcode, "naam": self.naam, "gemeente": self.gemeente}


class PossibleDuplicate(Conflict):
    """A similar name in the same municipality: confirm with ``token`` to register anyway."""

    def __init__(self, candidates: list[Candidate], token: str) -> None:
        names = "; ".join(f"{c.naam} ({c.vcode})" for c in candidates)
        super().__init__("possible_duplicate", wording.gettext(
            "Er bestaat al een vereniging met een gelijkaardige naam in dezelfde gemeente: "
            "%(names)s. Is dit jullie vereniging? Registreer niet opnieuw; is het een andere, "
            "bevestig dan met de bevestigingstoken.", names=names),
                         headers={"VR-BevestigingsToken": token})
        self.candidates = candidates
        self.token = token

    def to_dict(self, lang: str = "nl") -> dict[str, Any]:
        return {**super().to_dict(lang), "kandidaten": [c.to_dict() for c in self.candidates],
                "bevestigingsToken": self.token}


def _words(naam: str) -> str:
    return " ".join(w for w in re.findall(r"[^\W_]+", normalise(naam)) if w not in _NOISE)


def similar(a: str, b: str) -> bool:
    """Two names a person would take for the same association: equal once case, accents,
    punctuation and words like "vzw" are left out, one inside the other, or nearly equal."""
    x, y = _words(a), _words(b)
    if not x or not y:
        return normalise(a).strip() == normalise(b).strip()
    if x == y or (min(len(x), len(y)) >= 5 and (x in y or y in x)):
        return True
    return SequenceMatcher(None, x, y).ratio() >= SIMILAR


def municipalities(session: Session, data: dict[str, Any]) -> list[str]:
    """The municipality codes a registration is about: its locations' postcodes and the
    municipalities among its areas."""
    codes: set[str] = set()
    for location in data.get("locaties") or []:
        address = location.get("adres") if isinstance(location, dict) else None
        postcode = str((address or {}).get("postcode") or "").strip()
        if postcode:
            codes.update(postcodes.municipalities_for(session, postcode))
    areas = {c.strip().upper() for c in data.get("werkingsgebieden") or [] if isinstance(c, str)}
    if areas:
        codes.update(session.scalars(select(Werkingsgebied.code).where(
            Werkingsgebied.niveau == "municipality", Werkingsgebied.code.in_(areas))))
    return sorted(codes)


def candidates(session: Session, naam: str, places: Iterable[str]) -> list[Candidate]:
    """Active associations with a similar name located or active in one of ``places``."""
    codes = list(places)
    if not codes:
        return []
    in_postcodes = select(Postcode.postcode).where(Postcode.werkingsgebied.in_(codes))
    rows = session.execute(
        select(Association.id, Association.vcode, Association.naam, Association.korte_naam,
               Association.roepnaam)
        .where(Association.status == changes.ACTIVE)
        .where(or_(
            Association.id.in_(select(AssociationArea.association_id)
                               .where(AssociationArea.code.in_(codes))),
            Association.id.in_(select(Locatie.association_id)
                               .where(Locatie.postcode.in_(in_postcodes))),
        ))).all()
    found = []
    for row in rows:
        if any(name and similar(naam, name) for name in (row.naam, row.korte_naam,
                                                         row.roepnaam)):
            where = session.scalar(select(Locatie.gemeente).where(
                Locatie.association_id == row.id).order_by(Locatie.is_primair.desc()).limit(1))
            found.append(Candidate(row.vcode, row.naam, where))
    return sorted(found, key=lambda c: c.vcode)[:MAX_CANDIDATES]


def key(secret_key: str | bytes | None) -> bytes:
    """The HMAC key of confirmation tokens: the app's secret key."""
    return secret_key.encode() if isinstance(secret_key, str) else bytes(secret_key or b"")


def confirmation_token(secret: bytes, person: Person, naam: str, places: Iterable[str]) -> str:
    """What confirms this person's registration of this name in these municipalities."""
    message = "|".join([person.sub, _words(naam) or normalise(naam), *sorted(places)])
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()[:40]


IDENTITY = ("naam", "verenigingstype", "kboNummer", "startdatum")
BASICS = ("korteNaam", "roepnaam", "korteBeschrijving", "doelgroep", "hoofdactiviteiten",
          "werkingsgebieden")
FIELDS = (*IDENTITY, *BASICS, "locaties", "contactgegevens")


def _list(data: dict[str, Any], field: str, problems: list[Problem]) -> list[dict[str, Any]]:
    value = data.get(field) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value) \
            or len(value) > 10:
        problems.append(Problem(field, wording.gettext("moet een lijst van hoogstens 10 objecten zijn.")))
        return []
    return value


def register_new(session: Session, person: Person, data: dict[str, Any], *, secret: bytes,
                 confirmation: str | None, actor: Actor, via: str | None = None
                 ) -> Association:
    """Register ``data`` as a new association with ``person`` as its primary representative,
    with its audit entry, in the caller's transaction (the caller commits; ``via`` names the
    door). :class:`PossibleDuplicate` unless no similar association exists or
    ``confirmation`` is the token for exactly this request."""
    problems = [Problem(str(k)[:60], wording.gettext("dit veld bestaat niet.")) for k in data
                if k not in FIELDS]
    kind = data.get("verenigingstype", "FV")
    if kind not in REGISTRABLE:
        problems.append(Problem("verenigingstype", wording.gettext(
            "kies FV (feitelijke vereniging), VZER of VZW (met ondernemingsnummer).")))
    try:
        checks.check_registration({k: v for k, v in data.items() if k in IDENTITY},
                                  changes.today())
    except InvalidRecord as exc:
        problems += exc.problems
    activities, areas = changes.known_codes(session)
    try:
        checks.check_basics({k: v for k, v in data.items() if k in BASICS},
                            current_min=checks.MIN_AGE, current_max=checks.MAX_AGE,
                            today=changes.today(), activities=activities, areas=areas)
    except InvalidRecord as exc:
        problems += exc.problems
    locations = _list(data, "locaties", problems)
    contacts = _list(data, "contactgegevens", problems)
    for n, location in enumerate(locations):
        try:
            changes.check_address(session, checks.check_location(
                changes.with_municipality(session, location)))
        except InvalidRecord as exc:
            problems += [Problem(f"locaties[{n}].{p.field}", p.message) for p in exc.problems]
    for n, contact in enumerate(contacts):
        try:
            checks.check_contact(contact)
        except InvalidRecord as exc:
            problems += [Problem(f"contactgegevens[{n}].{p.field}", p.message)
                         for p in exc.problems]
    if problems:
        raise InvalidRecord(problems)
    places = municipalities(session, data)
    raw_name = data.get("naam")
    naam = raw_name if isinstance(raw_name, str) else ""
    found = candidates(session, naam, places) if naam.strip() else []
    if found:
        token = confirmation_token(secret, person, naam, places)
        if not confirmation or not hmac.compare_digest(confirmation, token):
            raise PossibleDuplicate(found, token)
    assoc = changes.register(session, {k: v for k, v in data.items()
                                       if k in IDENTITY or k in BASICS}, actor)
    for location in locations:
        changes.add_location(session, assoc, location, actor)
    for contact in contacts:
        changes.add_contact(session, assoc, contact, actor)
    representatives.add_representative(session, assoc, {"insz": person.insz, "isPrimair": True},
                                       actor, None)
    detail: dict[str, Any] = {"event": "VerenigingWerdGeregistreerd", "version": assoc.version}
    if via:
        detail["via"] = via
    audit.record(session, "association-change", f"association/{assoc.vcode}", actor=actor.actor,
                 capacity=actor.capacity, client_id=actor.client_id, subject=person.sub,
                 detail=detail)
    return assoc
