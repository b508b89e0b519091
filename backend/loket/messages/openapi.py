"""The messages' part of ``/api/v1/openapi.json``."""

from __future__ import annotations

from typing import Any

from loket.apibase import OpenApiPart
from loket.openapi_shared import client, errors, person

TAG = {"name": "messages", "description": "Messages (berichten) from governments"}
_STRING = {"type": "string"}
_NULLABLE = {"type": ["string", "null"]}
_REF = "#/components/schemas/"
_SENDER = client("messages:publish")
_READER = person("messages")
_ID = {"name": "message_id", "in": "path", "required": True, "schema": {"type": "integer"},
       "description": "the message's id (404 for anything but a whole number)"}
_SENDER_403 = "The token lacks scope messages:publish (or is a person's)."
_READER_403 = ("The token lacks scope messages (or is a client's), or its person no longer "
               "holds the capacity it was issued for (capacity_not_held).")
_TEXTS = {"oneOf": [{"type": "string", "description": "Dutch only"},
                    {"type": "object", "required": ["nl"], "additionalProperties": False,
                     "properties": {lang: _STRING for lang in ("nl", "fr", "de", "en")}}]}
_CODES = {"type": "array", "items": _STRING}


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": _REF + ref}}}


def _mark(summary: str) -> dict[str, Any]:
    return {"tags": ["messages"], "summary": summary, "security": _READER,
            "responses": {"200": {"description": "the message's state and the new unread "
                                                 "count", "content": _json("BerichtStatus")},
                          **errors(s403=_READER_403, s404="no such message for this "
                                                          "capacity (or no longer valid)")}}


PATHS: dict[str, Any] = {
    "/messages": {
        "post": {"tags": ["messages"], "security": _SENDER,
                 "summary": "Publish a message; its audience is fixed now",
                 "requestBody": {"required": True, "content": _json("Bericht")},
                 "responses": {
                     "201": {"description": "published: audience in `bereikt`",
                             "headers": {"Location": {"required": True, "schema": _STRING,
                                                      "description": "the message's URL"}},
                             "content": _json("VerstuurdBericht")},
                     "200": {"description": "this sleutel was published before: that message",
                             "headers": {"Location": {"required": True, "schema": _STRING,
                                                      "description": "the message's URL"}},
                             "content": _json("VerstuurdBericht")},
                     **errors("429", s400="a value is refused (`field` and `problems` name "
                                          "it)", s403=_SENDER_403,
                              s409="the same sleutel was being published at the same moment",
                              s413="The body is larger than 64 KB.")}},
        "get": {"tags": ["messages"], "security": _SENDER,
                "summary": "The client's own messages, newest first, with their figures",
                "parameters": [
                    {"name": "before", "in": "query", "schema": {"type": "integer",
                                                                "minimum": 0}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                               "maximum": 100}}],
                "responses": {"200": {"description": "a page; follow links.next",
                                      "content": _json("VerstuurdeBerichten")},
                              **errors(s400="a parameter is refused", s403=_SENDER_403)}},
    },
    "/messages/{message_id}": {"parameters": [_ID], "get": {
        "tags": ["messages"], "security": _SENDER, "summary": "One of the client's messages",
        "responses": {"200": {"description": "the message and its figures",
                              "content": _json("VerstuurdBericht")},
                      **errors(s403=_SENDER_403, s404="not a message of this client")}}},
    "/me/messages": {"get": {
        "tags": ["messages"], "security": _READER,
        "summary": "The messages of the token's capacity: unread first, then newest "
                   "(every read is logged)",
        "parameters": [
            {"name": "archived", "in": "query", "schema": {"enum": ["true", "false"]}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                       "maximum": 100}},
            {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0,
                                                        "maximum": 100000}},
            {"name": "lang", "in": "query", "schema": {"enum": ["nl", "fr", "de", "en"]}}],
        "responses": {"200": {"description": "a page", "content": _json("MijnBerichten")},
                      **errors(s400="a parameter is refused", s403=_READER_403)}}},
    "/me/messages/count": {"get": {
        "tags": ["messages"], "security": _READER, "summary": "The unread count of the "
                                                                "token's capacity",
        "responses": {"200": {"description": "the count", "content": {"application/json": {
            "schema": {"type": "object", "required": ["ongelezen"],
                       "properties": {"ongelezen": {"type": "integer"}}}}}},
                      **errors(s403=_READER_403)}}},
    "/me/messages/{message_id}/read": {"parameters": [_ID],
                                       "post": _mark("Mark as read"),
                                       "delete": _mark("Mark as unread again")},
    "/me/messages/{message_id}/archive": {"parameters": [_ID],
                                          "post": _mark("Archive (and so read)"),
                                          "delete": _mark("Take out of the archive")},
}

_TARGET = {"type": "object", "minProperties": 1, "maxProperties": 1,
           "description": "exactly one of: a list of vCodes (active associations), INSZ, "
                          "KBO numbers, or a filter over the register",
           "properties": {
               "verenigingen": _CODES, "personen": _CODES, "ondernemingen": _CODES,
               "filter": {"type": "object", "properties": {
                   "hoofdactiviteiten": _CODES,
                   "werkingsgebieden": {**_CODES, "description": "municipality or province "
                                                                 "codes; a province widens to "
                                                                 "its municipalities"},
                   "verenigingstypes": _CODES,
                   "heeftErkenning": {"type": "string",
                                      "description": "holds an active recognition for this "
                                                     "product"},
                   "mistErkenning": {"type": "string",
                                     "description": "holds none for this product"}}}}}
_MESSAGE_FIELDS = {
    "categorie": {"enum": ["subsidie", "erkenning", "evenement", "info", "actie-nodig"]},
    "link": {**_NULLABLE, "description": "http(s), on one of the sender's registered origins"},
    "productnummer": {**_NULLABLE, "description": "a catalog product"},
    "geldigVan": {**_NULLABLE, "description": "a date or a time with offset; default now"},
    "geldigTot": {**_NULLABLE, "description": "after geldigVan and now"},
    "sleutel": {**_NULLABLE, "maxLength": 200,
                "description": "idempotency: the same sleutel answers the first message"},
}
SCHEMAS: dict[str, Any] = {
    "Bericht": {"type": "object", "required": ["categorie", "titel", "tekst", "doelgroep"],
                "properties": {**_MESSAGE_FIELDS, "titel": _TEXTS, "tekst": _TEXTS,
                               "dossier": {**_NULLABLE, "description": "a dossier number of "
                                                                      "the sender's own"},
                               "doelgroep": _TARGET}},
    "VerstuurdBericht": {"type": "object", "required": ["id", "bereikt", "gelezen"],
                         "properties": {
                             "id": {"type": "integer"}, "soort": _STRING,
                             "afzender": _STRING, **_MESSAGE_FIELDS,
                             "titel": {"type": "object"}, "tekst": {"type": "object"},
                             "doelgroep": {"type": "object"}, "verstuurd": _STRING,
                             "bereikt": {"type": "integer", "description": "capacities the "
                                                                           "audience holds"},
                             "gelezen": {"type": "integer", "description": "of them, read by "
                                                                           "someone"}}},
    "VerstuurdeBerichten": {"type": "object", "required": ["berichten"], "properties": {
        "berichten": {"type": "array", "items": {"$ref": _REF + "VerstuurdBericht"}},
        "links": {"type": "object"}}},
    "MijnBericht": {"type": "object", "required": ["id", "titel", "tekst", "afzender"],
                    "properties": {
                        "id": {"type": "integer"}, "soort": _STRING,
                        "categorie": _STRING, "afzender": _STRING, "titel": _STRING,
                        "tekst": _STRING, "taal": _STRING, "link": _NULLABLE,
                        "geldigVan": _NULLABLE, "geldigTot": _NULLABLE,
                        "gelezen": _NULLABLE, "gearchiveerd": _NULLABLE,
                        "product": {"type": ["object", "null"]},
                        "dossier": {"type": ["object", "null"]}}},
    "MijnBerichten": {"type": "object", "required": ["ongelezen", "totaal", "berichten"],
                      "properties": {
                          "hoedanigheid": {"type": "object"},
                          "ongelezen": {"type": "integer"}, "totaal": {"type": "integer"},
                          "limit": {"type": "integer"}, "offset": {"type": "integer"},
                          "berichten": {"type": "array",
                                        "items": {"$ref": _REF + "MijnBericht"}}}},
    "BerichtStatus": {"type": "object", "required": ["id", "ongelezen"], "properties": {
        "id": {"type": "integer"}, "gelezen": _NULLABLE, "gearchiveerd": _NULLABLE,
        "ongelezen": {"type": "integer"}}},
}

PART = OpenApiPart(PATHS, SCHEMAS, TAG)
