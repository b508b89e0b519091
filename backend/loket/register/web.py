"""HTTP glue shared by the register's API modules: the version of the association a request
is about as ``ETag`` on every answer, ``If-Match`` (the rules of :mod:`loket.preconditions`)
and JSON bodies."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from loket import apibase, preconditions
from loket.errors import BadRequest, LoketError
from loket.preconditions import etag
from loket.register import wording

bp = Blueprint("register", __name__)  # the register's API routes (see loket.register.api)

MAX_BODY = 64 * 1024


def remember_version(version: int) -> None:
    """The association this request is about is at ``version``: every answer, a refusal too,
    carries it as ``ETag`` (unless it sets a newer one)."""
    g.register_version = version


@bp.after_request
def etag_on_every_answer(response: Response) -> Response:
    version = g.get("register_version")
    if version is not None and "ETag" not in response.headers:
        response.headers["ETag"] = etag(version)
    return response


def with_etag(body: Any, version: int, status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["ETag"] = etag(version)
    return response


def no_content(version: int) -> Response:
    response = Response(status=204)
    response.headers["ETag"] = etag(version)
    return response


def if_match(*, optional: bool = False) -> frozenset[int] | None:
    """The versions the change's ``If-Match`` accepts (None for ``*``); 400 when it is not an
    ETag of this API (:mod:`loket.preconditions`). Without one: 428, unless ``optional`` (a
    change that cannot overwrite anybody's, such as adding an item: any version will do)."""
    header = request.headers.get("If-Match")
    if optional and (header is None or not header.strip()):
        return None
    return preconditions.required(header)


def if_none_match(version: int) -> bool:
    """True when the client already holds this version (answer 304)."""
    return preconditions.holds(request.headers.get("If-None-Match"), version)


def json_object() -> dict[str, Any]:
    """The request body: one JSON object of at most 64 KB."""
    if request.content_length and request.content_length > MAX_BODY:
        raise LoketError("too_large", wording.gettext("De body mag hoogstens %(size)s KB zijn.",
                                                      size=MAX_BODY // 1024), 413)
    body = apibase.json_body()
    if not isinstance(body, dict):
        raise BadRequest("invalid_json", wording.gettext("De body moet één JSON-object zijn."))
    return body
