"""Messages in ``/api/v1``.

Senders (client credentials, scope ``messages:publish``):

- ``POST /messages`` — publish (201; the same ``sleutel`` again: 200 with the first message);
- ``GET /messages`` and ``GET /messages/{id}`` — its own messages with their figures (how many
  capacities each reached and read it); never another sender's.

Readers (a person's token, scope ``messages``, for the capacity it acts in — checked anew at
every call, so a removed representative stops reading at once):

- ``GET /me/messages`` — unread first, then newest; ``archived=true`` for the archive; every
  read of the list is in the audit log;
- ``GET /me/messages/count`` — the unread count (what the header's badge shows; no entry);
- ``POST /me/messages/{id}/read`` / ``DELETE …/read``, ``POST``/``DELETE …/archive``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from loket import apibase, audit, clients, db, inputs, ratelimit
from loket.errors import LANGUAGES, Forbidden
from loket.errors import message as error_message
from loket.messages import store
from loket.models import CatalogProduct, Dossier, Message
from loket.register import wording
from loket.register.web import json_object
from loket.sso import capacities
from loket.trust import Binding

bp = Blueprint("messages", __name__)
PUBLISH_SCOPE = "messages:publish"
READ_SCOPE = "messages"
MAX_PAGE = 100


def _sender() -> tuple[apibase.Caller, Binding]:
    who = apibase.caller(PUBLISH_SCOPE, person=False)
    return who, Binding.of(clients.get(db.session(), who.client_id))


def _lang() -> str:
    asked = request.args.get("lang") or request.accept_languages.best_match(LANGUAGES)
    return asked if asked in LANGUAGES else "nl"


def sender_view(message: Message, figures: dict[str, int]) -> dict[str, Any]:
    return {"id": message.id, "soort": message.kind, "categorie": message.category,
            "afzender": message.organisation, "titel": message.title, "tekst": message.body,
            "link": message.link, "productnummer": message.product_id,
            "geldigVan": store.iso(message.valid_from),
            "geldigTot": store.iso(message.valid_until), "doelgroep": message.target,
            "sleutel": message.key, "verstuurd": store.iso(message.created_at), **figures}


@bp.post("/messages")
def publish() -> tuple[Response, int]:
    who, binding = _sender()
    ratelimit.check("publish", who.client_id)
    body = json_object()
    session = db.session()
    done = store.check_and_publish(session, binding, body)
    audit.record(session, "message-publish", f"message/{done.message.id}", actor=who.actor,
                 client_id=who.client_id,
                 detail={"audience": done.message.audience, "created": done.created,
                         "target": next(iter(done.message.target), None)})
    session.commit()
    view = sender_view(done.message, store.figures(session, [done.message])[done.message.id])
    response = jsonify(view)
    response.headers["Location"] = url_for(".sent_message", message_id=done.message.id,
                                           _external=True)
    return response, 201 if done.created else 200


@bp.get("/messages")
def sent_messages() -> Response:
    who, _ = _sender()
    before = inputs.whole_number_or_none(request.args.get("before", "0"))
    limit = inputs.whole_number_or_none(request.args.get("limit", "20"), low=1, high=MAX_PAGE)
    if before is None or limit is None:
        raise store.bad_parameter(wording.gettext(
            "before is een bericht-id (0: de nieuwste), limit ligt tussen 1 en %(max)s.",
            max=MAX_PAGE))
    session = db.session()
    query = session.query(Message).filter(Message.sender == who.client_id)
    if before:
        query = query.filter(Message.id < before)
    found = query.order_by(Message.id.desc()).limit(limit).all()
    numbers = store.figures(session, found)
    links = {}
    if len(found) == limit:
        links["next"] = url_for(".sent_messages", before=found[-1].id, limit=limit,
                                _external=True)
    return jsonify({"berichten": [sender_view(m, numbers[m.id]) for m in found],
                    "links": links})


@bp.get("/messages/<int:message_id>")
def sent_message(message_id: int) -> Response:
    who, _ = _sender()
    session = db.session()
    found = store.own(session, who.client_id, message_id)
    return jsonify(sender_view(found, store.figures(session, [found])[found.id]))


# ---- readers ---------------------------------------------------------------------------------

def _reader() -> tuple[apibase.Caller, str, dict[str, Any]]:
    who = apibase.caller(READ_SCOPE, person=True)
    person = who.person
    assert person is not None
    capacity = who.capacity or {"code": "BUR", "identifier": person.insz}
    if not capacities.still_held(db.session(), person, capacity):
        raise Forbidden("capacity_not_held", error_message("capacity_not_held"))
    identifier = person.insz if capacity.get("code") == "BUR" else str(capacity["identifier"])
    return who, identifier, capacity


def reader_view(found: Message, read_at: int | None, archived_at: int | None, lang: str,
                products: dict[str, CatalogProduct], dossiers: dict[int, Dossier]
                ) -> dict[str, Any]:
    title, title_lang = store.text_in(found.title, lang)
    body, _ = store.text_in(found.body, lang)
    view: dict[str, Any] = {
        "id": found.id, "soort": found.kind, "categorie": found.category,
        "afzender": found.organisation, "titel": title, "tekst": body, "taal": title_lang,
        "link": found.link, "geldigVan": store.iso(found.valid_from),
        "geldigTot": store.iso(found.valid_until), "gelezen": store.iso(read_at),
        "gearchiveerd": store.iso(archived_at), "product": None, "dossier": None,
    }
    product = products.get(found.product_id or "")
    if product is not None:
        titles = product.data.get("title", {})
        view["product"] = {"productnummer": product.product_id,
                           "titel": titles.get(lang) or titles.get("nl") or product.product_id,
                           "aanvragen": product.data.get("onlineRequestUrl")}
    dossier = dossiers.get(found.dossier_id or -1)
    if dossier is not None:
        view["dossier"] = {"nummer": dossier.number, "naam": dossier.name,
                           "link": dossier.link}
    return view


def _linked(session: Any, found: list[Message]) -> tuple[dict[str, CatalogProduct],
                                                         dict[int, Dossier]]:
    product_ids = {m.product_id for m in found if m.product_id}
    dossier_ids = {m.dossier_id for m in found if m.dossier_id}
    products = {p.product_id: p for p in session.query(CatalogProduct).filter(
        CatalogProduct.product_id.in_(product_ids))} if product_ids else {}
    dossiers = {d.id: d for d in session.query(Dossier).filter(
        Dossier.id.in_(dossier_ids))} if dossier_ids else {}
    return products, dossiers


@bp.get("/me/messages")
def my_messages() -> Response:
    who, identifier, capacity = _reader()
    archived = request.args.get("archived", "false")
    limit = inputs.whole_number_or_none(request.args.get("limit", "20"), low=1, high=MAX_PAGE)
    offset = inputs.whole_number_or_none(request.args.get("offset", "0"), high=100_000)
    if archived not in ("true", "false") or limit is None or offset is None:
        raise store.bad_parameter(wording.gettext(
            "archived is true of false, limit ligt tussen 1 en %(max)s, offset is 0 of meer.",
            max=MAX_PAGE))
    assert who.person is not None
    session = db.session()
    page = store.page_for(session, identifier, who.person.sub, archived=archived == "true",
                          limit=limit, offset=offset)
    products, dossiers = _linked(session, [m for m, _, _ in page.items])
    lang = _lang()
    audit.record(session, "messages-read", "messages/me", actor=who.actor,
                 capacity=audit.capacity_label(capacity), client_id=who.client_id,
                 subject=who.person.sub,
                 detail={"archived": archived == "true", "returned": len(page.items),
                         "total": page.total})
    session.commit()  # no entry, no data
    return jsonify({
        "hoedanigheid": {k: capacity.get(k) for k in ("code", "identifier", "name")},
        "ongelezen": page.unread, "totaal": page.total, "limit": limit, "offset": offset,
        "berichten": [reader_view(m, r, a, lang, products, dossiers)
                      for m, r, a in page.items],
    })


@bp.get("/me/messages/count")
def my_unread_count() -> Response:
    who, identifier, _ = _reader()
    assert who.person is not None
    return jsonify({"ongelezen": store.unread_count(db.session(), identifier, who.person.sub)})


def _mark(message_id: int, **change: bool) -> Response:
    who, identifier, capacity = _reader()
    assert who.person is not None
    session = db.session()
    read_at, archived_at = store.mark(session, message_id, identifier, who.person.sub, **change)
    audit.record(session, "message-mark", f"message/{message_id}", actor=who.actor,
                 capacity=audit.capacity_label(capacity), client_id=who.client_id,
                 subject=who.person.sub, detail=change)
    session.commit()
    return jsonify({"id": message_id, "gelezen": store.iso(read_at),
                    "gearchiveerd": store.iso(archived_at),
                    "ongelezen": store.unread_count(session, identifier, who.person.sub)})


@bp.post("/me/messages/<int:message_id>/read")
def mark_read(message_id: int) -> Response:
    return _mark(message_id, read=True)


@bp.delete("/me/messages/<int:message_id>/read")
def mark_unread(message_id: int) -> Response:
    return _mark(message_id, read=False)


@bp.post("/me/messages/<int:message_id>/archive")
def archive(message_id: int) -> Response:
    return _mark(message_id, archived=True)


@bp.delete("/me/messages/<int:message_id>/archive")
def unarchive(message_id: int) -> Response:
    return _mark(message_id, archived=False)


from loket.messages.openapi import PART as OPENAPI  # noqa: E402 - the feature's OpenAPI part

__all__ = ["OPENAPI", "bp"]
