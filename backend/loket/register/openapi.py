"""The register's part of ``/api/v1/openapi.json``."""

from __future__ import annotations

from typing import Any

from loket.apibase import OpenApiPart

TAG = {"name": "associations", "description": "Association register (Verenigingsregister-style)"}
_ERR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_VCODE = {"name": "vCode", "in": "path", "required": True, "schema": {"type": "string"},
          "description": "V + 7 digits, any case"}
_ITEM = {"name": "item", "in": "path", "required": True, "schema": {"type": "integer"}}
_IF_MATCH = {"name": "If-Match", "in": "header", "required": True, "schema": {"type": "string"},
             "description": 'the ETag of the version you change, e.g. W/"3" (428 without it)'}
_IF_MATCH_OPTIONAL = {**_IF_MATCH, "required": False,
                      "description": 'optional: an addition overwrites nothing; when sent, 412 '
                                     'unless it names the current version'}
_REASON = {"name": "X-Loket-Reason", "in": "header", "required": True,
           "schema": {"type": "string", "maxLength": 300},
           "description": "why the data is needed (logged with every access; 400 without it)"}
_USER: list[dict[str, list[str]]] = [{"bearer": []}]


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def _change(summary: str, body: str | None, ok: str, status: str = "200", *,
            optional: bool | None = None) -> dict[str, Any]:
    """A change's operation; ``If-Match`` is optional where it overwrites nothing (adding:
    201 and 202, or ``optional``)."""
    adds = status in ("201", "202") if optional is None else optional
    op: dict[str, Any] = {
        "tags": ["associations"], "summary": summary, "security": _USER,
        "parameters": [_VCODE, _IF_MATCH_OPTIONAL if adds else _IF_MATCH],
        "responses": {
            status: {"description": "changed; ETag is the new version",
                     **({"content": _json(ok)} if ok else {})},
            "400": {"description": "a value is refused; `field` names it", "content": _ERR},
            "403": {"description": "not a (primary) representative of this association",
                    "content": _ERR},
            "409": {"description": "contradicts the record (e.g. the last primary "
                                   "representative)", "content": _ERR},
            "412": {"description": "the association changed since your ETag", "content": _ERR},
        },
    }
    if not adds:
        op["responses"]["428"] = {"description": "If-Match is missing", "content": _ERR}
    if body:
        op["requestBody"] = {"required": True, "content": _json(body)}
    return op


def _item_ops(name: str, schema: str, view: str) -> dict[str, Any]:
    patch = _change(f"Change one {name}", schema, view)
    delete = _change(f"Remove one {name}", None, "", "204")
    for op in (patch, delete):
        op["parameters"] = [_VCODE, _ITEM, _IF_MATCH]
    return {"patch": patch, "delete": delete}


PATHS: dict[str, Any] = {
    "/associations": {"get": {
        "tags": ["associations"], "summary": "Public search (active associations that did not "
                                             "opt out; no personal data)",
        "parameters": [
            {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200},
             "description": "words in name, short name or description; each a prefix"},
            {"name": "werkingsgebied", "in": "query", "schema": {"type": "array",
             "items": {"type": "string"}}, "explode": True,
             "description": "postcode, municipality or province (code or name); widens to all "
                            "within; repeat for several (any of them)"},
            {"name": "hoofdactiviteit", "in": "query", "schema": {"type": "array",
             "items": {"type": "string"}}, "explode": True,
             "description": "activity code; repeat for several (any of them)"},
            {"name": "offset", "in": "query", "schema": {"type": "integer", "default": 0}},
            {"name": "limit", "in": "query",
             "schema": {"type": "integer", "default": 50, "maximum": 100}},
            {"name": "sort", "in": "query", "schema": {"enum": ["relevance", "name"]}},
        ],
        "responses": {"200": {"description": "results, total and facets",
                              "content": _json("AssociationSearch")},
                      "400": {"description": "a parameter is refused (unknown postcode…)",
                              "content": _ERR}},
    }},
    "/associations/{vCode}": {
        "get": {"tags": ["associations"], "summary": "Public detail (no personal data)",
                "parameters": [_VCODE],
                "responses": {"200": {"description": "the association; ETag = its version",
                                      "content": _json("Association")},
                              "304": {"description": "If-None-Match holds the current version"},
                              "404": {"description": "no such vCode", "content": _ERR}}},
        "patch": _change("Change its own fields (names, description, start date, doelgroep, "
                         "activities, areas, opt-out)", "AssociationPatch", "Association"),
    },
    "/associations/{vCode}/contactgegevens": {"post": _change(
        "Add a contact", "Contactgegeven", "Contactgegeven", "201")},
    "/associations/{vCode}/contactgegevens/{item}": _item_ops(
        "contact", "Contactgegeven", "Contactgegeven"),
    "/associations/{vCode}/locaties": {"post": _change(
        "Add a location", "Locatie", "Locatie", "201")},
    "/associations/{vCode}/locaties/{item}": _item_ops("location", "Locatie", "Locatie"),
    "/associations/{vCode}/vertegenwoordigers": {
        "get": {"tags": ["associations"], "security": _USER, "parameters": [_VCODE],
                "summary": "The representatives with their personal data (representatives "
                           "only; each read is logged)",
                "responses": {"200": {"description": "list; ETag = the association's version"},
                              "403": {"description": "not a representative", "content": _ERR}}},
        "post": _change("Invite a representative (primary representatives only): the same "
                        "as POST …/uitnodigingen; nobody is added without consent",
                        "Uitnodiging", "Uitnodiging", "202"),
    },
    "/associations/{vCode}/uitnodigingen": {
        "get": {"tags": ["associations"], "security": _USER, "parameters": [_VCODE],
                "summary": "The association's invitations, newest first (INSZ masked for a "
                           "representative who is not primary)",
                "responses": {"200": {"description": "list"},
                              "403": {"description": "not a representative", "content": _ERR}}},
        "post": _change("Invite a person by INSZ and e-mail (primary representatives only); "
                        "202: it waits for their answer", "Uitnodiging", "Uitnodiging", "202"),
    },
    "/associations/{vCode}/uitnodigingen/{item}": {"delete": {
        **_change("Withdraw an invitation that still waits (primary representatives only)",
                  None, "Uitnodiging", optional=True),
        "parameters": [_VCODE, _ITEM, _IF_MATCH_OPTIONAL]}},
    "/associations/{vCode}/stop": {"post": _change(
        "Stop the association (primary representatives only): status Gestopt", "Stop",
        "Association", optional=True)},
    "/postcodes/{postcode}": {"get": {
        "tags": ["associations"], "summary": "The municipalities a postcode lies in (what "
                                             "the address forms suggest)",
        "parameters": [{"name": "postcode", "in": "path", "required": True,
                        "schema": {"type": "string", "pattern": "^[1-9][0-9]{3}$"}}],
        "responses": {"200": {"description": "gemeenten [{naam, plaatsen}]"},
                      "400": {"description": "not four digits", "content": _ERR},
                      "404": {"description": "not in the loaded postcode list",
                              "content": _ERR}}}},
    "/uitnodigingen": {"get": {
        "tags": ["associations"], "security": _USER,
        "summary": "The invitations that wait for the calling person's answer",
        "responses": {"200": {"description": "list"}}}},
    "/uitnodigingen/{item}/aanvaarden": {"post": {
        "tags": ["associations"], "security": _USER, "parameters": [_ITEM],
        "summary": "Accept: the caller becomes a representative (not primary)",
        "responses": {"200": {"description": "the invitation, Aanvaard"},
                      "404": {"description": "no such invitation for you", "content": _ERR},
                      "409": {"description": "not waiting (expired, withdrawn, answered)",
                              "content": _ERR}}}},
    "/uitnodigingen/{item}/weigeren": {"post": {
        "tags": ["associations"], "security": _USER, "parameters": [_ITEM],
        "summary": "Decline the invitation",
        "responses": {"200": {"description": "the invitation, Geweigerd"},
                      "404": {"description": "no such invitation for you", "content": _ERR},
                      "409": {"description": "not waiting", "content": _ERR}}}},
    "/exchange/associations/{vCode}/dubbelVan": {
        "post": {"tags": ["associations"], "security": _USER, "parameters": [_VCODE, _REASON],
                 "summary": "Mark as a duplicate of another active association (scope "
                            "associations:manage)",
                 "requestBody": {"required": True, "content": {"application/json": {
                     "schema": {"type": "object", "required": ["dubbelVan"],
                                "properties": {"dubbelVan": {"type": "string"}}}}}},
                 "responses": {"200": {"description": "status Dubbel"},
                               "400": {"description": "no reason, or a bad vCode",
                                       "content": _ERR},
                               "409": {"description": "not active", "content": _ERR}}},
        "delete": {"tags": ["associations"], "security": _USER,
                   "parameters": [_VCODE, _REASON],
                   "summary": "Undo a duplicate marking (scope associations:manage)",
                   "responses": {"200": {"description": "status Actief again"},
                                 "409": {"description": "not marked as duplicate",
                                         "content": _ERR}}}},
    "/associations/{vCode}/vertegenwoordigers/{item}": _item_ops(
        "representative (others: primary representatives only)", "Vertegenwoordiger",
        "Vertegenwoordiger"),
    "/exchange/associations/{vCode}": {"get": {
        "tags": ["associations"], "summary": "Full record for a government (client "
                                             "credentials, scope associations:exchange)",
        "security": _USER, "parameters": [_VCODE, _REASON],
        "responses": {"200": {"description": "the record with representatives"},
                      "400": {"description": "no reason given", "content": _ERR}}}},
    "/exchange/changes": {"get": {
        "tags": ["associations"], "summary": "Change feed: events after a sequence number",
        "security": _USER,
        "parameters": [_REASON,
                       {"name": "since", "in": "query", "schema": {"type": "integer"}},
                       {"name": "limit", "in": "query",
                        "schema": {"type": "integer", "default": 100, "maximum": 500}},
                       {"name": "vCode", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": {"description": "events in sequence order; follow links.next"},
                      "400": {"description": "no reason given", "content": _ERR}}}},
    "/me/personal-data": {"get": {
        "tags": ["associations"], "summary": "AVG: everything stored about the person "
                                             "(scope privacy; the download is logged)",
        "security": _USER, "responses": {"200": {"description": "one JSON document"}}}},
    "/me/access-log": {"get": {
        "tags": ["associations"], "summary": "AVG: who accessed the person's data, when and "
                                             "why (scope privacy)",
        "security": _USER,
        "parameters": [{"name": "before", "in": "query", "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "newest first; `ouder` pages back"}}}},
}

_CODE = {"type": "object", "properties": {"code": {"type": "string"},
                                          "naam": {"type": "string"}}}
_ADDRESS = {"type": "object", "required": ["straatnaam", "huisnummer", "postcode", "gemeente"],
            "properties": {k: {"type": "string"} for k in (
                "straatnaam", "huisnummer", "busnummer", "postcode", "gemeente", "land")}}
SCHEMAS: dict[str, Any] = {
    "Contactgegeven": {"type": "object", "required": ["type", "waarde"], "properties": {
        "id": {"type": "integer", "readOnly": True},
        "type": {"enum": ["E-mail", "Website", "SocialMedia", "Telefoon"]},
        "waarde": {"type": "string", "description": "URLs must be http(s)"},
        "beschrijving": {"type": "string"},
        "isPrimair": {"type": "boolean", "description": "at most one per type"}}},
    "Locatie": {"type": "object", "required": ["type", "adres"], "properties": {
        "id": {"type": "integer", "readOnly": True},
        "type": {"enum": ["Correspondentie", "Activiteiten", "Maatschappelijke zetel"]},
        "isPrimair": {"type": "boolean"}, "naam": {"type": "string"}, "adres": _ADDRESS}},
    "Vertegenwoordiger": {"type": "object", "required": ["insz"], "properties": {
        "id": {"type": "integer", "readOnly": True},
        "insz": {"type": "string", "description": "only when adding"},
        "voornaam": {"type": "string"}, "achternaam": {"type": "string"},
        "roepnaam": {"type": "string"}, "rol": {"type": "string"},
        "isPrimair": {"type": "boolean"}, "email": {"type": "string"},
        "telefoon": {"type": "string"}}},
    "Uitnodiging": {"type": "object", "required": ["insz", "email"], "properties": {
        "id": {"type": "integer", "readOnly": True}, "insz": {"type": "string"},
        "email": {"type": "string"}, "rol": {"type": "string"},
        "voornaam": {"type": "string"}, "achternaam": {"type": "string"},
        "status": {"enum": ["WachtOpAntwoord", "Aanvaard", "Geweigerd", "Ingetrokken",
                            "Verlopen"], "readOnly": True},
        "vervalt": {"type": "string", "format": "date-time", "readOnly": True}}},
    "Stop": {"type": "object", "required": ["einddatum"], "properties": {
        "einddatum": {"type": "string", "format": "date",
                      "description": "not in the future, not before the start date"}}},
    "Registratie": {"type": "object", "required": ["naam"], "properties": {
        "verenigingstype": {"enum": ["FV", "VZER", "VZW"], "default": "FV"},
        "kboNummer": {"type": "string", "description": "for a VZW only"},
        "naam": {"type": "string"}, "startdatum": {"type": "string", "format": "date"},
        "hoofdactiviteiten": {"type": "array", "items": {"type": "string"}},
        "werkingsgebieden": {"type": "array", "items": {"type": "string"}},
        "locaties": {"type": "array", "maxItems": 10,
                     "items": {"$ref": "#/components/schemas/Locatie"}},
        "contactgegevens": {"type": "array", "maxItems": 10,
                            "items": {"$ref": "#/components/schemas/Contactgegeven"}}}},
    "AssociationPatch": {"type": "object", "properties": {
        "naam": {"type": "string", "description": "only without KBO number"},
        "korteNaam": {"type": "string"}, "roepnaam": {"type": "string"},
        "korteBeschrijving": {"type": "string"},
        "startdatum": {"type": "string", "format": "date", "description": "not in the future"},
        "doelgroep": {"type": "object", "properties": {
            "minimumleeftijd": {"type": "integer", "minimum": 0, "maximum": 150},
            "maximumleeftijd": {"type": "integer", "minimum": 0, "maximum": 150}}},
        "hoofdactiviteiten": {"type": "array", "items": {"type": "string"}},
        "werkingsgebieden": {"type": "array", "items": {"type": "string"}},
        "isUitgeschrevenUitPubliekeDatastroom": {"type": "boolean"}}},
    "Association": {"type": "object", "properties": {
        "vCode": {"type": "string"}, "naam": {"type": "string"},
        "korteNaam": {"type": ["string", "null"]}, "roepnaam": {"type": ["string", "null"]},
        "korteBeschrijving": {"type": ["string", "null"]}, "verenigingstype": _CODE,
        "kboNummer": {"type": ["string", "null"]}, "startdatum": {"type": ["string", "null"]},
        "status": {"enum": ["Actief", "Gestopt", "Dubbel"]},
        "doelgroep": {"type": "object"},
        "hoofdactiviteiten": {"type": "array", "items": _CODE},
        "werkingsgebieden": {"type": "array", "items": _CODE},
        "contactgegevens": {"type": "array",
                            "items": {"$ref": "#/components/schemas/Contactgegeven"}},
        "locaties": {"type": "array", "items": {"$ref": "#/components/schemas/Locatie"}},
        "versie": {"type": "integer"}}},
    "AssociationSearch": {"type": "object", "properties": {
        "query": {"type": "object"}, "total": {"type": "integer"},
        "offset": {"type": "integer"}, "limit": {"type": "integer"},
        "results": {"type": "array", "items": {"type": "object"}},
        "facets": {"type": "object", "properties": {
            "hoofdactiviteiten": {"type": "array", "items": {"type": "object"}},
            "werkingsgebieden": {"type": "array", "items": {"type": "object"}}}},
        "links": {"type": "object"}}},
}

PATHS["/associations"]["post"] = {
    "tags": ["associations"], "security": _USER,
    "summary": "Register a new association (FV, VZER, or a VZW by its KBO number); the "
               "caller becomes its primary representative",
    "parameters": [{"name": "VR-BevestigingsToken", "in": "header", "required": False,
                    "schema": {"type": "string"},
                    "description": "confirms a registration answered 409 "
                                   "possible_duplicate"}],
    "requestBody": {"required": True, "content": _json("Registratie")},
    "responses": {"201": {"description": "registered; Location and ETag",
                          "content": _json("Association")},
                  "400": {"description": "a value is refused; `field` names it",
                          "content": _ERR},
                  "409": {"description": "possible_duplicate: `kandidaten`, and the "
                                         "confirmation token (also in the "
                                         "VR-BevestigingsToken header)", "content": _ERR}}}

PART = OpenApiPart(PATHS, SCHEMAS, TAG)
