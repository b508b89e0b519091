""""Mijn gegevens": the AVG download and the overview of who accessed the person's data."""

from __future__ import annotations

import json

from flask import Response, request

from loket import audit, db, i18n, inputs
from loket.register import privacy
from loket.register.pages.common import bp, page, signed_in
from loket.register.pages.forms import ExportForm


@bp.get("/mijn-gegevens")
def my_data() -> Response:
    person = signed_in()
    before = inputs.whole_number_or_none(request.args.get("voor", ""), max_digits=17)
    session = db.session()
    report = privacy.access_report(session, person, before=before, lang=i18n.current())
    # reading one's own overview is a read of personal data too (it shows next time)
    audit.record(session, "access-overview-read", "access-log", actor=person.sub,
                 capacity="BUR", subject=person.sub, reason=privacy.OWN_READ_REASON)
    session.commit()
    return page("register/privacy.html", person=person, form=ExportForm(), report=report,
                paged=before is not None)


@bp.post("/mijn-gegevens/download")
def my_data_download() -> Response:
    person = signed_in()
    form = ExportForm()
    form.validate_on_submit()  # the CSRF token is checked before any view runs
    session = db.session()
    body = privacy.export(session, person)
    audit.record(session, "privacy-export", "personal-data", actor=person.sub, capacity="BUR",
                 subject=person.sub, reason=privacy.EXPORT_REASON)
    session.commit()
    response = Response(json.dumps(body, ensure_ascii=False, indent=2),
                        mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="mijn-gegevens.json"'
    response.headers["Cache-Control"] = "no-store"
    return response
