"""Discovery, keys, the authorization endpoint and the capacity chooser."""

from __future__ import annotations

import time

from flask import Response, current_app, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from loket import audit, db, i18n, ratelimit
from loket.errors import LoketError
from loket.models import AuthorizationRequest, Client
from loket.sso import capacities, clientauth, decisions, jose
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
    check_id_token_hint,
    current_session,
    current_sign_in,
    expired_request,
    issuer,
    lookup_client,
    no_store,
    provider,
    way_back,
)

# ---- discovery and keys -----------------------------------------------------------------

@bp.get("/.well-known/openid-configuration")
@bp.get("/.well-known/oauth-authorization-server")  # RFC 8414: the same document
def discovery() -> ResponseReturnValue:
    issuer = current_app.config["ISSUER"]
    from loket.scopes import USER_SCOPES

    federated = current_app.extensions.get("loket.upstream")

    doc = {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/oidc/authorize",
        "token_endpoint": f"{issuer}/oidc/token",
        "userinfo_endpoint": f"{issuer}/oidc/userinfo",
        "jwks_uri": f"{issuer}/oidc/jwks.json",
        "end_session_endpoint": f"{issuer}/oidc/logout",
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": list(jose.SIGNING_ALGORITHMS),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post",
                                                  "private_key_jwt", "none"],
        # a site's private_key_jwt assertions: RS256, PS256 or ES256 (see clientauth)
        "token_endpoint_auth_signing_alg_values_supported": list(clientauth.ASSERTION_ALGORITHMS),
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": list(USER_SCOPES),
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr",
                             "amr", "azp", "at_hash", "sid", "given_name", "family_name", "name",
                             "rrn", "capacity", "capacities", "vo_id", "vo_doelgroepcode",
                             "vo_orgcode", "vo_orgnaam", "papi_token"],
        "prompt_values_supported": ["none", "login", "select_account", "consent"],
        # the upstream's levels (ACM's URNs) are passed through as they are
        "acr_values_supported": ([decisions.TEST_LOGIN_ACR] if current_app.config["TEST_LOGIN"]
                                 else []) + (federated.acr_values() if federated else []),
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
    ui_locales = params.get("ui_locales") or []
    if len(ui_locales) == 1:  # the site's language for this page too (an error page)
        i18n.prefer_ui_locales(ui_locales[0])
    session = db.session()
    try:
        client, redirect_uri = check_client_and_redirect(
            params, lambda cid: lookup_client(session, cid)
        )
    except OAuthError as exc:
        # Nothing can be sent back to the site: the person reads why, and finds the way back
        # to the site when it is a registered client (its registered home, never the address
        # this request named).
        named = params.get("client_id") or []
        error = LoketError(exc.error, exc.text, 400)
        error.back = way_back(lookup_client(session, named[0]) if len(named) == 1 else None)
        raise error from exc
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
        return expired_request(request.args.get("request"))
    i18n.prefer_ui_locales(row.params.get("ui_locales"))
    auth = AuthorizationParams.from_dict(row.params)
    try:
        return _proceed(auth, row)
    except OAuthError as exc:
        db.session().rollback()
        return no_store(redirect(error_redirect(auth.redirect_uri, exc, auth.state, issuer())))


def _proceed(auth: AuthorizationParams, row: AuthorizationRequest | None) -> ResponseReturnValue:
    """Gather the facts, let :mod:`loket.sso.decisions` decide, and act on the decision."""
    session = db.session()
    who = current_sign_in()
    decision: decisions.AuthorizationDecision | None = decisions.decide_sign_in(
        auth, who.facts if who else None, check_id_token_hint(auth.id_token_hint),
        fresh=bool(who and row and row.login_done_at is not None), now=time.time(),
    )
    if decision is None:
        assert who is not None
        decision = decisions.decide_capacity(
            auth, capacities.for_person(session, who.person),
            row.params.get("chosen") if row else None, who.session.capacity,
            switching=capacities.is_switch_hint(auth.login_hint)
            or provider().switch_pending(session, who.session, auth.client_id))
    if isinstance(decision, decisions.Refuse):
        raise decision.as_error()
    if isinstance(decision, decisions.SignIn):
        request_id = row.id if row else provider().save_request(session, auth)
        session.commit()
        return no_store(redirect(url_for("sso.login", request=request_id)))
    assert who is not None
    person = who.person
    if isinstance(decision, decisions.ChooseCapacity):
        request_id = row.id if row else provider().save_request(session, auth)
        if decision.hint_refused:
            audit.record(session, "capacity-hint-refused", "authorize", actor=person.sub,
                         client_id=auth.client_id, outcome="refused",
                         detail={"login_hint": auth.login_hint[:200] if auth.login_hint else ""})
        session.commit()
        return no_store(redirect(url_for("sso.choose", request=request_id,
                                          hint="refused" if decision.hint_refused else None)))

    chosen = decision.capacity
    code = provider().issue_code(session, auth, who.session, chosen)
    audit.record(session, "authorize", "authorize", actor=person.sub, client_id=auth.client_id,
                 capacity=audit.capacity_label(chosen.claim()), subject=person.sub,
                 detail={"selected_by": decision.selected_by, "scope": " ".join(auth.scope)})
    if row is not None:
        provider().finish_request(row)
    session.commit()
    return no_store(redirect(add_query(auth.redirect_uri, {
        "code": code, "state": auth.state, "iss": issuer(),
    })))


# ---- capacity chooser ------------------------------------------------------------------

@bp.route("/hoedanigheid", methods=["GET", "POST"])
def choose() -> ResponseReturnValue:
    session = db.session()
    request_id = request.values.get("request") or request.form.get("request_id")
    row = provider().load_request(session, request_id)
    if row is None:
        return expired_request(request_id)
    i18n.prefer_ui_locales(row.params.get("ui_locales"))
    who = current_sign_in()
    if who is None:
        return no_store(redirect(url_for("sso.login", request=row.id)))
    person = who.person
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
        error = i18n.gettext("Kies een van de hoedanigheden hieronder.")
    client = session.get(Client, row.client_id)
    last = who.session.capacity or {}
    preselected = capacities.find(caps, last.get("code"), last.get("identifier")) or caps[0]
    return Response(render_template(
        "sso/choose.html", form=form, caps=caps, person=person, client=client, error=error,
        hint_refused=request.args.get("hint") == "refused", preselected=preselected,
    ))
