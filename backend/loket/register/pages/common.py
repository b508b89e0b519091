"""Shared ground of the self-service pages: the blueprint, who is signed in (the provider's SSO
session cookie), and the association they act for, checked against their capacities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, g, render_template
from sqlalchemy.orm import Session

from loket import audit, db
from loket.errors import Forbidden
from loket.identifiers import InvalidIdentifier, parse_vcode
from loket.models import Association, Person, Representative
from loket.register import changes, representatives
from loket.register.changes import Actor
from loket.sso import capacities

bp = Blueprint("register", __name__)


class SignInRequired(Exception):
    """Nobody is signed in at the provider: the page asks them to sign in first."""


def signed_in() -> Person:
    """The person of the provider's SSO session, or :class:`SignInRequired`."""
    from loket.sso.web import current_sign_in

    who = current_sign_in()
    if who is None:
        raise SignInRequired()
    g.loket_person = who.person  # the pages' header shows who is signed in
    return who.person


@bp.errorhandler(SignInRequired)
def _sign_in_first(_error: SignInRequired) -> Response:
    response = Response(render_template("register/signin.html"), status=401)
    response.headers["Cache-Control"] = "no-store"
    return response


@dataclass
class Acting:
    """A signed-in person acting for an association they represent."""

    person: Person
    session: Session
    assoc: Association
    rep: Representative

    @property
    def actor(self) -> Actor:
        return Actor(self.person.sub, f"VER:{self.assoc.vcode}", None)

    @property
    def is_primary(self) -> bool:
        return self.rep.is_primair


def acting_for(vcode: str, *, lock: bool = False) -> Acting:
    """The signed-in person acting for ``vcode``: it must be one of their capacities."""
    person = signed_in()
    session = db.session()
    try:
        canonical = parse_vcode(vcode)
    except InvalidIdentifier as exc:
        raise Forbidden("not_representative", f"{vcode[:20]!r} is geen vCode.") from exc
    caps = capacities.for_person(session, person)
    held = {c.identifier for c in caps if c.code == "VER"}
    if canonical not in held:
        audit.record(session, "association-read", f"association/{canonical}", actor=person.sub,
                     capacity=f"VER:{canonical}", outcome="refused",
                     detail={"error": "not_representative"})
        session.commit()
        raise Forbidden("not_representative",
                        f"Je kunt niet optreden namens {canonical}: alleen vertegenwoordigers "
                        "van een vereniging zien en wijzigen haar gegevens hier.")
    assoc = changes.find(session, canonical, lock=lock)
    rep = representatives.representation(session, assoc, person.id)
    g.loket_active = capacities.find(caps, "VER", canonical)
    return Acting(person, session, assoc, rep)


def audit_representatives_read(acting: Acting, why: str) -> None:
    """One entry per representative whose personal data a page is about to show."""
    for rep in acting.assoc.representatives:
        audit.record(acting.session, "read", f"association/{acting.assoc.vcode}/vertegenwoordigers",
                     actor=acting.person.sub, capacity=f"VER:{acting.assoc.vcode}",
                     subject=rep.person.sub, reason=why)


def page(template: str, status: int = 200, **context: Any) -> Response:
    response = Response(render_template(template, **context), status=status)
    response.headers["Cache-Control"] = "no-store"
    return response
