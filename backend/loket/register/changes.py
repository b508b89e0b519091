"""Changes to an association record: each one checked, versioned and recorded as an event.

A change locks the association's row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's write
transactions are serialised already), compares the version the caller saw, applies the change,
raises the version by one and appends an :class:`~loket.models.AssociationEvent` carrying who,
when, in which capacity and what changed. The event's sequence number comes from the
``register_head`` row, updated in the same transaction: its row lock, held to the commit, makes
events commit in sequence order, so a change feed that reads "after N" never skips one.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from loket import db
from loket.errors import DEFAULT_LANGUAGE, Conflict, NotFound, PreconditionFailed, Text
from loket.identifiers import InvalidIdentifier, format_vcode, parse_vcode
from loket.models import (
    Association,
    AssociationActivity,
    AssociationArea,
    AssociationEvent,
    Contactgegeven,
    Hoofdactiviteit,
    Locatie,
    RegisterHead,
    Werkingsgebied,
)
from loket.preconditions import etag
from loket.register import postcodes, wording
from loket.register import validation as checks
from loket.register.validation import InvalidRecord

FIRST_VCODE = 1001


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a person's ``sub`` in a capacity (through a client), or a system."""

    actor: str
    capacity: str | None = None
    client_id: str | None = None


SYSTEM = Actor("system")


class StaleVersion(PreconditionFailed):
    """The caller saw an older version of the association than the current one."""

    def __init__(self, current: int, expected: Collection[int] | None = None) -> None:
        super().__init__("precondition_failed",
                         wording.gettext("Iemand anders heeft deze vereniging intussen gewijzigd (nu "
                                         "versie %(version)s). Haal de gegevens opnieuw op en "
                                         "probeer nog eens.", version=current),
                         headers={"ETag": etag(current)})
        self.current = current
        self.expected = frozenset(expected or ())  # the versions the caller had seen


class RecordConflict(Conflict):
    """The change contradicts the record as it is now (a rule, not a malformed value)."""

    def __init__(self, code: str, field: str | None, detail: Text) -> None:
        super().__init__(code, detail)
        self.field = field

    def to_dict(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {**super().to_dict(lang), "field": self.field}


def today() -> date:
    return datetime.now(UTC).date()


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# ---- loading and locking -----------------------------------------------------------------

def find(session: Session, vcode: str, *, lock: bool = False) -> Association:
    """The association with this vCode (any case), or :class:`NotFound`."""
    try:
        canonical = parse_vcode(vcode)
    except InvalidIdentifier as exc:
        raise NotFound("not_found", wording.gettext("Geen vereniging met vCode %(vcode)s: %(why)s",
                                                    vcode=repr(vcode[:20]), why=exc.message)) from exc
    query = select(Association).where(Association.vcode == canonical)
    if lock:
        query = query.with_for_update()
    found = session.scalar(query)
    if found is None:
        raise NotFound("not_found", wording.gettext("Er is geen vereniging met vCode %(vcode)s.",
                                                    vcode=canonical))
    return found


def begin(session: Session, vcode: str, accepted: Collection[int] | None) -> Association:
    """Lock the association for a change; :class:`StaleVersion` unless its version is one of
    ``accepted`` (None accepts any, as ``If-Match: *``)."""
    assoc = find(session, vcode, lock=True)
    check_version(assoc, accepted)
    return assoc


def check_version(assoc: Association, accepted: Collection[int] | None) -> None:
    """:class:`StaleVersion` unless the association's version is one of ``accepted``."""
    if accepted is not None and assoc.version not in accepted:
        raise StaleVersion(assoc.version, accepted)


def reserve_seqs(session: Session, count: int) -> int:
    """Take ``count`` sequence numbers at once (the head row stays locked to the commit);
    returns the first."""
    table = cast(Table, RegisterHead.__table__)
    last = int(session.connection().execute(
        update(table).where(table.c.id == 1).values(last_seq=table.c.last_seq + count)
        .returning(table.c.last_seq)
    ).scalar_one())
    return last - count + 1


def _next_seq(session: Session) -> int:
    return reserve_seqs(session, 1)


def record_event(session: Session, assoc: Association, kind: str, data: dict[str, Any],
                 actor: Actor, *, bump: bool = True) -> AssociationEvent:
    """Raise the version (unless it is the first event) and append the event."""
    if bump:
        assoc.version += 1
    assoc.updated_at = db.now()
    event = AssociationEvent(
        seq=_next_seq(session), association_id=assoc.id, vcode=assoc.vcode,
        version=assoc.version, type=kind, at=now_iso(), actor=actor.actor,
        capacity=actor.capacity, client_id=actor.client_id, data=data,
    )
    session.add(event)
    return event


# ---- registration ------------------------------------------------------------------------

def next_vcode(session: Session) -> str:
    highest = session.scalar(select(func.max(Association.vcode)))
    return format_vcode(max(FIRST_VCODE, int(highest[1:]) + 1 if highest else FIRST_VCODE))


IDENTITY_FIELDS = ("naam", "verenigingstype", "kboNummer", "status", "startdatum")


def known_codes(session: Session) -> tuple[set[str], set[str]]:
    """Every hoofdactiviteit and werkingsgebied code the register knows."""
    return (set(session.scalars(select(Hoofdactiviteit.code))),
            set(session.scalars(select(Werkingsgebied.code))))


def register(session: Session, data: dict[str, Any], actor: Actor, *,
             vcode: str | None = None) -> Association:
    """A new association at version 1: its identity (naam, verenigingstype, kboNummer, status,
    startdatum) and any of the fields a representative may change later."""
    identity = checks.check_registration(
        {k: v for k, v in data.items() if k in IDENTITY_FIELDS}, today())
    activities, areas = known_codes(session)
    rest = checks.check_basics({k: v for k, v in data.items() if k not in IDENTITY_FIELDS},
                               current_min=checks.MIN_AGE, current_max=checks.MAX_AGE,
                               today=today(), activities=activities, areas=areas)
    seq = _next_seq(session)  # the head lock first: vCodes are handed out under it too
    now = db.now()
    assoc = Association(vcode=vcode or next_vcode(session), created_at=now, updated_at=now,
                        version=1, min_leeftijd=rest.pop("min_leeftijd", checks.MIN_AGE),
                        max_leeftijd=rest.pop("max_leeftijd", checks.MAX_AGE),
                        opt_out=rest.pop("opt_out", False), **identity)
    assoc.activities = [AssociationActivity(code=c) for c in rest.pop("hoofdactiviteiten", None)
                        or []]
    assoc.areas = [AssociationArea(code=c) for c in rest.pop("werkingsgebieden", None) or []]
    for attr, value in rest.items():
        setattr(assoc, attr, value)
    session.add(assoc)
    session.flush()
    snapshot = basics_fields(assoc)
    snapshot.update(verenigingstype=assoc.verenigingstype, kboNummer=assoc.kbo,
                    status=assoc.status)
    session.add(AssociationEvent(
        seq=seq, association_id=assoc.id, vcode=assoc.vcode, version=1,
        type="VerenigingWerdGeregistreerd", at=now_iso(), actor=actor.actor,
        capacity=actor.capacity, client_id=actor.client_id, data=snapshot,
    ))
    return assoc


# ---- the association's own fields --------------------------------------------------------

_API_NAME = {"naam": "naam", "korte_naam": "korteNaam", "roepnaam": "roepnaam",
             "korte_beschrijving": "korteBeschrijving", "startdatum": "startdatum",
             "opt_out": "isUitgeschrevenUitPubliekeDatastroom"}
BASIC_API_NAMES = {**_API_NAME, "min_leeftijd": "doelgroep.minimumleeftijd",
                   "max_leeftijd": "doelgroep.maximumleeftijd"}
"""Model attribute → the API's (flattened) name, for the fields :func:`update_basics` takes."""


def basics_fields(assoc: Association) -> dict[str, Any]:
    """The association's own fields under the API's names (as its events name them)."""
    fields: dict[str, Any] = {api: getattr(assoc, attr) for attr, api in _API_NAME.items()}
    fields.update(doelgroep={"minimumleeftijd": assoc.min_leeftijd,
                             "maximumleeftijd": assoc.max_leeftijd},
                  hoofdactiviteiten=[a.code for a in assoc.activities],
                  werkingsgebieden=[a.code for a in assoc.areas])
    return fields


def update_basics(session: Session, assoc: Association, data: dict[str, Any], actor: Actor,
                  *, activities: set[str], areas: set[str]) -> AssociationEvent | None:
    """Change names, description, start date, doelgroep, activities, areas, opt-out."""
    cleaned = checks.check_basics(data, current_min=assoc.min_leeftijd,
                                  current_max=assoc.max_leeftijd, today=today(),
                                  activities=activities, areas=areas)
    if "naam" in cleaned and cleaned["naam"] != assoc.naam and assoc.kbo:
        raise InvalidRecord.one("naam", wording.gettext("de naam van een vereniging met "
                                                        "ondernemingsnummer komt uit de KBO; "
                                                        "wijzig hem daar."))
    changed: dict[str, Any] = {}
    for attr, api_name in _API_NAME.items():
        if attr in cleaned and cleaned[attr] != getattr(assoc, attr):
            changed[api_name] = {"oud": getattr(assoc, attr), "nieuw": cleaned[attr]}
            setattr(assoc, attr, cleaned[attr])
    if "min_leeftijd" in cleaned and (cleaned["min_leeftijd"], cleaned["max_leeftijd"]) != (
            assoc.min_leeftijd, assoc.max_leeftijd):
        changed["doelgroep"] = {
            "oud": {"minimumleeftijd": assoc.min_leeftijd, "maximumleeftijd": assoc.max_leeftijd},
            "nieuw": {"minimumleeftijd": cleaned["min_leeftijd"],
                      "maximumleeftijd": cleaned["max_leeftijd"]},
        }
        assoc.min_leeftijd, assoc.max_leeftijd = cleaned["min_leeftijd"], cleaned["max_leeftijd"]
    old_acts = [a.code for a in assoc.activities]
    if cleaned.get("hoofdactiviteiten") is not None and \
            sorted(cleaned["hoofdactiviteiten"]) != sorted(old_acts):
        changed["hoofdactiviteiten"] = {"oud": old_acts, "nieuw": cleaned["hoofdactiviteiten"]}
        assoc.activities = [AssociationActivity(code=c) for c in cleaned["hoofdactiviteiten"]]
    old_areas = [a.code for a in assoc.areas]
    if cleaned.get("werkingsgebieden") is not None and \
            sorted(cleaned["werkingsgebieden"]) != sorted(old_areas):
        changed["werkingsgebieden"] = {"oud": old_areas, "nieuw": cleaned["werkingsgebieden"]}
        assoc.areas = [AssociationArea(code=c) for c in cleaned["werkingsgebieden"]]
    if not changed:
        return None
    return record_event(session, assoc, "BasisgegevensWerdenGewijzigd", {"gewijzigd": changed},
                        actor)


# ---- lifecycle ---------------------------------------------------------------------------

ACTIVE = "Actief"


def require_active(assoc: Association) -> None:
    """:class:`RecordConflict` ``not_active`` unless the association is active: a stopped one
    or a duplicate keeps its data as it was."""
    if assoc.status != ACTIVE:
        values = {"name": assoc.naam, "vcode": assoc.vcode, "since": assoc.einddatum}
        if assoc.status == "Dubbel":
            text = wording.gettext("%(name)s (%(vcode)s) is gemarkeerd als dubbel: de gegevens "
                                   "kunnen niet meer gewijzigd worden.", **values)
        elif assoc.einddatum:
            text = wording.gettext("%(name)s (%(vcode)s) is gestopt sinds %(since)s: de "
                                   "gegevens kunnen niet meer gewijzigd worden.", **values)
        else:
            text = wording.gettext("%(name)s (%(vcode)s) is gestopt: de gegevens kunnen niet "
                                   "meer gewijzigd worden.", **values)
        raise RecordConflict("not_active", None, text)


def stop(session: Session, assoc: Association, data: dict[str, Any],
         actor: Actor) -> AssociationEvent:
    """The association stopped on ``einddatum``: status Gestopt, out of public search."""
    einddatum = checks.check_stop(data, today=today(), startdatum=assoc.startdatum)
    require_active(assoc)
    assoc.status, assoc.einddatum = "Gestopt", einddatum
    return record_event(session, assoc, "VerenigingWerdGestopt", {"einddatum": einddatum},
                        actor)


def mark_duplicate(session: Session, assoc: Association, data: dict[str, Any],
                   actor: Actor) -> AssociationEvent:
    """``assoc`` duplicates the active association ``data["dubbelVan"]``: status Dubbel."""
    raw = data.get("dubbelVan")
    extra = [k for k in data if k != "dubbelVan"]
    if extra:
        raise InvalidRecord.one(str(extra[0])[:60], wording.gettext("dit veld bestaat niet."))
    try:
        original = parse_vcode(raw if isinstance(raw, str) else "")
    except InvalidIdentifier as exc:
        raise InvalidRecord.one("dubbelVan", wording.lowered(exc.message)) from exc
    if original == assoc.vcode:
        raise InvalidRecord.one("dubbelVan", wording.gettext("een vereniging is geen dubbel van zichzelf."))
    other = session.scalar(select(Association).where(Association.vcode == original))
    if other is None:
        raise InvalidRecord.one("dubbelVan", wording.gettext("er is geen vereniging met vCode %(vcode)s.",
                                                             vcode=original))
    if other.status != ACTIVE:
        raise RecordConflict("not_active", "dubbelVan", wording.gettext(
            "%(vcode)s is zelf niet actief; markeer als dubbel van de vereniging die blijft.",
            vcode=original))
    require_active(assoc)
    assoc.status, assoc.dubbel_van = "Dubbel", original
    return record_event(session, assoc, "VerenigingWerdGemarkeerdAlsDubbelVan",
                        {"dubbelVan": original}, actor)


def unmark_duplicate(session: Session, assoc: Association, actor: Actor) -> AssociationEvent:
    """A duplicate marking was a mistake: the association is active again."""
    if assoc.status != "Dubbel":
        raise RecordConflict("not_duplicate", None,
                             wording.gettext("%(vcode)s is niet gemarkeerd als dubbel.",
                                             vcode=assoc.vcode))
    original, assoc.status, assoc.dubbel_van = assoc.dubbel_van, ACTIVE, None
    return record_event(session, assoc, "MarkeringDubbeleVerenigingWerdGecorrigeerd",
                        {"dubbelVan": original}, actor)


def publicly_visible(assoc: Association) -> bool:
    """Public search and detail show only active associations that did not opt out."""
    return assoc.status == ACTIVE and not assoc.opt_out


# ---- contact data ------------------------------------------------------------------------

def contact_fields(item: Contactgegeven) -> dict[str, Any]:
    return {"type": item.type, "waarde": item.waarde, "beschrijving": item.beschrijving,
            "isPrimair": item.is_primair}


def find_item(items: list[Any], item_id: int, what: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    texts = {
        "contactgegeven": lambda: wording.gettext(
            "Deze vereniging heeft geen contactgegeven met id %(id)s.", id=item_id),
        "locatie": lambda: wording.gettext(
            "Deze vereniging heeft geen locatie met id %(id)s.", id=item_id),
        "vertegenwoordiger": lambda: wording.gettext(
            "Deze vereniging heeft geen vertegenwoordiger met id %(id)s.", id=item_id),
    }
    found = texts.get(what)
    raise NotFound("not_found", found() if found else
                   f"Deze vereniging heeft geen {what} met id {item_id}.")


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``{field: {"oud": …, "nieuw": …}}`` for the fields an update changed (an event's payload)."""
    return {k: {"oud": before[k], "nieuw": after[k]} for k in after if before[k] != after[k]}


def _check_contact_rules(assoc: Association, cleaned: dict[str, Any], skip: int | None) -> None:
    others = [c for c in assoc.contacts if c.id != skip]
    if cleaned["is_primair"] and any(c.is_primair and c.type == cleaned["type"] for c in others):
        raise InvalidRecord.one("isPrimair", wording.gettext(
            "er is al een primair contactgegeven van type %(type)s; er kan er maar één primair "
            "zijn per type.", type=cleaned["type"]))
    if any(c.type == cleaned["type"] and c.waarde.lower() == cleaned["waarde"].lower()
           for c in others):
        raise InvalidRecord.one("waarde", wording.gettext("dit contactgegeven staat er al."))


def add_contact(session: Session, assoc: Association, data: dict[str, Any],
                actor: Actor) -> Contactgegeven:
    cleaned = checks.check_contact(data)
    _check_contact_rules(assoc, cleaned, None)
    item = Contactgegeven(**cleaned)
    assoc.contacts.append(item)
    session.flush()
    record_event(session, assoc, "ContactgegevenWerdToegevoegd",
                 {"contactgegevenId": item.id, **contact_fields(item)}, actor)
    return item


def cleaned_contact_update(item: Contactgegeven, data: dict[str, Any]) -> dict[str, Any]:
    """What ``data`` (any of its fields) makes of a contact, cleaned, before any rule."""
    return checks.check_contact({**contact_fields(item), **data})


def update_contact(session: Session, assoc: Association, item_id: int, data: dict[str, Any],
                   actor: Actor) -> Contactgegeven:
    item = find_item(assoc.contacts, item_id, "contactgegeven")
    before = contact_fields(item)
    cleaned = cleaned_contact_update(item, data)
    _check_contact_rules(assoc, cleaned, item.id)
    for key, value in cleaned.items():
        setattr(item, key, value)
    after = contact_fields(item)
    diff = field_changes(before, after)
    if diff:
        record_event(session, assoc, "ContactgegevenWerdGewijzigd",
                     {"contactgegevenId": item.id, "gewijzigd": diff}, actor)
    return item


def remove_contact(session: Session, assoc: Association, item_id: int, actor: Actor) -> None:
    item = find_item(assoc.contacts, item_id, "contactgegeven")
    fields = contact_fields(item)
    assoc.contacts.remove(item)
    record_event(session, assoc, "ContactgegevenWerdVerwijderd",
                 {"contactgegevenId": item_id, **fields}, actor)


# ---- locations ---------------------------------------------------------------------------

def location_fields(item: Locatie) -> dict[str, Any]:
    return {"type": item.type, "isPrimair": item.is_primair, "naam": item.naam,
            "adres": {"straatnaam": item.straatnaam, "huisnummer": item.huisnummer,
                      "busnummer": item.busnummer, "postcode": item.postcode,
                      "gemeente": item.gemeente, "land": item.land}}


def check_address(session: Session, cleaned: dict[str, Any]) -> None:
    """:class:`InvalidRecord` (``adres.gemeente``) when a Belgian address's postcode lies in
    another municipality, by the postcode list."""
    if cleaned["land"] == checks.BELGIUM:
        problem = postcodes.municipality_problem(session, cleaned["postcode"],
                                                 cleaned["gemeente"])
        if problem:
            raise InvalidRecord.one("adres.gemeente", problem)


def _check_location_rules(assoc: Association, cleaned: dict[str, Any], skip: int | None) -> None:
    session = Session.object_session(assoc)
    if session is not None:
        check_address(session, cleaned)
    others = [loc for loc in assoc.locations if loc.id != skip]
    if cleaned["is_primair"] and any(loc.is_primair for loc in others):
        raise InvalidRecord.one("isPrimair", wording.gettext("er is al een primaire locatie; er kan er "
                                                             "maar één primair zijn."))
    key = ("type", "straatnaam", "huisnummer", "busnummer", "postcode", "gemeente", "land")
    if any(all(getattr(loc, k) == cleaned[k] for k in key) for loc in others):
        raise InvalidRecord.one("adres", wording.gettext("deze locatie staat er al."))


def with_municipality(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    """A Belgian address without a municipality gets the one its postcode lies in, when the
    postcode list knows exactly one."""
    address = data.get("adres")
    if not isinstance(address, dict) or (address.get("gemeente") or "").strip():
        return data
    land = str(address.get("land") or checks.BELGIUM).strip().lower()
    postcode = str(address.get("postcode") or "").strip()
    if land not in checks.BELGIUM_NAMES or not postcode:
        return data
    names = {name for name, _ in postcodes.places_for(session, postcode)}
    if len(names) != 1:
        return data
    return {**data, "adres": {**address, "gemeente": names.pop()}}


def add_location(session: Session, assoc: Association, data: dict[str, Any],
                 actor: Actor) -> Locatie:
    cleaned = checks.check_location(with_municipality(session, data))
    _check_location_rules(assoc, cleaned, None)
    item = Locatie(**cleaned)
    assoc.locations.append(item)
    session.flush()
    record_event(session, assoc, "LocatieWerdToegevoegd",
                 {"locatieId": item.id, **location_fields(item)}, actor)
    return item


def cleaned_location_update(session: Session, item: Locatie,
                            data: dict[str, Any]) -> dict[str, Any]:
    """What ``data`` (any of its fields, part of ``adres`` too) makes of a location, cleaned,
    its municipality filled from the postcode when left empty, before any rule."""
    before = location_fields(item)
    merged = {**before, **data}
    if isinstance(data.get("adres"), dict):
        merged["adres"] = {**before["adres"], **data["adres"]}
    return checks.check_location(with_municipality(session, merged))


def update_location(session: Session, assoc: Association, item_id: int, data: dict[str, Any],
                    actor: Actor) -> Locatie:
    item = find_item(assoc.locations, item_id, "locatie")
    before = location_fields(item)
    cleaned = cleaned_location_update(session, item, data)
    _check_location_rules(assoc, cleaned, item.id)
    for key, value in cleaned.items():
        setattr(item, key, value)
    after = location_fields(item)
    diff = field_changes(before, after)
    if diff:
        record_event(session, assoc, "LocatieWerdGewijzigd",
                     {"locatieId": item.id, "gewijzigd": diff}, actor)
    return item


def remove_location(session: Session, assoc: Association, item_id: int, actor: Actor) -> None:
    item = find_item(assoc.locations, item_id, "locatie")
    fields = location_fields(item)
    assoc.locations.remove(item)
    record_event(session, assoc, "LocatieWerdVerwijderd", {"locatieId": item_id, **fields},
                 actor)
