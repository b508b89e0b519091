"""Data exchange for governments (MAGDA-style): a client-credentials token with scope
``associations:exchange`` and, on every request, the reason for it in ``X-Loket-Reason``.

- ``GET /api/v1/exchange/associations/{vCode}`` — the full record, representatives included;
- ``GET /api/v1/exchange/changes?since=N`` — the change events after sequence number N, in
  order, a page at a time (follow ``links.next`` until it is absent);
- ``POST``/``DELETE /api/v1/exchange/associations/{vCode}/dubbelVan`` — with scope
  ``associations:manage``, mark an association as a duplicate of another (``{"dubbelVan":
  "V…"}``), or undo that marking.

Every call is in the audit log with the client and its reason — one entry per person whose data
it returned, so each person finds it in their own access overview — committed before the data
leaves. A call without a reason is refused (400) and logged as refused.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlencode

from flask import Response, jsonify, request, url_for
from sqlalchemy import select

from loket import apibase, audit, db, inputs
from loket.errors import BadRequest
from loket.models import AssociationEvent
from loket.register import changes, service, views, wording
from loket.register.api_manage import audited
from loket.register.changes import Actor
from loket.register.web import bp, if_match, json_object, remember_version, with_etag

SCOPE = "associations:exchange"
MANAGE_SCOPE = "associations:manage"
REASON_HEADER = "X-Loket-Reason"
MAX_REASON = 300
DEFAULT_CHANGES = 100
MAX_CHANGES = 500


def government(resource: str, scope: str = SCOPE,
               operation: str = "exchange-read") -> tuple[apibase.Caller, str]:
    """The calling government client and its reason; 400 (and a log entry) without one."""
    who = apibase.caller(scope, person=False)
    reason = request.headers.get(REASON_HEADER, "").strip()
    problem = None
    if not reason:
        problem = BadRequest("reason_required", wording.gettext(
            "Geef bij elke vraag de reden mee in de header %(header)s (bv. 'subsidiedossier "
            "2026/0815'): zonder reden geeft het register geen gegevens.", header=REASON_HEADER))
    elif len(reason) > MAX_REASON or any(unicodedata.category(c) == "Cc" for c in reason):
        problem = BadRequest("invalid_reason", wording.gettext(
            "%(header)s is hoogstens %(max)s tekens gewone tekst.", header=REASON_HEADER,
            max=MAX_REASON))
    if problem is not None:
        session = db.session()
        audit.record(session, operation, resource, actor=who.actor,
                     client_id=who.client_id, outcome="refused", detail={"error": problem.code})
        session.commit()
        raise problem
    return who, reason


@bp.get("/exchange/associations/<vcode>")
def exchange_association(vcode: str) -> Response:
    who, reason = government(f"association/{vcode[:20].upper()}")
    session = db.session()
    assoc = changes.find(session, vcode)
    resource = f"association/{assoc.vcode}"
    audit.record(session, "exchange-read", resource, actor=who.actor, client_id=who.client_id,
                 reason=reason, detail={"version": assoc.version})
    for rep in assoc.representatives:
        audit.record(session, "exchange-read", resource, actor=who.actor,
                     client_id=who.client_id, reason=reason, subject=rep.person.sub,
                     detail={"representative": rep.id})
    body = views.full_view(assoc, views.names(session))
    session.commit()  # no entry, no data
    return with_etag(body, assoc.version)


def _since() -> int:
    since = inputs.whole_number_or_none(request.args.get("since", "0"))
    if since is None:
        raise BadRequest("invalid_parameter", wording.gettext("since is een volgnummer (0 of groter)."))
    return since


def _limit() -> int:
    limit = inputs.whole_number_or_none(request.args.get("limit", str(DEFAULT_CHANGES)),
                                        low=1, high=MAX_CHANGES)
    if limit is None:
        raise BadRequest("invalid_parameter", wording.gettext("limit ligt tussen 1 en %(max)s.",
                                                                  max=MAX_CHANGES))
    return limit


@bp.get("/exchange/changes")
def exchange_changes() -> Response:
    who, reason = government("association-changes")
    since, limit = _since(), _limit()
    session = db.session()
    query = select(AssociationEvent).where(AssociationEvent.seq > since)
    vcode = request.args.get("vCode")
    if vcode:
        query = query.where(AssociationEvent.vcode == changes.find(session, vcode).vcode)
    events = list(session.scalars(query.order_by(AssociationEvent.seq).limit(limit)))
    last = events[-1].seq if events else since
    audit.record(session, "exchange-read", "association-changes", actor=who.actor,
                 client_id=who.client_id, reason=reason,
                 detail={"since": since, "count": len(events), "last": last})
    subjects = sorted({str(e.data["persoon"]) for e in events if e.data.get("persoon")})
    for sub in subjects:
        audit.record(session, "exchange-read", "association-changes", actor=who.actor,
                     client_id=who.client_id, reason=reason, subject=sub,
                     detail={"since": since, "last": last})
    session.commit()
    links: dict[str, str] = {}
    if len(events) == limit:
        args = {"since": last, "limit": limit, **({"vCode": vcode} if vcode else {})}
        links["next"] = f"{url_for('.exchange_changes', _external=True)}?{urlencode(args)}"
    return jsonify({"since": since, "last": last,
                    "changes": [views.event_view(e) for e in events], "links": links})


# ---- a register office's corrections -------------------------------------------------------

def _duplicate_change(vcode: str, event: str, mark: bool) -> Response:
    who, reason = government(f"association/{vcode[:20].upper()}", MANAGE_SCOPE,
                             "association-change")
    expected = if_match(optional=True)
    session = db.session()
    assoc = changes.find(session, vcode, lock=True)
    remember_version(assoc.version)
    actor = Actor(who.actor, None, who.client_id)
    body = json_object() if mark else {}
    service.commit_change(
        session, assoc, actor, expected,
        (lambda: changes.mark_duplicate(session, assoc, body, actor)) if mark
        else (lambda: changes.unmark_duplicate(session, assoc, actor)),
        event, reason=reason, inactive_too=True)
    return with_etag({"vCode": assoc.vcode, "status": assoc.status,
                      "dubbelVan": assoc.dubbel_van, "versie": assoc.version}, assoc.version)


@bp.post("/exchange/associations/<vcode>/dubbelVan")
@audited("association-change")
def mark_duplicate(vcode: str) -> Response:
    return _duplicate_change(vcode, "VerenigingWerdGemarkeerdAlsDubbelVan", True)


@bp.delete("/exchange/associations/<vcode>/dubbelVan")
@audited("association-change")
def unmark_duplicate(vcode: str) -> Response:
    return _duplicate_change(vcode, "MarkeringDubbeleVerenigingWerdGecorrigeerd", False)
