"""Changes to who represents an association, with the register's rules: only a primary
representative adds or removes representatives or decides who is primary; the last primary
one stays. Each change is versioned and an event, as in :mod:`loket.register.changes`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket import db
from loket.errors import Forbidden, Text
from loket.models import Association, Person, Representative
from loket.register import validation as checks
from loket.register import wording
from loket.register.changes import (
    Actor,
    RecordConflict,
    field_changes,
    find_item,
    record_event,
)
from loket.register.validation import InvalidRecord, Problem


def representative_fields(rep: Representative) -> dict[str, Any]:
    """What an event says about a representative: no INSZ, the person by their ``sub``."""
    return {"persoon": rep.person.sub, "roepnaam": rep.roepnaam, "rol": rep.rol,
            "isPrimair": rep.is_primair, "email": rep.email, "telefoon": rep.telefoon}


class NotRepresentative(Forbidden):
    """The person is not (or no longer) one of the association's representatives."""

    def __init__(self, assoc: Association) -> None:
        super().__init__("not_representative",
                         wording.gettext("Je bent geen vertegenwoordiger van %(vcode)s: alleen "
                                         "vertegenwoordigers mogen de gegevens wijzigen.",
                                         vcode=assoc.vcode))
        self.version = assoc.version  # the version the refusal was decided on


def representation(session: Session, assoc: Association, person_id: int) -> Representative:
    """The caller's own representation of ``assoc``, or :class:`NotRepresentative`."""
    for rep in assoc.representatives:
        if rep.person_id == person_id:
            return rep
    raise NotRepresentative(assoc)


def require_primary(by: Representative | None, what: Text) -> None:
    """:class:`Forbidden` (``not_primary``) unless ``by`` is primary (None: the system);
    ``what`` is what they may not do, as a verb phrase ("vertegenwoordigers uitnodigen")."""
    if by is not None and not by.is_primair:
        raise Forbidden("not_primary", wording.gettext("Alleen een primaire vertegenwoordiger mag "
                                                       "%(what)s.", what=what))


def _primaries(assoc: Association) -> list[Representative]:
    return [r for r in assoc.representatives if r.is_primair]


def add_representative(session: Session, assoc: Association, data: dict[str, Any],
                       actor: Actor, by: Representative | None) -> Representative:
    require_primary(by, wording.gettext("vertegenwoordigers toevoegen"))
    cleaned = checks.check_representative(data, new=True)
    current = list(assoc.representatives)  # loaded before the new one exists (autoflush)
    person = session.scalar(select(Person).where(Person.insz == cleaned["insz"]))
    if person is None:
        missing = [Problem(f, wording.gettext("vul dit in: deze persoon is nog niet gekend in het "
                                              "register.")) for f in ("voornaam", "achternaam")
                   if not cleaned[f]]
        if missing:
            raise InvalidRecord(missing)
        person = Person(insz=cleaned["insz"], given_name=cleaned["voornaam"],
                        family_name=cleaned["achternaam"], created_at=db.now())
        session.add(person)
        session.flush()
    elif any(r.person_id == person.id for r in current):
        raise RecordConflict("already_representative", "insz", wording.gettext(
            "Deze persoon is al vertegenwoordiger van deze vereniging."))
    rep = Representative(association=assoc, person=person, **{
        k: cleaned[k] for k in ("roepnaam", "rol", "is_primair", "email", "telefoon")})
    session.add(rep)
    session.flush()
    record_event(session, assoc, "VertegenwoordigerWerdToegevoegd",
                 {"vertegenwoordigerId": rep.id, **representative_fields(rep)}, actor)
    return rep


def cleaned_representative_update(rep: Representative, data: dict[str, Any]) -> dict[str, Any]:
    """What ``data`` (any of the editable fields) makes of a representative, cleaned, before
    any rule."""
    current = {"roepnaam": rep.roepnaam, "rol": rep.rol, "isPrimair": rep.is_primair,
               "email": rep.email, "telefoon": rep.telefoon}
    return checks.check_representative({**current, **data}, new=False)


def update_representative(session: Session, assoc: Association, rep_id: int,
                          data: dict[str, Any], actor: Actor,
                          by: Representative | None) -> Representative:
    rep = find_item(assoc.representatives, rep_id, "vertegenwoordiger")
    if by is not None and by.id != rep.id:
        require_primary(by, wording.gettext("de gegevens van een andere vertegenwoordiger wijzigen"))
    before = representative_fields(rep)
    cleaned = cleaned_representative_update(rep, data)
    if cleaned["is_primair"] != rep.is_primair:
        require_primary(by, wording.gettext("bepalen wie primair vertegenwoordiger is"))
        if rep.is_primair and len(_primaries(assoc)) == 1:
            raise RecordConflict("last_primary", "isPrimair", wording.gettext(
                "Dit is de laatste primaire vertegenwoordiger; maak eerst iemand anders "
                "primair."))
    for key, value in cleaned.items():
        setattr(rep, key, value)
    after = representative_fields(rep)
    diff = field_changes(before, after)
    if diff:
        record_event(session, assoc, "VertegenwoordigerWerdGewijzigd",
                     {"vertegenwoordigerId": rep.id, "persoon": rep.person.sub,
                      "gewijzigd": diff}, actor)
    return rep


def remove_representative(session: Session, assoc: Association, rep_id: int, actor: Actor,
                          by: Representative | None) -> Representative:
    rep = find_item(assoc.representatives, rep_id, "vertegenwoordiger")
    require_primary(by, wording.gettext("vertegenwoordigers verwijderen"))
    if rep.is_primair and len(_primaries(assoc)) == 1:
        raise RecordConflict("last_primary", None, wording.gettext(
            "De laatste primaire vertegenwoordiger kan niet verwijderd worden; maak eerst "
            "iemand anders primair."))
    fields = representative_fields(rep)
    assoc.representatives.remove(rep)
    session.delete(rep)
    record_event(session, assoc, "VertegenwoordigerWerdVerwijderd",
                 {"vertegenwoordigerId": rep_id, **fields}, actor)
    return rep
