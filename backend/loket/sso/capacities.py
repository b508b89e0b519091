"""Capacities (hoedanigheden): citizen, association or company a person may act as.

Which associations and companies come from the register's representatives and mandates. A
``login_hint`` names one, like ACM's targeted login; it selects that capacity only if the person
holds it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, literal, select, union_all
from sqlalchemy.orm import Session

from loket.identifiers import InvalidIdentifier, format_kbo, parse_insz, parse_kbo, parse_vcode
from loket.models import Association, Company, CompanyMandate, Person, Representative

CODES = ("BUR", "VER", "EA")
MAX_HINT_LENGTH = 1024


@dataclass(frozen=True)
class Capacity:
    code: str
    identifier: str
    name: str

    def claim(self) -> dict[str, str]:
        return {"code": self.code, "identifier": self.identifier, "name": self.name}

    @property
    def login_hint(self) -> str:
        return encode_hint(self.code, None if self.code == "BUR" else self.identifier)

    @property
    def display_identifier(self) -> str:
        return format_kbo(self.identifier) if self.code == "EA" else self.identifier

def _capacities_query() -> Any:
    associations = (
        select(literal("VER").label("code"), Association.vcode.label("identifier"),
               Association.naam.label("name"), literal(1).label("rank"))
        .join(Representative, Representative.association_id == Association.id)
        .where(Representative.person_id == bindparam("person_id"),
               Association.status == "Actief")
    )
    companies = (
        select(literal("EA"), Company.kbo, Company.naam, literal(2))
        .join(CompanyMandate, CompanyMandate.company_id == Company.id)
        .where(CompanyMandate.person_id == bindparam("person_id"))
    )
    return union_all(associations, companies).order_by("rank", "name", "identifier")


# Built once: on the userinfo path, building the statement cost more than running it.
_CAPACITIES = _capacities_query()


def for_person(session: Session, person: Person) -> list[Capacity]:
    """Every capacity the person may take: citizen first, then associations, then companies."""
    caps = [Capacity("BUR", person.insz, f"{person.given_name} {person.family_name}")]
    rows = session.connection().execute(_CAPACITIES, {"person_id": person.id})
    caps += [Capacity(row.code, row.identifier, row.name) for row in rows]
    return caps


def still_held(session: Session, person: Person, capacity: dict[str, Any] | None) -> bool:
    """Whether ``person`` may still act in ``capacity`` (a token's claim): asked anew at every
    read, so a representative removed from an association, or a mandate ended, stops at once."""
    code = (capacity or {}).get("code", "BUR")
    if code == "BUR":
        return True
    return find(for_person(session, person), code, (capacity or {}).get("identifier")) is not None


def encode_hint(code: str, identifier: str | None) -> str:
    payload: dict[str, str] = {"cap_hint": code}
    if identifier:
        payload["code_hint"] = identifier
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _hint_payload(hint: object) -> dict[str, Any] | None:
    """The JSON object a login_hint carries (base64 or base64url, padded or not), or None."""
    if not isinstance(hint, str) or not hint or len(hint) > MAX_HINT_LENGTH:
        return None
    text = hint.strip().replace("-", "+").replace("_", "/")
    try:
        payload = json.loads(base64.b64decode(text + "=" * (-len(text) % 4), validate=True))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def decode_hint(hint: object) -> tuple[str, str | None] | None:
    """``(code, identifier)`` named by a login_hint, or None when it names no capacity.

    Anything that is no capacity hint is ignored (never an error: a hint is only a hint).
    """
    payload = _hint_payload(hint)
    if payload is None:
        return None
    code = payload.get("cap_hint")
    identifier = payload.get("code_hint")
    if code not in CODES:
        return None
    if identifier is None:
        return code, None
    try:
        if code == "VER":
            return code, parse_vcode(identifier)
        if code == "EA":
            return code, parse_kbo(identifier)
        return code, parse_insz(identifier)
    except InvalidIdentifier:
        return None


def is_switch_hint(hint: object) -> bool:
    """Whether a login_hint is ACM's ``{"switch_id": true}``: show the chooser again."""
    payload = _hint_payload(hint)
    return payload is not None and payload.get("switch_id") is True


def select_by_hint(caps: Sequence[Capacity], hint: object) -> Capacity | None:
    """The capacity a hint names, if and only if the person holds it."""
    named = decode_hint(hint)
    return select_named(caps, named) if named is not None else None


def select_named(caps: Sequence[Capacity], named: tuple[str, str | None]) -> Capacity | None:
    """The one capacity among ``caps`` that a decoded hint names, or None."""
    code, identifier = named
    matches = [c for c in caps if c.code == code and (identifier is None or c.identifier == identifier)]
    return matches[0] if len(matches) == 1 else None


def find(caps: Sequence[Capacity], code: object, identifier: object) -> Capacity | None:
    for cap in caps:
        if cap.code == code and cap.identifier == identifier:
            return cap
    return None
