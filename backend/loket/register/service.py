"""One way to change an association, whichever door the change comes in by.

The self-service pages and the JSON API both ask :func:`acting_for` who acts for which
association (a person who holds its ``VER`` capacity and is one of its current
representatives), then hand the change to :func:`change`: with the association's row locked
(``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the request's write transaction holds the one
write lock from its first statement), the version the person saw is compared, the change is
applied (each change records its own event, see :mod:`loket.register.changes`), its audit
entry joins the same transaction and the whole is committed: no event without its audit entry.
A refused attempt is logged by :func:`refused`, once.

The doors differ only in how they read input (a form with its hidden ``version``; JSON with
``If-Match``) and how they answer (a redirect or the form again; JSON with an ``ETag``, or 412).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from loket import audit
from loket.errors import Conflict, Forbidden, LoketError
from loket.models import Association, AssociationEvent, Person, Representative
from loket.register import changes, representatives
from loket.register.changes import Actor
from loket.sso import capacities
from loket.sso.capacities import Capacity

T = TypeVar("T")
_LOGGED = "_loket_refusal_logged"


@dataclass(frozen=True)
class Acting:
    """A person acting for an association as one of its current representatives."""

    person: Person
    session: Session
    assoc: Association
    rep: Representative
    actor: Actor
    capacity: Capacity
    locked: bool = False
    via: str | None = None  # the door, named in the audit entry of a change ("self-service")

    @property
    def resource(self) -> str:
        return f"association/{self.assoc.vcode}"

    @property
    def is_primary(self) -> bool:
        return self.rep.is_primair

    def require_primary(self, what: str) -> None:
        """:class:`Forbidden` (``not_primary``) unless they are a primary representative."""
        representatives.require_primary(self.rep, what)


def acting_for(session: Session, person: Person, vcode: str, *, lock: bool = False,
               held: Capacity | None = None, client_id: str | None = None,
               via: str | None = None) -> Acting:
    """``person`` acting for the association ``vcode`` (canonical), locked with ``lock``.

    ``held`` is the capacity the caller has already shown to hold (the API: the one its token
    names, checked by the door); without it, the person's capacities are looked up, and one
    who does not hold this one is refused and the refusal logged. Either way they must still be
    one of its representatives (:class:`~loket.register.representatives.NotRepresentative`).
    """
    actor = Actor(person.sub, f"VER:{vcode}", client_id)
    if held is None:
        held = capacities.find(capacities.for_person(session, person), "VER", vcode)
        if held is None:
            error = Forbidden("not_representative",
                              f"Je kunt niet optreden namens {vcode}: alleen vertegenwoordigers "
                              "van een vereniging zien en wijzigen haar gegevens hier.")
            refused(session, "association-read", f"association/{vcode}", actor, error)
            raise error
    assoc = changes.find(session, vcode, lock=lock)
    rep = representatives.representation(session, assoc, person.id)
    return Acting(person, session, assoc, rep, actor, held, lock, via)


@dataclass(frozen=True)
class Change(Generic[T]):
    """A change as :func:`change` made it: the versions around it and what it returned."""

    acting: Acting
    event: str
    expected: frozenset[int] | None  # the versions the person had seen (None: any)
    before: int  # the version found under the lock
    result: T

    @property
    def after(self) -> int:
        return self.acting.assoc.version

    def recorded(self) -> list[AssociationEvent]:
        """The events this change recorded (each names what it changed, old and new)."""
        return since(self.acting, self.before)


def change(acting: Acting, expected: Collection[int] | None, apply: Callable[[], T],
           event: str, *, subject: Callable[[T], str | None] | None = None) -> Change[T]:
    """Apply ``apply`` to the locked association if its version is one of ``expected`` (None
    accepts any, as ``If-Match: *``; an empty set none), audit it as ``event`` and commit.

    :class:`~loket.register.changes.StaleVersion` (with the current and the expected versions)
    before anything runs when someone else changed it first. A change that refuses (a field
    problem, a rule) leaves the transaction uncommitted, to its door; a commit that fails
    leaves nothing: neither the event nor the audit entry.
    """
    if not acting.locked:
        raise RuntimeError("a change needs the association locked: acting_for(..., lock=True)")
    accepted = frozenset(expected) if expected is not None else None
    changes.check_version(acting.assoc, accepted)
    before = acting.assoc.version
    result = apply()
    session = acting.session
    detail: dict[str, Any] = {"event": event, "version": acting.assoc.version}
    if acting.via:
        detail["via"] = acting.via
    try:
        audit.record(session, "association-change", acting.resource, actor=acting.actor.actor,
                     capacity=acting.actor.capacity, client_id=acting.actor.client_id,
                     subject=subject(result) if subject and result is not None else None,
                     detail=detail)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict("conflict", "Een andere wijziging kwam net voor; haal de gegevens "
                       "opnieuw op en probeer nog eens.") from exc
    except BaseException:
        session.rollback()
        raise
    return Change(acting, event, accepted, before, result)


def since(acting: Acting, version: int) -> list[AssociationEvent]:
    """The association's events after ``version``, oldest first: what changed since a person's
    copy (after a :class:`~loket.register.changes.StaleVersion`, what the others changed)."""
    return list(acting.session.scalars(
        select(AssociationEvent).where(AssociationEvent.association_id == acting.assoc.id,
                                       AssociationEvent.version > version)
        .order_by(AssociationEvent.seq)))


def refused(session: Session, operation: str, resource: str, actor: Actor | None,
            error: LoketError) -> None:
    """Log a refused attempt (who, the error code and its message) and commit the entry.

    A refusal is logged once, however many layers it passes on its way out.
    """
    if getattr(error, _LOGGED, False):
        return
    audit.record(session, operation, resource, actor=actor.actor if actor else None,
                 capacity=actor.capacity if actor else None,
                 client_id=actor.client_id if actor else None, outcome="refused",
                 reason=error.detail[:200], detail={"error": error.code})
    session.commit()
    setattr(error, _LOGGED, True)


def log_representatives_read(acting: Acting, why: str,
                             reps: Iterable[Representative] | None = None) -> None:
    """One entry per representative whose personal data is about to be shown (all of them
    unless ``reps`` says which); the caller commits them before the data leaves."""
    for rep in acting.assoc.representatives if reps is None else reps:
        audit.record(acting.session, "read", f"{acting.resource}/vertegenwoordigers",
                     actor=acting.actor.actor, capacity=acting.actor.capacity,
                     client_id=acting.actor.client_id, subject=rep.person.sub, reason=why)


@dataclass(frozen=True)
class Items:
    """The changes to one of an association's lists, made by a person acting for it."""

    add: Callable[[Acting, dict[str, Any]], Any]
    update: Callable[[Acting, int, dict[str, Any]], Any]
    remove: Callable[[Acting, int], Any]


CONTACTS = Items(
    lambda a, data: changes.add_contact(a.session, a.assoc, data, a.actor),
    lambda a, item, data: changes.update_contact(a.session, a.assoc, item, data, a.actor),
    lambda a, item: changes.remove_contact(a.session, a.assoc, item, a.actor),
)
LOCATIONS = Items(
    lambda a, data: changes.add_location(a.session, a.assoc, data, a.actor),
    lambda a, item, data: changes.update_location(a.session, a.assoc, item, data, a.actor),
    lambda a, item: changes.remove_location(a.session, a.assoc, item, a.actor),
)
REPRESENTATIVES = Items(
    lambda a, data: representatives.add_representative(a.session, a.assoc, data, a.actor, a.rep),
    lambda a, item, data: representatives.update_representative(a.session, a.assoc, item, data,
                                                                a.actor, a.rep),
    lambda a, item: representatives.remove_representative(a.session, a.assoc, item, a.actor,
                                                          a.rep),
)
