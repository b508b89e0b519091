"""Flask glue shared by the provider's views: the blueprint, the SSO cookie, small helpers."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, request
from werkzeug.wrappers import Response as BaseResponse

from loket import db
from loket.errors import LoketError
from loket.models import Client, SsoSession
from loket.sso.provider import Provider

bp = Blueprint("sso", __name__)
R = TypeVar("R", bound=BaseResponse)


def provider() -> Provider:
    return current_app.extensions["loket.provider"]  # type: ignore[no-any-return]


def cookie_name() -> str:
    return "__Host-loket_sso" if current_app.config["SECURE_COOKIES"] else "loket_sso"


def current_session(touch: bool = True) -> SsoSession | None:
    return provider().find_session(db.session(), request.cookies.get(cookie_name()), touch=touch)


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


def expired_request() -> Response:
    raise LoketError(
        "request_expired",
        "Deze aanmelding is verlopen of onbekend. Ga terug naar de website waar je wilde "
        "aanmelden en probeer opnieuw.",
        400,
    )


def lookup_client(session: Any, client_id: str) -> Client | None:
    from loket import clients

    return clients.get(session, client_id)


def issuer() -> str:
    return current_app.config["ISSUER"]  # type: ignore[no-any-return]
