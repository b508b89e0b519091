"""The dossier API's part of ``/api/v1/openapi.json`` (paths and schemas)."""

from __future__ import annotations

from typing import Any

from loket.dossiers.validation import (
    MAX_AGENTS,
    MAX_BULK,
    MAX_PRODUCTS,
    NUMBER,
    PHASES,
    PRODUCT_NUMBER,
    RIGHTS,
    STATUS_CODES,
)
from loket.openapi_shared import client, errors, person

TAG = {"name": "dossiers",
       "description": "Dossier status, DOSIS-style: back offices push, persons read the dossiers "
                      "of the capacity they act in."}

_REF = "#/components/schemas/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF + name}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


_STRING = {"type": "string"}
_TIMESTAMP = {"type": "string", "format": "date-time",
              "description": "RFC 3339 with a UTC offset; answers are in UTC (Z)."}

SCHEMAS: dict[str, Any] = {
    "DossierStatus": {
        "type": "object", "required": ["code", "phase"], "additionalProperties": False,
        "properties": {
            "code": {"type": "string", "enum": list(STATUS_CODES)},
            "phase": {"type": "string", "enum": list(PHASES),
                      "description": "Afgerond means the dossier is closed."},
            "detail": {**_nullable({"type": "string", "maxLength": 2000}),
                       "description": "Free text, several lines allowed."},
            "action": {
                "type": "object", "additionalProperties": False, "required": ["required"],
                "properties": {
                    "required": {"type": "boolean",
                                 "description": "The person must act; not allowed when closed."},
                    "text": {**_nullable({"type": "string", "maxLength": 500}),
                             "description": "What to do; required when required is true."},
                },
            },
        },
    },
    "DossierHandler": {
        "type": "object", "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "maxLength": 200},
            "department": {"type": "string", "maxLength": 200},
            "phone": {"type": "string", "maxLength": 40},
            "email": {"type": "string", "format": "email", "maxLength": 254},
            "website": {"type": "string", "format": "uri", "pattern": "^https?://",
                        "description": "On one of the pushing client's registered origins."},
            "organisation": {"type": "string", "readOnly": True,
                             "description": "The organisation the pushing client is registered "
                                            "for (never sent: set by Loket)."},
        },
    },
    "DossierAgent": {
        "type": "object", "required": ["identifier", "rights"], "additionalProperties": False,
        "properties": {
            "identifier": {"type": "string",
                           "description": "INSZ (11 digits), KBO number (10 digits) or vCode "
                                          "(V + 7 digits); checksums are verified."},
            "type": {"type": "string", "enum": ["INSZ", "KBO", "vCode"],
                     "description": "Optional; when given it must match the identifier."},
            "rights": {"type": "string", "enum": list(RIGHTS)},
        },
    },
    "DossierInput": {
        "type": "object", "additionalProperties": False,
        "required": ["name", "lastChange", "status", "agents"],
        "properties": {
            "number": {"type": "string", "pattern": NUMBER.pattern,
                       "description": "Optional in PUT (must equal the URL's); required in bulk."},
            "name": {"type": "string", "minLength": 1, "maxLength": 300},
            "type": {"type": "string", "maxLength": 100},
            "lastChange": _TIMESTAMP,
            "status": _ref("DossierStatus"),
            "link": {"type": "string", "format": "uri", "pattern": "^https?://",
                     "maxLength": 2000, "description": "The dossier at the source."},
            "productNumbers": {"type": "array", "maxItems": MAX_PRODUCTS,
                               "items": {"type": "string", "pattern": PRODUCT_NUMBER.pattern}},
            "handler": _ref("DossierHandler"),
            "agents": {"type": "array", "minItems": 1, "maxItems": MAX_AGENTS,
                       "items": _ref("DossierAgent"),
                       "description": "Who sees the dossier: an association (vCode), a company "
                                      "(KBO) or a citizen (INSZ)."},
        },
    },
    "DossierBulkInput": {
        "type": "object", "required": ["dossiers"], "additionalProperties": False,
        "properties": {"dossiers": {"type": "array", "minItems": 1, "maxItems": MAX_BULK,
                                    "items": _ref("DossierInput")}},
    },
    "Dossier": {
        "type": "object",
        "required": ["source", "number", "name", "lastChange", "open", "status"],
        "properties": {
            "source": {"type": "object", "required": ["id", "name"],
                       "properties": {"id": _STRING, "name": {
                           "type": "string", "description": "The organisation (back office)."}}},
            "number": _STRING,
            "name": _STRING,
            "type": _nullable(_STRING),
            "lastChange": _TIMESTAMP,
            "open": {"type": "boolean", "description": "false in phase Afgerond"},
            "status": _ref("DossierStatus"),
            "link": _nullable({"type": "string", "format": "uri"}),
            "productNumbers": {"type": "array", "items": _STRING},
            "handler": _nullable(_ref("DossierHandler")),
            "rights": {"type": "string", "enum": list(RIGHTS),
                       "description": "What the active capacity may do (person reads only)."},
        },
    },
    "DossierStatusHistory": {
        "type": "array", "description": "Newest first; one entry per change of status.",
        "items": {"type": "object", "properties": {
            "lastChange": _TIMESTAMP, "received": _TIMESTAMP, "status": _ref("DossierStatus")}},
    },
    "SourceDossier": {
        "allOf": [_ref("Dossier"), {"type": "object", "properties": {
            "agents": {"type": "array", "items": _ref("DossierAgent")},
            "version": {"type": "integer"},
            "created": _TIMESTAMP,
            "updated": _TIMESTAMP,
            "history": _ref("DossierStatusHistory"),
        }}],
    },
    "DossierWriteResult": {
        "type": "object", "required": ["result", "dossier"],
        "properties": {"result": {"type": "string", "enum": ["created", "updated", "unchanged"]},
                       "dossier": _ref("SourceDossier")},
    },
    "DossierBulkResult": {
        "type": "object",
        "properties": {
            "created": {"type": "integer"}, "updated": {"type": "integer"},
            "unchanged": {"type": "integer"},
            "results": {"type": "array", "items": {"type": "object", "properties": {
                "number": _STRING,
                "result": {"type": "string", "enum": ["created", "updated", "unchanged"]}}}},
        },
    },
    "DossierList": {
        "type": "object",
        "required": ["capacity", "total", "counts", "next", "dossiers"],
        "properties": {
            "capacity": {"type": "object", "properties": {
                "code": {"type": "string", "enum": ["BUR", "VER", "EA"]},
                "identifier": _STRING, "name": _STRING}},
            "status": {"type": "string", "enum": ["all", "open", "closed"]},
            "limit": {"type": "integer"},
            "total": {"type": "integer",
                      "description": "How many dossiers match the status filter (all pages)."},
            "counts": {"type": "object", "description": "The whole list, whatever the filter.",
                       "properties": {
                "total": {"type": "integer"}, "open": {"type": "integer"},
                "actionRequired": {"type": "integer"}, "closed": {"type": "integer"}}},
            "next": {**_nullable(_STRING),
                     "description": "Pass as cursor for the next page; null on the last page."},
            "dossiers": {"type": "array", "items": _ref("Dossier")},
        },
    },
}


def _json(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": _ref(schema)}}


_AUTH_ERRORS = errors("401", s403="The token lacks scope dossiers:write (or is a person's), or "
                                     "the client may not use this source: a back office writes "
                                     "and reads only under its own client id.")
_PERSON_ERRORS = errors("401", s403="The token lacks scope dossiers (or is a client's own), or the "
                                    "person no longer holds the capacity of the sign-in.")
_SOURCE = {"name": "source", "in": "path", "required": True, "schema": _STRING,
           "description": "The back office's client id."}
_NUMBER = {"name": "number", "in": "path", "required": True,
           "schema": {"type": "string", "pattern": NUMBER.pattern}}
_WRITE = client("dossiers:write")
_READ = person("dossiers")
_LOCATION = {"Location": {"description": "the dossier's URL", "schema": _STRING}}

PATHS: dict[str, Any] = {
    "/dossiers/{source}/{number}": {
        "parameters": [_SOURCE, _NUMBER],
        "put": {
            "tags": ["dossiers"], "operationId": "putDossier", "security": _WRITE,
            "summary": "Create or update one dossier (idempotent)",
            "description": "Sending the same body again answers 200 with result unchanged and "
                           "adds no history. A new status adds a history entry.",
            "requestBody": {"required": True, "content": _json("DossierInput")},
            "responses": {
                "201": {"description": "Created", "headers": _LOCATION,
                        "content": _json("DossierWriteResult")},
                "200": {"description": "Updated or unchanged",
                        "content": _json("DossierWriteResult")},
                **errors(s400="A field is wrong (`field` names it); nothing changed.",
                         s409="A concurrent write to the same dossier came first; retry.",
                         s413="The body is larger than 2 MB."),
                **_AUTH_ERRORS,
            },
        },
        "get": {
            "tags": ["dossiers"], "operationId": "getDossier", "security": _WRITE,
            "summary": "The back office's own dossier, with agents and status history",
            "responses": {"200": {"description": "The dossier",
                                  "content": _json("SourceDossier")},
                          **errors(s404="No such dossier at this source."),
                          **_AUTH_ERRORS},
        },
    },
    "/dossiers/{source}": {
        "parameters": [_SOURCE],
        "post": {
            "tags": ["dossiers"], "operationId": "postDossiers", "security": _WRITE,
            "summary": f"Create or update up to {MAX_BULK} dossiers, all or nothing",
            "requestBody": {"required": True, "content": _json("DossierBulkInput")},
            "responses": {
                "200": {"description": "Every record written (or unchanged)",
                        "content": _json("DossierBulkResult")},
                **errors(s400="A record is wrong (`field` and `index` name it); nothing "
                              "changed.",
                         s409="A concurrent write came first; retry.",
                         s413="The body is larger than 2 MB."),
                **_AUTH_ERRORS,
            },
        },
    },
    "/me/dossiers": {
        "get": {
            "tags": ["dossiers"], "operationId": "listMyDossiers", "security": _READ,
            "summary": "The dossiers of the active capacity",
            "description": "An association's when acting for it (agent vCode), a company's for "
                           "EA (KBO), the citizen's own (INSZ) otherwise. Open first, action "
                           "required on top, then the most recently changed. Every read is "
                           "in the audit log.",
            "parameters": [
                {"name": "status", "in": "query",
                 "schema": {"type": "string", "enum": ["all", "open", "closed"],
                            "default": "all"}},
                {"name": "limit", "in": "query",
                 "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
                {"name": "cursor", "in": "query", "schema": _STRING,
                 "description": "The next value of the previous page."},
            ],
            "responses": {
                "200": {"description": "One page", "content": _json("DossierList")},
                **errors(s400="A parameter is wrong (`field` names it)."),
                **_PERSON_ERRORS,
            },
        },
    },
    "/me/dossiers/{source}/{number}": {
        "parameters": [_SOURCE, _NUMBER],
        "get": {
            "tags": ["dossiers"], "operationId": "getMyDossier", "security": _READ,
            "summary": "One dossier of the active capacity, with its status history",
            "responses": {
                "200": {"description": "The dossier", "content": {"application/json": {
                    "schema": {"allOf": [_ref("Dossier"), {"type": "object", "properties": {
                        "history": _ref("DossierStatusHistory")}}]}}}},
                **errors(s404="No such dossier for this capacity."),
                **_PERSON_ERRORS,
            },
        },
    },
}
