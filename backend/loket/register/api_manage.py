"""Changes by a representative through the API: ``PATCH``/``POST``/``DELETE`` under
``/api/v1/associations/{vCode}``, with a person's access token (scope ``associations``) acting
for that association (capacity ``VER`` with its vCode).

Every response carries the new version's weak ``ETag``. A change that could overwrite
someone else's (``PATCH``, ``DELETE``) needs ``If-Match`` (428 without it, 412 when the version
moved on); adding an item (``POST``) cannot, so ``If-Match`` is optional there (412 when it is
sent and stale). Only a current representative may change anything;
only a primary one may add or remove representatives. Changes, refusals and reads of
representatives' data are in the audit log. The change itself is :mod:`loket.register.service`'s,
as on the self-service pages; this module reads JSON and ``If-Match`` and answers with ``ETag``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, current_app, g, jsonify, request, url_for
from sqlalchemy import select

from loket import apibase, audit, db, inputs
from loket.errors import Conflict, Forbidden, NotFound
from loket.identifiers import InvalidIdentifier, parse_vcode
from loket.models import Invitation
from loket.register import changes, invitations, registration, service, views, wording
from loket.register.changes import Actor
from loket.register.representatives import NotRepresentative
from loket.register.service import Acting, Change
from loket.register.web import bp, if_match, json_object, no_content, remember_version, with_etag
from loket.sso.capacities import Capacity

SCOPE = "associations"
# this API's endpoints by their full name: the register's compatible face (api_compat) answers
# through these views too, from a blueprint of its own
ENDPOINTS = "api.register"
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def _canonical(vcode: str) -> str:
    try:
        return parse_vcode(vcode)
    except InvalidIdentifier as exc:
        raise NotFound("not_found", wording.gettext("Geen vereniging met vCode %(vcode)s.",
                                                    vcode=repr(vcode[:20]))) from exc


def _token_for(vcode: str) -> tuple[apibase.Caller, str]:
    """The caller and the vCode, once their token is seen to act for it (capacity VER)."""
    who = apibase.caller(SCOPE, person=True)
    canonical = _canonical(vcode)
    capacity = who.capacity or {}
    if capacity.get("code") != "VER" or capacity.get("identifier") != canonical:
        raise Forbidden("wrong_capacity", wording.gettext(
            "Dit token handelt niet namens %(vcode)s. Meld je aan namens de vereniging "
            "(hoedanigheid VER %(vcode)s).", vcode=canonical))
    return who, canonical


def _acting(who: apibase.Caller, vcode: str, *, lock: bool) -> Acting:
    assert who.person is not None
    held = Capacity("VER", vcode, str((who.capacity or {}).get("name", "")))
    try:
        acting = service.acting_for(db.session(), who.person, vcode, lock=lock, held=held,
                                    client_id=who.client_id)
    except NotRepresentative as refusal:
        remember_version(refusal.version)
        raise
    remember_version(acting.assoc.version)
    return acting


def reading(vcode: str) -> Acting:
    """The caller, acting for ``vcode`` as one of its representatives."""
    who, canonical = _token_for(vcode)
    return _acting(who, canonical, lock=False)


def changing(vcode: str, event: str, apply: Callable[[Acting], T],
             subject: Callable[[T], str | None] | None = None, *,
             adds: bool = False, lifecycle: bool = False) -> Change[T]:
    """The caller's change to ``vcode`` against the version ``If-Match`` names (428 without,
    unless the change only ``adds`` or is a ``lifecycle`` change, which overwrites no field)."""
    who, canonical = _token_for(vcode)
    expected = if_match(optional=adds or lifecycle)
    acting = _acting(who, canonical, lock=True)
    return service.change(acting, expected, lambda: apply(acting), event, subject=subject,
                          inactive_too=lifecycle)


def audited(operation: str) -> Callable[[F], F]:
    """Log a refused call (403/409/412) with who tried, then let the error answer."""

    def wrap(view: F) -> F:
        @wraps(view)
        def inner(vcode: str, *args: Any, **kwargs: Any) -> Any:
            try:
                return view(vcode, *args, **kwargs)
            except (Forbidden, Conflict, changes.StaleVersion) as error:
                who: apibase.Caller | None = g.get("caller")
                session = db.session()
                session.rollback()  # nothing of a refused change stays
                service.refused(session, operation, f"association/{vcode[:20].upper()}",
                                Actor(who.actor, audit.capacity_label(who.capacity),
                                      who.client_id) if who else None, error)
                raise

        return inner  # type: ignore[return-value]

    return wrap


def _created(done: Change[Any], view: Callable[[Any], dict[str, Any]],
             endpoint: str) -> Response:
    response = with_etag(view(done.result), done.after, 201)
    response.headers["Location"] = url_for(ENDPOINTS + endpoint, vcode=done.acting.assoc.vcode,
                                           item=done.result.id, _external=True)
    return response


# ---- a new association --------------------------------------------------------------------

CONFIRMATION_HEADER = "VR-BevestigingsToken"


@bp.post("/associations")
def register_association() -> Response:
    """A person registers a new association (FV, VZER, or a VZW by its KBO number) and becomes
    its primary representative. A similar name in the same municipality answers 409
    ``possible_duplicate`` with the candidates and a confirmation token; the same request
    again with ``VR-BevestigingsToken`` registers it."""
    who = apibase.caller(SCOPE, person=True)
    assert who.person is not None
    session = db.session()
    actor = Actor(who.person.sub, audit.capacity_label(who.capacity), who.client_id)
    try:
        assoc = registration.register_new(
            session, who.person, json_object(), secret=registration.key(current_app.secret_key),
            confirmation=request.headers.get(CONFIRMATION_HEADER), actor=actor)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    response = with_etag(views.public_view(assoc, views.names(session)), assoc.version, 201)
    response.headers["Location"] = url_for(f"{ENDPOINTS}.association_detail", vcode=assoc.vcode,
                                           _external=True)
    return response


# ---- the association's own fields --------------------------------------------------------

@bp.patch("/associations/<vcode>")
@audited("association-change")
def patch_association(vcode: str) -> Response:
    def apply(acting: Acting) -> object:
        activities, areas = changes.known_codes(acting.session)
        return changes.update_basics(acting.session, acting.assoc, json_object(), acting.actor,
                                     activities=activities, areas=areas)

    done = changing(vcode, "BasisgegevensWerdenGewijzigd", apply)
    return with_etag(views.public_view(done.acting.assoc, views.names(done.acting.session)),
                     done.after)


@bp.post("/associations/<vcode>/stop")
@audited("association-change")
def stop_association(vcode: str) -> Response:
    """A primary representative records that the association stopped (``einddatum``)."""
    def apply(acting: Acting) -> object:
        acting.require_primary("de vereniging stopzetten")
        return changes.stop(acting.session, acting.assoc, json_object(), acting.actor)

    done = changing(vcode, "VerenigingWerdGestopt", apply, lifecycle=True)
    return with_etag(views.public_view(done.acting.assoc, views.names(done.acting.session)),
                     done.after)


# ---- contact data and locations ----------------------------------------------------------

def _item_id(raw: str) -> int:
    try:
        return inputs.whole_number(raw, max_digits=12)
    except inputs.NotAWholeNumber:
        raise NotFound("not_found", wording.gettext("Geen item met id %(id)s.",
                                                    id=repr(raw[:20]))) from None


@bp.post("/associations/<vcode>/contactgegevens")
@audited("association-change")
def add_contact(vcode: str) -> Response:
    done = changing(vcode, "ContactgegevenWerdToegevoegd",
                    lambda a: changes.add_contact(a.session, a.assoc, json_object(), a.actor),
                    adds=True)
    return _created(done, views.contact_view, ".update_contact")


@bp.patch("/associations/<vcode>/contactgegevens/<item>")
@audited("association-change")
def update_contact(vcode: str, item: str) -> Response:
    done = changing(vcode, "ContactgegevenWerdGewijzigd",
                    lambda a: service.CONTACTS.update(a, _item_id(item), json_object()))
    return with_etag(views.contact_view(done.result), done.after)


@bp.delete("/associations/<vcode>/contactgegevens/<item>")
@audited("association-change")
def remove_contact(vcode: str, item: str) -> Response:
    done = changing(vcode, "ContactgegevenWerdVerwijderd",
                    lambda a: service.CONTACTS.remove(a, _item_id(item)))
    return no_content(done.after)


@bp.post("/associations/<vcode>/locaties")
@audited("association-change")
def add_location(vcode: str) -> Response:
    done = changing(vcode, "LocatieWerdToegevoegd",
                    lambda a: changes.add_location(a.session, a.assoc, json_object(), a.actor),
                    adds=True)
    return _created(done, views.location_view, ".update_location")


@bp.patch("/associations/<vcode>/locaties/<item>")
@audited("association-change")
def update_location(vcode: str, item: str) -> Response:
    done = changing(vcode, "LocatieWerdGewijzigd",
                    lambda a: service.LOCATIONS.update(a, _item_id(item), json_object()))
    return with_etag(views.location_view(done.result), done.after)


@bp.delete("/associations/<vcode>/locaties/<item>")
@audited("association-change")
def remove_location(vcode: str, item: str) -> Response:
    done = changing(vcode, "LocatieWerdVerwijderd",
                    lambda a: service.LOCATIONS.remove(a, _item_id(item)))
    return no_content(done.after)


# ---- representatives ---------------------------------------------------------------------

def _person_of(rep: Any) -> str:
    return str(rep.person.sub)


@bp.get("/associations/<vcode>/vertegenwoordigers")
@audited("association-read")
def list_representatives(vcode: str) -> Response:
    acting = reading(vcode)
    reps = sorted(acting.assoc.representatives, key=lambda r: (not r.is_primair, r.id))
    service.log_representatives_read(
        acting, "vertegenwoordiger bekijkt de vertegenwoordigers van de vereniging", reps)
    acting.session.commit()  # the entries are stored before the data leaves
    return with_etag({"vCode": acting.assoc.vcode,
                      "vertegenwoordigers": [views.representative_view(
                          r, masked=views.masks(acting.rep, r)) for r in reps]},
                     acting.assoc.version)


@bp.post("/associations/<vcode>/uitnodigingen")
@bp.post("/associations/<vcode>/vertegenwoordigers")
@audited("association-change")
def invite_representative(vcode: str) -> Response:
    """A primary representative invites a person (``insz``, ``email``, optional ``rol``): 202
    with the invitation; that person becomes a representative when they accept it. (A
    representative is never added without their consent, so adding one is inviting one.)"""
    def apply(acting: Acting) -> Invitation:
        return invitations.invite(acting.session, acting.assoc, json_object(), acting.actor,
                                  acting.rep, invitations.policy(current_app.config))

    done = changing(vcode, "VertegenwoordigerWerdUitgenodigd", apply, adds=True)
    response = with_etag(invitation_view(done.result), done.after, 202)
    response.headers["Location"] = url_for(f"{ENDPOINTS}.list_invitations", vcode=done.acting.assoc.vcode,
                                           _external=True) + f"#{done.result.id}"
    return response


@bp.get("/associations/<vcode>/uitnodigingen")
@audited("association-read")
def list_invitations(vcode: str) -> Response:
    """The association's invitations, newest first (the invitees' INSZ masked for a
    representative who is not primary)."""
    acting = reading(vcode)
    found = acting.session.scalars(select(Invitation).where(
        Invitation.association_id == acting.assoc.id).order_by(Invitation.id.desc()))
    return with_etag({"vCode": acting.assoc.vcode, "uitnodigingen": [
        invitation_view(i, masked=not acting.is_primary) for i in found]}, acting.assoc.version)


@bp.delete("/associations/<vcode>/uitnodigingen/<item>")
@audited("association-change")
def withdraw_invitation(vcode: str, item: str) -> Response:
    def apply(acting: Acting) -> Invitation:
        found = invitations.find(acting.session, acting.assoc, _item_id(item))
        return invitations.withdraw(acting.session, acting.assoc, found, acting.actor,
                                    acting.rep)

    done = changing(vcode, "UitnodigingWerdIngetrokken", apply, lifecycle=True)
    return with_etag(invitation_view(done.result), done.after)


def invitation_view(found: Invitation, *, masked: bool = False) -> dict[str, Any]:
    insz = found.insz
    return {"id": found.id, "vCode": found.association.vcode, "naam": found.association.naam,
            "insz": views.mask_insz(insz) if masked and insz else insz,
            "voornaam": found.voornaam, "achternaam": found.achternaam, "email": found.email,
            "rol": found.rol, "status": invitations.status(found),
            "aangemaakt": _iso(found.created_at), "vervalt": _iso(found.expires_at),
            "beantwoord": _iso(found.answered_at) if found.answered_at else None}


def _iso(moment: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))


@bp.get("/uitnodigingen")
def my_invitations() -> Response:
    """The invitations that wait for the calling person's answer."""
    who = apibase.caller(SCOPE, person=True)
    assert who.person is not None
    found = invitations.waiting_for(db.session(), who.person)
    return jsonify({"uitnodigingen": [invitation_view(i) for i in found]})


@bp.post("/uitnodigingen/<item>/aanvaarden")
def accept_invitation(item: str) -> Response:
    return _answer(item, accept=True)


@bp.post("/uitnodigingen/<item>/weigeren")
def decline_invitation(item: str) -> Response:
    return _answer(item, accept=False)


def _answer(item: str, *, accept: bool) -> Response:
    """The invited person's answer; accepting makes them a representative (not primary)."""
    who = apibase.caller(SCOPE, person=True)
    assert who.person is not None
    found, assoc = service.answer_invitation(
        db.session(), who.person, _item_id(item), accept,
        Actor(who.person.sub, audit.capacity_label(who.capacity), who.client_id))
    return with_etag(invitation_view(found), assoc.version)


@bp.patch("/associations/<vcode>/vertegenwoordigers/<item>")
@audited("association-change")
def update_representative(vcode: str, item: str) -> Response:
    done = changing(vcode, "VertegenwoordigerWerdGewijzigd",
                    lambda a: service.REPRESENTATIVES.update(a, _item_id(item), json_object()),
                    _person_of)
    return with_etag(views.representative_view(done.result), done.after)


@bp.delete("/associations/<vcode>/vertegenwoordigers/<item>")
@audited("association-change")
def remove_representative(vcode: str, item: str) -> Response:
    done = changing(vcode, "VertegenwoordigerWerdVerwijderd",
                    lambda a: service.REPRESENTATIVES.remove(a, _item_id(item)), _person_of)
    return no_content(done.after)
