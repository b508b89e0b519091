"""HTTP glue shared by the register's API modules: ETag / If-Match, JSON bodies, and field
errors answered as ``{"error", "detail", "field"}``."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, g, jsonify, request

from loket import api
from loket.errors import BadRequest, LoketError
from loket.register.changes import RecordConflict
from loket.register.search import SearchError
from loket.register.validation import InvalidRecord
from loket.register.views import etag

MAX_BODY = 64 * 1024
_ETAG_VALUE = re.compile(r'^(?:W/)?"?([0-9]{1,10})"?$')


def remember_version(version: int) -> None:
    """The association this request is about is at ``version``: every answer, a refusal too,
    carries it as ``ETag`` (unless it sets a newer one)."""
    g.register_version = version


@api.bp.after_request
def _etag_on_every_answer(response: Response) -> Response:
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


def if_match() -> set[int] | None:
    """The versions ``If-Match`` accepts (None for ``*``); 428 without the header.

    Weak tags (``W/"7"``) are compared by their value: they name whole versions of the record.
    """
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise LoketError("precondition_required",
                         "Stuur de versie die je wijzigt mee in If-Match (de ETag van je laatste "
                         "GET, bv. If-Match: W/\"3\").", 428)
    if header.strip() == "*":
        return None
    versions = set()
    for part in header.split(","):
        match = _ETAG_VALUE.match(part.strip())
        if match is None:
            raise BadRequest("invalid_if_match", f"If-Match {header[:60]!r} is geen ETag van "
                             "deze API (bv. W/\"3\").")
        versions.add(int(match.group(1)))
    return versions


def if_none_match(version: int) -> bool:
    """True when the client already holds this version (answer 304)."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    for part in header.split(","):
        match = _ETAG_VALUE.match(part.strip())
        if match and int(match.group(1)) == version:
            return True
    return False


def json_object() -> dict[str, Any]:
    """The request body: one JSON object of at most 64 KB."""
    if request.content_length and request.content_length > MAX_BODY:
        raise LoketError("too_large", f"De body mag hoogstens {MAX_BODY // 1024} KB zijn.", 413)
    body = api.json_body("de wijziging")
    if not isinstance(body, dict):
        raise BadRequest("invalid_json", "De body moet één JSON-object zijn.")
    return body


def _field_response(status: int, code: str, detail: str, field: str | None,
                    problems: list[dict[str, str]] | None = None) -> Response:
    body: dict[str, Any] = {"error": code, "detail": detail, "field": field}
    if problems:
        body["problems"] = problems
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@api.bp.errorhandler(InvalidRecord)
def _invalid_record(error: InvalidRecord) -> Response:
    problems = [{"field": p.field, "detail": p.message} for p in error.problems]
    first = error.first
    return _field_response(400, "invalid_field", f"{first.field}: {first.message}", first.field,
                           problems)


@api.bp.errorhandler(RecordConflict)
def _conflict(error: RecordConflict) -> Response:
    return _field_response(error.status, error.code, error.detail, error.field)


@api.bp.errorhandler(SearchError)
def _search_error(error: SearchError) -> Response:
    return _field_response(error.status, error.code, error.detail, error.field)
