"""The real register's search syntax (``q`` of ``/v1/verenigingen/zoeken``), parsed and run on
Loket's search index.

Grammar (Lucene-like, as the real register's public API takes it)::

    query   := or
    or      := and ("OR" and)*
    and     := unary (["AND"] unary)*       # two terms side by side must both hold
    unary   := ("NOT" | "-") unary | primary
    primary := "(" or ")" | [field ":"] value
    value   := word | word"*" | '"' words '"'

A bare word matches the association's text (name, short name, roepnaam, description) as a
prefix, as Loket's own search does; ``*`` at its end says so explicitly. A field names what the
value must match (:data:`FIELDS`). Anything else is a :class:`QueryError` with the place it
went wrong: never a 500.

Each term becomes a bitset of the index (:mod:`loket.register.index`) and the query their
AND / OR / AND NOT; only associations the public may see are ever in a result.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from loket.errors import BadRequest, Text
from loket.register import postcodes, search, wording
from loket.register.index import Snapshot
from loket.register.views import Names

MAX_QUERY = 500
MAX_TERMS = 20
MAX_DEPTH = 10

# field → what it matches (see _term)
FIELDS = {
    "vCode": "vcode",
    "naam": "name", "korteNaam": "name", "roepnaam": "name",
    "korteBeschrijving": "text",
    "hoofdactiviteitenVerenigingsloket.code": "activity",
    "werkingsgebieden.code": "area", "werkingsgebieden.naam": "area",
    "locaties.postcode": "postcode", "geotags.identificatie": "geotag",
    "locaties.gemeente": "location_municipality",
    "verenigingstype.code": "type",
}
_TOKEN = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|"(?P<phrase>[^"]*)"|(?P<word>[^\s()"]+))')


class QueryError(BadRequest):
    def __init__(self, detail: Text) -> None:
        super().__init__("invalid_query", detail)

    def to_dict(self, lang: str = "nl") -> dict[str, Any]:
        return {**super().to_dict(lang), "field": "q"}


@dataclass(frozen=True)
class Term:
    field: str | None
    value: str
    phrase: bool = False


@dataclass(frozen=True)
class Op:
    kind: str  # AND, OR, NOT
    parts: tuple[Any, ...]


Node = Term | Op


def tokens(query: str) -> list[tuple[str, str]]:
    if len(query) > MAX_QUERY:
        raise QueryError(wording.gettext("q is hoogstens %(max)s tekens lang.", max=MAX_QUERY))
    found: list[tuple[str, str]] = []
    pos = 0
    while pos < len(query):
        if query[pos:].strip() == "":
            break
        match = _TOKEN.match(query, pos)
        if match is None or match.end() == pos:
            raise QueryError(wording.gettext(
                "q is onleesbaar vanaf teken %(at)s: %(rest)s (een aanhalingsteken zonder einde?).",
                at=pos + 1, rest=repr(query[pos:pos + 20])))
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind) if kind in ("phrase", "word") else kind))
        pos = match.end()
    return found


class _Parser:
    def __init__(self, items: list[tuple[str, str]]) -> None:
        self.items = items
        self.at = 0
        self.terms = 0

    def peek(self) -> tuple[str, str] | None:
        return self.items[self.at] if self.at < len(self.items) else None

    def take(self) -> tuple[str, str]:
        item = self.items[self.at]
        self.at += 1
        return item

    def parse(self) -> Node:
        if not self.items:
            raise QueryError(wording.gettext("q is leeg: geef woorden of veld:waarde, bv. "
                                     "hoofdactiviteitenVerenigingsloket.code:SPRT."))
        node = self.or_(0)
        if self.peek() is not None:
            raise QueryError(wording.gettext("q heeft een ')' te veel, of iets onverwachts: %(what)s.",
                                     what=repr(self.peek()[1])))  # type: ignore[index]
        return node

    def or_(self, depth: int) -> Node:
        parts = [self.and_(depth)]
        while self.peek() == ("word", "OR"):
            self.take()
            parts.append(self.and_(depth))
        return parts[0] if len(parts) == 1 else Op("OR", tuple(parts))

    def and_(self, depth: int) -> Node:
        parts = [self.unary(depth)]
        while (nxt := self.peek()) is not None and nxt != ("rp", "rp") and nxt != ("word", "OR"):
            if nxt == ("word", "AND"):
                self.take()
            parts.append(self.unary(depth))
        return parts[0] if len(parts) == 1 else Op("AND", tuple(parts))

    def unary(self, depth: int) -> Node:
        nxt = self.peek()
        if nxt is None:
            raise QueryError(wording.gettext("q eindigt waar nog een term moet komen (na AND, OR of NOT)."))
        if nxt == ("word", "NOT") or (nxt[0] == "word" and nxt[1] == "-"):
            self.take()
            return Op("NOT", (self.unary(depth),))
        if nxt[0] == "word" and nxt[1].startswith("-") and len(nxt[1]) > 1:
            self.take()
            self.items.insert(self.at, ("word", nxt[1][1:]))
            return Op("NOT", (self.unary(depth),))
        return self.primary(depth)

    def primary(self, depth: int) -> Node:
        kind, value = self.take()
        if kind == "lp":
            if depth >= MAX_DEPTH:
                raise QueryError(wording.gettext("q nest hoogstens %(max)s haakjes diep.", max=MAX_DEPTH))
            node = self.or_(depth + 1)
            if self.peek() != ("rp", "rp"):
                raise QueryError(wording.gettext("q mist een ')'."))
            self.take()
            return node
        if kind == "rp":
            raise QueryError(wording.gettext("q heeft een ')' zonder '('."))
        if value in ("AND", "OR"):
            raise QueryError(wording.gettext("q heeft %(word)s waar een term moet staan.", word=value))
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QueryError(wording.gettext("q heeft hoogstens %(max)s termen.", max=MAX_TERMS))
        if kind == "phrase":
            return Term(None, value, phrase=True)
        field, sep, rest = value.partition(":")
        if not sep:
            return Term(None, value)
        if field not in FIELDS:
            known = ", ".join(sorted(FIELDS))
            raise QueryError(wording.gettext("Veld %(field)s is onbekend; gekend zijn: %(known)s.",
                                             field=repr(field[:60]), known=known))
        if not rest:  # field:"a phrase"
            nxt = self.peek()
            if nxt is not None and nxt[0] == "phrase":
                self.take()
                return Term(field, nxt[1], phrase=True)
            raise QueryError(wording.gettext("%(field)s: mist een waarde.", field=field))
        return Term(field, rest)


def parse(query: str) -> Node:
    return _Parser(tokens(query)).parse()


# ---- running ----------------------------------------------------------------------------------

@dataclass
class Context:
    session: Session
    snap: Snapshot
    names: Names

    def ids(self, sql: str, params: dict[str, Any]) -> int:
        return self.ids_of(text(sql), params)

    def ids_of(self, statement: Any, params: dict[str, Any]) -> int:
        rows = self.session.execute(statement, params)
        return self.snap.of_ids(row[0] for row in rows)


_LOCATED_IN = text(
    "SELECT l.association_id FROM association_locations l "
    "JOIN postcodes p ON p.postcode = l.postcode WHERE p.werkingsgebied IN :codes"
).bindparams(bindparam("codes", expanding=True))


def run(node: Node, ctx: Context) -> int:
    """The bitset of the associations ``node`` matches (visible or not: the caller masks)."""
    if isinstance(node, Op):
        if node.kind == "NOT":
            return ctx.snap.visible & ~run(node.parts[0], ctx)
        masks = [run(part, ctx) for part in node.parts]
        combined = masks[0]
        for mask in masks[1:]:
            combined = combined & mask if node.kind == "AND" else combined | mask
        return combined
    return _term(node, ctx)


def _words(value: str) -> list[str]:
    return search.terms(value.rstrip("*"))


def _term(term: Term, ctx: Context) -> int:
    kind = FIELDS.get(term.field or "", "text")
    value = term.value.strip()
    handler: Callable[[str, Context], int] = _HANDLERS[kind]
    return handler(value, ctx)


def _text(value: str, ctx: Context, *, names_only: bool = False) -> int:
    words = _words(value)
    if not words:
        return 0
    matching, named = search.text_ids(ctx.session, words, with_names=names_only)
    return ctx.snap.of_ids(named if names_only else matching)


def _vcode(value: str, ctx: Context) -> int:
    wanted = value.upper()
    if wanted.endswith("*"):
        return ctx.ids("SELECT id FROM associations WHERE vcode LIKE :v",
                       {"v": wanted[:-1].replace("%", "").replace("_", "") + "%"})
    return ctx.ids("SELECT id FROM associations WHERE vcode = :v", {"v": wanted})


def _activity(value: str, ctx: Context) -> int:
    code = value.upper()
    if code not in ctx.names.activities:
        raise QueryError(wording.gettext("Hoofdactiviteit %(code)s is onbekend (zie "
                                         "/v1/hoofdactiviteitenVerenigingsloket).",
                                         code=repr(value[:20])))
    return ctx.snap.activities.get(code, 0)


def _upward(codes: list[str], ctx: Context) -> set[str]:
    """The places and every place they lie in (a municipality's province)."""
    found = set(codes)
    for code in codes:
        area = ctx.names.areas.get(code)
        if area is not None and area.provincie:
            found.add(area.provincie)
    return found


def _resolved(value: str, ctx: Context) -> search.ResolvedArea:
    """The place a value names (postcode, code or name), as Loket's own search reads it."""
    try:
        return search.resolve_area(ctx.session, value, ctx.names)
    except search.SearchError as exc:
        raise QueryError(exc.text) from None


def _area(value: str, ctx: Context) -> int:
    """A werkingsgebied by code or name: associations active there or anywhere within it
    (a province holds its municipalities)."""
    resolved = _resolved(value, ctx)
    return ctx.snap.any_of(ctx.snap.areas, resolved.codes)


def _located_at(postcode: str, ctx: Context) -> int:
    return ctx.ids("SELECT association_id FROM association_locations WHERE postcode = :p",
                   {"p": postcode})


def _postcode(value: str, ctx: Context) -> int:
    """A postcode: a location there, or active in its municipality or its province (the
    register's geotags widen upward)."""
    if not re.fullmatch(r"[0-9]{4}", value):
        raise QueryError(wording.gettext("locaties.postcode is een Belgische postcode van vier cijfers, "
                                         "niet %(value)s.", value=repr(value[:20])))
    municipalities = postcodes.municipalities_for(ctx.session, value)
    return _located_at(value, ctx) | ctx.snap.any_of(
        ctx.snap.areas, _upward(municipalities, ctx))


def _geotag(value: str, ctx: Context) -> int:
    """A postcode, or a werkingsgebied code or name: widened upward (where it lies) and
    downward (what lies within it)."""
    if re.fullmatch(r"[0-9]{4}", value):
        return _postcode(value, ctx)
    resolved = _resolved(value, ctx)
    codes = set(resolved.codes) | _upward(resolved.named, ctx)
    # a location in a municipality of the place asked for (one query for all of them)
    municipalities = sorted(c for c in resolved.codes
                            if (a := ctx.names.areas.get(c)) is not None
                            and a.niveau == "municipality")
    located = ctx.ids_of(_LOCATED_IN, {"codes": municipalities}) if municipalities else 0
    return ctx.snap.any_of(ctx.snap.areas, codes) | located


def _location_municipality(value: str, ctx: Context) -> int:
    return ctx.ids("SELECT association_id FROM association_locations "
                   "WHERE lower(gemeente) = lower(:g)", {"g": value})


def _type(value: str, ctx: Context) -> int:
    return ctx.ids("SELECT id FROM associations WHERE verenigingstype = :t",
                   {"t": value.upper()})


_HANDLERS: dict[str, Callable[[str, Context], int]] = {
    "text": _text,
    "name": lambda v, c: _text(v, c, names_only=True),
    "vcode": _vcode,
    "activity": _activity,
    "area": _area,
    "postcode": _postcode,
    "geotag": _geotag,
    "location_municipality": _location_municipality,
    "type": _type,
}
