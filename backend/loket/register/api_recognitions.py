"""Recognitions by governments: a client-credentials token with scope
``associations:recognitions`` records, changes and removes the recognitions of associations
for its own catalog products (:mod:`loket.register.recognitions`).

- ``GET /api/v1/exchange/associations/{vCode}/erkenningen`` — the association's recognitions
  (by every government; the register shows them publicly too);
- ``POST …/erkenningen`` — record one (``If-Match`` optional: an addition overwrites nothing);
- ``PATCH``/``DELETE …/erkenningen/{id}`` — change or remove one it recorded (``If-Match``
  required: 428 without, 412 when the association changed since);
- ``GET /api/v1/exchange/erkenningen`` — the recognitions this client recorded, a page at a
  time (``after``, ``limit``), optionally of one product or status.

Every change is a change of the association (new version in ``ETag``, an event in the change
feed, an audit entry committed with it); a refused one is logged as refused.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for
from sqlalchemy import select

from loket import apibase, clients, db, inputs
from loket.errors import BadRequest
from loket.models import Association, Recognition
from loket.register import changes, recognitions, service, views, wording
from loket.register.api_manage import ENDPOINTS, audited
from loket.register.changes import Actor
from loket.register.web import bp, if_match, json_object, no_content, remember_version, with_etag
from loket.trust import Binding

SCOPE = "associations:recognitions"
MAX_LIST = 500


def _government() -> tuple[apibase.Caller, Binding, Actor]:
    who = apibase.caller(SCOPE, person=False)
    binding = Binding.of(clients.get(db.session(), who.client_id))
    return who, binding, Actor(who.client_id, None, who.client_id)


def _change(vcode: str, event: str, apply: Any, *, optional: bool) -> tuple[Any, Association]:
    who, binding, actor = _government()
    expected = if_match(optional=optional)
    session = db.session()
    assoc = changes.find(session, vcode, lock=True)
    remember_version(assoc.version)
    result = service.commit_change(session, assoc, actor, expected,
                                   lambda: apply(session, assoc, binding, actor), event)
    return result, assoc


@bp.get("/exchange/associations/<vcode>/erkenningen")
def list_recognitions(vcode: str) -> Response:
    _government()
    session = db.session()
    assoc = changes.find(session, vcode)
    remember_version(assoc.version)
    return with_etag({"vCode": assoc.vcode, "erkenningen": [
        views.recognition_view(r, full=True) for r in assoc.recognitions]}, assoc.version)


@bp.post("/exchange/associations/<vcode>/erkenningen")
@audited("association-change")
def add_recognition(vcode: str) -> Response:
    body = json_object()
    rec, assoc = _change(vcode, "ErkenningWerdGeregistreerd",
                         lambda s, a, b, actor: recognitions.add(s, a, body, b, actor),
                         optional=True)
    response = with_etag(views.recognition_view(rec, full=True), assoc.version, 201)
    # (by its full name: the register's compatible face answers through this view too)
    response.headers["Location"] = url_for(f"{ENDPOINTS}.change_recognition", vcode=assoc.vcode,
                                           item=rec.id, _external=True)
    return response


@bp.patch("/exchange/associations/<vcode>/erkenningen/<int:item>")
@audited("association-change")
def change_recognition(vcode: str, item: int) -> Response:
    body = json_object()
    rec, assoc = _change(vcode, "ErkenningWerdGewijzigd",
                         lambda s, a, b, actor: recognitions.update(s, a, item, body, b, actor),
                         optional=False)
    return with_etag(views.recognition_view(rec, full=True), assoc.version)


@bp.delete("/exchange/associations/<vcode>/erkenningen/<int:item>")
@audited("association-change")
def remove_recognition(vcode: str, item: int) -> Response:
    _, assoc = _change(vcode, "ErkenningWerdVerwijderd",
                       lambda s, a, b, actor: recognitions.remove(s, a, item, b, actor),
                       optional=False)
    return no_content(assoc.version)


@bp.get("/exchange/erkenningen")
def own_recognitions() -> Response:
    who, _, _ = _government()
    after = inputs.whole_number_or_none(request.args.get("after", "0"))
    limit = inputs.whole_number_or_none(request.args.get("limit", "100"), low=1, high=MAX_LIST)
    if after is None or limit is None:
        raise BadRequest("invalid_parameter", wording.gettext(
            "after is een id (0 of groter), limit ligt tussen 1 en %(max)s.", max=MAX_LIST))
    query = (select(Recognition, Association.vcode, Association.naam)
             .join(Association, Association.id == Recognition.association_id)
             .where(Recognition.client_id == who.client_id, Recognition.id > after))
    product = request.args.get("productnummer")
    if product:
        query = query.where(Recognition.product_key == product.lower())
    status = request.args.get("status")
    if status:
        if status not in recognitions.STATUSES:
            raise BadRequest("invalid_parameter", wording.gettext(
                "status is een van %(statuses)s.", statuses=", ".join(recognitions.STATUSES)))
        query = query.where(Recognition.status == status)
    rows = db.session().execute(query.order_by(Recognition.id).limit(limit)).all()
    items = [{**views.recognition_view(rec, full=True), "vCode": vcode, "naam": naam}
             for rec, vcode, naam in rows]
    links: dict[str, str] = {}
    if len(rows) == limit:
        args = {k: v for k, v in request.args.items() if k != "after"}
        links["next"] = url_for(".own_recognitions", _external=True,
                                **{**args, "after": rows[-1][0].id})
    return jsonify({"erkenningen": items, "links": links})
