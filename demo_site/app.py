"""One demo municipal website: a confidential OIDC relying party of the Loket provider.

Single sign-on is felt without a click: the first page a browser asks for in a browser session,
while nobody is signed in here, makes one top-level round trip to the provider with
``prompt=none``. A person signed in at the provider comes back signed in (in the capacity they
last acted in); anyone else comes back to the same page, and the site does not ask again until
the browser session ends (a flag in its own session cookie: no third-party cookie involved).

Endpoints the header uses: ``/auth/login``, ``/auth/logout`` (RP-initiated logout, then home),
``/auth/switch`` (targeted re-login with a ``login_hint``, or the chooser), and
``/auth/backchannel-logout`` (the provider ends this site's session). ``/auth/api-token`` hands
the page's own script the person's access token for the Loket panels (same origin only).
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from authlib.jose import JsonWebKey, JsonWebToken
from authlib.jose.errors import JoseError
from flask import Flask, Response, abort, g, redirect, render_template, request, session, url_for

from demo_site import eloket, staff
from demo_site.loket_api import LoketApi
from demo_site.requests_store import RequestStore
from demo_site.sessions import SessionStore
from demo_site.sites import Site

log = logging.getLogger(__name__)

# (rrn: the person's INSZ, by which the e-loket finds them among an association's representatives)
SCOPES = "openid profile rrn capacity dossiers catalog associations messages"
# An upload larger than this is refused before it is read (the form's own limit is 5 MB).
MAX_REQUEST_BYTES = 6 * 1024 * 1024
# A page with a panel renews an access token that has less than this left (seconds).
TOKEN_MARGIN = 60
# How long a page waits for the unread count of the header's badge (seconds) before going without.
BADGE_TIMEOUT = 2
# What a silent sign-in (prompt=none) answers when the person has to do something first: the
# site then simply shows the page to a visitor who is not signed in.
SILENT_REFUSALS = ("login_required", "account_selection_required", "interaction_required",
                   "consent_required")
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"


def create_site(site: Site, *, issuer: str, client_id: str, client_secret: str, url: str,
                instance: Path, back_office: dict[str, str] | None = None) -> Flask:
    """The Flask app of one demo site; ``back_office`` the client credentials of the
    municipality's back office (its e-loket pushes dossiers and reads the register with them)."""
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        SECRET_KEY=_site_secret(instance, site.id),
        SESSION_COOKIE_NAME=f"{site.id}_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=url.startswith("https://"),
        SITE=site,
        SITE_URL=url.rstrip("/"),
        ISSUER=issuer.rstrip("/"),
    )
    store = SessionStore(instance / f"{site.id}-sessions.sqlite")
    oauth = OAuth(app)
    oauth.register(
        "loket",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=f"{issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPES, "code_challenge_method": "S256",
                       "token_endpoint_auth_method": "client_secret_basic", "timeout": 10},
    )
    provider = oauth.loket
    api = (LoketApi(issuer, back_office["client_id"], back_office["client_secret"])
           if back_office else None)
    requests_store = RequestStore(instance / f"{site.id}-requests.sqlite", site.prefix)
    pusher = eloket.Pusher(requests_store, api, site, url.rstrip("/"))

    def current() -> dict[str, Any] | None:
        if "user" not in g:
            g.user = store.get(session.get("sid"))
            if g.user is None:
                session.pop("sid", None)
        return g.user  # type: ignore[no-any-return]

    def action_token() -> str:
        """A per-browser token that the logout and switch links carry (no cross-site logout)."""
        if "action" not in session:
            session["action"] = secrets.token_urlsafe(16)
        return str(session["action"])

    def check_action_token() -> None:
        given = request.args.get("t", "")
        if not hmac.compare_digest(given, session.get("action", "")) or not given:
            abort(400, "Deze link is verlopen. Ga terug naar de website en probeer opnieuw.")

    @app.context_processor
    def _template_globals() -> dict[str, Any]:
        user = current()
        return {"site": site, "user": user, "issuer": app.config["ISSUER"],
                "profile_json": _script_json(_profile(user, action_token()))}

    def _profile(user: dict[str, Any] | None, token: str) -> dict[str, Any]:
        """What the page hands to globalHeaderClient.accessMenu.setProfile (Flemish v5 shape)."""
        # Signing in or switching brings the person back to the page they were on.
        here = request.path if _returnable(request.endpoint) else None
        base = {
            "active": bool(user),
            "loginUrl": url_for("login", next=here),
            "logoutUrl": url_for("logout", t=token),
            "switchCapacityUrl": url_for("switch", t=token, next=here),
        }
        if not user:
            return base
        active = user["capacity"]
        base["idpData"] = {
            "user": {"firstName": user["given_name"], "name": user["family_name"]},
            "activeIdentity": _identity(active, user),
            "identities": [_identity(c, user) for c in user.get("capacities", [])],
        }
        badge = _unread(user)
        if badge is not None:
            base["idpData"]["messages"] = {"unread": badge, "url": url_for("messages")}
        return base

    def _unread(user: dict[str, Any]) -> int | None:
        """The active capacity's unread count, asked of Loket with the person's token.

        Once per page (no cache: a message read on one page is no longer new on the next); a
        provider that is slow or down costs at most BADGE_TIMEOUT and leaves the badge out.
        """
        if int(user.get("expires_at", 0)) - int(time.time()) <= 5:
            return None
        try:
            answer = provider.get(f"{app.config['ISSUER']}/api/v1/me/messages/count",
                                  token={"access_token": user["access_token"],
                                         "token_type": "Bearer"},
                                  timeout=BADGE_TIMEOUT)
            if answer.status_code != 200:
                log.info("no badge: the count answered %s", answer.status_code)
                return None
            count = answer.json().get("ongelezen")
        except (OSError, ValueError, OAuthError) as exc:
            log.info("no badge: %s", exc)
            return None
        return count if isinstance(count, int) and count >= 0 else None

    @app.after_request
    def _headers(response: Response) -> Response:
        issuer_origin = app.config["ISSUER"]
        response.headers.setdefault("Content-Security-Policy", (
            f"default-src 'self'; script-src 'self' {issuer_origin}; "
            f"style-src 'self' {issuer_origin}; connect-src 'self' {issuer_origin}; "
            f"img-src 'self' {issuer_origin} data:; frame-ancestors 'none'; base-uri 'none'; "
            "object-src 'none'"
        ))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    # ---- pages --------------------------------------------------------------------------------

    @app.before_request
    def _sso_check() -> Response | None:
        """Once per browser session: is the visitor signed in at the provider already?"""
        if (request.method != "GET" or not (request.endpoint == "home"
                                             or _returnable(request.endpoint))
                or request.args.get("sso") == "0" or session.get("sso_checked")
                or current() is not None
                # a browser's own navigation to a page (not a script, a frame or a crawler)
                or request.headers.get("Sec-Fetch-Mode") != "navigate"
                or request.headers.get("Sec-Fetch-Dest") != "document"):
            return None
        session["sso_checked"] = True
        session["silent"] = True
        return _authorize(request.full_path.rstrip("?"), prompt="none")

    @app.get("/")
    def home() -> str:
        return render_template("home.html", page="home")

    def panel_page(template: str, page: str) -> Response | str:
        """A page with a Loket panel, which needs a live access token when signed in."""
        user = current()
        now = int(time.time())
        if (user and user.get("expires_at", 0) - now < TOKEN_MARGIN
                and session.get("renewed_at", 0) < now - TOKEN_MARGIN):
            # Get a new token through the provider's session, in the same capacity (a targeted
            # sign-in: no prompt while that session lasts), and come back to this page.
            session["renewed_at"] = now
            hint = _active_hint(user)
            return _authorize(request.path, **({"login_hint": hint} if hint else {}))
        return render_template(template, page=page)

    @app.get("/mijn-dossiers")
    def dossiers() -> Response | str:
        return panel_page("dossiers.html", "dossiers")

    @app.get("/producten-en-diensten")
    def products() -> Response | str:
        return panel_page("products.html", "products")

    @app.get("/mijn-berichten")
    def messages() -> Response | str:
        return panel_page("messages.html", "messages")

    @app.get("/verenigingen-zoeken")
    def associations() -> str:
        return render_template("associations.html", page="associations")

    @app.get("/healthz")
    def healthz() -> Response:
        return Response('{"status": "ok"}', mimetype="application/json")

    # ---- sign-in endpoints -------------------------------------------------------------------

    def _authorize(next_path: str | None = None, **extra: str) -> Response:
        session["next"] = _safe_next(next_path or request.args.get("next"))
        return provider.authorize_redirect(f"{app.config['SITE_URL']}/auth/callback",
                                           nonce=secrets.token_urlsafe(16), **extra)

    @app.get("/auth/login")
    def login() -> Response:
        return _authorize()

    @app.get("/auth/switch")
    def switch() -> Response:
        """Switch capacity: a targeted re-login with the identity's hint, or the chooser."""
        check_action_token()
        hint = request.args.get("login_hint") or request.args.get("loginHint")
        if hint:
            return _authorize(login_hint=hint[:1024])
        return _authorize(prompt="select_account")

    @app.get("/auth/callback")
    def callback() -> Response | tuple[str, int]:
        if request.args.get("iss") not in (None, app.config["ISSUER"]):
            return render_template("error.html", message="Het antwoord kwam niet van onze "
                                   "aanmeldprovider."), 400
        silent = session.pop("silent", False)
        if request.args.get("error") in SILENT_REFUSALS and "code" not in request.args:
            # The answer to the silent check (or to a sign-in the person did not finish): the
            # page, as a visitor who is not signed in. Without this site's cookie (a browser
            # that refuses cookies), ``sso=0`` keeps the next page from asking again.
            provider.framework.clear_state_data(session, request.args.get("state"))
            target = session.pop("next", None) or url_for("home")
            if not session.get("sso_checked"):
                target += ("&" if "?" in target else "?") + "sso=0"
            return redirect(target)
        try:
            token = provider.authorize_access_token()
            info = provider.userinfo(token=token)
        except OAuthError as exc:
            log.info("sign-in failed: %s%s", exc, " (silent check)" if silent else "")
            message = ("Aanmelden is niet gelukt." if exc.error != "access_denied"
                       else "Je hebt het aanmelden afgebroken.")
            return render_template("error.html", message=message), 400
        claims = token["userinfo"]
        previous = session.get("sid")
        if previous:
            store.delete(previous)
        user = {
            "sub": claims["sub"],
            "given_name": info.get("given_name", ""),
            "family_name": info.get("family_name", ""),
            "capacity": info.get("capacity"),
            "capacities": info.get("capacities", []),
            "insz": info.get("rrn"),
            "access_token": token["access_token"],
            "expires_at": int(time.time()) + int(token.get("expires_in", 600)),
            "id_token": token["id_token"],
        }
        session["sid"] = store.create(claims.get("sid"), claims["sub"], user)
        target = session.pop("next", None) or url_for("home")
        return redirect(target)

    @app.get("/auth/api-token")
    def api_token() -> Response:
        """The person's access token, for this site's own pages to hand to a Loket panel.

        Never cached, no CORS headers (another origin cannot read it), and a browser request
        from any other site is refused outright.
        """
        if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
            return _no_store({"error": "forbidden", "detail": "Only this site's pages."}, 403)
        user = current()
        left = int(user.get("expires_at", 0)) - int(time.time()) if user else 0
        if not user or left <= 5:
            return _no_store({"error": "login_required", "detail": "Meld je (opnieuw) aan."}, 401)
        return _no_store({"access_token": user["access_token"], "token_type": "Bearer",
                          "expires_in": left}, 200)

    @app.get("/auth/logout")
    def logout() -> Response:
        check_action_token()
        user = current()
        if session.get("sid"):
            store.delete(session["sid"])
        session.clear()
        session["sso_checked"] = True  # signed out: not signed in again behind their back
        if not user:
            return redirect(url_for("home"))
        metadata = provider.load_server_metadata()
        query = urlencode({"id_token_hint": user["id_token"],
                           "post_logout_redirect_uri": f"{app.config['SITE_URL']}/"})
        return redirect(f"{metadata['end_session_endpoint']}?{query}")

    @app.post("/auth/backchannel-logout")
    def backchannel_logout() -> tuple[str, int]:
        token = request.form.get("logout_token", "")
        try:
            claims = _validate_logout_token(provider, token, client_id, app.config["ISSUER"])
        except (JoseError, ValueError) as exc:
            log.warning("refused logout token: %s", exc)
            return "invalid logout token", 400
        ended = store.end_by_provider_session(claims.get("sid"), claims.get("sub"))
        log.info("back-channel logout ended %d local session(s)", ended)
        return "", 200

    @app.errorhandler(400)
    def _bad_request(exc: Any) -> tuple[str, int]:
        return render_template("error.html", message=getattr(exc, "description", "")), 400

    @app.errorhandler(404)
    def _not_found(_exc: Any) -> tuple[str, int]:
        return render_template("error.html", message="Deze pagina bestaat niet."), 404

    @app.errorhandler(413)
    def _too_large(_exc: Any) -> tuple[str, int]:
        return render_template("error.html", message=(
            "Wat je stuurde is te groot: een bijlage is hoogstens 5 MB. Ga terug en kies een "
            "kleiner bestand; de rest van je aanvraag staat nog in het formulier.")), 413

    uploads = instance / f"{site.id}-uploads"
    eloket.install(app, site, current=current, store=requests_store, pusher=pusher, api=api,
                   uploads=uploads)
    staff.install(app, site, instance=instance, store=requests_store, pusher=pusher,
                  uploads=uploads)
    return app


# The pages a person is brought back to after signing in (home is where everyone lands anyway).
PAGES = ("dossiers", "messages", "products", "associations")


def _returnable(endpoint: str | None) -> bool:
    """A page that signing in brings the person back to: the panels' and the e-loket's."""
    return endpoint in PAGES or (endpoint or "").startswith("eloket.")


def _no_store(body: dict[str, Any], status: int) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.vary.add("Cookie")
    return response


def _active_hint(user: dict[str, Any]) -> str | None:
    """The login_hint of the capacity the person acts in now."""
    active = user.get("capacity") or {}
    for capacity in user.get("capacities", []):
        if (capacity.get("code"), capacity.get("identifier")) == (active.get("code"),
                                                                  active.get("identifier")):
            return capacity.get("login_hint")
    return None


def _identity(capacity: dict[str, Any] | None, user: dict[str, Any]) -> dict[str, Any]:
    """A Loket capacity as a Flemish-header Authorization."""
    if not capacity:
        return {}
    entity: dict[str, Any] = {"code": capacity["code"], "name": capacity["name"]}
    if capacity["code"] == "BUR":
        entity["firstName"] = user["given_name"]
        entity["name"] = user["family_name"]
    else:
        entity["identifier"] = capacity["identifier"]
    found = next((c for c in user.get("capacities", [])
                  if c["code"] == capacity["code"] and c["identifier"] == capacity["identifier"]),
                 None)
    result: dict[str, Any] = {"onBehalfOf": entity}
    if found and found.get("login_hint"):
        result["loginHint"] = found["login_hint"]
    return result


def _validate_logout_token(provider: Any, token: str, client_id: str,
                           issuer: str) -> dict[str, Any]:
    if not token or len(token) > 16384:
        raise ValueError("no logout token")
    keys = JsonWebKey.import_key_set(provider.fetch_jwk_set(force=True))
    claims = JsonWebToken(["RS256", "ES256"]).decode(token, keys, claims_options={
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": client_id},
        "iat": {"essential": True},
        "exp": {"essential": True},
    })
    claims.validate(leeway=30)
    if "nonce" in claims:
        raise ValueError("a logout token has no nonce")
    if BACKCHANNEL_EVENT not in (claims.get("events") or {}):
        raise ValueError("not a back-channel logout event")
    if not claims.get("sid") and not claims.get("sub"):
        raise ValueError("logout token names no session")
    return dict(claims)


def _script_json(value: Any) -> str:
    """JSON that cannot end the <script> block it sits in, whatever a name contains."""
    text = json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site, never another origin (browsers drop tabs and newlines from a
    URL, so ``/\t/evil`` would become ``//evil``: no control characters or spaces at all)."""
    if not target or len(target) > 500 or not target.startswith("/"):
        return None
    if any(ord(ch) < 0x21 or ch == "\\" for ch in target) or target.startswith("//"):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _site_secret(instance: Path, site_id: str) -> str:
    path = instance / f"{site_id}-secret"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value
