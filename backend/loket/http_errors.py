"""Every failure turned into its answer, in one place: JSON (the error's own ``to_dict()``) on
machine endpoints and for callers that ask for it, an error page for people. Never a stack
trace. The language of the text follows the rule in :mod:`loket.errors`."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from loket.errors import DEFAULT_LANGUAGE, LANGUAGES, LoketError, message, server_error

log = logging.getLogger(__name__)

# Machine endpoints: always JSON, whatever the Accept header says.
JSON_PATHS = ("/api/", "/oidc/token", "/oidc/userinfo", "/oidc/jwks.json", "/.well-known/",
              "/widgets/v1/profile", "/readyz", "/healthz")


def wants_json() -> bool:
    """API and protocol endpoints answer JSON; pages people open answer HTML."""
    if "api" in request.blueprints or request.path.startswith(JSON_PATHS):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def caller_language() -> str:
    """The language an API caller asks for (Accept-Language), Dutch when none of ours."""
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE) \
        or DEFAULT_LANGUAGE


def render(error: LoketError) -> Response:
    """The answer to ``error``: its JSON, or the error page; never stored by a cache."""
    if wants_json():
        response = jsonify(error.to_dict(caller_language()))
    else:
        from loket import i18n

        response = Response(render_template(
            "error.html", status=error.status, code=error.code,
            detail=error.detail_in(i18n.current()), back=error.back), mimetype="text/html")
    response.status_code = error.status
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    for key, value in error.headers.items():
        response.headers[key] = value
    return response


# Statuses whose shared message (``http_<status>`` in messages.json) replaces werkzeug's text.
_HTTP_MESSAGES = {status: f"http_{status}" for status in (400, 404, 405, 413, 414, 431)}


def from_http(error: HTTPException) -> LoketError:
    """Werkzeug's HTTP errors (routing, methods, sizes, CSRF) as named failures."""
    status = error.code or 500
    if status == 400 and "CSRF" in str(getattr(error, "description", "")):
        return LoketError("csrf_failed", message("csrf_failed"), 400)
    code = (error.name or "error").lower().replace(" ", "_")
    headers = {}
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    text = message(_HTTP_MESSAGES[status]) if status in _HTTP_MESSAGES else error.description or ""
    return LoketError(code, text, status, headers)


def unexpected(error: Exception) -> Response:
    """Anything nobody named: logged with its traceback, answered without it."""
    log.exception("unhandled error on %s %s", request.method, request.path)
    return render(server_error())


def init_app(app: Flask) -> None:
    app.register_error_handler(LoketError, render)
    app.register_error_handler(HTTPException, lambda error: render(from_http(error)))
    app.register_error_handler(Exception, unexpected)
