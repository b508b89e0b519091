"""The security officer's desk on the provider (``/veiligheidsconsulent``): search the audit log
by what the officer knows, page through it, export it — every search logged with its reason.

Only a person granted with ``loket officer grant`` and signed in through the provider gets in;
anyone else gets 403 and the attempt is logged. In production the test login cannot open it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, g, render_template, request
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from loket import audit, audit_search, audit_signals, db, officers
from loket.errors import Forbidden
from loket.i18n import gettext, lazy_gettext
from loket.inputs import whole_number_or_none
from loket.sso.decisions import TEST_LOGIN_ACR
from loket.translated import every_language

bp = Blueprint("officer", __name__)
FILTERS = ("person", "association", "company", "client", "ip", "operation", "outcome",
           "since", "until")


class SearchForm(FlaskForm):
    person = StringField(lazy_gettext("Rijksregisternummer van de persoon (niet verplicht)"))
    association = StringField(lazy_gettext("vCode van de vereniging (niet verplicht)"))
    company = StringField(lazy_gettext("Ondernemingsnummer (niet verplicht)"))
    client = StringField(lazy_gettext("Client (niet verplicht)"))
    ip = StringField(lazy_gettext("IP-adres of netwerk (niet verplicht)"))
    operation = StringField(lazy_gettext("Handeling (niet verplicht)"))
    outcome = SelectField(lazy_gettext("Resultaat"),
                          choices=[("", lazy_gettext("alle")), ("ok", "ok"),
                                   ("refused", lazy_gettext("geweigerd"))],
                          validate_choice=False)
    since = StringField(lazy_gettext("Vanaf (UTC, niet verplicht)"))
    until = StringField(lazy_gettext("Tot (UTC, niet verplicht)"))
    reason = TextAreaField(lazy_gettext("Reden van deze opzoeking"))
    after = HiddenField()
    shape = HiddenField()

    def filters(self) -> audit_search.Filters:
        given = {name: (self[name].data or "").strip() or None for name in FILTERS}
        after = self.after.data or ""
        return audit_search.Filters(**given, after=whole_number_or_none(after) or 0, limit=50)


def _officer() -> Any:
    """The signed-in security officer; :class:`SignInRequired` (a page asking to sign in, 401)
    or :class:`Forbidden` (403, the attempt logged) for anyone else."""
    from loket.register.pages.common import SignInRequired
    from loket.sso.web import current_sign_in

    who = current_sign_in()
    if who is None:
        raise SignInRequired()
    person = g.loket_person = who.person  # the page's header shows who is signed in
    session = db.session()
    production = current_app.config.get("ENV") == "production"
    if not officers.is_officer(session, person) or (
            production and who.session.acr == TEST_LOGIN_ACR):
        audit.record(session, "audit-desk", "audit-log", actor=person.sub, outcome="refused",
                     reason="geen veiligheidsconsulent", detail={"path": request.path})
        session.commit()
        raise Forbidden("not_officer", every_language(
            "Alleen een veiligheidsconsulent kan het auditlogboek raadplegen; de beheerder van "
            "Loket kent die rol toe."))
    return person


def _signals(person: Any) -> list[audit_signals.Signal]:
    """The irregularities of the last days; showing them is logged (counts only)."""
    session = db.session()
    found = audit_signals.signals(session, days=int(current_app.config.get("SIGNAL_DAYS", 14)))
    audit.record(session, "audit-desk", "audit-log/signals", actor=person.sub,
                 detail={"signals": audit_signals.summary(found)})
    session.commit()
    return found


def _page(form: SearchForm, **context: Any) -> Response:
    response = Response(render_template("officer/desk.html", form=form, **context))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/veiligheidsconsulent", methods=["GET", "POST"])
def desk() -> Response:
    from loket.register.pages.common import SignInRequired

    try:
        person = _officer()
    except SignInRequired:
        response = Response(render_template("register/signin.html"), status=401)
        response.headers["Cache-Control"] = "no-store"
        return response
    form = SearchForm()
    if request.method == "GET" or not form.validate_on_submit():
        for name in FILTERS:  # a signal's "toon de regels" fills the filters in, not the reason
            if request.args.get(name):
                form[name].data = request.args[name][:200]
        return _page(form, rows=None, problem=None, signals=_signals(person))
    reason = (form.reason.data or "").strip()
    if not reason:
        form.reason.errors = [gettext("Geef de reden van deze opzoeking: ze wordt mee gelogd.")]
        return _page(form, rows=None, problem=None)
    filters = form.filters()
    session = db.session()
    try:
        if form.shape.data in ("csv", "jsonl"):
            return _export(session, person, filters, reason, form.shape.data)
        page = audit_search.search(session, filters)
        audit_search.record_search(session, filters, officer=person.sub, reason=reason,
                                   found=len(page.entries), via="desk")
        rows = [audit_search.row(e) for e in page.entries]
        session.commit()
    except audit_search.SearchProblem as exc:
        session.rollback()
        return _page(form, rows=None, problem=str(exc))
    return _page(form, rows=rows, problem=None, next_after=page.next_after)


def _export(session: Any, person: Any, filters: audit_search.Filters, reason: str,
            shape: str) -> Response:
    rows = [audit_search.row(e) for e in audit_search.every(session, filters)]
    audit_search.record_search(session, filters, officer=person.sub, reason=reason,
                               found=len(rows), via=f"desk-export-{shape}")
    session.commit()
    body = "".join(audit_search.as_csv(rows) if shape == "csv" else audit_search.as_jsonl(rows))
    response = Response(body, mimetype="text/csv" if shape == "csv" else "application/jsonl")
    response.headers["Content-Disposition"] = f'attachment; filename="auditlog.{shape}"'
    response.headers["Cache-Control"] = "no-store"
    return response
