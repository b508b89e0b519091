"""The sign-in step: federation to an upstream provider (ACM, Keycloak) when one is configured,
otherwise the built-in test login (development only)."""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from flask import Response, current_app, jsonify, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from loket import audit, db, i18n, ratelimit
from loket.errors import LoketError, message
from loket.identifiers import InvalidIdentifier, parse_insz
from loket.models import AuthorizationRequest, Client, Person, SsoSession
from loket.sso import backchannel
from loket.sso.decisions import TEST_LOGIN_ACR
from loket.sso.forms import TestLoginForm
from loket.sso.protocol import AuthorizationParams, pkce_challenge
from loket.sso.upstream import Upstream, UpstreamError
from loket.sso.web import (
    bp,
    current_session,
    expired_request,
    issuer,
    local_path,
    no_store,
    provider,
    set_session_cookie,
    way_back,
)
from loket.translated import every_language

PENDING_KEY = "upstream_logins"
LOGOUT_KEY = "upstream_logouts"
MAX_PENDING = 5
PENDING_SECONDS = 900


def upstream() -> Upstream | None:
    return current_app.extensions.get("loket.upstream")


@bp.route("/aanmelden", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    session = db.session()
    request_id = request.values.get("request") or request.form.get("request_id") or ""
    row = provider().load_request(session, request_id) if request_id else None
    if request_id and row is None:
        return expired_request(request_id)
    if row is not None:  # the site's ui_locales hold for every step of its sign-in
        i18n.prefer_ui_locales(row.params.get("ui_locales"))
    # signing in from one of the provider's own pages comes back to it
    back = None if row else local_path(request.args.get("next"))
    federated = upstream()
    if federated is not None:
        session.commit()  # end the transaction: no lock held while we talk to the upstream
        return _to_upstream(federated, row, back)
    if not current_app.config["TEST_LOGIN"]:
        raise LoketError("login_unavailable", every_language(
            "Aanmelden is hier niet ingesteld: de beheerder moet een identiteitsprovider "
            "koppelen."), 503)
    return _test_login(row, back)


# ---- the built-in test login -------------------------------------------------------------

def _test_login(row: AuthorizationRequest | None, back: str | None) -> ResponseReturnValue:
    session = db.session()
    client = session.get(Client, row.client_id) if row else None
    form = TestLoginForm()
    error = None
    if form.is_submitted():
        ratelimit.check("signin", request.remote_addr or "-")
    if form.validate_on_submit():
        person = None
        try:
            insz = parse_insz(form.insz.data)
            person = session.scalar(select(Person).where(Person.insz == insz))
            if person is None:
                error = i18n.gettext("Er is geen testpersoon met dit rijksregisternummer.")
        except InvalidIdentifier as exc:
            error = _insz_problem(exc)
        if person is not None:
            return complete_sign_in(person, row, acr=TEST_LOGIN_ACR, amr=["test"],
                                    auth_time=int(time.time()), method="test-login", back=back)
        audit.record(session, "sign-in", "test-login", outcome="refused",
                     client_id=row.client_id if row else None, detail={"reason": error})
        session.commit()
    elif form.is_submitted():
        error = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    form.request_id.data = row.id if row else ""
    return Response(render_template("sso/login.html", form=form, error=error, client=client,
                                    back=back))


# What loket.identifiers says of a national register number, in the catalogs (its texts are
# Dutch sentences shared with the register's API).
_INSZ_TEXTS = (
    i18n.lazy_gettext("Het rijksregisternummer moet tekst zijn."),
    i18n.lazy_gettext("Het rijksregisternummer is te lang."),
    i18n.lazy_gettext("Vul het rijksregisternummer in."),
    i18n.lazy_gettext("Het rijksregisternummer mag alleen cijfers bevatten."),
    i18n.lazy_gettext("Het rijksregisternummer klopt niet (controlegetal)."),
    i18n.lazy_gettext("Het rijksregisternummer bevat geen geldige maand."),
)
_INSZ_LENGTH = re.compile(r"Het rijksregisternummer moet 11 cijfers hebben, niet (\d+)\.")


def _insz_problem(exc: InvalidIdentifier) -> str:
    """The problem with the number typed at the test login, in the page's language."""
    length = _INSZ_LENGTH.fullmatch(exc.message)
    if length:
        return i18n.gettext("Het rijksregisternummer moet 11 cijfers hebben, niet %(count)s.",
                            count=length.group(1))
    return i18n.gettext(exc.message)  # one of _INSZ_TEXTS, else as it is


# ---- federation to the upstream provider ---------------------------------------------------

def _callback_url() -> str:
    return f"{issuer()}/aanmelden/terug"


def _to_upstream(federated: Upstream, row: AuthorizationRequest | None,
                 back: str | None) -> ResponseReturnValue:
    auth = AuthorizationParams.from_dict(row.params) if row else None
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    pending = {k: v for k, v in (cookie_session.get(PENDING_KEY) or {}).items()
               if v.get("at", 0) > time.time() - PENDING_SECONDS}
    pending[state] = {"nonce": nonce, "verifier": verifier, "request": row.id if row else "",
                      "at": int(time.time()), "back": back or ""}
    cookie_session[PENDING_KEY] = dict(list(pending.items())[-MAX_PENDING:])
    try:
        url = federated.authorization_url(
            redirect_uri=_callback_url(), state=state, nonce=nonce,
            challenge=pkce_challenge(verifier),
            acr_values=auth.acr_values if auth else [],
            # what the relying party asked of us, we ask of the upstream as it is: a max_age
            # the upstream's session meets asks nobody to sign in again
            prompt="login" if auth and "login" in auth.prompt else None,
            max_age=auth.max_age if auth else None,
        )
    except UpstreamError as exc:
        error = _upstream_failed(exc, 502)
        if row is not None:
            error.back = way_back(db.session().get(Client, row.client_id),
                                  row.params.get("redirect_uri"))
        raise error from exc
    return no_store(redirect(url))


def _upstream_failed(exc: UpstreamError, status: int) -> LoketError:
    """A sign-in the upstream could not finish, said plainly; its reason (Dutch, from
    :mod:`loket.sso.upstream`, or the upstream's own words) follows for the helpdesk."""
    return LoketError(exc.code, every_language(
        "Aanmelden bij de identiteitsprovider lukte niet. Ga terug naar de website en probeer "
        "het opnieuw. Wat er misliep: %(reason)s", reason=exc.detail), status)


@bp.get("/aanmelden/terug")
def upstream_callback() -> ResponseReturnValue:
    federated = upstream()
    if federated is None:
        raise LoketError("not_found", message("http_404"), 404)
    ratelimit.check("signin", request.remote_addr or "-")
    state = request.args.get("state", "")
    pending_all = dict(cookie_session.get(PENDING_KEY) or {})
    pending = pending_all.pop(state, None) if state else None
    cookie_session[PENDING_KEY] = pending_all
    if pending is None:
        raise LoketError("upstream_state", every_language(
            "Deze aanmelding is verlopen of werd niet hier begonnen. Ga terug naar de website "
            "en meld je opnieuw aan."), 400)
    session = db.session()
    row = provider().load_request(session, pending["request"]) if pending["request"] else None
    if pending["request"] and row is None:
        return expired_request(pending["request"])
    client_id = row.client_id if row else None
    if row is not None:
        i18n.prefer_ui_locales(row.params.get("ui_locales"))
    back = way_back(session.get(Client, row.client_id),
                    row.params.get("redirect_uri")) if row is not None else None
    session.commit()  # end the transaction: no lock held while we talk to the upstream
    returned_iss = request.args.get("iss")
    try:
        if returned_iss is not None and returned_iss != federated.config.issuer:
            raise UpstreamError("upstream_mixup", "Het antwoord kwam van een andere "
                                "identiteitsprovider dan die waar je heen werd gestuurd.")
        if request.args.get("error"):
            detail = request.args.get("error_description") or request.args["error"]
            raise UpstreamError("upstream_refused",
                                f"De identiteitsprovider meldde: {detail[:300]}")
        code = request.args.get("code")
        if not code:
            raise UpstreamError("upstream_refused", "De identiteitsprovider gaf geen code terug.")
        asked = AuthorizationParams.from_dict(row.params) if row is not None else None
        who = federated.sign_in(code=code, verifier=pending["verifier"],
                                redirect_uri=_callback_url(), nonce=pending["nonce"],
                                max_age=asked.max_age if asked else None, signer=_signer)
    except UpstreamError as exc:
        audit.record(session, "sign-in", "upstream", outcome="refused", client_id=client_id,
                     detail={"reason": exc.code})
        session.commit()
        error = _upstream_failed(exc, 400)
        error.back = back
        raise error from exc
    person = session.scalar(select(Person).where(Person.insz == who.insz))
    if person is None:
        person = Person(insz=who.insz, given_name=who.given_name, family_name=who.family_name,
                        created_at=int(time.time()))
        session.add(person)
    else:
        person.given_name, person.family_name = who.given_name, who.family_name
    session.flush()
    return complete_sign_in(person, row, acr=who.acr, amr=who.amr, auth_time=who.auth_time,
                            method="upstream",
                            upstream={"id_token": who.id_token, "sid": who.sid,
                                      "sub": who.sub},
                            back=local_path(pending.get("back")))


def _signer(claims: dict[str, Any]) -> str:
    """A client assertion signed with Loket's active key (``private_key_jwt`` upstream: the
    upstream knows Loket's keys from its ``jwks_uri``)."""
    from loket.sso import jose

    key = provider().keys.active(db.read_session())
    return jose.sign(claims, key.private_key, key.kid, key.alg)


@bp.post("/aanmelden/backchannel-logout")
def upstream_backchannel_logout() -> ResponseReturnValue:
    """The upstream ended a session (OpenID Connect Back-Channel Logout): the Loket sessions
    that came from it end too, and every site they were used at is told in its turn."""
    federated = upstream()
    if federated is None:
        raise LoketError("not_found", message("http_404"), 404)
    token = request.form.get("logout_token", "")
    session = db.session()
    try:
        claims = federated.validate_logout_token(token)
    except UpstreamError as exc:
        audit.record(session, "sign-out", "upstream-logout", outcome="refused",
                     reason=exc.code, detail={"detail": exc.detail[:200]})
        session.commit()
        response = jsonify({"error": "invalid_request", "error_description": exc.code})
        response.status_code = 400
        return no_store(response)
    query = select(SsoSession).where(SsoSession.ended_at.is_(None))
    sid, sub = claims.get("sid"), claims.get("sub")
    if isinstance(sid, str):
        query = query.where(SsoSession.upstream_sid == sid)
        if isinstance(sub, str):
            query = query.where(SsoSession.upstream_sub == sub)
    else:
        query = query.where(SsoSession.upstream_sub == sub)
    notices: list[tuple[Client, str]] = []
    ended = 0
    for row in session.scalars(query.limit(100)):
        notices += provider().end_session(session, row, "upstream logout")
        ended += 1
    audit.record(session, "sign-out", "upstream-logout", detail={"sessions": ended})
    session.commit()
    backchannel.send_all(notices)
    return no_store(Response(status=200))


def upstream_logout_redirect(id_token: str | None, destination: str | None,
                             client: Client | None) -> str | None:
    """After our logout, end the upstream session too (RP-initiated logout there), then come
    back to ``/afgemeld`` and on to ``destination``."""
    federated = upstream()
    if federated is None or not id_token:
        return None
    key = secrets.token_urlsafe(16)
    after = dict(cookie_session.get(LOGOUT_KEY) or {})
    after[key] = {"to": destination or "", "client": client.id if client else ""}
    cookie_session[LOGOUT_KEY] = dict(list(after.items())[-MAX_PENDING:])
    return federated.end_session_url(id_token_hint=id_token,
                                     post_logout_redirect_uri=f"{issuer()}/afgemeld", state=key)


@bp.get("/afgemeld")
def after_upstream_logout() -> ResponseReturnValue:
    after = dict(cookie_session.get(LOGOUT_KEY) or {})
    target = after.pop(request.args.get("state", ""), None)
    cookie_session[LOGOUT_KEY] = after
    if target and target["to"]:
        return no_store(redirect(target["to"]))
    client = db.session().get(Client, target["client"]) if target and target["client"] else None
    return no_store(Response(render_template("sso/logged_out.html", client=client)))


# ---- after either ----------------------------------------------------------------------------

def complete_sign_in(person: Person, row: AuthorizationRequest | None, *, acr: str | None,
                     amr: list[str], auth_time: int | None, method: str,
                     upstream: dict[str, Any] | None = None,
                     back: str | None = None) -> ResponseReturnValue:
    """Start (or renew) the SSO session and go on with the authorization request (or, signing
    in at the provider itself, back to the provider's page ``back``)."""
    session = db.session()
    existing = current_session(touch=False)
    notices: list[tuple[Client, str]] = []
    if existing is not None and existing.person_id == person.id:
        cookie = provider().reauthenticate(session, existing, acr, amr, auth_time=auth_time,
                                           upstream=upstream)
    else:
        if existing is not None:
            notices = provider().end_session(session, existing, "another person signed in")
        _sess, cookie = provider().start_session(session, person, acr, amr, upstream=upstream,
                                                 auth_time=auth_time)
    if row is not None:
        row.login_done_at = int(time.time())
    audit.record(session, "sign-in", method, actor=person.sub, subject=person.sub,
                 client_id=row.client_id if row else None, detail={"acr": acr})
    session.commit()
    backchannel.send_all(notices)
    target = url_for("sso.resume", request=row.id) if row else (back or url_for("home.index"))
    response = no_store(redirect(target, 303))
    set_session_cookie(response, cookie)
    return response
