"""The dossier API: back offices push (client credentials, scope ``dossiers:write``), a person
reads the dossiers of the capacity they act in (scope ``dossiers``).

A back office's source id is its client id: ``/api/v1/dossiers/{source}/…`` may be written only
by the client whose id is ``source``. Every write, refused write and read is in the audit log;
a read's entry is committed before the dossiers leave the server.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from loket import apibase, audit, clients, db, inputs
from loket.apibase import OpenApiPart
from loket.dossiers import store, validation
from loket.dossiers.openapi import PATHS, SCHEMAS, TAG
from loket.dossiers.validation import InvalidField
from loket.errors import BadRequest, Conflict, Forbidden, LoketError, NotFound
from loket.models import (
    Dossier,
    DossierAgent,
    Person,
)
from loket.sso import capacities
from loket.trust import Binding

bp = Blueprint("dossiers", __name__)

WRITE_SCOPE = "dossiers:write"
READ_SCOPE = "dossiers"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class FieldError(BadRequest):
    """A request field that cannot be accepted, answered with the field's path."""

    code = "invalid_field"

    def __init__(self, problem: InvalidField, status: int = 400) -> None:
        detail = f"{problem.field} {problem.detail}" if problem.field else problem.detail
        super().__init__(None, detail, status)
        self.field = problem.field
        self.index = problem.index

    def to_dict(self, lang: str = "nl") -> dict[str, Any]:
        body: dict[str, Any] = {**super().to_dict(lang), "field": self.field}
        if self.index is not None:
            body["index"] = self.index
        return body


# ---- helpers ----------------------------------------------------------------------------------

def _json_body() -> Any:
    return apibase.json_body()


def _resource(source: str, number: str | None = None) -> str:
    return f"dossier/{source}/{number}" if number is not None else f"dossiers/{source}"


def _refuse(session: Session, who: apibase.Caller, resource: str, error: LoketError,
            outcome: str, detail: dict[str, Any] | None = None, *,
            operation: str = "dossier-write") -> LoketError:
    """Log a refused call (nothing else changes) and hand back the error to raise."""
    session.rollback()
    audit.record(session, operation, resource, actor=who.actor, client_id=who.client_id,
                 outcome=outcome, reason=error.detail, detail=detail)
    session.commit()
    return error


def _back_office(source: str, operation: str = "dossier-write") -> tuple[apibase.Caller, Session]:
    """The back office calling, allowed to use ``source`` (its own client id) only."""
    who = apibase.caller(WRITE_SCOPE, person=False)
    session = db.session()
    if source != who.client_id:
        raise _refuse(session, who, _resource(source[:100]), Forbidden(
            "forbidden_source",
            f"This client may use only its own source {who.client_id!r}, not {source[:100]!r}.",
        ), "refused", operation=operation)
    return who, session


def binding_of(session: Session, who: apibase.Caller) -> Binding:
    """What the calling back office may say: its organisation, its origins (loket.trust)."""
    return Binding.of(clients.get(session, who.client_id))


def commit_write(session: Session) -> None:
    try:
        session.commit()
    except IntegrityError as exc:  # another writer created the same dossier a moment ago
        session.rollback()
        raise Conflict("conflict", "Another write to the same dossier came first; send it again."
                       ) from exc


# ---- back offices ----------------------------------------------------------------------------

@bp.put("/dossiers/<source>/<number>")
def put_dossier(source: str, number: str) -> tuple[Response, int]:
    who, session = _back_office(source)
    now = db.now()
    resource = _resource(source, number[:150])
    try:
        checked = validation.number(number, "number")
        record = validation.parse_dossier(_json_body(), number_value=checked, now=now,
                                          binding=binding_of(session, who))
    except InvalidField as problem:
        raise _refuse(session, who, resource, FieldError(problem), "invalid",
                      {"field": problem.field}) from None
    except LoketError as error:
        raise _refuse(session, who, resource, error, "invalid") from None
    written = store.upsert(session, source, record, now)
    audit.record(session, "dossier-write", resource, actor=who.actor, client_id=who.client_id,
                 detail={"result": written.result, "version": written.dossier.version})
    names = store.source_names(session, [source])
    body = {"result": written.result,
            "dossier": store.source_view(session, written.dossier, names.get(source))}
    commit_write(session)
    response = jsonify(body)
    if written.result == store.CREATED:
        response.headers["Location"] = url_for(".get_dossier", source=source, number=checked)
        return response, 201
    return response, 200


@bp.post("/dossiers/<source>")
def post_dossiers(source: str) -> tuple[Response, int]:
    who, session = _back_office(source)
    now = db.now()
    resource = _resource(source)
    try:
        records = validation.parse_bulk(_json_body(), now=now, binding=binding_of(session, who))
    except InvalidField as problem:
        raise _refuse(session, who, resource, FieldError(problem), "invalid",
                      {"field": problem.field}) from None
    except LoketError as error:
        raise _refuse(session, who, resource, error, "invalid") from None
    written = store.upsert_many(session, source, records, now)
    for item in written:
        audit.record(session, "dossier-write", _resource(source, item.dossier.number),
                     actor=who.actor, client_id=who.client_id,
                     detail={"result": item.result, "version": item.dossier.version,
                             "bulk": True})
    commit_write(session)
    tally = {kind: sum(1 for w in written if w.result == kind)
             for kind in (store.CREATED, store.UPDATED, store.UNCHANGED)}
    return jsonify({
        **tally,
        "results": [{"number": w.dossier.number, "result": w.result} for w in written],
    }), 200


@bp.get("/dossiers/<source>/<number>")
def get_dossier(source: str, number: str) -> Response:
    who, session = _back_office(source, "dossier-read")
    session.commit()  # the token check is done; read beside writers
    reader = db.read_session()
    found = store.find(reader, source, number) if validation.NUMBER.match(number) else None
    if found is None:
        raise NotFound("not_found", f"Source {source!r} has no dossier with this number.")
    view = store.source_view(reader, found, store.source_names(reader, [source]).get(source),
                             history=True)
    # The back office reads personal data of each agent (a person's INSZ, an association, a
    # company): one entry per subject, so each sees it in their own access overview.
    subjects: list[str | None] = [*_agent_subjects(
        reader, [(a["type"], a["identifier"]) for a in view["agents"]])]
    for subject in subjects or [None]:
        audit.record(session, "dossier-read", _resource(source, number), actor=who.actor,
                     client_id=who.client_id, subject=subject)
    session.commit()
    return jsonify(view)


def _agent_subjects(session: Session, agents: list[tuple[str, str]]) -> list[str]:
    """The audit subjects of a dossier's agents: a person's ``sub`` (looked up by INSZ, never
    the INSZ itself; a person who never signed in has no overview to see it in), an
    association's ``VER:vCode``, a company's ``EA:KBO``."""
    insz = [identifier for kind, identifier in agents if kind == "INSZ"]
    subs = dict(session.execute(select(Person.insz, Person.sub).where(Person.insz.in_(insz)))
                .tuples().all()) if insz else {}
    found = []
    for kind, identifier in agents:
        if kind == "INSZ" and identifier in subs:
            found.append(subs[identifier])
        elif kind == "vCode":
            found.append(f"VER:{identifier}")
        elif kind == "KBO":
            found.append(f"EA:{identifier}")
    return list(dict.fromkeys(found))


# ---- persons ---------------------------------------------------------------------------------

def _capacity(session: Session, who: apibase.Caller) -> tuple[str, str, dict[str, Any]]:
    """The identifier whose dossiers the caller may read, the audit subject, the capacity.

    The capacity was chosen at sign-in; it is checked again here, so a person removed as
    representative (or mandate holder) stops seeing the dossiers at once.
    """
    person = who.person
    assert person is not None
    capacity = who.capacity or {"code": "BUR", "identifier": person.insz}
    code, identifier = capacity.get("code"), capacity.get("identifier")
    if code == "BUR":
        return person.insz, person.sub, capacity
    held = code in ("VER", "EA") and capacities.still_held(session, person, capacity)
    if not held:
        raise Forbidden("capacity_not_held",
                        "You may no longer act in the capacity of this sign-in; sign in again.")
    return str(identifier), f"{code}:{identifier}", capacity


def _list_params() -> tuple[str, int, str | None]:
    status = request.args.get("status", "all")
    if status not in store.STATUS_FILTERS:
        raise FieldError(InvalidField("status", "must be open, closed or all."))
    limit = inputs.whole_number_or_none(request.args.get("limit", str(DEFAULT_LIMIT)),
                                        low=1, high=MAX_LIMIT)
    if limit is None:
        raise FieldError(InvalidField("limit", f"must be a whole number from 1 to {MAX_LIMIT}."))
    cursor = request.args.get("cursor") or None
    if cursor is not None:
        try:
            store.decode_cursor(cursor)
        except InvalidField as problem:
            raise FieldError(problem) from None
    return status, limit, cursor


def _capacity_view(capacity: dict[str, Any]) -> dict[str, Any]:
    return {k: capacity.get(k) for k in ("code", "identifier", "name")}


@bp.get("/me/dossiers")
def my_dossiers() -> Response:
    who = apibase.caller(READ_SCOPE, person=True)
    session = db.session()
    status, limit, cursor = _list_params()
    identifier, subject, capacity = _capacity(session, who)
    session.commit()  # the token and capacity checks are done; read beside writers
    reader = db.read_session()
    page = store.page_for(reader, identifier, status=status, limit=limit, cursor=cursor)
    names = store.source_names(reader, {d.source for d, _ in page.items})
    items = [{**store.dossier_view(d, names.get(d.source)), "rights": rights}
             for d, rights in page.items]
    audit.record(session, "dossiers-read", "dossiers/me", actor=who.actor,
                 capacity=audit.capacity_label(capacity), client_id=who.client_id,
                 subject=subject, detail={"status": status, "returned": len(items),
                                          "total": page.total})
    session.commit()  # no entry, no data
    return jsonify({
        "capacity": _capacity_view(capacity),
        "status": status,
        "limit": limit,
        "total": page.total,
        "counts": page.counts,
        "next": page.next_cursor,
        "dossiers": items,
    })


@bp.get("/me/dossiers/<source>/<number>")
def my_dossier(source: str, number: str) -> Response:
    who = apibase.caller(READ_SCOPE, person=True)
    session = db.session()
    identifier, subject, capacity = _capacity(session, who)
    session.commit()
    reader = db.read_session()
    row = reader.execute(
        select(Dossier, DossierAgent.rights)
        .join(DossierAgent, DossierAgent.dossier_id == Dossier.id)
        .where(Dossier.source == source, Dossier.number == number,
               DossierAgent.identifier == identifier)
    ).first()
    if row is None:
        # The same answer whether the dossier is missing or belongs to someone else.
        raise NotFound("not_found", "No dossier with this source and number for this capacity.")
    dossier, rights = row
    view = {**store.dossier_view(dossier, store.source_names(reader, [source]).get(source)),
            "rights": rights,
            "history": store.history_view(store.history_of(reader, dossier.id))}
    audit.record(session, "dossier-read", _resource(source, number), actor=who.actor,
                 capacity=audit.capacity_label(capacity), client_id=who.client_id,
                 subject=subject)
    session.commit()
    return jsonify(view)


OPENAPI = OpenApiPart(PATHS, SCHEMAS, TAG)
