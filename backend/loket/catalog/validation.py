"""Validation of one catalog record (the JSON format of docs/catalog.md and
docs/catalog.schema.json) into its canonical form; every problem names its field.

Pure: no Flask, no database. Spatial-scope codes are checked against the set of known
werkingsgebieden the caller passes in (the shipped list plus codes added locally).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from loket import inputs
from loket.catalog import codes
from loket.errors import DEFAULT_LANGUAGE, BadRequest
from loket.trust import Binding

PRODUCT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
PUBLISHER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]{3,30}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

TITLE_MAX = 200
TEXT_MAX = 10_000
LIST_MAX = 50

FIELDS = ("id", "publisher", "title", "description", "descriptionHtml", "type", "doelgroepen",
          "themas",
          "competentAuthority", "executingAuthority", "keywords", "requirements", "procedure",
          "costs", "websites", "contactPoints", "spatialScope", "startDate", "endDate",
          "onlineRequestUrl")
_AUTHORITY_FIELDS = ("level", "name", "ovo")
_OVO = re.compile(r"^OVO[0-9]{6}$")
_WEBSITE_FIELDS = ("url", "title")
_CONTACT_FIELDS = ("email", "phone", "url", "openingHours", "address")
_ADDRESS_FIELDS = ("street", "number", "postcode", "municipality")


@dataclass(frozen=True)
class FieldError:
    field: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "detail": self.detail}


class InvalidProduct(BadRequest):
    """A record that cannot be accepted; ``errors`` name each field and what is wrong."""

    code = "invalid_product"

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(None, "; ".join(f"{e.field}: {e.detail}" for e in errors))
        self.errors = errors

    def to_dict(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {**super().to_dict(lang), "errors": [e.to_dict() for e in self.errors]}


class _Checker:
    def __init__(self, known_areas: Collection[str]) -> None:
        self.errors: list[FieldError] = []
        self.known_areas = known_areas

    def fail(self, field: str, detail: str) -> None:
        self.errors.append(FieldError(field, detail))

    # ---- primitives -----------------------------------------------------------------------

    def text(self, value: Any, field: str, *, limit: int, required: bool = True) -> str | None:
        if value is None and not required:
            return None
        if not isinstance(value, str):
            self.fail(field, "must be a string")
            return None
        value = value.strip()
        if not value:
            if required:
                self.fail(field, "must not be empty")
            return None
        if len(value) > limit:
            self.fail(field, f"is {len(value)} characters long; at most {limit}")
            return None
        if inputs.has_control(value, multiline=True):
            self.fail(field, "contains control characters")
            return None
        return value

    def lang_string(self, value: Any, field: str, *, limit: int,
                    required: tuple[str, ...] = ()) -> dict[str, str] | None:
        if not isinstance(value, dict):
            self.fail(field, 'must be an object by language, e.g. {"nl": "…", "en": "…"}')
            return None
        result: dict[str, str] = {}
        for lang, text in value.items():
            if lang not in codes.LANGUAGES:
                self.fail(f"{field}.{lang}", f"unknown language; use {', '.join(codes.LANGUAGES)}")
                continue
            clean = self.text(text, f"{field}.{lang}", limit=limit)
            if clean is not None:
                result[lang] = clean
        for lang in required:
            if lang not in value:
                self.fail(f"{field}.{lang}", "is required")
        if not value and not required:
            self.fail(field, "give at least one language")
        return {lang: result[lang] for lang in codes.LANGUAGES if lang in result} or None

    def code_list(self, value: Any, field: str, kind: str, *, at_least_one: bool) -> list[str]:
        if not isinstance(value, list):
            self.fail(field, "must be a list of codes")
            return []
        if at_least_one and not value:
            self.fail(field, "give at least one code")
        known = codes.codes(kind)
        result: list[str] = []
        for i, code in enumerate(value):
            if not isinstance(code, str) or code not in known:
                self.fail(f"{field}[{i}]", f"unknown code {code!r}; known: {', '.join(known)}")
            elif code not in result:
                result.append(code)
        return result

    def code(self, value: Any, field: str, kind: str) -> str | None:
        known = codes.codes(kind)
        if not isinstance(value, str) or value not in known:
            self.fail(field, f"unknown code {value!r}; known: {', '.join(known)}")
            return None
        return value

    def url(self, value: Any, field: str) -> str | None:
        text = self.text(value, field, limit=2000)
        if text is None:
            return None
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname or " " in text:
            self.fail(field, "must be an absolute http(s) URL")
            return None
        if parts.username or parts.password:
            self.fail(field, "must not contain credentials")
            return None
        return text

    def date(self, value: Any, field: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not _DATE.match(value):
            self.fail(field, "must be a date as YYYY-MM-DD")
            return None
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            self.fail(field, f"{value!r} is not a date in the calendar")
            return None
        return value

    def unknown_keys(self, value: dict[str, Any], allowed: tuple[str, ...], field: str) -> None:
        for key in value:
            if key not in allowed:
                where = f"{field}.{key}" if field else str(key)
                self.fail(where, f"unknown field; known: {', '.join(allowed)}")

    def obj(self, value: Any, field: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(field, "must be an object")
            return None
        return value

    def items(self, value: Any, field: str) -> list[Any]:
        if not isinstance(value, list):
            self.fail(field, "must be a list")
            return []
        if len(value) > LIST_MAX:
            self.fail(field, f"has {len(value)} entries; at most {LIST_MAX}")
            return []
        return value

    # ---- composite fields -----------------------------------------------------------------

    def authority(self, value: Any, field: str, kind: str,
                  name_required: bool) -> dict[str, str] | None:
        found = self.obj(value, field)
        if found is None:
            return None
        self.unknown_keys(found, _AUTHORITY_FIELDS, field)
        level = self.code(found.get("level"), f"{field}.level", kind)
        name = self.text(found.get("name"), f"{field}.name", limit=300, required=name_required)
        result: dict[str, Any] = {"level": level} if level else {}
        if name:
            result["name"] = name
        if found.get("ovo") is not None:  # the organisations by OVO code (IPDC's, Wegwijs')
            ovo = [c for i, c in enumerate(self.items(found["ovo"], f"{field}.ovo"))
                   if self._ovo(c, f"{field}.ovo[{i}]")]
            if ovo:
                result["ovo"] = list(dict.fromkeys(ovo))
        return result if level else None

    def _ovo(self, value: Any, field: str) -> bool:
        if isinstance(value, str) and _OVO.match(value):
            return True
        self.fail(field, "must be an OVO code such as OVO002514")
        return False

    def markup(self, value: Any, field: str) -> dict[str, str] | None:
        """A language map of HTML, kept only as the catalog's sanitiser leaves it."""
        from loket.catalog.ipdc import sanitise

        found = self.lang_string(value, field, limit=TEXT_MAX * 2)
        return {lang: sanitise(text) for lang, text in found.items()} if found else None

    def keywords(self, value: Any, field: str) -> dict[str, list[str]]:
        found = self.obj(value, field)
        result: dict[str, list[str]] = {}
        for lang, words in (found or {}).items():
            where = f"{field}.{lang}"
            if lang not in codes.LANGUAGES:
                self.fail(where, f"unknown language; use {', '.join(codes.LANGUAGES)}")
                continue
            clean = [self.text(w, f"{where}[{i}]", limit=60) for i, w in
                     enumerate(self.items(words, where))]
            result[lang] = list(dict.fromkeys(w for w in clean if w))
        return {lang: result[lang] for lang in codes.LANGUAGES if result.get(lang)}

    def websites(self, value: Any, field: str) -> list[dict[str, Any]]:
        result = []
        for i, site in enumerate(self.items(value, field)):
            where = f"{field}[{i}]"
            found = self.obj(site, where)
            if found is None:
                continue
            self.unknown_keys(found, _WEBSITE_FIELDS, where)
            entry: dict[str, Any] = {"url": self.url(found.get("url"), f"{where}.url")}
            if "title" in found:
                entry["title"] = self.lang_string(found["title"], f"{where}.title", limit=TITLE_MAX)
            result.append({k: v for k, v in entry.items() if v})
        return result

    def contact_points(self, value: Any, field: str) -> list[dict[str, Any]]:
        result = []
        for i, point in enumerate(self.items(value, field)):
            where = f"{field}[{i}]"
            found = self.obj(point, where)
            if found is None:
                continue
            self.unknown_keys(found, _CONTACT_FIELDS, where)
            entry: dict[str, Any] = {}
            if found.get("email") is not None:
                email = self.text(found["email"], f"{where}.email", limit=254)
                if email and not _EMAIL.match(email):
                    self.fail(f"{where}.email", "is not an e-mail address")
                entry["email"] = email
            if found.get("phone") is not None:
                phone = self.text(found["phone"], f"{where}.phone", limit=30)
                if phone and not _PHONE.match(phone):
                    self.fail(f"{where}.phone", "is not a phone number (digits, spaces, + ( ) . / -)")
                entry["phone"] = phone
            if found.get("url") is not None:
                entry["url"] = self.url(found["url"], f"{where}.url")
            if found.get("openingHours") is not None:
                entry["openingHours"] = self.lang_string(found["openingHours"],
                                                         f"{where}.openingHours", limit=1000)
            if found.get("address") is not None:
                entry["address"] = self.address(found["address"], f"{where}.address")
            if not any(k in found for k in ("email", "phone", "url")):
                self.fail(where, "give at least an email, phone or url")
            result.append({k: v for k, v in entry.items() if v})
        return result

    def address(self, value: Any, field: str) -> dict[str, str] | None:
        found = self.obj(value, field)
        if found is None:
            return None
        self.unknown_keys(found, _ADDRESS_FIELDS, field)
        result = {}
        for key in _ADDRESS_FIELDS:
            clean = self.text(found.get(key), f"{field}.{key}", limit=200,
                              required=key in ("street", "municipality"))
            if clean:
                result[key] = clean
        return result

    def areas(self, value: Any, field: str) -> list[str]:
        result: list[str] = []
        for i, code in enumerate(self.items(value, field)):
            if not isinstance(code, str) or code not in self.known_areas:
                self.fail(f"{field}[{i}]", f"unknown werkingsgebied {code!r} (a NUTS/NIS code from "
                                           "the werkingsgebieden list, e.g. BE23444021)")
            elif code not in result:
                result.append(code)
        return result


def _bind(check: _Checker, out: dict[str, Any], binding: Binding) -> None:
    """The competent authority is the publisher's organisation; its links lie on its origins."""
    authority = out.get("competentAuthority")
    if isinstance(authority, dict):
        given = authority.get("name")
        problem = binding.name_problem(given) if given else None
        if problem:
            check.fail("competentAuthority.name", problem)
        else:
            authority["name"] = binding.organisation
    links = [(f"websites[{i}].url", site.get("url")) for i, site in
             enumerate(out.get("websites") or [])]
    links += [(f"contactPoints[{i}].url", point.get("url")) for i, point in
              enumerate(out.get("contactPoints") or [])]
    links.append(("onlineRequestUrl", out.get("onlineRequestUrl")))
    for field, url in links:
        problem = binding.link_problem(url) if url else None
        if problem:
            check.fail(field, problem)


def parse_product(record: Any, known_areas: Collection[str], *, product_id: str | None = None,
                  allow_publisher: bool = False,
                  binding: Binding | None = None) -> dict[str, Any]:
    """The canonical form of one record, or :class:`InvalidProduct` naming every bad field.

    ``product_id`` (from a URL) must agree with the record's ``id`` when the record has one.
    ``publisher`` is accepted only where the caller allows it (import), and kept in the result.
    ``binding``: the publishing client's organisation and origins (:mod:`loket.trust`): the
    competent authority is that organisation (its name filled in when missing), and every link
    lies on its origins.
    """
    check = _Checker(known_areas)
    if not isinstance(record, dict):
        raise InvalidProduct([FieldError("", "a product must be a JSON object")])
    check.unknown_keys(record, FIELDS if allow_publisher else
                       tuple(f for f in FIELDS if f != "publisher"), "")
    raw_id = record.get("id", product_id)
    if product_id is not None and raw_id != product_id:
        check.fail("id", f"differs from the id in the URL ({product_id!r})")
    if not isinstance(raw_id, str) or not PRODUCT_ID.match(raw_id):
        check.fail("id", "1-100 characters: letters, digits, '.', '_' or '-', starting with a "
                         "letter or digit")
    out: dict[str, Any] = {"id": raw_id}
    if allow_publisher and record.get("publisher") is not None:
        publisher = record["publisher"]
        if not isinstance(publisher, str) or not PUBLISHER_ID.match(publisher):
            check.fail("publisher", "must be a registered client id")
        out["publisher"] = publisher
    for name, limit in (("title", TITLE_MAX), ("description", TEXT_MAX)):
        if name not in record:
            check.fail(name, 'is required, e.g. {"nl": "…", "en": "…"}')
        else:
            out[name] = check.lang_string(record[name], name, limit=limit,
                                          required=codes.REQUIRED_LANGUAGES)
    if record.get("descriptionHtml") is not None:
        out["descriptionHtml"] = check.markup(record["descriptionHtml"], "descriptionHtml")
    out["type"] = check.code(record.get("type"), "type", "type")
    out["doelgroepen"] = check.code_list(record.get("doelgroepen"), "doelgroepen", "doelgroep",
                                         at_least_one=True)
    out["themas"] = check.code_list(record.get("themas"), "themas", "thema", at_least_one=True)
    if "competentAuthority" not in record:
        check.fail("competentAuthority", 'is required, e.g. {"level": "Lokaal", "name": "…"}')
    else:
        # a bound publisher's authority is its organisation: the name may be left out
        out["competentAuthority"] = check.authority(record["competentAuthority"],
                                                    "competentAuthority", "level",
                                                    binding is None)
    if record.get("executingAuthority") is not None:
        out["executingAuthority"] = check.authority(record["executingAuthority"],
                                                    "executingAuthority", "executing_level", False)
    if record.get("keywords") is not None:
        out["keywords"] = check.keywords(record["keywords"], "keywords")
    for name in ("requirements", "procedure", "costs"):
        if record.get(name) is not None:
            out[name] = check.lang_string(record[name], name, limit=TEXT_MAX)
    if record.get("websites") is not None:
        out["websites"] = check.websites(record["websites"], "websites")
    if record.get("contactPoints") is not None:
        out["contactPoints"] = check.contact_points(record["contactPoints"], "contactPoints")
    out["spatialScope"] = check.areas(record.get("spatialScope", []), "spatialScope")
    out["startDate"] = check.date(record.get("startDate"), "startDate")
    out["endDate"] = check.date(record.get("endDate"), "endDate")
    if out["startDate"] and out["endDate"] and out["endDate"] < out["startDate"]:
        check.fail("endDate", "lies before startDate")
    if record.get("onlineRequestUrl") is not None:
        out["onlineRequestUrl"] = check.url(record["onlineRequestUrl"], "onlineRequestUrl")
    if binding is not None:
        _bind(check, out, binding)
    if check.errors:
        raise InvalidProduct(check.errors)
    return {key: out[key] for key in FIELDS if out.get(key) not in (None, [], {})}
