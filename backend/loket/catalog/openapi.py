"""The catalog's part of ``/api/v1/openapi.json``."""

from __future__ import annotations

from typing import Any

from loket.apibase import OpenApiPart
from loket.catalog import codes
from loket.openapi_shared import client, errors

_LANG = {"type": "object", "properties": {lang: {"type": "string"} for lang in codes.LANGUAGES},
         "additionalProperties": False}


def _param(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


def _codes(kind: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(codes.codes(kind))}


_OVO_LIST = {"type": "array", "items": {"type": "string", "pattern": "^OVO[0-9]{6}$"},
             "description": "the organisations by OVO code (Wegwijs), e.g. OVO002514"}

SCHEMAS: dict[str, Any] = {
    "CatalogProductInput": {
        "type": "object",
        "description": "A product as published (docs/catalog.md; JSON Schema in "
                       "docs/catalog.schema.json).",
        "required": ["title", "description", "type", "doelgroepen", "themas",
                     "competentAuthority"],
        "properties": {
            "id": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"},
            "title": {**_LANG, "required": ["nl", "en"]},
            "description": {**_LANG, "required": ["nl", "en"]},
            "descriptionHtml": {**_LANG, "description": "the description as HTML, kept only "
                                "as the sanitiser leaves it (p, ul, ol, li, strong, em, b, i, "
                                "h3, h4, br, a with an http(s) or mailto href)"},
            "type": _codes("type"),
            "doelgroepen": {"type": "array", "items": _codes("doelgroep"), "minItems": 1},
            "themas": {"type": "array", "items": _codes("thema"), "minItems": 1},
            "competentAuthority": {"type": "object", "required": ["level", "name"], "properties": {
                "level": _codes("level"), "name": {"type": "string"}, "ovo": _OVO_LIST}},
            "executingAuthority": {"type": "object", "required": ["level"], "properties": {
                "level": _codes("executing_level"), "name": {"type": "string"},
                "ovo": _OVO_LIST}},
            "keywords": {"type": "object", "additionalProperties": {
                "type": "array", "items": {"type": "string"}}},
            "requirements": _LANG, "procedure": _LANG, "costs": _LANG,
            "websites": {"type": "array", "items": {"type": "object", "required": ["url"],
                                                    "properties": {"url": {"type": "string",
                                                                           "format": "uri"},
                                                                   "title": _LANG}}},
            "contactPoints": {"type": "array", "items": {"type": "object", "properties": {
                "email": {"type": "string"}, "phone": {"type": "string"},
                "url": {"type": "string", "format": "uri"}, "openingHours": _LANG,
                "address": {"type": "object"}}}},
            "spatialScope": {"type": "array", "items": {"type": "string"},
                             "description": "werkingsgebied codes (NUTS/NIS); empty: everywhere"},
            "startDate": {"type": "string", "format": "date"},
            "endDate": {"type": "string", "format": "date"},
            "onlineRequestUrl": {"type": "string", "format": "uri"},
        },
        "additionalProperties": False,
    },
    "CatalogProduct": {
        "type": "object",
        "description": "A product as published, with what the catalog adds.",
        "required": ["id", "title", "description", "type", "doelgroepen", "themas",
                     "competentAuthority", "publisher", "version", "open"],
        "properties": {},  # the input's and the additions, filled in below
    },
    "CatalogRelevance": {
        "type": "object",
        "description": "Only with a user token: why the product is shown to the capacity.",
        "properties": {
            "score": {"type": "integer"},
            "reasons": {"type": "array", "items": {"type": "object", "required": ["code", "text"],
                                                   "properties": {
                "code": {"type": "string", "enum": ["doelgroep", "area", "outside_area",
                                                    "activity", "renew_soon", "recognised",
                                                    "open", "opens", "closed"]},
                "text": {"type": "string"}}}},
            "text": {"type": "string", "example": "Voor verenigingen in Groenbeek · sport · "
                                                  "nu aan te vragen"},
        },
    },
    "CatalogSearchResult": {
        "type": "object",
        "properties": {
            "total": {"type": "integer"}, "offset": {"type": "integer"},
            "limit": {"type": "integer"}, "lang": {"type": "string"},
            "personalised": {"type": "boolean"},
            "scope": {"type": "string", "enum": ["mine", "all"]},
            "capacity": {"type": "object"},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/CatalogProduct"}},
            "facets": {"type": "object", "additionalProperties": {"type": "array", "items": {
                "type": "object", "properties": {"code": {"type": "string"},
                                                 "label": {"type": "string"},
                                                 "count": {"type": "integer"}}}}},
        },
    },
}

SCHEMAS["CatalogProduct"]["properties"] = {
    **SCHEMAS["CatalogProductInput"]["properties"],
    "publisher": {"type": "string", "description": "client id of the publisher"},
    "version": {"type": "integer"},
    "updatedAt": {"type": "string", "format": "date-time"},
    "open": {"type": "boolean", "description": "open today (start/end dates)"},
    "relevance": {"$ref": "#/components/schemas/CatalogRelevance"},
}

_ID = {"name": "product_id", "in": "path", "required": True, "schema": {"type": "string"}}
_PRODUCT = {"application/json": {"schema": {"$ref": "#/components/schemas/CatalogProduct"}}}
_PUTTED = {"application/json": {"schema": {"allOf": [
    {"$ref": "#/components/schemas/CatalogProduct"},
    {"type": "object", "required": ["result"], "properties": {
        "result": {"type": "string", "enum": ["created", "updated", "unchanged"]}}}]}}}

_ETAG = {"ETag": {"description": "the product's version, for If-Match",
                  "schema": {"type": "string"}}}
_IF_MATCH = {"name": "If-Match", "in": "header", "required": False,
             "schema": {"type": "string"},
             "description": 'optional: the ETag of the version you replace, e.g. W/"3"; 412 '
                            "when it is not the current one (or the product does not exist)"}
_READERS = [{}, {"person": ["catalog"]}]
_PUBLISHER = client("catalog:write")
_TOKEN_SENT = errors(
    s401="A token was sent but is unknown, expired or revoked (a sent token is never taken "
         "for an anonymous call).",
    s403="The token lacks scope `catalog`, or is a client's own token.")
_PUBLISHER_ERRORS = errors(
    "401", s403="The token lacks scope `catalog:write` (or is a person's), or the product is "
                "another publisher's.")

PATHS: dict[str, Any] = {
    "/catalog/products": {"get": {
        "tags": ["catalog"], "summary": "Search products and services",
        "operationId": "searchCatalog",
        "description": "Anonymous, or with a user access token (scope `catalog`) ranked for "
                       "the token's capacity, with the reasons per result; personalised reads "
                       "are audited. Several values of one filter mean any of them; filters "
                       "combine with AND. Facet counts are over the results.",
        "security": _READERS,
        "parameters": [
            _param("q", "words to find (prefix match, accents ignored), max 200 characters",
                   {"type": "string", "maxLength": 200}),
            _param("doelgroep", "doelgroep code(s), repeated or comma-separated"),
            _param("thema", "thema code(s)"),
            _param("type", "type code(s)"),
            _param("level", "competent authority level(s)"),
            _param("municipality", "werkingsgebied code(s): products offered there "
                                   "(a province or region code works too)"),
            _param("scope", "with a token: `mine` (default) leaves out products outside the "
                            "capacity's werkingsgebieden; `all` lists them last",
                   {"type": "string", "enum": ["mine", "all"]}),
            _param("lang", "language of labels and reasons (default: Accept-Language, else nl)",
                   {"type": "string", "enum": list(codes.LANGUAGES)}),
            _param("offset", "skip this many", {"type": "integer", "minimum": 0,
                                                "maximum": 10_000}),
            _param("limit", "page size (default 20)",
                   {"type": "integer", "minimum": 1, "maximum": 100}),
            _param("facets", "include facets (default true)", {"type": "boolean"}),
        ],
        "responses": {
            "200": {"description": "Results", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/CatalogSearchResult"}}}},
            **errors(s400="A parameter is invalid (named in detail): an unknown code, more "
                          "than 20 values, a number out of range.",
                     s429="Too many searches from this address; Retry-After says when to "
                          "try again."),
            **_TOKEN_SENT,
        },
    }},
    "/catalog/products/{product_id}": {
        "parameters": [_ID],
        "get": {
            "tags": ["catalog"], "summary": "One product", "operationId": "getCatalogProduct",
            "description": "With a user token (scope `catalog`): why it is relevant to the "
                           "token's capacity (`relevance`).",
            "security": _READERS,
            "responses": {"200": {"description": "The product", "headers": _ETAG,
                                  "content": _PRODUCT},
                          **errors(s404="No such product"), **_TOKEN_SENT},
        },
        "put": {
            "tags": ["catalog"], "summary": "Publish or replace one of your products",
            "operationId": "putCatalogProduct",
            "description": "Client credentials with scope `catalog:write`. Idempotent: the same "
                           "body again changes nothing. A product of another publisher is "
                           "refused with 403 and left unchanged. Ids are compared without "
                           "regard to case (your own product in another spelling: 409 "
                           "`id_case_clash`). The competent authority is the organisation the "
                           "client is registered for (its name may be left out), and every "
                           "link lies on the client's registered origins. Optional `If-Match`.",
            "security": _PUBLISHER, "parameters": [_IF_MATCH],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/CatalogProductInput"}}}},
            "responses": {
                "200": {"description": "Replaced (or unchanged)", "headers": _ETAG,
                        "content": _PUTTED},
                "201": {"description": "Created", "headers": {**_ETAG, "Location": {
                    "description": "the product's URL", "schema": {"type": "string"}}},
                        "content": _PUTTED},
                **errors("409", "412",
                         s400="Invalid product: every refused field in `errors`; or not a "
                              "JSON object, or a malformed If-Match"),
                **_PUBLISHER_ERRORS,
            },
        },
        "delete": {
            "tags": ["catalog"], "summary": "Withdraw one of your products",
            "operationId": "deleteCatalogProduct",
            "security": _PUBLISHER, "parameters": [_IF_MATCH],
            "responses": {"204": {"description": "Deleted"},
                          **errors("409", "412", s404="No such product"),
                          **_PUBLISHER_ERRORS},
        },
    },
}


PART = OpenApiPart(PATHS, SCHEMAS, {"name": "catalog",
                                    "description": "Product and service catalog (LPDC-style)"})
