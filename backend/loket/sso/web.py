"""Flask glue shared by the provider's views: the blueprint, the SSO cookie, who is signed in,
the request's bearer token and id_token_hint, small helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from loket import db, i18n
from loket.models import AuthorizationRequest, Client, Person, SsoSession
from loket.sso import jose
from loket.sso.decisions import HintCheck, SessionFacts
from loket.sso.provider import Provider

bp = Blueprint("sso", __name__)
R = TypeVar("R", bound=BaseResponse)


def provider() -> Provider:
    return current_app.extensions["loket.provider"]  # type: ignore[no-any-return]


def cookie_name() -> str:
    return "__Host-loket_sso" if current_app.config["SECURE_COOKIES"] else "loket_sso"


def current_session(touch: bool = True) -> SsoSession | None:
    """The live SSO session of this browser's cookie (``touch``: it counts as activity)."""
    return provider().find_session(db.session(), request.cookies.get(cookie_name()), touch=touch)


@dataclass(frozen=True)
class SignedIn:
    """A live SSO session and the person it belongs to."""

    session: SsoSession
    person: Person

    @property
    def facts(self) -> SessionFacts:
        return SessionFacts(sid=self.session.id, sub=self.person.sub,
                            auth_time=self.session.auth_time, acr=self.session.acr)


def current_sign_in(touch: bool = True) -> SignedIn | None:
    """Who is signed in at the provider in this browser, or None."""
    sess = current_session(touch=touch)
    person = db.session().get(Person, sess.person_id) if sess else None
    if sess is None or person is None:
        return None
    return SignedIn(sess, person)


def check_id_token_hint(token: str | None) -> HintCheck | None:
    """An ``id_token_hint`` checked against our keys; None when the request has none."""
    if not token:
        return None
    try:
        return HintCheck(claims=provider().verify_id_token_hint(db.session(), token))
    except jose.TokenError as exc:
        return HintCheck(error=exc.detail)


def bearer_token(*, in_form: bool = False) -> str | None:
    """The request's bearer token (RFC 6750): the Authorization header, or with ``in_form``
    also a form-encoded POST's ``access_token``."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if in_form and request.method == "POST" and (
            request.mimetype == "application/x-www-form-urlencoded"):
        return request.form.get("access_token")
    return None


def set_session_cookie(response: BaseResponse, value: str) -> None:
    response.set_cookie(
        cookie_name(), value, max_age=current_app.config["SESSION_MAX_MINUTES"] * 60,
        path="/", secure=current_app.config["SECURE_COOKIES"], httponly=True, samesite="Lax",
    )


def clear_session_cookie(response: BaseResponse) -> None:
    response.delete_cookie(cookie_name(), path="/", secure=current_app.config["SECURE_COOKIES"],
                           httponly=True, samesite="Lax")


def no_store(response: R) -> R:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def expired_request(request_id: object = None) -> Response:
    """The page for a sign-in step whose request is used up, expired or unknown — typically
    the browser's Back after signing in. It says so and leads back to the site the request
    came from (when the provider still knows it), never a dead end."""
    session = db.session()
    row = (session.get(AuthorizationRequest, request_id)
           if isinstance(request_id, str) and 0 < len(request_id) <= 64 else None)
    client = session.get(Client, row.client_id) if row is not None else None
    if row is not None:
        i18n.prefer_ui_locales(row.params.get("ui_locales"))
    back = site_home(client, row.params.get("redirect_uri") if row is not None else None)
    signed_in = current_session(touch=False) is not None
    done = row is not None and bool(row.params.get("done"))
    return no_store(Response(render_template(
        "sso/request_done.html", client=client, back=back, signed_in=signed_in, done=done,
        code="request_expired",
    ), status=200 if signed_in and done else 400))


def site_home(client: Client | None, redirect_uri: str | None) -> str | None:
    """Where a person goes back to on a client's site: the origin of the redirect URI the
    request used (registered, so never a stranger's address)."""
    if client is None or not redirect_uri or redirect_uri not in (client.redirect_uris or []):
        return None
    parts = urlsplit(redirect_uri)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}/"


def registered_home(client: Client | None) -> str | None:
    """The home of a client's site, from what was registered for it (its first origin, else
    the origin of its first redirect or post-logout URI): a way back for a person whose
    request failed, never an address the failed request itself named."""
    if client is None:
        return None
    for url in [*(client.origins or []), *(client.redirect_uris or []),
                *(client.post_logout_uris or [])]:
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is not None and parts.scheme in ("https", "http") and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}/"
    return None


def way_back(client: Client | None, redirect_uri: str | None = None) -> dict[str, str] | None:
    """``LoketError.back`` for the error page: the client's site, by name, when it is known;
    the origin of ``redirect_uri`` only when that URI is registered for the client."""
    home = site_home(client, redirect_uri) or registered_home(client)
    if client is None or home is None:
        return None
    return {"href": home, "name": client.name}


def local_path(value: object) -> str | None:
    """A path on this provider to come back to after signing in; anything else is None (no
    other origin, no scheme-relative ``//``, no control characters or backslashes)."""
    if not isinstance(value, str) or not value.startswith("/") or len(value) > 500:
        return None
    if value.startswith("//") or any(ord(ch) < 0x21 or ch == "\\" for ch in value):
        return None
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else None


def lookup_client(session: Any, client_id: str) -> Client | None:
    from loket import clients

    return clients.get(session, client_id)


def issuer() -> str:
    return current_app.config["ISSUER"]  # type: ignore[no-any-return]
