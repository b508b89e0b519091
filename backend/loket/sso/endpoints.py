"""Machine endpoints (token, userinfo) and logout."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from loket import audit, db, ratelimit
from loket.clients import GRANT_TYPES
from loket.errors import LoketError
from loket.models import Client
from loket.scopes import SERVICE_SCOPES
from loket.sso import backchannel, capacities, clientauth, decisions, signin
from loket.sso.forms import LogoutForm
from loket.sso.protocol import BearerError, OAuthError, parse_scope
from loket.sso.web import (
    bearer_token,
    bp,
    check_id_token_hint,
    clear_session_cookie,
    current_sign_in,
    lookup_client,
    no_store,
    provider,
    way_back,
)

MAX_FORM_BYTES = 64 * 1024
CORS_ENDPOINTS = frozenset({"sso.token", "sso.userinfo"})


@bp.after_request
def _cors_for_public_clients(response: Response) -> Response:
    """A registered public client's page (a browser app with PKCE and no secret) may call the
    token and userinfo endpoints from its own origin; no cookie is involved, so no credentials
    are allowed, and any other origin gets no CORS headers at all."""
    origin = request.headers.get("Origin")
    if request.endpoint not in CORS_ENDPOINTS or not origin:
        return response
    from loket import clients

    if origin not in clients.public_origins(db.read_session()):
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    response.vary.add("Origin")
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
    else:
        response.headers["Access-Control-Expose-Headers"] = "WWW-Authenticate"
    return response


# ---- token endpoint --------------------------------------------------------------------

def _form_params() -> dict[str, str]:
    if request.content_length and request.content_length > MAX_FORM_BYTES:
        raise OAuthError("invalid_request", "The request body is too large.", status=413)
    if request.mimetype != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request", "Send the parameters form-encoded "
                         "(application/x-www-form-urlencoded).")
    single: dict[str, str] = {}
    for key in request.form:
        values = request.form.getlist(key)
        if len(values) > 1:
            raise OAuthError("invalid_request", f"Parameter {key!r} is given more than once.")
        single[key] = values[0]
    return single


@bp.post("/oidc/token")
def token() -> ResponseReturnValue:
    session = db.session()
    ratelimit.check("token_ip", request.remote_addr or "-")
    try:
        form = _form_params()
        client = clientauth.authenticate_client(
            db.lookup_session(), request.headers.get("Authorization", ""), form,
            assertions=clientauth.AssertionCheck(current_app.config["ISSUER"], session))
        ratelimit.check("token_client", client.id)
        grant = form.get("grant_type")
        if grant not in client.grant_types:
            if grant in GRANT_TYPES:
                raise OAuthError("unauthorized_client", f"This client may not use {grant}.")
            raise OAuthError("unsupported_grant_type", f"grant_type {grant!r} is not supported.")
        if grant == "authorization_code":
            issued = provider().exchange_code(db.lookup_session(), session, client,
                                              form.get("code"),
                                              form.get("redirect_uri"), form.get("code_verifier"))
        elif grant == "refresh_token":
            issued = provider().refresh(db.lookup_session(), session, client,
                                        form.get("refresh_token"), form.get("scope"))
        else:
            # without a scope asked: every service scope the client has
            scopes = parse_scope(form.get("scope"), client, user=False) or [
                s for s in client.scopes if s in SERVICE_SCOPES
            ]
            issued = provider().client_credentials(session, client, scopes)
        session.commit()
    except OAuthError:
        session.rollback()  # a refused code may have revoked tokens; that part is committed
        raise
    body: dict[str, Any] = {
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_in": issued.expires_in,
        "scope": issued.scope,
    }
    if issued.id_token:
        body["id_token"] = issued.id_token
    if issued.refresh_token:
        body["refresh_token"] = issued.refresh_token
    return no_store(jsonify(body))


# ---- userinfo --------------------------------------------------------------------------

@bp.route("/oidc/userinfo", methods=["GET", "POST"])
def userinfo() -> ResponseReturnValue:
    # On SQLite the reads happen outside the write transaction; only the audit entry is
    # written, and committed before the claims leave (no entry, no data).
    read, session = db.lookup_session(), db.session()
    given = bearer_token(in_form=True)
    if given is None:
        raise BearerError("invalid_token", "Send an access token (Authorization: Bearer …).",
                          challenge_only=True)
    found = provider().access_token_and_person(read, given)
    if found is None:
        raise BearerError("invalid_token", "The access token is missing, expired or revoked.")
    token_row, person = found
    scopes = token_row.scope.split()
    if person is None or "openid" not in scopes:
        raise BearerError("insufficient_scope", "This token is not for userinfo.", 403)
    acting = token_row.capacity or {}
    represents = acting.get("code") in ("VER", "EA")
    caps = capacities.for_person(read, person) if "capacity" in scopes or represents else None
    if represents and capacities.find(caps or [], acting.get("code"),
                                      acting.get("identifier")) is None:
        # Asked anew at every call: a representative removed from an association, or a
        # mandate ended, no longer acts for it, even with a token issued before.
        audit.record(session, "read", "userinfo", actor=person.sub, client_id=token_row.client_id,
                     capacity=audit.capacity_label(token_row.capacity), subject=person.sub,
                     outcome="refused", reason="capacity no longer held")
        session.commit()
        raise BearerError("invalid_token", "The capacity this token was issued for is no longer "
                          "held; sign in again.")
    claims = {"sub": person.sub}
    claims.update(provider().person_claims(scopes, person, token_row.capacity, caps))
    if "papi" in scopes:  # a fresh one at each call: it lives five minutes
        claims["papi_token"], _life = provider().issue_profile_token(
            session, token_row.client_id, person, token_row.capacity, token_row.session_id,
            until=token_row.expires_at)
    audit.record(session, "read", "userinfo", actor=person.sub, client_id=token_row.client_id,
                 capacity=audit.capacity_label(token_row.capacity), subject=person.sub,
                 detail={"claims": sorted(claims)})
    session.commit()
    return no_store(jsonify(claims))


# ---- logout ----------------------------------------------------------------------------

@bp.route("/oidc/logout", methods=["GET", "POST"])
def end_session() -> ResponseReturnValue:
    session = db.session()
    values = request.values
    asked = decisions.LogoutRequest(
        id_token_hint=values.get("id_token_hint") or None,
        post_logout_redirect_uri=values.get("post_logout_redirect_uri") or None,
        client_id=values.get("client_id") or None,
        state=values.get("state"),
        switch=values.get("switch", "false").lower() not in ("false", "0", "no", "off"),
    )
    hint = check_id_token_hint(asked.id_token_hint)
    client_id = decisions.logout_client_id(asked, hint)
    client = lookup_client(session, client_id) if client_id else None
    who = current_sign_in(touch=False)
    form = LogoutForm()
    decision = decisions.decide_logout(
        asked, hint,
        decisions.LogoutClient(client.id, client.post_logout_uris) if client else None,
        who.facts if who else None,
        confirmed=request.method == "POST" and form.validate_on_submit(),
    )
    if isinstance(decision, decisions.RefuseLogout):
        error = LoketError(decision.error, decision.message, 400)
        error.back = way_back(client)  # the registered site, never the refused address
        raise error
    if isinstance(decision, decisions.ConfirmLogout):
        form.id_token_hint.data = asked.id_token_hint or ""
        form.post_logout_redirect_uri.data = asked.post_logout_redirect_uri or ""
        form.client_id.data = decision.client_id or ""
        form.state.data = asked.state or ""
        return render_template("sso/logout_confirm.html", form=form, client=client)
    if isinstance(decision, decisions.SwitchOut):
        assert who is not None and client is not None
        told = provider().switch_out(session, who.session, client)
        session.commit()
        backchannel.send_all(told)
        # still signed in at Loket: back to the site, else to our page that says so
        back = decision.destination or next(iter(client.post_logout_uris or []), None)
        return no_store(redirect(back or url_for("home.index")))
    notices: list[tuple[Client, str]] = []
    upstream_token = None
    if who is not None:
        upstream_token = (who.session.upstream or {}).get("id_token")
        notices = provider().end_session(session, who.session, "logout")
    session.commit()
    backchannel.send_all(notices)
    upstream_logout = signin.upstream_logout_redirect(upstream_token, decision.destination,
                                                      client)
    if upstream_logout is not None:
        response = redirect(upstream_logout)
    elif decision.destination:
        response = redirect(decision.destination)
    else:
        response = Response(render_template("sso/logged_out.html", client=client))
    clear_session_cookie(response)
    return no_store(response)
