"""The DOSIS-compatible face of the dossier intake: back offices written for Flanders' DOSIS
service (its public connector's PascalCase body) push to Loket by changing the base URL.

- ``POST /api/v2/dosis/dossiers`` (and ``/api/v1/dosis/dossiers``, the connector's path): one
  dossier status, ``{Identificatie: {Bron, DossierNummer}, UploadId, Naam, WijzigingsDatum,
  TypeDossierCode, Status: {VlaamsCode, VlaamsFase, Detail1, Actie: {ActieNodig, Actie}},
  Producten: [{Id}], DossierBeheerder: {Naam, Dienst, Telefoon, Email, Website, Adres},
  Agenten: [{Identificatie, Toegangsrechten: [{Code}]}]}``; answers 202 ``{Status, UploadId}``
  once it is processed (Loket processes before it answers), 400 ``{Code, Message,
  Description}`` when it cannot be.
- ``GET /api/v1/dosis/resultaten?uploadId=…`` (or ``?bron=…&dossierNummer=…``: the latest
  upload of that dossier): the processing result ``{Identificatie, UploadId, Bestand,
  TijdstipVerwerking, Succes, Fout, Fouten, VerwerktVoorOpvraging}``.
- ``DELETE /api/v1/dosis/dossiers?bron=…&dossierNummer=…``: the dossier is gone from Loket.

Token scope ``DosisImport`` (client credentials; ``private_key_jwt`` or a secret). ``Bron`` is
the client's own id, as a dossier's source is in ``/api/v1``. Each upload is translated to
Loket's own dossier body and goes through the same checks, store, audit entry and messages as a
``PUT /api/v1/dossiers/{source}/{number}``: a dossier pushed either way is one dossier and reads
the same in both. docs/compatibility.md lists the differences.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, jsonify, request
from sqlalchemy import select

from loket import apibase, audit, db, http_errors
from loket.dossiers import api as dossier_api
from loket.dossiers import store, validation
from loket.dossiers.validation import InvalidField
from loket.errors import BadRequest, Conflict, Forbidden, LoketError, NotFound, Text
from loket.models import DosisUpload
from loket.register import wording

bp = Blueprint("dosis", __name__)
bp.after_request(apibase.api_headers)

SCOPE = "DosisImport"
BRUSSELS = ZoneInfo("Europe/Brussels")
# DOSIS's type code of a status upload; any other code is the dossier's own type.
STATUS_TYPE = "DossierStatus"
# Loket's field → the DOSIS field a problem is reported under
FIELD_NAMES = {
    "name": "Naam", "type": "TypeDossierCode", "lastChange": "WijzigingsDatum",
    "status": "Status", "status.code": "Status.VlaamsCode", "status.phase": "Status.VlaamsFase",
    "status.detail": "Status.Detail1", "status.action": "Status.Actie",
    "status.action.required": "Status.Actie.ActieNodig", "status.action.text": "Status.Actie.Actie",
    "productNumbers": "Producten", "handler": "DossierBeheerder",
    "handler.name": "DossierBeheerder.Naam", "handler.department": "DossierBeheerder.Dienst",
    "handler.phone": "DossierBeheerder.Telefoon", "handler.email": "DossierBeheerder.Email",
    "handler.website": "DossierBeheerder.Website", "agents": "Agenten",
}
# DOSIS access rights → Loket's (a right that manages, or one that only reads)
MANAGING_RIGHTS = ("beheerder", "beheren", "vertegenwoordiger", "indiener")


class DosisError(BadRequest):
    """A body that cannot be read as a DOSIS upload (answered in DOSIS's shape by the
    blueprint's error handler, as every refusal here)."""

    def __init__(self, code: str, description: Text, status: int = 400) -> None:
        super().__init__(code, description, status)


_MESSAGES = {400: "Ongeldige aanvraag", 403: "Geen toegang", 404: "Niet gevonden",
             409: "Conflict"}


@bp.errorhandler(LoketError)
def _dosis_error(error: LoketError) -> tuple[Response, int]:
    """Every refusal here also in DOSIS's shape ({Code, Message, Description})."""
    lang = http_errors.caller_language()
    body = error.to_dict(lang)
    body.setdefault("Code", error.code)
    body.setdefault("Message", _MESSAGES.get(error.status, "Fout"))
    body.setdefault("Description", error.detail_in(lang))
    response = jsonify(body)
    for name, value in error.headers.items():
        response.headers[name] = value
    return response, error.status


# ---- translating -----------------------------------------------------------------------------

def _object(value: Any, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DosisError("invalid_field", wording.gettext("%(field)s moet een object zijn.",
                                                          field=field))
    return value


def _list(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DosisError("invalid_field", wording.gettext("%(field)s moet een lijst zijn.",
                                                          field=field))
    return value


def local_time(value: Any) -> Any:
    """DOSIS's ``WijzigingsDatum`` is a local date-time without an offset (Brussels time, as
    the connector sends it); one with an offset is taken as it is."""
    if not isinstance(value, str) or "T" not in value:
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BRUSSELS)
    return moment.isoformat()


def identification(body: dict[str, Any]) -> tuple[str, str]:
    ident = _object(body.get("Identificatie"), "Identificatie")
    source, number = ident.get("Bron"), ident.get("DossierNummer")
    if not isinstance(source, str) or not source or not isinstance(number, str) or not number:
        raise DosisError("invalid_field", wording.gettext(
            "Identificatie.Bron en Identificatie.DossierNummer zijn verplicht (tekst)."))
    return source, number


def upload_id(body: dict[str, Any]) -> str:
    given = body.get("UploadId")
    if given is None:
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(str(given)))
    except ValueError:
        raise DosisError("invalid_field", wording.gettext("UploadId is een UUID.")) from None


def to_loket(body: dict[str, Any]) -> dict[str, Any]:
    """The DOSIS body as Loket's own dossier body (checked afterwards by parse_dossier)."""
    status = _object(body.get("Status"), "Status")
    loket_status: dict[str, Any] = {"code": status.get("VlaamsCode"),
                                    "phase": status.get("VlaamsFase")}
    if status.get("Detail1") is not None:
        loket_status["detail"] = status["Detail1"]
    action = _object(status.get("Actie"), "Status.Actie")
    if action:
        loket_status["action"] = {"required": action.get("ActieNodig"),
                                  **({"text": action["Actie"]} if action.get("Actie") else {})}
    out: dict[str, Any] = {
        "name": body.get("Naam"),
        "lastChange": local_time(body.get("WijzigingsDatum")),
        "status": loket_status,
    }
    kind = body.get("TypeDossierCode")
    if kind not in (None, STATUS_TYPE):
        out["type"] = kind
    products = [p.get("Id") if isinstance(p, dict) else p
                for p in _list(body.get("Producten"), "Producten")]
    if products:
        out["productNumbers"] = [str(p) for p in products]
    handler = _object(body.get("DossierBeheerder"), "DossierBeheerder")
    if handler:
        out["handler"] = {key: handler[theirs] for key, theirs in (
            ("name", "Naam"), ("department", "Dienst"), ("phone", "Telefoon"),
            ("email", "Email"), ("website", "Website")) if handler.get(theirs)}
    agents = []
    for index, agent in enumerate(_list(body.get("Agenten"), "Agenten")):
        agent = _object(agent, f"Agenten[{index}]")
        codes = [str(r.get("Code", "")) if isinstance(r, dict) else str(r)
                 for r in _list(agent.get("Toegangsrechten"), f"Agenten[{index}].Toegangsrechten")]
        manages = any(code.lower() in MANAGING_RIGHTS for code in codes)
        agents.append({"identifier": agent.get("Identificatie"),
                       "rights": "beheren" if manages else "raadplegen"})
    out["agents"] = agents
    return out


def _dosis_field(problem: InvalidField) -> str:
    field = problem.field or ""
    if field.startswith("agents["):
        index, _, rest = field[len("agents["):].partition("]")
        theirs = {".identifier": ".Identificatie", ".rights": ".Toegangsrechten"}.get(rest, rest)
        return f"Agenten[{index}]{theirs}"
    if field.startswith("productNumbers["):
        return "Producten[" + field[len("productNumbers["):].replace("]", "].Id", 1)
    return FIELD_NAMES.get(field, field)


def _digest(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


# ---- the endpoints ----------------------------------------------------------------------------

def _caller() -> apibase.Caller:
    return apibase.caller(SCOPE, person=False)


def _own(who: apibase.Caller, source: str) -> None:
    if source != who.client_id:
        session = db.session()
        audit.record(session, "dossier-write", f"dossier/{source[:64]}", actor=who.actor,
                     client_id=who.client_id, outcome="refused",
                     detail={"via": "dosis", "error": "forbidden_source"})
        session.commit()
        raise Forbidden("forbidden_source", wording.gettext(
            "Identificatie.Bron is de client-id van de afzender (%(own)s), niet %(given)s.",
            own=repr(who.client_id), given=repr(source[:64])))


@bp.post("/api/v2/dosis/dossiers")
@bp.post("/api/v1/dosis/dossiers")
def upload() -> tuple[Response, int]:
    who = _caller()
    body = apibase.json_body()
    if not isinstance(body, dict):
        raise DosisError("invalid_body", wording.gettext(
            "Stuur één dossierstatus als JSON-object."))
    source, number = identification(body)
    _own(who, source)
    upload = upload_id(body)
    digest = _digest(body)
    session = db.session()
    earlier = session.get(DosisUpload, upload)
    if earlier is not None:  # the same upload again (a retry): its result, nothing new
        if (earlier.source, earlier.number, earlier.content_hash) != (source, number, digest):
            raise Conflict("upload_id_reused", wording.gettext(
                "Deze UploadId hoort bij een andere upload."))
        return _accepted(earlier)
    now = db.now()
    resource = f"dossier/{source}/{number[:100]}"
    try:
        checked = validation.number(number, "Identificatie.DossierNummer")
        record = validation.parse_dossier(to_loket(body), number_value=checked, now=now,
                                          binding=dossier_api.binding_of(session, who))
    except (InvalidField, DosisError) as problem:
        field = _dosis_field(problem) if isinstance(problem, InvalidField) else None
        text = f"{field} {problem.detail}" if field else problem.detail
        session.rollback()
        session.add(DosisUpload(upload_id=upload, source=source, number=number[:100],
                                received_at=now, success=False, error=text,
                                errors=[{"Omschrijving": text, "LijnNummer": None}],
                                content_hash=digest))
        audit.record(session, "dossier-write", resource, actor=who.actor,
                     client_id=who.client_id, outcome="invalid",
                     detail={"via": "dosis", "upload": upload, "field": field})
        session.commit()
        raise DosisError("invalid_field", text) from None
    written = store.upsert(session, source, record, now)
    result = DosisUpload(upload_id=upload, source=source, number=checked, received_at=now,
                         success=True, error=None, errors=[], content_hash=digest)
    session.add(result)
    audit.record(session, "dossier-write", resource, actor=who.actor, client_id=who.client_id,
                 detail={"via": "dosis", "upload": upload, "result": written.result,
                         "version": written.dossier.version})
    dossier_api.commit_write(session)
    return _accepted(result)


def _accepted(result: DosisUpload) -> tuple[Response, int]:
    return jsonify({"Status": "Verwerkt" if result.success else "Geweigerd",
                    "UploadId": result.upload_id}), 202


def result_view(result: DosisUpload) -> dict[str, Any]:
    return {
        "Identificatie": {"Bron": result.source, "DossierNummer": result.number},
        "UploadId": result.upload_id,
        "Bestand": None,
        "TijdstipVerwerking": datetime.fromtimestamp(result.received_at, BRUSSELS)
        .replace(tzinfo=None).isoformat(timespec="seconds"),
        "Succes": result.success,
        "Fout": result.error,
        "Fouten": list(result.errors or []),
        "VerwerktVoorOpvraging": result.success,
    }


@bp.get("/api/v1/dosis/resultaten")
@bp.get("/api/v2/dosis/resultaten")
def results() -> Response:
    who = _caller()
    session = db.read_session()
    given = request.args.get("uploadId")
    if given:
        try:
            key = str(uuid.UUID(given))
        except ValueError:
            raise DosisError("invalid_parameter", wording.gettext("uploadId is een UUID.")
                             ) from None
        found = session.get(DosisUpload, key)
    else:
        source, number = request.args.get("bron", ""), request.args.get("dossierNummer", "")
        if not source or not number:
            raise DosisError("invalid_parameter", wording.gettext(
                "Geef uploadId, of bron en dossierNummer."))
        found = session.scalars(
            select(DosisUpload).where(DosisUpload.source == source, DosisUpload.number == number)
            .order_by(DosisUpload.received_at.desc(), DosisUpload.upload_id).limit(1)).first()
    if found is None or found.source != who.client_id:
        raise NotFound("not_found", wording.gettext(
            "Geen upload met die gegevens van deze afzender."))
    return jsonify(result_view(found))


@bp.delete("/api/v1/dosis/dossiers")
@bp.delete("/api/v2/dosis/dossiers")
def remove() -> tuple[str, int]:
    who = _caller()
    source, number = request.args.get("bron", ""), request.args.get("dossierNummer", "")
    if not source or not number:
        raise DosisError("invalid_parameter", wording.gettext("Geef bron en dossierNummer."))
    _own(who, source)
    session = db.session()
    if not store.remove(session, source, number):
        raise NotFound("not_found", wording.gettext(
            "Deze afzender heeft geen dossier met dat nummer."))
    audit.record(session, "dossier-delete", f"dossier/{source}/{number}", actor=who.actor,
                 client_id=who.client_id, detail={"via": "dosis"})
    session.commit()
    return "", 204
