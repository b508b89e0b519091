"""Every failure turned into its answer, in one place: JSON (the error's own ``to_dict()``) on
machine endpoints and for callers that ask for it, an error page for people. Never a stack
trace. The language of the text follows the rule in :mod:`loket.errors`."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from loket.errors import DEFAULT_LANGUAGE, LANGUAGES, LoketError, server_error

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
        # The provider's pages are Dutch (the page's language decides, not the browser's).
        response = Response(render_template(
            "error.html", status=error.status, code=error.code,
            detail=error.detail_in(DEFAULT_LANGUAGE)), mimetype="text/html")
    response.status_code = error.status
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    for key, value in error.headers.items():
        response.headers[key] = value
    return response


_HTTP_MESSAGES = {
    400: {"nl": "Het verzoek is onvolledig of ongeldig.",
          "fr": "La demande est incomplète ou invalide.",
          "de": "Die Anfrage ist unvollständig oder ungültig.",
          "en": "The request is incomplete or invalid."},
    404: {"nl": "Deze pagina bestaat niet.", "fr": "Cette page n'existe pas.",
          "de": "Diese Seite gibt es nicht.", "en": "This page does not exist."},
    405: {"nl": "Deze methode is hier niet toegestaan.",
          "fr": "Cette méthode n'est pas autorisée ici.",
          "de": "Diese Methode ist hier nicht erlaubt.",
          "en": "This method is not allowed here."},
    413: {"nl": "Het verzoek is te groot.", "fr": "La demande est trop volumineuse.",
          "de": "Die Anfrage ist zu groß.", "en": "The request is too large."},
    414: {"nl": "Het adres is te lang.", "fr": "L'adresse est trop longue.",
          "de": "Die Adresse ist zu lang.", "en": "The address is too long."},
    431: {"nl": "De verzoekhoofding is te groot.", "fr": "Les en-têtes de la demande sont trop "
          "volumineux.", "de": "Die Kopfzeilen der Anfrage sind zu groß.",
          "en": "The request headers are too large."},
}
_CSRF_FAILED = {
    "nl": "Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer nog eens.",
    "fr": "Le formulaire a expiré ou n'est pas valide. Rechargez la page et réessayez.",
    "de": "Das Formular ist abgelaufen oder ungültig. Laden Sie die Seite neu und versuchen Sie "
          "es noch einmal.",
    "en": "The form has expired or is not valid. Reload the page and try again.",
}


def from_http(error: HTTPException) -> LoketError:
    """Werkzeug's HTTP errors (routing, methods, sizes, CSRF) as named failures."""
    status = error.code or 500
    if status == 400 and "CSRF" in str(getattr(error, "description", "")):
        return LoketError("csrf_failed", _CSRF_FAILED, 400)
    code = (error.name or "error").lower().replace(" ", "_")
    headers = {}
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    return LoketError(code, _HTTP_MESSAGES.get(status, error.description or ""), status, headers)


def unexpected(error: Exception) -> Response:
    """Anything nobody named: logged with its traceback, answered without it."""
    log.exception("unhandled error on %s %s", request.method, request.path)
    return render(server_error())


def init_app(app: Flask) -> None:
    app.register_error_handler(LoketError, render)
    app.register_error_handler(HTTPException, lambda error: render(from_http(error)))
    app.register_error_handler(Exception, unexpected)
