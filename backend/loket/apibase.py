"""What every JSON API module shares: who is calling (a bearer token's person or client),
JSON bodies, CORS for the origins sites registered, and the shape of a feature's part of the
OpenAPI document. :mod:`loket.api` composes the features into ``/api/v1``.

Errors are ``{"error": code, "detail": text}`` (see :mod:`loket.errors`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from flask import Response, current_app, g, request
from sqlalchemy import select

from loket import db
from loket.errors import BadRequest, Forbidden, LoketError, Unauthorized, message
from loket.models import AccessToken, Client, Person
from loket.sso.web import bearer_token


@dataclass(frozen=True)
class OpenApiPart:
    """A feature's paths (relative to ``/api/v1``), component schemas and tag."""

    paths: dict[str, Any]
    schemas: dict[str, Any] = field(default_factory=dict)
    tag: dict[str, str] | None = None


@dataclass(frozen=True)
class Caller:
    """Who is calling: a person through a relying party, or a client on its own behalf."""

    client_id: str
    scopes: frozenset[str]
    person: Person | None
    capacity: dict[str, Any] | None
    token: AccessToken

    @property
    def actor(self) -> str:
        return self.person.sub if self.person else self.client_id


def json_body() -> Any:
    """The request's JSON, or a clear 400/415 (also for bodies nested too deep to parse)."""
    if not request.is_json:
        raise LoketError("unsupported_media_type", message("json_media_type"), 415)
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        body = None
    if body is None:
        raise BadRequest("invalid_json", message("json_invalid"))
    return body


def caller(scope: str, *, person: bool | None = None) -> Caller:
    """The caller of this request, holding ``scope``; ``person`` requires (or forbids) a user."""
    token = bearer_token()
    if token is None:
        raise Unauthorized("invalid_token", message("token_missing"),
                           headers={"WWW-Authenticate": 'Bearer realm="loket"'})
    session = db.session()
    found = current_app.extensions["loket.provider"].access_token_and_person(session, token)
    if found is None:
        raise Unauthorized("invalid_token", message("token_unknown"), headers={
            "WWW-Authenticate": 'Bearer realm="loket", error="invalid_token"'})
    row, who = found
    scopes = frozenset(row.scope.split())
    if scope not in scopes:
        raise Forbidden("insufficient_scope", message("scope_missing", scope=repr(scope)), headers={
            "WWW-Authenticate": f'Bearer realm="loket", error="insufficient_scope", scope="{scope}"',
        })
    if person is True and who is None:
        raise Forbidden("person_required", message("person_required"))
    if person is False and who is not None:
        raise Forbidden("client_required", message("client_required"))
    found = Caller(row.client_id, scopes, who, row.capacity, row)
    g.caller = found
    return found


# ---- CORS for the sites that embed our widgets ----------------------------------------------

class OriginRegistry:
    """Origins registered by any client (``--origin``), cached for a few seconds per process."""

    def __init__(self, ttl: float = 10.0) -> None:
        self._ttl = ttl
        self._cached: tuple[float, frozenset[str]] | None = None

    def allowed(self) -> frozenset[str]:
        now = time.monotonic()
        if self._cached is None or now - self._cached[0] > self._ttl:
            with db.database().read_sessions() as session:
                origins = {o for row in session.scalars(select(Client.origins)) for o in row or []}
            self._cached = (now, frozenset(origins))
        return self._cached[1]

    def forget(self) -> None:
        self._cached = None


def apply_cors(response: Response, *, methods: str = "GET, OPTIONS") -> Response:
    """Let a registered origin read this response (with a bearer token, never with cookies)."""
    origin = request.headers.get("Origin")
    registry: OriginRegistry = current_app.extensions["loket.origins"]
    if origin and origin.lower() in registry.allowed():
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = methods
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, If-Match"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Retry-After"
        response.headers["Access-Control-Max-Age"] = "600"
        response.vary.add("Origin")
    return response


def api_headers(response: Response) -> Response:
    """Every API answer: never cached unless it says so; readable by registered origins."""
    response.headers.setdefault("Cache-Control", "no-store")
    return apply_cors(response, methods="GET, POST, PUT, PATCH, DELETE, OPTIONS")
