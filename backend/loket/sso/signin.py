"""The sign-in step: the built-in test login, or federation to an upstream provider."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, redirect, render_template, request, url_for

from loket import audit, db
from loket.errors import LoketError
from loket.identifiers import InvalidIdentifier, parse_insz
from loket.models import AuthorizationRequest, Client, Person
from loket.sso import backchannel
from loket.sso.forms import TestLoginForm
from loket.sso.web import (
    bp,
    current_session,
    expired_request,
    no_store,
    provider,
    set_session_cookie,
)

TEST_LOGIN_ACR = "urn:loket:acr:test-login"


# ---- the built-in test login -----------------------------------------------------------

@bp.route("/aanmelden", methods=["GET", "POST"])
def login() -> Response | str:
    session = db.session()
    request_id = request.values.get("request") or request.form.get("request_id") or ""
    row = provider().load_request(session, request_id) if request_id else None
    if request_id and row is None:
        return expired_request()
    if not current_app.config["TEST_LOGIN"]:
        raise LoketError("login_unavailable", "Aanmelden is hier niet ingesteld: de beheerder "
                         "moet een identiteitsprovider koppelen.", 503)
    client = session.get(Client, row.client_id) if row else None
    form = TestLoginForm()
    error = None
    if form.validate_on_submit():
        try:
            insz = parse_insz(form.insz.data)
            person = session.scalar(db_select_person(insz))
            if person is None:
                error = "Er is geen testpersoon met dit rijksregisternummer."
        except InvalidIdentifier as exc:
            error = exc.message
        if error is None:
            assert person is not None
            return _signed_in(person, row)
        audit.record(session, "sign-in", "test-login", outcome="refused",
                     client_id=row.client_id if row else None, detail={"reason": error})
        session.commit()
    elif form.is_submitted():
        error = "; ".join(e for errs in form.errors.values() for e in errs)
    form.request_id.data = row.id if row else ""
    return Response(render_template("sso/login.html", form=form, error=error, client=client))


def db_select_person(insz: str) -> Any:
    from sqlalchemy import select

    return select(Person).where(Person.insz == insz)


def _signed_in(person: Person, row: AuthorizationRequest | None) -> Response:
    session = db.session()
    existing = current_session(touch=False)
    notices: list[tuple[Client, str]] = []
    if existing is not None and existing.person_id == person.id:
        cookie = provider().reauthenticate(session, existing, TEST_LOGIN_ACR, ["test"])
        sess = existing
    else:
        if existing is not None:
            notices = provider().end_session(session, existing, "another person signed in")
        sess, cookie = provider().start_session(session, person, TEST_LOGIN_ACR, ["test"])
    audit.record(session, "sign-in", "test-login", actor=person.sub, subject=person.sub,
                 client_id=row.client_id if row else None, detail={"acr": TEST_LOGIN_ACR})
    session.commit()
    backchannel.send_all(notices)
    target = url_for("sso.resume", request=row.id) if row else url_for("home.index")
    response = no_store(redirect(target, 303))
    set_session_cookie(response, cookie)
    return response
