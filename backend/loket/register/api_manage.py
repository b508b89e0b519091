"""Changes by a representative through the API: ``PATCH``/``POST``/``DELETE`` under
``/api/v1/associations/{vCode}``, with a person's access token (scope ``associations``) acting
for that association (capacity ``VER`` with its vCode).

Every response carries the new version's weak ``ETag``; every change needs ``If-Match`` (428
without it, 412 when the version moved on). Only a current representative may change anything;
only a primary one may add or remove representatives. Changes, refusals and reads of
representatives' data are in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import Response, g, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from loket import api, audit, db
from loket.errors import Conflict, Forbidden, NotFound
from loket.identifiers import InvalidIdentifier, parse_vcode
from loket.models import Association, Representative
from loket.register import changes, representatives, views
from loket.register.changes import Actor
from loket.register.web import if_match, json_object, no_content, remember_version, with_etag

SCOPE = "associations"
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Acting:
    """A representative acting for an association, with the association locked."""

    caller: api.Caller
    session: Session
    assoc: Association
    rep: Representative
    actor: Actor

    @property
    def resource(self) -> str:
        return f"association/{self.assoc.vcode}"


def _canonical(vcode: str) -> str:
    try:
        return parse_vcode(vcode)
    except InvalidIdentifier as exc:
        raise NotFound("not_found", f"Geen vereniging met vCode {vcode[:20]!r}.") from exc


def acting_for(vcode: str, *, change: bool) -> Acting:
    """The caller, checked to act for ``vcode`` as one of its representatives.

    For a change, ``If-Match`` is required and compared once the association is locked.
    """
    who = api.caller(SCOPE, person=True)
    assert who.person is not None
    canonical = _canonical(vcode)
    capacity = who.capacity or {}
    if capacity.get("code") != "VER" or capacity.get("identifier") != canonical:
        raise Forbidden("wrong_capacity",
                        f"Dit token handelt niet namens {canonical}. Meld je aan namens de "
                        f"vereniging (hoedanigheid VER {canonical}).")
    session = db.session()
    accepted = if_match() if change else None
    assoc = changes.find(session, canonical, lock=change)
    remember_version(assoc.version)
    rep = representatives.representation(session, assoc, who.person.id)
    if change:
        changes.check_version(assoc, accepted)
    actor = Actor(who.person.sub, audit.capacity_label(capacity), who.client_id)
    return Acting(who, session, assoc, rep, actor)


def audited(operation: str) -> Callable[[F], F]:
    """Log a refused call (403/409/412) with who tried, then let the error answer."""

    def wrap(view: F) -> F:
        @wraps(view)
        def inner(vcode: str, *args: Any, **kwargs: Any) -> Any:
            try:
                return view(vcode, *args, **kwargs)
            except (Forbidden, Conflict, changes.StaleVersion) as error:
                who: api.Caller | None = g.get("caller")
                session = db.session()
                session.rollback()
                audit.record(session, operation, f"association/{vcode[:20].upper()}",
                             actor=who.actor if who else None,
                             client_id=who.client_id if who else None,
                             capacity=audit.capacity_label(who.capacity) if who else None,
                             outcome="refused", reason=error.detail[:200],
                             detail={"error": error.code})
                session.commit()
                raise

        return inner  # type: ignore[return-value]

    return wrap


def _commit(acting: Acting, event: str, subject: str | None = None) -> None:
    audit.record(acting.session, "association-change", acting.resource,
                 actor=acting.actor.actor, capacity=acting.actor.capacity,
                 client_id=acting.actor.client_id, subject=subject,
                 detail={"event": event, "version": acting.assoc.version})
    try:
        acting.session.commit()
    except IntegrityError as exc:
        acting.session.rollback()
        raise Conflict("conflict", "Een andere wijziging kwam net voor; haal de gegevens "
                       "opnieuw op en probeer nog eens.") from exc


# ---- the association's own fields --------------------------------------------------------

@api.bp.patch("/associations/<vcode>")
@audited("association-change")
def patch_association(vcode: str) -> Response:
    acting = acting_for(vcode, change=True)
    activities, areas = changes.known_codes(acting.session)
    changes.update_basics(acting.session, acting.assoc, json_object(), acting.actor,
                          activities=activities, areas=areas)
    _commit(acting, "BasisgegevensWerdenGewijzigd")
    return with_etag(views.public_view(acting.assoc, views.names(acting.session)),
                     acting.assoc.version)


# ---- contact data and locations ----------------------------------------------------------

def _item_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 12:
        raise NotFound("not_found", f"Geen item met id {raw[:20]!r}.")
    return int(raw)


@api.bp.post("/associations/<vcode>/contactgegevens")
@audited("association-change")
def add_contact(vcode: str) -> Response:
    acting = acting_for(vcode, change=True)
    item = changes.add_contact(acting.session, acting.assoc, json_object(), acting.actor)
    _commit(acting, "ContactgegevenWerdToegevoegd")
    response = with_etag(views.contact_view(item), acting.assoc.version, 201)
    response.headers["Location"] = url_for("api.update_contact", vcode=acting.assoc.vcode,
                                           item=item.id, _external=True)
    return response


@api.bp.patch("/associations/<vcode>/contactgegevens/<item>")
@audited("association-change")
def update_contact(vcode: str, item: str) -> Response:
    acting = acting_for(vcode, change=True)
    changed = changes.update_contact(acting.session, acting.assoc, _item_id(item), json_object(),
                                     acting.actor)
    _commit(acting, "ContactgegevenWerdGewijzigd")
    return with_etag(views.contact_view(changed), acting.assoc.version)


@api.bp.delete("/associations/<vcode>/contactgegevens/<item>")
@audited("association-change")
def remove_contact(vcode: str, item: str) -> Response:
    acting = acting_for(vcode, change=True)
    changes.remove_contact(acting.session, acting.assoc, _item_id(item), acting.actor)
    _commit(acting, "ContactgegevenWerdVerwijderd")
    return no_content(acting.assoc.version)


@api.bp.post("/associations/<vcode>/locaties")
@audited("association-change")
def add_location(vcode: str) -> Response:
    acting = acting_for(vcode, change=True)
    item = changes.add_location(acting.session, acting.assoc, json_object(), acting.actor)
    _commit(acting, "LocatieWerdToegevoegd")
    response = with_etag(views.location_view(item), acting.assoc.version, 201)
    response.headers["Location"] = url_for("api.update_location", vcode=acting.assoc.vcode,
                                           item=item.id, _external=True)
    return response


@api.bp.patch("/associations/<vcode>/locaties/<item>")
@audited("association-change")
def update_location(vcode: str, item: str) -> Response:
    acting = acting_for(vcode, change=True)
    changed = changes.update_location(acting.session, acting.assoc, _item_id(item),
                                      json_object(), acting.actor)
    _commit(acting, "LocatieWerdGewijzigd")
    return with_etag(views.location_view(changed), acting.assoc.version)


@api.bp.delete("/associations/<vcode>/locaties/<item>")
@audited("association-change")
def remove_location(vcode: str, item: str) -> Response:
    acting = acting_for(vcode, change=True)
    changes.remove_location(acting.session, acting.assoc, _item_id(item), acting.actor)
    _commit(acting, "LocatieWerdVerwijderd")
    return no_content(acting.assoc.version)


# ---- representatives ---------------------------------------------------------------------

@api.bp.get("/associations/<vcode>/vertegenwoordigers")
@audited("association-read")
def list_representatives(vcode: str) -> Response:
    acting = acting_for(vcode, change=False)
    reps = sorted(acting.assoc.representatives, key=lambda r: (not r.is_primair, r.id))
    for rep in reps:
        audit.record(acting.session, "read", f"{acting.resource}/vertegenwoordigers",
                     actor=acting.actor.actor, capacity=acting.actor.capacity,
                     client_id=acting.actor.client_id, subject=rep.person.sub,
                     reason="vertegenwoordiger bekijkt de vertegenwoordigers van de vereniging")
    acting.session.commit()  # the entries are stored before the data leaves
    return with_etag({"vCode": acting.assoc.vcode,
                      "vertegenwoordigers": [views.representative_view(r) for r in reps]},
                     acting.assoc.version)


@api.bp.post("/associations/<vcode>/vertegenwoordigers")
@audited("association-change")
def add_representative(vcode: str) -> Response:
    acting = acting_for(vcode, change=True)
    rep = representatives.add_representative(acting.session, acting.assoc, json_object(), acting.actor,
                                     acting.rep)
    subject = rep.person.sub
    _commit(acting, "VertegenwoordigerWerdToegevoegd", subject)
    response = with_etag(views.representative_view(rep), acting.assoc.version, 201)
    response.headers["Location"] = url_for("api.update_representative", vcode=acting.assoc.vcode,
                                           item=rep.id, _external=True)
    return response


@api.bp.patch("/associations/<vcode>/vertegenwoordigers/<item>")
@audited("association-change")
def update_representative(vcode: str, item: str) -> Response:
    acting = acting_for(vcode, change=True)
    rep = representatives.update_representative(acting.session, acting.assoc, _item_id(item),
                                        json_object(), acting.actor, acting.rep)
    _commit(acting, "VertegenwoordigerWerdGewijzigd", rep.person.sub)
    return with_etag(views.representative_view(rep), acting.assoc.version)


@api.bp.delete("/associations/<vcode>/vertegenwoordigers/<item>")
@audited("association-change")
def remove_representative(vcode: str, item: str) -> Response:
    acting = acting_for(vcode, change=True)
    rep = representatives.remove_representative(acting.session, acting.assoc, _item_id(item),
                                        acting.actor, acting.rep)
    _commit(acting, "VertegenwoordigerWerdVerwijderd", rep.person.sub)
    return no_content(acting.assoc.version)
