"""The OpenID provider's endpoints and sign-in pages (a thin Flask layer over the protocol)."""

from __future__ import annotations

import base64
import binascii
import logging
import time
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from loket import audit, db
from loket.errors import LoketError
from loket.identifiers import InvalidIdentifier, parse_insz
from loket.models import AuthorizationRequest, Client, Person, SsoSession
from loket.sso import backchannel, capacities, jose
from loket.sso.forms import CapacityForm, LogoutForm, TestLoginForm
from loket.sso.protocol import (
    AuthorizationParams,
    InvalidClient,
    OAuthError,
    add_query,
    check_client_and_redirect,
    error_redirect,
    parse_authorization,
    parse_scope,
)
from loket.sso.provider import Provider

log = logging.getLogger(__name__)
bp = Blueprint("sso", __name__)

TEST_LOGIN_ACR = "urn:loket:acr:test-login"
MAX_FORM_BYTES = 64 * 1024


def provider() -> Provider:
    return current_app.extensions["loket.provider"]  # type: ignore[no-any-return]


def cookie_name() -> str:
    return "__Host-loket_sso" if current_app.config["SECURE_COOKIES"] else "loket_sso"


def current_session(touch: bool = True) -> SsoSession | None:
    return provider().find_session(db.session(), request.cookies.get(cookie_name()), touch=touch)


def set_session_cookie(response: Response, value: str) -> None:
    response.set_cookie(
        cookie_name(), value, max_age=current_app.config["SESSION_MAX_MINUTES"] * 60,
        path="/", secure=current_app.config["SECURE_COOKIES"], httponly=True, samesite="Lax",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(cookie_name(), path="/", secure=current_app.config["SECURE_COOKIES"],
                           httponly=True, samesite="Lax")


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def _page_error(status: int, code: str, detail: str) -> Response:
    raise LoketError(code, detail, status)


# ---- discovery and keys -----------------------------------------------------------------

@bp.get("/.well-known/openid-configuration")
def discovery() -> Response:
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
def jwks() -> Response:
    response = jsonify(provider().keys.jwks(db.read_session()))
    response.headers["Cache-Control"] = "public, max-age=60"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# ---- authorization ---------------------------------------------------------------------

@bp.route("/oidc/authorize", methods=["GET", "POST"])
def authorize() -> Response:
    source = request.args if request.method == "GET" else request.form
    params = {key: source.getlist(key) for key in source}
    session = db.session()
    try:
        client, redirect_uri = check_client_and_redirect(
            params, lambda cid: _client(session, cid)
        )
    except OAuthError as exc:
        raise LoketError(exc.error, exc.description, 400) from exc
    state = (params.get("state") or [None])[0]
    try:
        auth = parse_authorization(params, client, redirect_uri)
        return _proceed(auth, None)
    except OAuthError as exc:
        session.rollback()
        return _no_store(redirect(error_redirect(redirect_uri, exc, state, _issuer())))


@bp.get("/oidc/authorize/resume")
def resume() -> Response:
    row = provider().load_request(db.session(), request.args.get("request"))
    if row is None:
        return _expired_request()
    auth = AuthorizationParams.from_dict(row.params)
    try:
        return _proceed(auth, row)
    except OAuthError as exc:
        db.session().rollback()
        return _no_store(redirect(error_redirect(auth.redirect_uri, exc, auth.state, _issuer())))


def _expired_request() -> Response:
    raise LoketError(
        "request_expired",
        "Deze aanmelding is verlopen of onbekend. Ga terug naar de website waar je wilde "
        "aanmelden en probeer opnieuw.",
        400,
    )


def _client(session: Any, client_id: str) -> Client | None:
    from loket import clients

    return clients.get(session, client_id)


def _issuer() -> str:
    return current_app.config["ISSUER"]  # type: ignore[no-any-return]


def _proceed(auth: AuthorizationParams, row: AuthorizationRequest | None) -> Response:
    """Decide: sign in, choose a capacity, or issue a code and return to the client."""
    session = db.session()
    sess = current_session()
    person = session.get(Person, sess.person_id) if sess else None
    fresh = bool(sess and row and sess.auth_time >= row.created_at)
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
    if needs_login:
        if "none" in auth.prompt:
            raise OAuthError("login_required", "Nobody is signed in at Loket.")
        request_id = row.id if row else provider().save_request(session, auth)
        session.commit()
        return _no_store(redirect(url_for("sso.login", request=request_id)))

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
        elif len(caps) == 1:
            chosen = caps[0]
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
        return _no_store(redirect(url_for("sso.choose", request=request_id,
                                          hint="refused" if hint_failed else None)))

    code = provider().issue_code(session, auth, sess, chosen)
    audit.record(session, "authorize", "authorize", actor=person.sub, client_id=auth.client_id,
                 capacity=audit.capacity_label(chosen.claim()), subject=person.sub,
                 detail={"selected_by": how, "scope": " ".join(auth.scope)})
    if row is not None:
        session.delete(row)
    session.commit()
    return _no_store(redirect(add_query(auth.redirect_uri, {
        "code": code, "state": auth.state, "iss": _issuer(),
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


# ---- the built-in test login -----------------------------------------------------------

@bp.route("/aanmelden", methods=["GET", "POST"])
def login() -> Response | str:
    session = db.session()
    request_id = request.values.get("request") or request.form.get("request_id") or ""
    row = provider().load_request(session, request_id) if request_id else None
    if request_id and row is None:
        return _expired_request()
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
    response = _no_store(redirect(target, 303))
    set_session_cookie(response, cookie)
    return response


# ---- capacity chooser ------------------------------------------------------------------

@bp.route("/hoedanigheid", methods=["GET", "POST"])
def choose() -> Response | str:
    session = db.session()
    row = provider().load_request(session, request.values.get("request")
                                  or request.form.get("request_id"))
    if row is None:
        return _expired_request()
    sess = current_session()
    person = session.get(Person, sess.person_id) if sess else None
    if sess is None or person is None:
        return _no_store(redirect(url_for("sso.login", request=row.id)))
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
            return _no_store(redirect(url_for("sso.resume", request=row.id), 303))
    error = None
    if form.is_submitted():
        error = "Kies een van de hoedanigheden hieronder."
    client = session.get(Client, row.client_id)
    return Response(render_template(
        "sso/choose.html", form=form, caps=caps, person=person, client=client, error=error,
        hint_refused=request.args.get("hint") == "refused",
    ))


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


def _authenticate_client(form: dict[str, str]) -> Client:
    session = db.session()
    header = request.headers.get("Authorization", "")
    from loket import clients

    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            raise InvalidClient("Use HTTP Basic or client_secret_post.", basic=True)
        if "client_secret" in form:
            raise OAuthError("invalid_request", "Use one client authentication method.")
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise InvalidClient("The Basic credentials cannot be read.", basic=True) from exc
        raw_id, sep, raw_secret = decoded.partition(":")
        client_id, secret = unquote(raw_id), unquote(raw_secret)
        if not sep:
            raise InvalidClient("The Basic credentials cannot be read.", basic=True)
        if form.get("client_id") not in (None, client_id):
            raise OAuthError("invalid_request", "client_id differs from the authenticated client.")
        client = clients.get(session, client_id)
        if client is None or client.public or not clients.secret_matches(client, secret):
            raise InvalidClient("Client authentication failed.", basic=True)
        return client
    client_id = form.get("client_id")
    client = clients.get(session, client_id)
    if client is None:
        raise InvalidClient("Client authentication failed.")
    if client.public:
        if "client_secret" in form:
            raise InvalidClient("A public client has no secret.")
        return client
    if not clients.secret_matches(client, form.get("client_secret", "")):
        raise InvalidClient("Client authentication failed.")
    return client


@bp.post("/oidc/token")
def token() -> Response:
    session = db.session()
    try:
        form = _form_params()
        client = _authenticate_client(form)
        grant = form.get("grant_type")
        if grant not in client.grant_types:
            if grant in ("authorization_code", "client_credentials"):
                raise OAuthError("unauthorized_client", f"This client may not use {grant}.")
            raise OAuthError("unsupported_grant_type", f"grant_type {grant!r} is not supported.")
        if grant == "authorization_code":
            issued = provider().exchange_code(session, client, form.get("code"),
                                              form.get("redirect_uri"), form.get("code_verifier"))
        else:
            scopes = parse_scope(form.get("scope"), client, user=False) or [
                s for s in client.scopes if ":" in s
            ]
            issued = provider().client_credentials(session, client, scopes)
        session.commit()
    except OAuthError as exc:
        session.rollback()
        response = jsonify({"error": exc.error, "error_description": exc.description})
        response.status_code = exc.status
        if isinstance(exc, InvalidClient) and exc.basic:
            response.headers["WWW-Authenticate"] = 'Basic realm="loket"'
        return _no_store(response)
    body: dict[str, Any] = {
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_in": issued.expires_in,
        "scope": issued.scope,
    }
    if issued.id_token:
        body["id_token"] = issued.id_token
    return _no_store(jsonify(body))


# ---- userinfo --------------------------------------------------------------------------

def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        return request.form.get("access_token")
    return None


def _bearer_error(error: str, description: str, status: int = 401) -> Response:
    response = jsonify({"error": error, "error_description": description})
    response.status_code = status
    response.headers["WWW-Authenticate"] = (
        f'Bearer realm="loket", error="{error}", error_description="{description}"'
    )
    return _no_store(response)


@bp.route("/oidc/userinfo", methods=["GET", "POST"])
def userinfo() -> Response:
    session = db.session()
    found = provider().access_token_and_person(session, bearer_token())
    if found is None:
        return _bearer_error("invalid_token", "The access token is missing, expired or revoked.")
    token_row, person = found
    scopes = token_row.scope.split()
    if person is None or "openid" not in scopes:
        return _bearer_error("insufficient_scope", "This token is not for userinfo.", 403)
    caps = capacities.for_person(session, person) if "capacity" in scopes else None
    claims = {"sub": person.sub}
    claims.update(provider().person_claims(scopes, person, token_row.capacity, caps))
    audit.record(session, "read", "userinfo", actor=person.sub, client_id=token_row.client_id,
                 capacity=audit.capacity_label(token_row.capacity), subject=person.sub,
                 detail={"claims": sorted(claims)})
    session.commit()
    return _no_store(jsonify(claims))


# ---- logout ----------------------------------------------------------------------------

@bp.route("/oidc/logout", methods=["GET", "POST"])
def end_session() -> Response | str:
    session = db.session()
    values = request.values
    hint = values.get("id_token_hint") or None
    post_logout = values.get("post_logout_redirect_uri") or None
    client_id = values.get("client_id") or None
    state = values.get("state")
    for name, value in (("state", state), ("post_logout_redirect_uri", post_logout)):
        if value and len(value) > 4096:
            raise LoketError("invalid_request", f"{name} is te lang.", 400)
    claims = None
    if hint:
        try:
            claims = provider().verify_id_token_hint(session, hint)
        except jose.TokenError as exc:
            raise LoketError("invalid_request", "De afmeldvraag bevat een ongeldig "
                             "id_token_hint; je werd niet doorgestuurd.", 400) from exc
        aud = claims.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if client_id and client_id not in audiences:
            raise LoketError("invalid_request", "client_id en id_token_hint horen niet bij "
                             "elkaar.", 400)
        client_id = client_id or (audiences[0] if len(audiences) == 1 else None)
    client = _client(session, client_id) if client_id else None
    if client_id and client is None:
        raise LoketError("invalid_client", "Deze toepassing is niet gekend bij Loket.", 400)
    if post_logout:
        if client is None:
            raise LoketError("invalid_request", "Een terugkeeradres kan alleen met "
                             "client_id of id_token_hint.", 400)
        if post_logout not in client.post_logout_uris:
            raise LoketError("invalid_request", "Het terugkeeradres na afmelden is niet "
                             "geregistreerd voor deze toepassing; je werd niet doorgestuurd.", 400)
    sess = current_session(touch=False)
    hinted_same = bool(claims and sess and claims.get("sid") in (None, sess.id)
                       and _sub_of(sess) == claims.get("sub"))
    form = LogoutForm()
    confirmed = request.method == "POST" and form.validate_on_submit()
    if sess is not None and not hinted_same and not confirmed:
        form.id_token_hint.data = hint or ""
        form.post_logout_redirect_uri.data = post_logout or ""
        form.client_id.data = client_id or ""
        form.state.data = state or ""
        return render_template("sso/logout_confirm.html", form=form, client=client)
    notices: list[tuple[Client, str]] = []
    if sess is not None:
        notices = provider().end_session(session, sess, "logout")
    session.commit()
    backchannel.send_all(notices)
    if post_logout:
        response = redirect(add_query(post_logout, {"state": state}))
    else:
        response = Response(render_template("sso/logged_out.html", client=client))
    clear_session_cookie(response)
    return _no_store(response)


def _sub_of(sess: SsoSession) -> str | None:
    person = db.session().get(Person, sess.person_id)
    return person.sub if person else None


def same_origin(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() == origin.lower()
