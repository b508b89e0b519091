"""The register's part of ``/api/v1/openapi.json``."""

from __future__ import annotations

from typing import Any

from loket.apibase import OpenApiPart
from loket.openapi_shared import ANONYMOUS, client, errors, person

TAG = {"name": "associations", "description": "Association register (Verenigingsregister-style)"}
_STRING = {"type": "string"}
_VCODE = {"name": "vCode", "in": "path", "required": True, "schema": _STRING,
          "description": "V + 7 digits, any case (404 for anything else)"}
_ITEM = {"name": "item", "in": "path", "required": True, "schema": {"type": "integer"},
         "description": "the item's id (404 for anything but a whole number)"}
_IF_MATCH = {"name": "If-Match", "in": "header", "required": True, "schema": _STRING,
             "description": 'the ETag of the version you change, e.g. W/"3" (428 without it)'}
_IF_MATCH_OPTIONAL = {**_IF_MATCH, "required": False,
                      "description": 'optional: an addition overwrites nothing; when sent, 412 '
                                     'unless it names the current version'}
_REASON = {"name": "X-Loket-Reason", "in": "header", "required": True,
           "schema": {"type": "string", "maxLength": 300},
           "description": "why the data is needed (logged with every access; 400 without it, "
                          "or with control characters)"}
_REPRESENTATIVE = person("associations")
_ETAG = {"ETag": {"description": "the association's version (weak), for If-Match",
                  "required": True, "schema": _STRING}}
_LOCATION = {"Location": {"description": "the new item's URL", "required": True,
                          "schema": _STRING}}
_REP_403 = ("The token lacks scope associations (or is a client's), does not act for this "
            "association (capacity VER with its vCode), or its person is not a (primary) "
            "representative of it.")
_GOV_403 = "The token lacks the scope (or is a person's token)."


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def _ok(description: str, ref: str | None = None, *, headers: dict[str, Any] | None = None
        ) -> dict[str, Any]:
    return {"description": description, "headers": headers or _ETAG,
            **({"content": _json(ref)} if ref else {})}


def _change(summary: str, body: str | None, ok: str, status: str = "200", *,
            optional: bool | None = None, item: bool = False) -> dict[str, Any]:
    """A representative's change; ``If-Match`` is optional where it overwrites nothing (adding:
    201 and 202, or ``optional``)."""
    adds = status in ("201", "202") if optional is None else optional
    headers = {**_ETAG, **(_LOCATION if status in ("201", "202") else {})}
    op: dict[str, Any] = {
        "tags": ["associations"], "summary": summary, "security": _REPRESENTATIVE,
        "parameters": [_IF_MATCH_OPTIONAL if adds else _IF_MATCH],
        "responses": {
            status: _ok("changed; ETag is the new version", ok or None, headers=headers),
            **errors("412", s400="a value is refused (`field` and `problems` name it), or a "
                                 "malformed If-Match",
                     s403=_REP_403,
                     s404="no such association" + (", or no such item in it" if item else ""),
                     s409="contradicts the record (e.g. the last primary representative, a "
                          "stopped association), or a concurrent change came first",
                     s413="The body is larger than 64 KB."),
        },
    }
    if not adds:
        op["responses"].update(errors("428"))
    if body:
        op["requestBody"] = {"required": True, "content": _json(body)}
    return op


def _item_ops(name: str, schema: str, view: str) -> dict[str, Any]:
    return {"parameters": [_VCODE, _ITEM],
            "patch": _change(f"Change one {name}", schema, view, item=True),
            "delete": _change(f"Remove one {name}", None, "", "204", item=True)}


def _reading(summary: str, ref: str) -> dict[str, Any]:
    return {"tags": ["associations"], "security": _REPRESENTATIVE, "summary": summary,
            "responses": {"200": _ok("the list; ETag = the association's version", ref),
                          **errors(s403=_REP_403, s404="no such association")}}


def _government(scope: str, summary: str, ok: dict[str, Any], **described: str
                ) -> dict[str, Any]:
    return {"tags": ["associations"], "summary": summary, "security": client(scope),
            "parameters": [_REASON],
            "responses": {"200": ok,
                          **errors(s400="no reason (X-Loket-Reason), or another refused "
                                        "parameter", s403=_GOV_403, **described)}}


def _answer(summary: str, outcome: str) -> dict[str, Any]:
    return {"tags": ["associations"], "security": _REPRESENTATIVE, "summary": summary,
            "responses": {"200": _ok(f"the invitation, {outcome}", "UitnodigingView"),
                          **errors(s403="The token lacks scope associations (or is a "
                                        "client's).",
                                   s404="no such invitation for you",
                                   s409="not waiting (expired, withdrawn, answered)")}}


PATHS: dict[str, Any] = {
    "/associations": {"get": {
        "tags": ["associations"], "summary": "Public search (active associations that did not "
                                             "opt out; no personal data)",
        "security": ANONYMOUS,
        "parameters": [
            {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200},
             "description": "words in name, short name or description; each a prefix"},
            {"name": "werkingsgebied", "in": "query", "schema": {"type": "array",
             "items": _STRING}, "explode": True,
             "description": "postcode, municipality or province (code or name); widens to all "
                            "within; repeat for several (any of them)"},
            {"name": "hoofdactiviteit", "in": "query", "schema": {"type": "array",
             "items": _STRING}, "explode": True,
             "description": "activity code; repeat for several (any of them)"},
            {"name": "offset", "in": "query", "schema": {"type": "integer", "default": 0,
                                                         "minimum": 0}},
            {"name": "limit", "in": "query",
             "schema": {"type": "integer", "default": 50, "minimum": 1, "maximum": 100}},
            {"name": "sort", "in": "query", "schema": {"enum": ["relevance", "name"]}},
        ],
        "responses": {"200": {"description": "results, total and facets",
                              "content": _json("AssociationSearch")},
                      **errors("429", s400="a parameter is refused (`field` names it: an "
                                           "unknown postcode or code, a number out of "
                                           "range…)")},
    }},
    "/associations/{vCode}": {
        "parameters": [_VCODE],
        "get": {"tags": ["associations"], "summary": "Public detail (no personal data)",
                "description": "An association that stopped, is a duplicate or opted out is "
                               "404, as a vCode nobody has, except for its own representatives "
                               "(a token acting for it); any other token is not looked at.",
                "security": ANONYMOUS,
                "parameters": [{"name": "If-None-Match", "in": "header", "required": False,
                                "schema": _STRING,
                                "description": "an ETag you hold: 304 while it is current"}],
                "responses": {"200": _ok("the association; ETag = its version", "Association"),
                              "304": {"description": "If-None-Match holds the current version",
                                      "headers": _ETAG},
                              **errors(s404="no such vCode (or not public)")}},
        "patch": _change("Change its own fields (names, description, start date, doelgroep, "
                         "activities, areas, opt-out)", "AssociationPatch", "Association"),
    },
    "/associations/{vCode}/contactgegevens": {"parameters": [_VCODE], "post": _change(
        "Add a contact", "Contactgegeven", "ContactgegevenView", "201")},
    "/associations/{vCode}/contactgegevens/{item}": _item_ops(
        "contact", "Contactgegeven", "ContactgegevenView"),
    "/associations/{vCode}/locaties": {"parameters": [_VCODE], "post": _change(
        "Add a location", "Locatie", "LocatieView", "201")},
    "/associations/{vCode}/locaties/{item}": _item_ops("location", "Locatie", "LocatieView"),
    "/associations/{vCode}/vertegenwoordigers": {
        "parameters": [_VCODE],
        "get": _reading("The representatives with their personal data (representatives "
                        "only; each read is logged)", "Vertegenwoordigers"),
        "post": _change("Invite a representative (primary representatives only): the same "
                        "as POST …/uitnodigingen; nobody is added without consent",
                        "Uitnodiging", "UitnodigingView", "202"),
    },
    "/associations/{vCode}/uitnodigingen": {
        "parameters": [_VCODE],
        "get": _reading("The association's invitations, newest first (INSZ masked for a "
                        "representative who is not primary)", "Uitnodigingen"),
        "post": _change("Invite a person by INSZ and e-mail (primary representatives only); "
                        "202: it waits for their answer", "Uitnodiging", "UitnodigingView",
                        "202"),
    },
    "/associations/{vCode}/uitnodigingen/{item}": {
        "parameters": [_VCODE, _ITEM],
        "delete": _change("Withdraw an invitation that still waits (primary representatives "
                          "only)", None, "UitnodigingView", optional=True, item=True)},
    "/associations/{vCode}/stop": {"parameters": [_VCODE], "post": _change(
        "Stop the association (primary representatives only): status Gestopt", "Stop",
        "Association", optional=True)},
    "/postcodes/{postcode}": {"get": {
        "tags": ["associations"], "summary": "The municipalities a postcode lies in (what "
                                             "the address forms suggest)",
        "security": ANONYMOUS,
        "parameters": [{"name": "postcode", "in": "path", "required": True,
                        "schema": {"type": "string", "pattern": "^[1-9][0-9]{3}$"}}],
        "responses": {"200": {"description": "the municipalities and their places",
                              "content": _json("Postcode")},
                      **errors("429", s400="not four digits",
                               s404="not in the loaded postcode list")}}},
    "/uitnodigingen": {"get": {
        "tags": ["associations"], "security": _REPRESENTATIVE,
        "summary": "The invitations that wait for the calling person's answer",
        "responses": {"200": {"description": "list", "content": _json("Uitnodigingen")},
                      **errors(s403="The token lacks scope associations (or is a "
                                    "client's).")}}},
    "/uitnodigingen/{item}/aanvaarden": {"parameters": [_ITEM], "post": _answer(
        "Accept: the caller becomes a representative (not primary)", "Aanvaard")},
    "/uitnodigingen/{item}/weigeren": {"parameters": [_ITEM], "post": _answer(
        "Decline the invitation", "Geweigerd")},
    "/exchange/associations/{vCode}/dubbelVan": {
        "parameters": [_VCODE],
        "post": {**_government(
            "associations:manage", "Mark as a duplicate of another active association",
            _ok("status Dubbel; ETag = the new version", "Duplicate"),
            s404="no such association", s409="not active, or the other is not active",
            s412="If-Match does not name the current version"),
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"type": "object", "required": ["dubbelVan"],
                           "properties": {"dubbelVan": _STRING}}}}}},
        "delete": _government(
            "associations:manage", "Undo a duplicate marking",
            _ok("status Actief again; ETag = the new version", "Duplicate"),
            s404="no such association", s409="not marked as duplicate",
            s412="If-Match does not name the current version"),
    },
    "/associations/{vCode}/vertegenwoordigers/{item}": _item_ops(
        "representative (others: primary representatives only)", "Vertegenwoordiger",
        "VertegenwoordigerView"),
    "/exchange/associations/{vCode}": {"parameters": [_VCODE], "get": _government(
        "associations:exchange", "Full record for a government, representatives included",
        _ok("the record with representatives", "FullAssociation"),
        s404="no such association")},
    "/exchange/changes": {"get": _government(
        "associations:exchange", "Change feed: events after a sequence number",
        {"description": "events in sequence order; follow links.next",
         "content": _json("Changes")}, s404="vCode: no such association")},
    "/me/personal-data": {"get": {
        "tags": ["associations"], "summary": "AVG: everything stored about the person "
                                             "(scope privacy; the download is logged)",
        "security": person("privacy"),
        "responses": {"200": {"description": "one JSON document", "headers": {
            "Content-Disposition": {"description": "attachment; filename=…",
                                    "required": True, "schema": _STRING}},
            "content": {"application/json": {"schema": {"type": "object"}}}},
            **errors(s403="The token lacks scope privacy (or is a client's).")}}},
    "/me/access-log": {"get": {
        "tags": ["associations"], "summary": "AVG: who accessed the person's data, when and "
                                             "why (scope privacy)",
        "security": person("privacy"),
        "parameters": [{"name": "before", "in": "query",
                        "schema": {"type": "integer", "minimum": 0}}],
        "responses": {"200": {"description": "newest first; `ouder` pages back",
                              "content": {"application/json": {"schema": {"type": "object"}}}},
                      **errors(s400="before is not a sequence number",
                               s403="The token lacks scope privacy (or is a client's).")}}},
}

PATHS["/exchange/changes"]["get"]["parameters"] += [
    {"name": "since", "in": "query", "schema": {"type": "integer", "minimum": 0,
                                                "default": 0}},
    {"name": "limit", "in": "query",
     "schema": {"type": "integer", "default": 100, "minimum": 1, "maximum": 500}},
    {"name": "vCode", "in": "query", "schema": _STRING}]
for _method in ("post", "delete"):
    PATHS["/exchange/associations/{vCode}/dubbelVan"][_method]["parameters"].append(
        _IF_MATCH_OPTIONAL)

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
    "tags": ["associations"], "security": _REPRESENTATIVE,
    "summary": "Register a new association (FV, VZER, or a VZW by its KBO number); the "
               "caller becomes its primary representative",
    "parameters": [{"name": "VR-BevestigingsToken", "in": "header", "required": False,
                    "schema": _STRING,
                    "description": "confirms a registration answered 409 "
                                   "possible_duplicate"}],
    "requestBody": {"required": True, "content": _json("Registratie")},
    "responses": {"201": _ok("registered; Location and ETag", "Association",
                             headers={**_ETAG, **_LOCATION}),
                  **errors(s400="a value is refused (`field` and `problems` name it)",
                           s403="The token lacks scope associations (or is a client's).",
                           s409="possible_duplicate: `kandidaten`, and the confirmation "
                                "token `bevestigingsToken` to send as VR-BevestigingsToken",
                           s413="The body is larger than 64 KB.")}}

_NULLABLE = {"type": ["string", "null"]}
_CONTACT_VIEW = {"type": "object", "required": ["id", "type", "waarde", "isPrimair"],
                 "properties": {"id": {"type": "integer"}, "type": _STRING, "waarde": _STRING,
                                "beschrijving": _NULLABLE, "isPrimair": {"type": "boolean"}}}
_LOCATION_VIEW = {"type": "object", "required": ["id", "type", "adres"], "properties": {
    "id": {"type": "integer"}, "type": _STRING, "isPrimair": {"type": "boolean"},
    "naam": _NULLABLE, "adresvoorstelling": _STRING,
    "adres": {"type": "object", "properties": {k: _NULLABLE for k in (
        "straatnaam", "huisnummer", "busnummer", "postcode", "gemeente", "land")}}}}
_REP_VIEW = {"type": "object", "required": ["id", "insz", "isPrimair"], "properties": {
    "id": {"type": "integer"}, "insz": _STRING, "inszGemaskeerd": {"type": "boolean"},
    **{k: _NULLABLE for k in ("voornaam", "achternaam", "roepnaam", "rol", "email",
                               "telefoon")},
    "isPrimair": {"type": "boolean"}}}
_INVITATION_VIEW = {"type": "object", "required": ["id", "vCode", "status"], "properties": {
    "id": {"type": "integer"}, "vCode": _STRING, "naam": _STRING, "insz": _NULLABLE,
    **{k: _NULLABLE for k in ("voornaam", "achternaam", "email", "rol")},
    "status": {"enum": ["WachtOpAntwoord", "Aanvaard", "Geweigerd", "Ingetrokken",
                        "Verlopen"]},
    "aangemaakt": {"type": "string", "format": "date-time"},
    "vervalt": {"type": "string", "format": "date-time"},
    "beantwoord": {"type": ["string", "null"], "format": "date-time"}}}
_REF = "#/components/schemas/"
SCHEMAS.update({
    "ContactgegevenView": _CONTACT_VIEW,
    "LocatieView": _LOCATION_VIEW,
    "VertegenwoordigerView": _REP_VIEW,
    "UitnodigingView": _INVITATION_VIEW,
    "Vertegenwoordigers": {"type": "object", "required": ["vCode", "vertegenwoordigers"],
                           "properties": {"vCode": _STRING, "vertegenwoordigers": {
                               "type": "array",
                               "items": {"$ref": _REF + "VertegenwoordigerView"}}}},
    "Uitnodigingen": {"type": "object", "required": ["uitnodigingen"], "properties": {
        "vCode": _STRING, "uitnodigingen": {"type": "array",
                                            "items": {"$ref": _REF + "UitnodigingView"}}}},
    "Postcode": {"type": "object", "required": ["postcode", "gemeenten"], "properties": {
        "postcode": _STRING, "gemeenten": {"type": "array", "items": {
            "type": "object", "required": ["naam", "plaatsen"],
            "properties": {"naam": _STRING, "plaatsen": {"type": "array",
                                                         "items": _STRING}}}}}},
    "Duplicate": {"type": "object", "required": ["vCode", "status", "dubbelVan", "versie"],
                  "properties": {"vCode": _STRING, "status": {"enum": ["Actief", "Dubbel"]},
                                 "dubbelVan": _NULLABLE, "versie": {"type": "integer"}}},
    "FullAssociation": {"allOf": [{"$ref": _REF + "Association"}, {
        "type": "object",
        "required": ["vertegenwoordigers", "isUitgeschrevenUitPubliekeDatastroom"],
        "properties": {
            "isUitgeschrevenUitPubliekeDatastroom": {"type": "boolean"},
            "vertegenwoordigers": {"type": "array",
                                   "items": {"$ref": _REF + "VertegenwoordigerView"}}}}]},
    "Changes": {"type": "object", "required": ["since", "last", "changes", "links"],
                "properties": {
                    "since": {"type": "integer"}, "last": {"type": "integer"},
                    "changes": {"type": "array", "items": {"type": "object", "required": [
                        "sequentie", "vCode", "versie", "type"], "properties": {
                        "sequentie": {"type": "integer"}, "vCode": _STRING,
                        "versie": {"type": "integer"}, "type": _STRING,
                        "door": {"type": "object"}, "data": {"type": ["object", "null"]}}}},
                    "links": {"type": "object", "properties": {"next": _STRING}}}},
})
SCHEMAS["Association"]["properties"].update({
    "contactgegevens": {"type": "array", "items": {"$ref": _REF + "ContactgegevenView"}},
    "locaties": {"type": "array", "items": {"$ref": _REF + "LocatieView"}},
    "einddatum": _NULLABLE, "dubbelVan": _NULLABLE,
})
SCHEMAS["Association"]["required"] = ["vCode", "naam", "status", "versie"]

# ---- recognitions (erkenningen), recorded by governments for their own products -------------

_RECOGNITION_FIELDS = {
    "startdatum": {"type": ["string", "null"], "format": "date"},
    "einddatum": {"type": ["string", "null"], "format": "date",
                  "description": "not before startdatum; after it: Verlopen"},
    "hernieuwingsdatum": {"type": ["string", "null"], "format": "date",
                          "description": "when to ask for renewal (not after einddatum)"},
    "hernieuwingsUrl": {"type": ["string", "null"],
                        "description": "http(s), on one of the client's registered origins"},
    "redenSchorsing": {"type": ["string", "null"], "maxLength": 500,
                       "description": "set: Geschorst (only once started); null: lifted"},
}
_RECOGNITION_VIEW = {"type": "object", "required": ["erkenningId", "productnummer", "status"],
                     "properties": {
                         "erkenningId": {"type": "integer"}, "productnummer": _STRING,
                         "organisatie": _STRING,
                         "status": {"enum": ["InAanvraag", "Actief", "Geschorst", "Verlopen"]},
                         **_RECOGNITION_FIELDS}}
SCHEMAS.update({
    "Erkenning": {"type": "object", "required": ["productnummer"], "properties": {
        "productnummer": {"type": "string", "maxLength": 100,
                          "description": "a product of the client's own catalog"},
        **_RECOGNITION_FIELDS}},
    "ErkenningPatch": {"type": "object", "properties": _RECOGNITION_FIELDS},
    "ErkenningView": _RECOGNITION_VIEW,
    "Erkenningen": {"type": "object", "required": ["erkenningen"], "properties": {
        "vCode": _STRING, "links": {"type": "object"},
        "erkenningen": {"type": "array", "items": {"$ref": _REF + "ErkenningView"}}}},
})
SCHEMAS["Association"]["properties"]["erkenningen"] = {
    "type": "array", "items": {"$ref": _REF + "ErkenningView"}}
_RECOGNISER = client("associations:recognitions")
_RECOGNITION_403 = ("The token lacks scope associations:recognitions (or is a person's), or "
                    "the recognition was recorded by another client.")


def _recognition_change(summary: str, body: str | None, ok: str | None, status: str, *,
                        optional: bool) -> dict[str, Any]:
    headers = {**_ETAG, **(_LOCATION if status == "201" else {})}
    op: dict[str, Any] = {
        "tags": ["associations"], "summary": summary, "security": _RECOGNISER,
        "parameters": [_IF_MATCH_OPTIONAL if optional else _IF_MATCH],
        "responses": {status: _ok("changed; ETag is the association's new version", ok,
                                  headers=headers),
                      **errors("412", s400="a value is refused (`field` and `problems` name "
                                           "it), or a malformed If-Match",
                               s403=_RECOGNITION_403,
                               s404="no such association, or no such recognition in it",
                               s409="the association is not active, already holds a running "
                                    "recognition for the product, or a concurrent change "
                                    "came first",
                               s413="The body is larger than 64 KB.")}}
    if not optional:
        op["responses"].update(errors("428"))
    if body:
        op["requestBody"] = {"required": True, "content": _json(body)}
    return op


PATHS.update({
    "/exchange/associations/{vCode}/erkenningen": {
        "parameters": [_VCODE],
        "get": {"tags": ["associations"], "security": _RECOGNISER,
                "summary": "The association's recognitions (every government's)",
                "responses": {"200": _ok("the list; ETag = the association's version",
                                         "Erkenningen"),
                              **errors(s403=_RECOGNITION_403, s404="no such association")}},
        "post": _recognition_change("Record a recognition for one of the client's products",
                                    "Erkenning", "ErkenningView", "201", optional=True),
    },
    "/exchange/associations/{vCode}/erkenningen/{item}": {
        "parameters": [_VCODE, _ITEM],
        "patch": _recognition_change("Change a recognition the client recorded (dates, "
                                     "renewal, suspension)", "ErkenningPatch",
                                     "ErkenningView", "200", optional=False),
        "delete": _recognition_change("Remove a recognition the client recorded", None, None,
                                      "204", optional=False),
    },
    "/exchange/erkenningen": {"get": {
        "tags": ["associations"], "security": _RECOGNISER,
        "summary": "The recognitions this client recorded, by id; follow links.next",
        "parameters": [
            {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}},
            {"name": "limit", "in": "query",
             "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}},
            {"name": "productnummer", "in": "query", "schema": _STRING},
            {"name": "status", "in": "query",
             "schema": {"enum": ["InAanvraag", "Actief", "Geschorst", "Verlopen"]}}],
        "responses": {"200": {"description": "a page", "content": _json("Erkenningen")},
                      **errors(s400="a parameter is refused", s403=_RECOGNITION_403)}}},
})

PART = OpenApiPart(PATHS, SCHEMAS, TAG)
