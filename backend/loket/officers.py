"""Who may consult the audit log: security officers, granted by the operator (``loket officer
grant``) and signed in through the provider like everyone else. No Flask here."""

from __future__ import annotations

import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.identifiers import InvalidIdentifier, parse_insz
from loket.models import Person, SecurityOfficer


class OfficerProblem(ValueError):
    """The person cannot be granted or revoked as asked; the message says why."""


def _person(session: Session, insz: str) -> Person:
    try:
        canonical = parse_insz(insz)
    except InvalidIdentifier as exc:
        raise OfficerProblem(exc.message) from exc
    person = session.scalar(select(Person).where(Person.insz == canonical))
    if person is None:
        raise OfficerProblem("nobody with this INSZ is known here: they sign in once first")
    return person


def is_officer(session: Session, person: Person) -> bool:
    return session.get(SecurityOfficer, person.id) is not None


def grant(session: Session, insz: str, by: str) -> Person:
    person = _person(session, insz)
    if not is_officer(session, person):
        session.add(SecurityOfficer(person_id=person.id, granted_at=int(time.time()),
                                    granted_by=by))
    return person


def revoke(session: Session, insz: str) -> Person:
    person = _person(session, insz)
    found = session.get(SecurityOfficer, person.id)
    if found is None:
        raise OfficerProblem("this person is no security officer")
    session.delete(found)
    return person


def listed(session: Session) -> list[tuple[Person, SecurityOfficer]]:
    return [(p, o) for p, o in session.execute(
        select(Person, SecurityOfficer).join(SecurityOfficer,
                                             SecurityOfficer.person_id == Person.id)
        .order_by(SecurityOfficer.granted_at))]
