"""What every request must keep before any view sees it: a body within its limit, however it
is sent, and no control character in the path, a parameter's name or value (the rule of
:mod:`loket.inputs`).

A body over the limit is a 413, with ``Content-Length`` or chunked (a chunked body is read up
to one byte past the limit and kept for the view). A control character is a 400, JSON or an
error page like every error (:mod:`loket.http_errors`), and an audit entry with outcome
``refused`` in its own transaction, naming the client or person when the request's
credentials prove one: probing leaves a trace.
"""

from __future__ import annotations

from flask import Flask, current_app, request

from loket import audit, db, inputs
from loket.errors import LoketError, Text, message

LIMITS = "loket.body_limits"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Machine endpoints that answer OAuth's own error shape (RFC 6749 §5.2, RFC 6750 §3).
OAUTH_PATHS = ("/oidc/token", "/oidc/userinfo")


def body_limit() -> int | None:
    """This request's limit: its endpoint's, else its innermost blueprint's, else the app's."""
    limits: dict[str, int] = current_app.extensions.get(LIMITS, {})
    for name in (request.endpoint or "", *request.blueprints):
        if name in limits:
            return limits[name]
    return current_app.config.get("MAX_CONTENT_LENGTH")


def _refusal(code: str, text: Text, status: int, english: str) -> LoketError:
    if request.path.startswith(OAUTH_PATHS):
        from loket.sso.protocol import OAuthError

        return OAuthError("invalid_request", english, redirect=False, status=status)
    return LoketError(code, text, status)


def _too_large(limit: int) -> LoketError:
    kb = str(max(1, limit // 1024))
    return _refusal("too_large", message("body_too_large", kb=kb), 413,
                    f"The request body is larger than {kb} KB.")


def check_body_size() -> None:
    """413 for a body over this request's limit, with ``Content-Length`` or without."""
    limit = body_limit()
    if limit is None:
        return
    length = request.content_length
    if length is not None:
        if length > limit:
            raise _too_large(limit)
        request.max_content_length = limit
        return
    if "Transfer-Encoding" not in request.headers:
        return
    # No length given: read one byte more than allowed (werkzeug stops there) and keep it.
    request.max_content_length = limit + 1
    if len(request.get_data(cache=True, parse_form_data=False)) > limit:
        raise _too_large(limit)


def _first_control() -> tuple[str, str] | None:
    """Where the request holds a control character: ``("path", "")`` or (part, name)."""
    if inputs.has_control(request.path):
        return "path", ""
    parts = [("query", request.args)]
    if request.mimetype in FORM_TYPES:
        parts.append(("form", request.form))
    for part, values in parts:
        for name, value in values.items(multi=True):
            if inputs.has_control(name) or inputs.has_control(value, multiline=True):
                return part, name
    return None


def _credentials() -> tuple[str | None, str | None]:
    """(actor, client id) that the request's Authorization header proves, else (None, None)."""
    from loket.sso import clientauth
    from loket.sso.protocol import OAuthError
    from loket.sso.web import bearer_token

    given = bearer_token()
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    with db.database().read_sessions() as session:
        if given is not None:
            found = current_app.extensions["loket.provider"].access_token_and_person(
                session, given)
            if found is not None:
                token, person = found
                return (person.sub if person else token.client_id), token.client_id
        elif scheme.lower() == "basic":
            try:
                client = clientauth.authenticate_client(session, f"Basic {value}", {})
            except OAuthError:
                return None, None
            return client.id, client.id
    return None, None


def refuse_control_characters() -> None:
    """400 (and an audit entry) for a control character in the path, query or form."""
    found = _first_control()
    if found is None:
        return
    part, name = found
    actor, client_id = _credentials()
    shown = inputs.visible(name)[:100]
    with db.database().transaction() as session:
        audit.record(session, "bad-input", inputs.visible(request.path), actor=actor,
                     client_id=client_id, outcome="refused",
                     reason=f"control character in the {part}",
                     detail={"method": request.method, "part": part, "name": shown})
    if part == "path":
        raise _refusal("invalid_characters", message("control_in_path"), 400,
                       "The path holds a control character.")
    raise _refusal("invalid_characters", message("control_in_parameter", name=repr(shown)), 400,
                   f"Parameter {shown!r} holds a control character.")


def init_app(app: Flask) -> None:
    """Register the checks; before CSRF protection, which reads the form."""
    from loket.register.web import MAX_BODY
    from loket.sso.endpoints import MAX_FORM_BYTES

    # Below the app's MAX_CONTENT_LENGTH, by endpoint or blueprint: the token endpoint (anyone
    # may call it) and the register's JSON API.
    app.extensions[LIMITS] = {"sso.token": MAX_FORM_BYTES, "api.register": MAX_BODY}
    app.before_request(check_body_size)
    app.before_request(refuse_control_characters)
