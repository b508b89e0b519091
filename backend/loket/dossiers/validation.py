"""Validation of a pushed dossier: every field checked, the first problem named by its path.

Pure functions, no Flask and no database. Text is kept exactly as sent (never trimmed, never
interpreted): it is data, escaped by whoever displays it. What cannot be stored or shown safely
is refused instead: control characters, unpaired surrogates, over-long values.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from loket.identifiers import InvalidIdentifier, parse_insz, parse_kbo, parse_vcode
from loket.trust import Binding

PHASES = ("Samenstelling", "Behandeling", "Beslissing", "Beroep", "Uitvoering", "Afgerond")
CLOSED_PHASE = "Afgerond"
STATUS_CODES = (
    "Aangevraagd", "Ingediend", "DossierOnvolledig", "Ontvankelijk", "InBehandeling", "InWacht",
    "Beslist", "Goedgekeurd", "Geweigerd", "Stopgezet", "Betaald", "Uitgevoerd",
)
RIGHTS = ("raadplegen", "beheren")

MAX_AGENTS = 50
MAX_PRODUCTS = 50
MAX_BULK = 1000
# A back office's clock may run a little ahead of ours; further ahead is a mistake.
FUTURE_SKEW_SECONDS = 3600
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)

NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
PRODUCT_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{4,28}[0-9]$")
# C0/C1 controls and DEL; a multi-line field may hold tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")

DOSSIER_KEYS = ("number", "name", "type", "lastChange", "status", "link", "productNumbers",
                "handler", "agents")
STATUS_KEYS = ("code", "phase", "detail", "action")
ACTION_KEYS = ("required", "text")
HANDLER_KEYS = ("name", "department", "phone", "email", "website")
AGENT_KEYS = ("identifier", "type", "rights")


class InvalidField(ValueError):
    """A field that cannot be accepted; ``field`` is its path, e.g. ``agents[1].identifier``."""

    def __init__(self, field: str | None, detail: str, index: int | None = None) -> None:
        super().__init__(detail)
        self.field = field
        self.detail = detail
        self.index = index

    def within(self, prefix: str, index: int) -> InvalidField:
        """The same problem, located inside record ``index`` of a bulk call."""
        path = f"{prefix}[{index}]" + (f".{self.field}" if self.field else "")
        return InvalidField(path, self.detail, index)


@dataclass(frozen=True)
class Agent:
    kind: str
    identifier: str
    rights: str


@dataclass(frozen=True)
class DossierInput:
    """A validated dossier as the back office sent it (identifiers in canonical form)."""

    number: str
    name: str
    type: str | None
    last_change: int
    status_code: str
    phase: str
    status_detail: str | None
    action_required: bool
    action_text: str | None
    link: str | None
    product_numbers: tuple[str, ...]
    handler: dict[str, str] | None
    agents: tuple[Agent, ...]

    @property
    def is_open(self) -> bool:
        return self.phase != CLOSED_PHASE

    def content_hash(self) -> str:
        """Hash of everything sent: equal hashes mean a repeated push (nothing to change)."""
        data = asdict(self)
        data["agents"] = sorted(data["agents"], key=lambda a: a["identifier"])  # order is moot
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


# ---- field checks --------------------------------------------------------------------------

def _object(value: Any, field: str | None, keys: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidField(field, "must be a JSON object.")
    for key in value:
        if key not in keys:
            where = f"{field}.{key}" if field else str(key)
            raise InvalidField(where[:200], f"is not a known field; known: {', '.join(keys)}.")
    return value


def text(value: Any, field: str, max_length: int, *, required: bool = True,
         multiline: bool = False) -> str | None:
    """A string kept verbatim: present (when required), not blank, not too long, printable."""
    if value is None:
        if required:
            raise InvalidField(field, "is required.")
        return None
    if not isinstance(value, str):
        raise InvalidField(field, "must be a string.")
    if not value.strip():
        raise InvalidField(field, "must not be empty." if required else
                           "must not be empty (leave it out instead).")
    if len(value) > max_length:
        raise InvalidField(field, f"is {len(value)} characters long; at most {max_length}.")
    if (_CONTROL if multiline else _CONTROL_ONE_LINE).search(value):
        raise InvalidField(field, "contains a control character.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidField(field, "contains an unpaired surrogate (not valid Unicode).") from exc
    return value


def url(value: Any, field: str, *, required: bool = False) -> str | None:
    """An absolute http(s) URL with a host and without credentials, kept verbatim."""
    checked = text(value, field, 2000, required=required)
    if checked is None:
        return None
    if any(ch.isspace() for ch in checked) or "\\" in checked:
        raise InvalidField(field, "must be an absolute http(s) URL without spaces or backslashes.")
    try:
        parts = urlsplit(checked)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        raise InvalidField(field, "is not a valid URL.") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise InvalidField(field, "must be an absolute http(s) URL.")
    if parts.username is not None or parts.password is not None:
        raise InvalidField(field, "must not contain a user name or password.")
    return checked


def timestamp(value: Any, field: str, now: int) -> int:
    """An RFC 3339 date-time with a UTC offset, not before 1970 nor (much) in the future."""
    if not isinstance(value, str):
        raise InvalidField(field, "must be a date-time string such as 2025-03-01T14:30:00+01:00.")
    if len(value) > 40 or "T" not in value.upper():
        raise InvalidField(field, "must be a date-time such as 2025-03-01T14:30:00+01:00.")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidField(field, "is not a valid date-time (e.g. 2025-03-01T14:30:00+01:00)."
                           ) from exc
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidField(field, "needs a UTC offset, e.g. +01:00 or Z.")
    if moment < EARLIEST:
        raise InvalidField(field, "lies before 1970.")
    seconds = int(moment.timestamp())
    if seconds > now + FUTURE_SKEW_SECONDS:
        raise InvalidField(field, "lies in the future.")
    return seconds


def format_timestamp(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def number(value: Any, field: str = "number") -> str:
    if not isinstance(value, str) or not NUMBER.match(value):
        raise InvalidField(field, "must be 1-100 characters: letters, digits, '.', '_' and '-', "
                           "starting with a letter or digit.")
    return value


def agent_identifier(value: Any, field: str) -> tuple[str, str]:
    """``(kind, canonical identifier)`` of an INSZ, KBO number or vCode."""
    if not isinstance(value, str) or not value.strip() or len(value) > 40:
        raise InvalidField(field, "must be an INSZ (11 digits), a KBO number (10 digits) or a "
                           "vCode (V + 7 digits).")
    candidate = value.strip()
    try:
        if candidate[:1] in ("V", "v"):
            return "vCode", parse_vcode(candidate)
        digits = re.sub(r"[\s.\-/]", "", candidate.upper().removeprefix("BE"))
        if len(digits) == 10:
            return "KBO", parse_kbo(candidate)
        if len(digits) == 11:
            return "INSZ", parse_insz(candidate)
    except InvalidIdentifier as exc:
        raise InvalidField(field, f"is not a valid {_KIND_NAMES[exc.kind]}: {exc.message}") from exc
    raise InvalidField(field, "must be an INSZ (11 digits), a KBO number (10 digits) or a vCode "
                       "(V + 7 digits).")


_KIND_NAMES = {"insz": "INSZ", "kbo": "KBO number", "vcode": "vCode"}


def _choice(value: Any, field: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise InvalidField(field, f"must be one of: {', '.join(choices)}.")
    return value


# ---- the dossier ----------------------------------------------------------------------------

def _status(value: Any) -> tuple[str, str, str | None, bool, str | None]:
    status = _object(value, "status", STATUS_KEYS)
    code = _choice(status.get("code"), "status.code", STATUS_CODES)
    phase = _choice(status.get("phase"), "status.phase", PHASES)
    detail = text(status.get("detail"), "status.detail", 2000, required=False, multiline=True)
    required, action_text = False, None
    if status.get("action") is not None:
        action = _object(status["action"], "status.action", ACTION_KEYS)
        if not isinstance(action.get("required"), bool):
            raise InvalidField("status.action.required", "must be true or false.")
        required = action["required"]
        action_text = text(action.get("text"), "status.action.text", 500, required=required,
                           multiline=True)
    if required and phase == CLOSED_PHASE:
        raise InvalidField("status.action.required",
                           f"cannot be true in phase {CLOSED_PHASE} (the dossier is closed).")
    return code, phase, detail, required, action_text


def _handler(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    handler = _object(value, "handler", HANDLER_KEYS)
    clean: dict[str, str] = {}
    for key, limit in (("name", 200), ("department", 200)):
        checked = text(handler.get(key), f"handler.{key}", limit, required=False)
        if checked is not None:
            clean[key] = checked
    phone = text(handler.get("phone"), "handler.phone", 40, required=False)
    if phone is not None:
        if not PHONE.match(phone):
            raise InvalidField("handler.phone", "must be a phone number (digits, spaces, + ( ) . / -).")
        clean["phone"] = phone
    email = text(handler.get("email"), "handler.email", 254, required=False)
    if email is not None:
        if not EMAIL.match(email):
            raise InvalidField("handler.email", "must be an e-mail address.")
        clean["email"] = email
    website = url(handler.get("website"), "handler.website")
    if website is not None:
        clean["website"] = website
    return clean or None


def _products(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InvalidField("productNumbers", "must be a list of product numbers.")
    if len(value) > MAX_PRODUCTS:
        raise InvalidField("productNumbers", f"holds {len(value)} entries; at most {MAX_PRODUCTS}.")
    seen: set[str] = set()
    for i, item in enumerate(value):
        field = f"productNumbers[{i}]"
        if not isinstance(item, str) or not PRODUCT_NUMBER.match(item):
            raise InvalidField(field, "must be 1-100 characters: letters, digits and . _ : / -.")
        if item in seen:
            raise InvalidField(field, "is listed twice.")
        seen.add(item)
    return tuple(value)


def _agents(value: Any) -> tuple[Agent, ...]:
    if not isinstance(value, list) or not value:
        raise InvalidField("agents", "must list at least one agent (who may see the dossier).")
    if len(value) > MAX_AGENTS:
        raise InvalidField("agents", f"holds {len(value)} entries; at most {MAX_AGENTS}.")
    agents: list[Agent] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        field = f"agents[{i}]"
        entry = _object(item, field, AGENT_KEYS)
        kind, identifier = agent_identifier(entry.get("identifier"), f"{field}.identifier")
        if entry.get("type") is not None and entry["type"] != kind:
            raise InvalidField(f"{field}.type", f"says {_short(entry['type'])} but the identifier "
                               f"is a {kind}.")
        rights = _choice(entry.get("rights"), f"{field}.rights", RIGHTS)
        if identifier in seen:
            raise InvalidField(f"{field}.identifier", "is listed twice.")
        seen.add(identifier)
        agents.append(Agent(kind, identifier, rights))
    return tuple(agents)


def _short(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True)[:40]


def parse_dossier(body: Any, *, number_value: str, now: int,
                  binding: Binding | None = None) -> DossierInput:
    """Check a dossier pushed for ``number_value``; raises :class:`InvalidField` at the first
    problem. ``binding``: the organisation the pushing client speaks for (see
    :mod:`loket.trust`): its handler is of that organisation, its links lie on its origins."""
    data = _object(body, None, DOSSIER_KEYS)
    if "number" in data and data["number"] != number_value:
        raise InvalidField("number", "differs from the dossier number in the URL.")
    code, phase, detail, required, action_text = _status(data.get("status"))
    link = url(data.get("link"), "link")
    handler = _handler(data.get("handler"))
    if binding is not None:
        handler = _bound_handler(handler, binding)
        found = binding.links_problems([("link", link),
                                        ("handler.website", (handler or {}).get("website"))])
        if found:
            raise InvalidField(*found)
    return DossierInput(
        number=number_value,
        name=text(data.get("name"), "name", 300) or "",
        type=text(data.get("type"), "type", 100, required=False),
        last_change=timestamp(data.get("lastChange"), "lastChange", now),
        status_code=code,
        phase=phase,
        status_detail=detail,
        action_required=required,
        action_text=action_text,
        link=link,
        product_numbers=_products(data.get("productNumbers")),
        handler=handler,
        agents=_agents(data.get("agents")),
    )


def _bound_handler(handler: dict[str, str] | None, binding: Binding) -> dict[str, str]:
    """The handler belongs to the organisation the client is registered for: ``organisation``
    comes from the registration (a client cannot send it); the name, department and contact
    details are the person or service within it."""
    return {**(handler or {}), "organisation": binding.organisation}


def parse_bulk(body: Any, *, now: int, binding: Binding | None = None) -> list[DossierInput]:
    """Check a bulk push ``{"dossiers": [...]}``; every record names its own ``number``."""
    data = _object(body, None, ("dossiers",))
    records = data.get("dossiers")
    if not isinstance(records, list) or not records:
        raise InvalidField("dossiers", "must be a non-empty list of dossiers.")
    if len(records) > MAX_BULK:
        raise InvalidField("dossiers", f"holds {len(records)} dossiers; send at most {MAX_BULK} "
                           "per call.")
    parsed: list[DossierInput] = []
    seen: dict[str, int] = {}
    for i, record in enumerate(records):
        try:
            if not isinstance(record, dict):
                raise InvalidField(None, "must be a JSON object.")
            value = number(record.get("number"))
            if value in seen:
                raise InvalidField("number", f"is also used by dossiers[{seen[value]}].")
            seen[value] = i
            parsed.append(parse_dossier(record, number_value=value, now=now, binding=binding))
        except InvalidField as exc:
            raise exc.within("dossiers", i) from None
    return parsed
