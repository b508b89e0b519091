"""The catalog's part of ``/api/v1/openapi.json``."""

from __future__ import annotations

from typing import Any

from loket.apibase import OpenApiPart
from loket.catalog import codes

_LANG = {"type": "object", "properties": {lang: {"type": "string"} for lang in codes.LANGUAGES},
         "additionalProperties": False}
_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def _param(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


def _codes(kind: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(codes.codes(kind))}


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
            "type": _codes("type"),
            "doelgroepen": {"type": "array", "items": _codes("doelgroep"), "minItems": 1},
            "themas": {"type": "array", "items": _codes("thema"), "minItems": 1},
            "competentAuthority": {"type": "object", "required": ["level", "name"], "properties": {
                "level": _codes("level"), "name": {"type": "string"}}},
            "executingAuthority": {"type": "object", "required": ["level"], "properties": {
                "level": _codes("executing_level"), "name": {"type": "string"}}},
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
        "allOf": [{"$ref": "#/components/schemas/CatalogProductInput"}, {
            "type": "object",
            "properties": {
                "publisher": {"type": "string", "description": "client id of the publisher"},
                "version": {"type": "integer"},
                "updatedAt": {"type": "string", "format": "date-time"},
                "open": {"type": "boolean", "description": "open today (start/end dates)"},
                "relevance": {"$ref": "#/components/schemas/CatalogRelevance"},
            },
        }],
    },
    "CatalogRelevance": {
        "type": "object",
        "description": "Only with a user token: why the product is shown to the capacity.",
        "properties": {
            "score": {"type": "integer"},
            "reasons": {"type": "array", "items": {"type": "object", "required": ["code", "text"],
                                                   "properties": {
                "code": {"type": "string", "enum": ["doelgroep", "area", "outside_area",
                                                    "activity", "open", "opens", "closed"]},
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
    "CatalogValidationError": {
        "type": "object",
        "properties": {"error": {"type": "string", "example": "invalid_product"},
                       "detail": {"type": "string"},
                       "errors": {"type": "array", "items": {"type": "object", "properties": {
                           "field": {"type": "string", "example": "themas[0]"},
                           "detail": {"type": "string"}}}}},
    },
}

_ID = {"name": "product_id", "in": "path", "required": True, "schema": {"type": "string"}}
_PRODUCT = {"application/json": {"schema": {"$ref": "#/components/schemas/CatalogProduct"}}}

PATHS: dict[str, Any] = {
    "/catalog/products": {"get": {
        "tags": ["catalog"], "summary": "Search products and services",
        "description": "Anonymous, or with a user access token (scope `catalog`) ranked for "
                       "the token's capacity, with the reasons per result; personalised reads "
                       "are audited. Several values of one filter mean any of them; filters "
                       "combine with AND. Facet counts are over the results.",
        "security": [{}, {"bearer": ["catalog"]}],
        "parameters": [
            _param("q", "words to find (prefix match, accents ignored), max 200 characters"),
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
            _param("offset", "skip this many", {"type": "integer", "minimum": 0}),
            _param("limit", "page size (default 20)",
                   {"type": "integer", "minimum": 1, "maximum": 100}),
            _param("facets", "include facets (default true)", {"type": "boolean"}),
        ],
        "responses": {
            "200": {"description": "Results", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/CatalogSearchResult"}}}},
            "400": {"description": "A parameter is invalid (named in detail)", "content": _ERROR},
            "401": {"description": "The token is unknown, expired or revoked", "content": _ERROR},
            "403": {"description": "The token lacks scope `catalog`", "content": _ERROR},
        },
    }},
    "/catalog/products/{product_id}": {
        "get": {
            "tags": ["catalog"], "summary": "One product",
            "security": [{}, {"bearer": ["catalog"]}], "parameters": [_ID],
            "responses": {"200": {"description": "The product", "content": _PRODUCT},
                          "404": {"description": "No such product", "content": _ERROR}},
        },
        "put": {
            "tags": ["catalog"], "summary": "Publish or replace one of your products",
            "description": "Client credentials with scope `catalog:write`. Idempotent: the same "
                           "body again changes nothing. A product of another publisher is "
                           "refused with 403 and left unchanged. Ids are compared without "
                           "regard to case. The competent authority is the organisation the "
                           "client is registered for (its name may be left out), and every "
                           "link lies on the client's registered origins. Optional `If-Match`.",
            "security": [{"bearer": ["catalog:write"]}], "parameters": [_ID],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/CatalogProductInput"}}}},
            "responses": {
                "200": {"description": "Replaced (or unchanged)", "content": _PRODUCT},
                "201": {"description": "Created", "content": _PRODUCT},
                "400": {"description": "Invalid product; each field named", "content": {
                    "application/json": {"schema": {
                        "$ref": "#/components/schemas/CatalogValidationError"}}}},
                "401": {"description": "No valid token", "content": _ERROR},
                "403": {"description": "Wrong scope, or another publisher's product",
                        "content": _ERROR},
                "409": {"description": "Your product has this id in another case "
                                       "(`id_case_clash`)", "content": _ERROR},
                "412": {"description": "If-Match does not match", "content": _ERROR},
            },
        },
        "delete": {
            "tags": ["catalog"], "summary": "Withdraw one of your products",
            "security": [{"bearer": ["catalog:write"]}], "parameters": [_ID],
            "responses": {"204": {"description": "Deleted"},
                          "403": {"description": "Another publisher's product", "content": _ERROR},
                          "404": {"description": "No such product", "content": _ERROR}},
        },
    },
}


PART = OpenApiPart(PATHS, SCHEMAS, {"name": "catalog",
                                    "description": "Product and service catalog (LPDC-style)"})
