"""The conditional-request rules every API follows (RFC 9110 §13), without Flask.

A record that can change carries a version; its ``ETag`` is the weak tag ``W/"<version>"``.
``If-Match`` lists tags (weak ones compared by their value: each names a whole version) or is
``*`` (matches whenever the record exists). A malformed ``If-Match`` is 400
``invalid_if_match``; one that matches no current version is 412 ``precondition_failed``
carrying the current ``ETag``; where a change could overwrite someone else's, a missing
``If-Match`` is 428 ``precondition_required`` (each API's documentation says where).
"""

from __future__ import annotations

import re

from loket.errors import BadRequest, PreconditionFailed, PreconditionRequired, message

_TAG = re.compile(r'^(?:W/)?"?([0-9]{1,10})"?$')


def etag(version: int) -> str:
    """The weak entity tag of a record's version (``W/"7"``)."""
    return f'W/"{version}"'


def parse_if_match(header: str) -> frozenset[int] | None:
    """The versions an ``If-Match`` value accepts; None for ``*`` (any existing version)."""
    if header.strip() == "*":
        return None
    versions = set()
    for part in header.split(","):
        match = _TAG.match(part.strip())
        if match is None:
            raise BadRequest("invalid_if_match", message("if_match_invalid", header=repr(header[:60])))
        versions.add(int(match.group(1)))
    return frozenset(versions)


def required(header: str | None) -> frozenset[int] | None:
    """:func:`parse_if_match` of a header a change must send (428 without it)."""
    if header is None or not header.strip():
        raise PreconditionRequired("precondition_required", message("if_match_required"))
    return parse_if_match(header)


def stale(current: int | None) -> PreconditionFailed:
    """The 412 for a version that moved on (or a record that is not there)."""
    return PreconditionFailed("precondition_failed", message("if_match_stale"),
                              headers={"ETag": etag(current)} if current is not None else None)


def check(header: str | None, current: int | None) -> None:
    """An optional ``If-Match`` against the record's current version (None: no record yet)."""
    if header is None:
        return
    accepted = parse_if_match(header)
    if current is None or (accepted is not None and current not in accepted):
        raise stale(current)


def holds(if_none_match: str | None, version: int) -> bool:
    """True when ``If-None-Match`` names this version (or is ``*``): the client has it, 304.
    Tags this API never made are not an error here, only no match."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any((match := _TAG.match(part.strip())) is not None and int(match.group(1)) == version
               for part in if_none_match.split(","))
