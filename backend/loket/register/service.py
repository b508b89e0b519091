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
from loket.errors import Conflict, Forbidden, LoketError, Text
from loket.models import Association, AssociationEvent, Invitation, Person, Representative
from loket.register import changes, invitations, merge, representatives, wording
from loket.register import validation as checks
from loket.register.changes import Actor, StaleVersion
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

    def require_primary(self, what: Text) -> None:
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
        held = capacities.find(capacities.for_person(session, person), "VER", vcode) \
            or _inactive_capacity(session, person, vcode)
        if held is None:
            error = Forbidden("not_representative", wording.gettext(
                "Je kunt niet optreden namens %(vcode)s: alleen vertegenwoordigers van een "
                "vereniging zien en wijzigen haar gegevens hier.", vcode=vcode))
            refused(session, "association-read", f"association/{vcode}", actor, error)
            raise error
    assoc = changes.find(session, vcode, lock=lock)
    rep = representatives.representation(session, assoc, person.id)
    return Acting(person, session, assoc, rep, actor, held, lock, via)


def _inactive_capacity(session: Session, person: Person, vcode: str) -> Capacity | None:
    """A stopped association (or a duplicate) is no capacity to sign in with any more, but its
    representatives still read its record here; every change refuses (``not_active``)."""
    assoc = session.scalar(select(Association).where(Association.vcode == vcode))
    if assoc is None or assoc.status == changes.ACTIVE or not any(
            rep.person_id == person.id for rep in assoc.representatives):
        return None
    return Capacity("VER", vcode, assoc.naam)


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
           event: str, *, subject: Callable[[T], str | None] | None = None,
           inactive_too: bool = False) -> Change[T]:
    """Apply ``apply`` to the locked association if its version is one of ``expected`` (None
    accepts any, as ``If-Match: *``; an empty set none), audit it as ``event`` and commit.

    :class:`~loket.register.changes.StaleVersion` (with the current and the expected versions)
    before anything runs when someone else changed it first; ``not_active``
    (:class:`~loket.register.changes.RecordConflict`) when the association stopped or is a
    duplicate, unless ``inactive_too`` (the lifecycle changes decide that themselves). A change
    that refuses (a field problem, a rule) leaves the transaction uncommitted, to its door; a
    commit that fails leaves nothing: neither the event nor the audit entry.
    """
    if not acting.locked:
        raise RuntimeError("a change needs the association locked: acting_for(..., lock=True)")
    before = acting.assoc.version
    result = commit_change(acting.session, acting.assoc, acting.actor, expected, apply, event,
                           subject=subject, via=acting.via, inactive_too=inactive_too)
    return Change(acting, event, frozenset(expected) if expected is not None else None, before,
                  result)


def commit_change(session: Session, assoc: Association, actor: Actor,
                  expected: Collection[int] | None, apply: Callable[[], T], event: str, *,
                  subject: Callable[[T], str | None] | None = None, via: str | None = None,
                  reason: str | None = None, inactive_too: bool = False) -> T:
    """The one way a change is made, whoever makes it (a representative through
    :func:`change`, a government's register office directly): on the locked ``assoc``, the
    version checked, the change applied, its audit entry in the same transaction, committed."""
    changes.check_version(assoc, frozenset(expected) if expected is not None else None)
    if not inactive_too:
        changes.require_active(assoc)
    result = apply()
    detail: dict[str, Any] = {"event": event, "version": assoc.version}
    if via:
        detail["via"] = via
    try:
        audit.record(session, "association-change", f"association/{assoc.vcode}",
                     actor=actor.actor, capacity=actor.capacity, client_id=actor.client_id,
                     subject=subject(result) if subject and result is not None else None,
                     reason=reason, detail=detail)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict("conflict", wording.gettext("Een andere wijziging kwam net voor; haal de "
                                                   "gegevens opnieuw op en probeer nog eens.")) from exc
    except BaseException:
        session.rollback()
        raise
    return result


def answer_invitation(session: Session, person: Person, invitation_id: int, accept: bool,
                      actor: Actor, *, via: str | None = None
                      ) -> tuple[Invitation, Association]:
    """The invited person's answer, whichever door it comes in by: the invitation addressed to
    them (404 for anyone else's), its association locked, the answer applied, audited and
    committed (``not_active`` when the association stopped meanwhile)."""
    found = invitations.invitation_of(session, person, invitation_id)
    assoc = changes.find(session, found.association.vcode, lock=True)
    commit_change(session, assoc, actor, None,
                  lambda: invitations.answer(session, found, person, accept, actor),
                  "UitnodigingWerdAanvaard" if accept else "UitnodigingWerdGeweigerd",
                  subject=lambda _r: person.sub, via=via)
    return found, assoc


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
    """The changes to one of an association's lists, made by a person acting for it (no
    ``add`` for representatives: nobody is added without consent, see
    :mod:`loket.register.invitations`)."""

    update: Callable[[Acting, int, dict[str, Any]], Any]
    remove: Callable[[Acting, int], Any]
    add: Callable[[Acting, dict[str, Any]], Any] | None = None


CONTACTS = Items(
    lambda a, item, data: changes.update_contact(a.session, a.assoc, item, data, a.actor),
    lambda a, item: changes.remove_contact(a.session, a.assoc, item, a.actor),
    lambda a, data: changes.add_contact(a.session, a.assoc, data, a.actor),
)
LOCATIONS = Items(
    lambda a, item, data: changes.update_location(a.session, a.assoc, item, data, a.actor),
    lambda a, item: changes.remove_location(a.session, a.assoc, item, a.actor),
    lambda a, data: changes.add_location(a.session, a.assoc, data, a.actor),
)
REPRESENTATIVES = Items(
    lambda a, item, data: representatives.update_representative(a.session, a.assoc, item, data,
                                                                a.actor, a.rep),
    lambda a, item: representatives.remove_representative(a.session, a.assoc, item, a.actor,
                                                          a.rep),
)


# ---- an edit against an older version, merged ---------------------------------------------

@dataclass(frozen=True)
class Part:
    """One editable part of a record as a merge sees it: its current values and a person's
    proposed ones (flattened, under the API's names, cleaned as the change would clean them),
    which events change it, and the change itself (``item`` is the id of a list's item)."""

    event: str
    current: Callable[[Acting, int | None], dict[str, Any]]
    proposed: Callable[[Acting, int | None, dict[str, Any]], dict[str, Any]]
    update: Callable[[Acting, int | None, dict[str, Any]], Any]
    item_key: str | None = None  # the event's key naming the item ("contactgegevenId")
    sets: tuple[str, ...] = ()   # list fields merged as sets

    def touches(self, event: AssociationEvent, item: int | None) -> bool:
        return event.type == self.event and (
            self.item_key is None or (event.data or {}).get(self.item_key) == item)


class EditClash(Conflict):
    """Both the person and someone else changed the same fields since the person's copy:
    nothing was saved; the person chooses, field by field, against version ``current``."""

    def __init__(self, outcome: merge.Outcome, current: int) -> None:
        names = ", ".join(c.field for c in outcome.clashes)
        super().__init__("edit_conflict", wording.gettext(
            "Iemand anders wijzigde intussen dezelfde velden (%(fields)s); kies per veld welke "
            "waarde blijft.", fields=names))
        self.outcome = outcome
        self.current = current


@dataclass(frozen=True)
class Merged(Generic[T]):
    """An edit that was saved: the change, and the others' changes it kept (none when nobody
    else changed anything since the person's copy)."""

    change: Change[T]
    kept: dict[str, merge.Theirs]


def edit(acting: Acting, seen: int | None, part: Part, item: int | None,
         data: dict[str, Any], *, subject: Callable[[T], str | None] | None = None
         ) -> Merged[Any]:
    """Apply a person's edit of ``part`` made against version ``seen``, merging it with what
    others changed since (see :mod:`loket.register.merge`).

    :class:`EditClash` when both changed a field differently (nothing saved);
    :class:`~loket.register.changes.StaleVersion` when the copy has no version to merge from.
    """
    try:
        done = change(acting, set() if seen is None else {seen},
                      lambda: part.update(acting, item, data), part.event, subject=subject)
        return Merged(done, {})
    except StaleVersion:
        if seen is None or seen > acting.assoc.version:
            raise
    theirs = merge.changed_since(since(acting, seen), lambda e: part.touches(e, item))
    flat = merge.flatten(data)
    mine = {k: v for k, v in part.proposed(acting, item, data).items() if k in flat}
    outcome = merge.three_way(theirs, mine, part.current(acting, item), sets=part.sets)
    if outcome.clashes:
        raise EditClash(outcome, acting.assoc.version)
    apply = merge.unflatten({k: outcome.apply[k] if k in part.sets else flat[k]
                             for k in outcome.apply})
    done = change(acting, {acting.assoc.version}, lambda: part.update(acting, item, apply),
                  part.event, subject=subject)
    return Merged(done, outcome.kept)


def _api(cleaned: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {names.get(k, k): v for k, v in cleaned.items()}


def _basics_proposed(a: Acting, _item: int | None, data: dict[str, Any]) -> dict[str, Any]:
    activities, areas = changes.known_codes(a.session)
    cleaned = checks.check_basics(data, current_min=a.assoc.min_leeftijd,
                                  current_max=a.assoc.max_leeftijd, today=changes.today(),
                                  activities=activities, areas=areas)
    return _api(cleaned, changes.BASIC_API_NAMES)


def _basics_update(a: Acting, _item: int | None, data: dict[str, Any]) -> Any:
    activities, areas = changes.known_codes(a.session)
    return changes.update_basics(a.session, a.assoc, data, a.actor, activities=activities,
                                 areas=areas)


BASICS = Part("BasisgegevensWerdenGewijzigd",
              lambda a, _item: merge.flatten(changes.basics_fields(a.assoc)),
              _basics_proposed, _basics_update,
              sets=("hoofdactiviteiten", "werkingsgebieden"))

_ITEM_NAMES = {"is_primair": "isPrimair",
               **{f: f"adres.{f}" for f in checks.ADDRESS_FIELDS}}


def _item_part(event: str, key: str, items: Items, what: str,
               fields: Callable[[Any], dict[str, Any]],
               cleaned: Callable[[Acting, Any, dict[str, Any]], dict[str, Any]],
               listed: Callable[[Acting], list[Any]]) -> Part:
    """A list's item as a merge sees it; ``cleaned`` is what its update makes of the data."""
    def current(a: Acting, item: int | None) -> dict[str, Any]:
        return merge.flatten(fields(changes.find_item(listed(a), item or 0, what)))

    def proposed(a: Acting, item: int | None, data: dict[str, Any]) -> dict[str, Any]:
        found = changes.find_item(listed(a), item or 0, what)
        return _api(cleaned(a, found, data), _ITEM_NAMES)

    return Part(event, current, proposed, lambda a, item, data: items.update(a, item or 0, data),
                item_key=key)


def _rep_fields(rep: Representative) -> dict[str, Any]:
    return {k: v for k, v in representatives.representative_fields(rep).items()
            if k != "persoon"}


CONTACT = _item_part("ContactgegevenWerdGewijzigd", "contactgegevenId", CONTACTS,
                     "contactgegeven", changes.contact_fields,
                     lambda _a, item, data: changes.cleaned_contact_update(item, data),
                     lambda a: a.assoc.contacts)
LOCATION = _item_part("LocatieWerdGewijzigd", "locatieId", LOCATIONS, "locatie",
                      changes.location_fields,
                      lambda a, item, data: changes.cleaned_location_update(a.session, item,
                                                                            data),
                      lambda a: a.assoc.locations)
REPRESENTATIVE = _item_part("VertegenwoordigerWerdGewijzigd", "vertegenwoordigerId",
                            REPRESENTATIVES, "vertegenwoordiger", _rep_fields,
                            lambda _a, rep, data: representatives.cleaned_representative_update(
                                rep, data),
                            lambda a: a.assoc.representatives)
