"""AVG (GDPR) through the API, for the person a token belongs to (scope ``privacy``):
``GET /api/v1/me/personal-data`` (everything stored about them; the download is itself in the
audit log) and ``GET /api/v1/me/access-log`` (who accessed their data, when and why)."""

from __future__ import annotations

from flask import Response, jsonify, request

from loket import apibase, audit, db, inputs
from loket.errors import BadRequest
from loket.register import privacy, wording
from loket.register.web import bp

SCOPE = "privacy"


@bp.get("/me/personal-data")
def personal_data() -> Response:
    who = apibase.caller(SCOPE, person=True)
    assert who.person is not None
    session = db.session()
    body = privacy.export(session, who.person)
    audit.record(session, "privacy-export", "personal-data", actor=who.actor,
                 client_id=who.client_id, capacity=audit.capacity_label(who.capacity),
                 subject=who.person.sub, reason=privacy.EXPORT_REASON)
    session.commit()
    response = jsonify(body)
    response.headers["Content-Disposition"] = 'attachment; filename="mijn-gegevens.json"'
    return response


@bp.get("/me/access-log")
def access_log() -> Response:
    who = apibase.caller(SCOPE, person=True)
    assert who.person is not None
    raw = request.args.get("before")
    before = inputs.whole_number_or_none(raw)
    if raw is not None and before is None:
        raise BadRequest("invalid_parameter", wording.gettext(
            "before is een volgnummer uit een vorige pagina."))
    session = db.session()
    report = privacy.access_report(session, who.person, before=before)
    audit.record(session, "access-overview-read", "access-log", actor=who.actor,
                 client_id=who.client_id, capacity=audit.capacity_label(who.capacity),
                 subject=who.person.sub, reason=privacy.OWN_READ_REASON)
    session.commit()
    return jsonify(report)
