"""The JSON API at ``/api/v1``, composed here from each feature's blueprint and OpenAPI part.

Each feature (dossiers, catalog, register) exports ``bp`` and ``OPENAPI``
(:class:`~loket.apibase.OpenApiPart`); :func:`init_app` nests the blueprints under one ``api``
blueprint (every answer gets :func:`~loket.apibase.api_headers`) and builds the OpenAPI
document once. What the feature modules share is in :mod:`loket.apibase`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify

from loket import apibase, openapi_shared
from loket.apibase import OpenApiPart
from loket.catalog import api as catalog_api
from loket.dossiers import api as dossiers_api
from loket.dossiers import dosis
from loket.messages import api as messages_api
from loket.register import api as register_api
from loket.register import api_compat as register_compat

FEATURES = (dossiers_api, catalog_api, register_api, messages_api)


def openapi_document(issuer: str, parts: Iterable[OpenApiPart]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the features' parts."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    tags: list[dict[str, str]] = []
    for part in parts:
        paths.update(copy.deepcopy(part.paths))
        schemas.update(part.schemas)
        if part.tag and part.tag not in tags:
            tags.append(part.tag)
    paths["/openapi.json"] = copy.deepcopy(OPENAPI_ITSELF)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Loket API", "version": "1",
                 "description": "Association register, dossier status and product catalog. "
                                "Every refusal is an `Error`; every operation lists the "
                                "refusals it can give."},
        "servers": [{"url": f"{issuer}/api/v1"}],
        "tags": tags,
        "paths": openapi_shared.complete(dict(sorted(paths.items()))),
        "components": {
            "securitySchemes": openapi_shared.security_schemes(issuer),
            "schemas": {"Error": openapi_shared.ERROR_SCHEMA, **schemas},
        },
    }


OPENAPI_ITSELF: dict[str, Any] = {"get": {
    "summary": "This OpenAPI document", "operationId": "getOpenApi",
    "security": openapi_shared.ANONYMOUS,
    "responses": {"200": {"description": "OpenAPI 3.1", "content": {
        "application/json": {"schema": {"type": "object", "required": ["openapi", "paths"]}}}}},
}}


def openapi() -> Response:
    response = jsonify(current_app.extensions["loket.openapi"])
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def init_app(app: Flask) -> None:
    from loket.security import csrf

    api = Blueprint("api", __name__, url_prefix="/api/v1")
    api.after_request(apibase.api_headers)
    api.add_url_rule("/openapi.json", "openapi", openapi, methods=["GET"])
    for feature in FEATURES:
        api.register_blueprint(feature.bp)
    app.register_blueprint(api)
    # the DOSIS-compatible face of the dossier intake (its own paths, outside /api/v1's document)
    app.register_blueprint(dosis.bp)
    csrf.exempt(dosis.bp)
    # the real register's public API (/v1/verenigingen/…), on the same register
    app.register_blueprint(register_compat.bp)
    csrf.exempt(register_compat.bp)
    # Every API call authenticates with a bearer token, never with a cookie, so a cross-site
    # request cannot act for anyone: no CSRF token needed there.
    for name, blueprint in app.blueprints.items():
        if name == "api" or name.startswith("api."):
            csrf.exempt(blueprint)
    app.extensions["loket.origins"] = apibase.OriginRegistry()
    app.extensions["loket.openapi"] = openapi_document(
        app.config["ISSUER"], (feature.OPENAPI for feature in FEATURES))
