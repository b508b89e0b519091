"""Discovery, keys, the authorization endpoint and the capacity chooser."""

from __future__ import annotations

import time

from flask import Response, current_app, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from loket import audit, db, ratelimit
from loket.errors import LoketError
from loket.models import AuthorizationRequest, Client, Person
from loket.sso import capacities, jose
from loket.sso.forms import CapacityForm
from loket.sso.protocol import (
    AuthorizationParams,
    OAuthError,
    add_query,
    check_client_and_redirect,
    error_redirect,
    parse_authorization,
)
from loket.sso.web import (  # noqa: F401 - current_session is part of this module's API
    bp,
    current_session,
    expired_request,
    issuer,
    lookup_client,
    no_store,
    provider,
)

TEST_LOGIN_ACR = "urn:loket:acr:test-login"


# ---- discovery and keys -----------------------------------------------------------------

@bp.get("/.well-known/openid-configuration")
def discovery() -> ResponseReturnValue:
    issuer = current_app.config["ISSUER"]
    from loket.scopes import USER_SCOPES

    doc = {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/oidc/authorize",
        "token_endpoint": f"{issuer}/oidc/token",
        "userinfo_endpoint": f"{issuer}/oidc/userinfo",
        "jwks_uri": f"{issuer}/oidc/jwks.json",
        "end_session_endpoint": f"{issuer}/oidc/logout",
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": list(jose.SIGNING_ALGORITHMS),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post",
                                                  "none"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": list(USER_SCOPES),
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr",
                             "amr", "azp", "at_hash", "sid", "given_name", "family_name", "name",
                             "rrn", "capacity", "capacities"],
        "prompt_values_supported": ["none", "login", "select_account", "consent"],
        "acr_values_supported": [TEST_LOGIN_ACR] if current_app.config["TEST_LOGIN"] else [],
        "authorization_response_iss_parameter_supported": True,
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "frontchannel_logout_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "claims_parameter_supported": False,
        "ui_locales_supported": ["nl", "fr", "de", "en"],
    }
    response = jsonify(doc)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/oidc/jwks.json")
def jwks() -> ResponseReturnValue:
    response = jsonify(provider().keys.jwks(db.read_session()))
    response.headers["Cache-Control"] = "public, max-age=60"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# ---- authorization ---------------------------------------------------------------------

@bp.route("/oidc/authorize", methods=["GET", "POST"])
def authorize() -> ResponseReturnValue:
    ratelimit.check("authorize", request.remote_addr or "-")
    source = request.args if request.method == "GET" else request.form
    params = {key: source.getlist(key) for key in source}
    session = db.session()
    try:
        client, redirect_uri = check_client_and_redirect(
            params, lambda cid: lookup_client(session, cid)
        )
    except OAuthError as exc:
        raise LoketError(exc.error, exc.description, 400) from exc
    state: str | None = (params.get("state") or [None])[0]  # type: ignore[list-item]
    try:
        auth = parse_authorization(params, client, redirect_uri)
        return _proceed(auth, None)
    except OAuthError as exc:
        session.rollback()
        return no_store(redirect(error_redirect(redirect_uri, exc, state, issuer())))


@bp.get("/oidc/authorize/resume")
def resume() -> ResponseReturnValue:
    row = provider().load_request(db.session(), request.args.get("request"))
    if row is None:
        return expired_request()
    auth = AuthorizationParams.from_dict(row.params)
    try:
        return _proceed(auth, row)
    except OAuthError as exc:
        db.session().rollback()
        return no_store(redirect(error_redirect(auth.redirect_uri, exc, auth.state, issuer())))


def _proceed(auth: AuthorizationParams, row: AuthorizationRequest | None) -> ResponseReturnValue:
    """Decide: sign in, choose a capacity, or issue a code and return to the client."""
    session = db.session()
    sess = current_session()
    person = session.get(Person, sess.person_id) if sess else None
    # A sign-in completed for this very request satisfies prompt=login, max_age and acr_values
    # (upstream, the provider there was asked for the same; auth_time and acr say what it did).
    fresh = bool(sess and row and row.login_done_at is not None)
    hinted_sub = _id_token_hint_subject(auth) if auth.id_token_hint else None

    needs_login = sess is None or person is None
    if not needs_login and hinted_sub is not None and person.sub != hinted_sub:  # type: ignore[union-attr]
        needs_login = not fresh
        if "none" in auth.prompt:
            raise OAuthError("login_required", "The signed-in person is not the one in "
                             "id_token_hint.")
    if not needs_login and "login" in auth.prompt and not fresh:
        needs_login = True
    if (not needs_login and auth.max_age is not None and not fresh
            and time.time() - sess.auth_time > auth.max_age):  # type: ignore[union-attr]
        needs_login = True
    if (not needs_login and auth.acr_values and not fresh
            and sess.acr not in auth.acr_values):  # type: ignore[union-attr]
        needs_login = True
    if needs_login:
        if "none" in auth.prompt:
            raise OAuthError("login_required", "Nobody is signed in at Loket.")
        request_id = row.id if row else provider().save_request(session, auth)
        session.commit()
        return no_store(redirect(url_for("sso.login", request=request_id)))

    assert sess is not None and person is not None
    caps = capacities.for_person(session, person)
    chosen = None
    how = "only"
    if row and row.params.get("chosen"):
        picked = row.params["chosen"]
        chosen = capacities.find(caps, picked.get("code"), picked.get("identifier"))
        how = "chooser"
    hint_failed = False
    if chosen is None and "select_account" not in auth.prompt:
        if auth.login_hint and capacities.decode_hint(auth.login_hint):
            chosen = capacities.select_by_hint(caps, auth.login_hint)
            how = "login_hint"
            hint_failed = chosen is None
        elif len(caps) == 1 or "capacity" not in auth.scope:
            chosen = caps[0]  # the citizen: nothing to choose, or the client does not ask
    if chosen is None:
        if "none" in auth.prompt:
            raise OAuthError("account_selection_required",
                             "The person must choose a capacity.")
        request_id = row.id if row else provider().save_request(session, auth)
        if hint_failed:
            audit.record(session, "capacity-hint-refused", "authorize", actor=person.sub,
                         client_id=auth.client_id, outcome="refused",
                         detail={"login_hint": auth.login_hint[:200] if auth.login_hint else ""})
        session.commit()
        return no_store(redirect(url_for("sso.choose", request=request_id,
                                          hint="refused" if hint_failed else None)))

    code = provider().issue_code(session, auth, sess, chosen)
    audit.record(session, "authorize", "authorize", actor=person.sub, client_id=auth.client_id,
                 capacity=audit.capacity_label(chosen.claim()), subject=person.sub,
                 detail={"selected_by": how, "scope": " ".join(auth.scope)})
    if row is not None:
        session.delete(row)
    session.commit()
    return no_store(redirect(add_query(auth.redirect_uri, {
        "code": code, "state": auth.state, "iss": issuer(),
    })))


def _id_token_hint_subject(auth: AuthorizationParams) -> str:
    try:
        claims = provider().verify_id_token_hint(db.session(), auth.id_token_hint or "")
    except jose.TokenError as exc:
        raise OAuthError("invalid_request", f"id_token_hint is not valid: {exc.detail}") from exc
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if auth.client_id not in audiences:
        raise OAuthError("invalid_request", "id_token_hint was issued to another client.")
    return str(claims["sub"])


# ---- capacity chooser ------------------------------------------------------------------

@bp.route("/hoedanigheid", methods=["GET", "POST"])
def choose() -> ResponseReturnValue:
    session = db.session()
    row = provider().load_request(session, request.values.get("request")
                                  or request.form.get("request_id"))
    if row is None:
        return expired_request()
    sess = current_session()
    person = session.get(Person, sess.person_id) if sess else None
    if sess is None or person is None:
        return no_store(redirect(url_for("sso.login", request=row.id)))
    caps = capacities.for_person(session, person)
    form = CapacityForm()
    form.capacity.choices = [(f"{c.code}:{c.identifier}", c.name) for c in caps]
    form.request_id.data = row.id
    if form.validate_on_submit():
        code, _, identifier = (form.capacity.data or "").partition(":")
        chosen = capacities.find(caps, code, identifier)
        if chosen is not None:
            row.params = {**row.params, "chosen": chosen.claim()}
            audit.record(session, "capacity-switch", "chooser", actor=person.sub,
                         client_id=row.client_id, capacity=audit.capacity_label(chosen.claim()),
                         subject=person.sub)
            session.commit()
            return no_store(redirect(url_for("sso.resume", request=row.id), 303))
    error = None
    if form.is_submitted():
        error = "Kies een van de hoedanigheden hieronder."
    client = session.get(Client, row.client_id)
    return Response(render_template(
        "sso/choose.html", form=form, caps=caps, person=person, client=client, error=error,
        hint_refused=request.args.get("hint") == "refused",
    ))
