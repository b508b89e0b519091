"""Named failures, turned into a JSON error or an error page in one place."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class LoketError(Exception):
    """A failure with an error code, a status and a message fit to show."""

    status = 400
    code = "invalid_request"

    def __init__(self, code: str | None = None, detail: str = "", status: int | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail or code or self.code)
        if code:
            self.code = code
        if status:
            self.status = status
        self.detail = detail
        self.headers = headers or {}

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.code, "detail": self.detail}


class BadRequest(LoketError):
    status = 400


class Unauthorized(LoketError):
    status = 401
    code = "invalid_token"


class Forbidden(LoketError):
    status = 403
    code = "forbidden"


class NotFound(LoketError):
    status = 404
    code = "not_found"


class Conflict(LoketError):
    status = 409
    code = "conflict"


class PreconditionFailed(LoketError):
    status = 412
    code = "precondition_failed"


class ServiceUnavailable(LoketError):
    status = 503
    code = "unavailable"


def database_busy() -> ServiceUnavailable:
    """The answer when a write could not get at the database in time (SQLite's one writer)."""
    return ServiceUnavailable("busy", "De databank is even bezet; probeer het over enkele "
                              "seconden opnieuw. (The database is busy; try again in a few "
                              "seconds.)", headers={"Retry-After": "5"})


# Machine endpoints: always JSON, whatever the Accept header says.
JSON_PATHS = ("/api/", "/oidc/token", "/oidc/userinfo", "/oidc/jwks.json", "/.well-known/",
              "/widgets/v1/profile", "/readyz", "/healthz")


def wants_json() -> bool:
    """API and protocol endpoints answer JSON; pages people open answer HTML."""
    if request.blueprint == "api" or request.path.startswith(JSON_PATHS):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def render_error(status: int, code: str, detail: str,
                 headers: dict[str, str] | None = None) -> Response:
    if wants_json():
        response = jsonify({"error": code, "detail": detail})
    else:
        response = Response(
            render_template("error.html", status=status, code=code, detail=detail),
            mimetype="text/html",
        )
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


_HTTP_MESSAGES = {
    400: "Het verzoek is onvolledig of ongeldig.",
    404: "Deze pagina bestaat niet.",
    405: "Deze methode is hier niet toegestaan.",
    413: "Het verzoek is te groot.",
    414: "Het adres is te lang.",
    431: "De verzoekhoofding is te groot.",
}


def init_app(app: Flask) -> None:
    @app.errorhandler(LoketError)
    def _loket_error(error: LoketError) -> Response:
        return render_error(error.status, error.code, error.detail, error.headers)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        code = (error.name or "error").lower().replace(" ", "_")
        if status == 400 and "CSRF" in str(getattr(error, "description", "")):
            return render_error(400, "csrf_failed",
                                "Het formulier is verlopen of ongeldig. Laad de pagina opnieuw "
                                "en probeer nog eens.")
        detail = _HTTP_MESSAGES.get(status, error.description or "")
        response = render_error(status, code, detail)
        if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(IntegrityError)
    def _integrity(error: IntegrityError) -> Response:
        # Two writers created the same thing at once: the database kept the first.
        from loket import db

        db.session().rollback()
        log.info("write conflict on %s %s", request.method, request.path)
        return render_error(409, "conflict", "Een andere schrijfactie op hetzelfde kwam net "
                            "eerst; stuur het opnieuw. (Another write to the same resource came "
                            "first; send it again.)")

    @app.errorhandler(OperationalError)
    def _operational(error: OperationalError) -> Response:
        if "database is locked" not in str(error.orig):
            return _unexpected(error)
        # SQLite's write lock stayed taken past the busy timeout (by a program outside Loket,
        # or a long transaction): nothing was written; the caller may simply try again.
        from loket import db

        db.session().rollback()
        log.warning("database busy on %s %s", request.method, request.path)
        busy = database_busy()
        return render_error(busy.status, busy.code, busy.detail, busy.headers)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500, "server_error",
                            "Er ging iets mis aan onze kant. Probeer het later opnieuw.")
