"""What every operation of ``/api/v1/openapi.json`` shares: the error answer, the error
responses with their headers, the two kinds of bearer token (a person's, a client's own) and
their scopes. The feature modules name their operations' errors with :func:`errors`;
:func:`complete` adds, to every operation, the errors any request can meet (a refused
parameter, a missing or refused token, a busy database) so that no operation leaves one out.
"""

from __future__ import annotations

import copy
from typing import Any

from loket.scopes import SERVICE_SCOPES, USER_SCOPES

ERROR_REF = "#/components/schemas/Error"

_PROBLEMS = {"type": "array", "items": {
    "type": "object", "required": ["field", "detail"],
    "properties": {"field": {"type": ["string", "null"]}, "detail": {"type": "string"}}}}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["error", "detail"],
    "description": "Every refusal: `error` is a stable code for programs, `detail` a sentence "
                   "for a person in the language of Accept-Language (nl, fr, de, en). Field "
                   "errors name the field (`field`, in a bulk write also `index`) and list "
                   "every problem (`problems`; the catalog's publishing API: `errors`).",
    "properties": {
        "error": {"type": "string", "examples": ["invalid_field"]},
        "detail": {"type": "string"},
        "field": {"type": ["string", "null"],
                  "description": "The (first) refused field, e.g. agents[1].identifier."},
        "index": {"type": "integer", "description": "Bulk writes: the record's position."},
        "problems": {**_PROBLEMS, "description": "Every refused field of the request."},
        "errors": {**_PROBLEMS, "description": "The catalog's publishing API: every refused "
                                               "field of the product."},
        "kandidaten": {"type": "array", "description": "possible_duplicate: the similar "
                                                       "associations", "items": {
            "type": "object", "properties": {"vCode": {"type": "string"},
                                             "naam": {"type": "string"},
                                             "gemeente": {"type": ["string", "null"]}}}},
        "bevestigingsToken": {"type": "string", "description": "possible_duplicate: send it "
                                                               "as VR-BevestigingsToken"},
    },
}

_CONTENT = {"application/json": {"schema": {"$ref": ERROR_REF}}}
_STRING = {"schema": {"type": "string"}}
_RETRY = {"Retry-After": {"description": "seconds to wait before trying again",
                          "schema": {"type": "string"}}}

# The error responses by status: a general description, the headers that come with them.
RESPONSES: dict[str, dict[str, Any]] = {
    "400": {"description": "A parameter, header or body is refused (named in `field` and "
                           "`problems` where it is a field; also control characters anywhere "
                           "in the request, and a malformed If-Match)."},
    "401": {"description": "No access token, or an unknown, expired or revoked one.",
            "headers": {"WWW-Authenticate": {"required": True, "description": "Bearer "
                                             "realm=\"loket\", with error=\"invalid_token\" "
                                             "for a token that was sent", **_STRING}}},
    "403": {"description": "The token lacks the scope (WWW-Authenticate names it), is of the "
                           "wrong kind (a person's where a client's is needed, or the other "
                           "way round), or does not allow this resource.",
            "headers": {"WWW-Authenticate": {"description": "with error=\"insufficient_scope\" "
                                                            "and the scope", **_STRING}}},
    "404": {"description": "No such resource (or none this caller may see)."},
    "409": {"description": "The request contradicts the current state, or a concurrent write "
                           "came first (send it again)."},
    "412": {"description": "If-Match does not name the current version; ETag gives it.",
            "headers": {"ETag": {"description": "the current version", **_STRING}}},
    "413": {"description": "The body is too large."},
    "415": {"description": "The body is not JSON (Content-Type application/json)."},
    "428": {"description": "If-Match is missing: send the ETag of the version you change."},
    "429": {"description": "Too many requests from this address; Retry-After says when to "
                           "try again.", "headers": _RETRY},
    "503": {"description": "The database is busy; try again after Retry-After seconds.",
            "headers": _RETRY},
}


def error(status: str, description: str | None = None) -> dict[str, Any]:
    """The response object of one error status (its shared description unless given)."""
    response = copy.deepcopy(RESPONSES[status])
    if description:
        response["description"] = description
    response["content"] = copy.deepcopy(_CONTENT)
    return response


def errors(*statuses: str, **described: str) -> dict[str, Any]:
    """Error responses: ``errors("404", "409", s412="stale")`` (keyword: ``s`` + status)."""
    found = {status: error(status) for status in statuses}
    found.update({key.removeprefix("s"): error(key.removeprefix("s"), text)
                  for key, text in described.items()})
    return found


def person(*scopes: str) -> list[dict[str, list[str]]]:
    """Security: a person's access token (authorization code flow) with ``scopes``."""
    return [{"person": list(scopes)}]


def client(*scopes: str) -> list[dict[str, list[str]]]:
    """Security: a client's own access token (client credentials) with ``scopes``."""
    return [{"client": list(scopes)}]


ANONYMOUS: list[dict[str, list[str]]] = [{}]


def security_schemes(issuer: str) -> dict[str, Any]:
    token_url = f"{issuer}/oidc/token"
    return {
        "person": {
            "type": "oauth2",
            "description": "A person's access token, from a sign-in at a relying party (the "
                           "authorization code flow with PKCE); it acts in the capacity chosen "
                           "at sign-in (citizen, an association's or a company's "
                           "representative).",
            "flows": {"authorizationCode": {"authorizationUrl": f"{issuer}/oidc/authorize",
                                            "tokenUrl": token_url, "scopes": dict(USER_SCOPES)}},
        },
        "client": {
            "type": "oauth2",
            "description": "A client's own access token (client credentials): a back office, "
                           "a publisher or a government acting on its own behalf.",
            "flows": {"clientCredentials": {"tokenUrl": token_url,
                                            "scopes": dict(SERVICE_SCOPES)}},
        },
    }


_METHODS = ("get", "put", "post", "patch", "delete")


def complete(paths: dict[str, Any]) -> dict[str, Any]:
    """Every operation with the errors any request to it can meet, besides its own."""
    for item in paths.values():
        shared_parameters = item.get("parameters", [])
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            responses = op.setdefault("responses", {})
            general = ["400", "503"]
            if any(requirement for requirement in op.get("security", ANONYMOUS)):
                general += ["401", "403"]
            if "requestBody" in op:
                general += ["413", "415"]
            if method != "get":
                general.append("409")  # two writers at once: the first one stays
            parameters = [*shared_parameters, *op.get("parameters", [])]
            if any(p.get("in") == "path" for p in parameters):
                general.append("404")
            for status in general:
                responses.setdefault(status, error(status))
            for status, response in responses.items():
                if status in RESPONSES and "content" not in response:
                    response["content"] = copy.deepcopy(_CONTENT)
    return paths
