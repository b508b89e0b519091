"""Public search over the register: text with prefix matching, werkingsgebied (a postcode,
municipality or province widens to all that lies within), hoofdactiviteit, facets with counts,
offset/limit and sort. Only active associations that did not opt out; never personal data.

Text goes to the database's own full-text index: FTS5 (``associations_fts``) on SQLite, the
generated ``search_vector`` on PostgreSQL. Every word is a prefix ("voet" finds "Voetbalclub");
all words must match. Relevance puts the associations whose name, short name or roepnaam holds
every word before those where some word is only in the description; name order within each.
Filters, facets and the name order come from :mod:`loket.register.index`.

Facets: ``hoofdactiviteiten`` counts the matches per activity *leaving the activity filter out*
(so each chip says how many you get with it); ``werkingsgebieden`` counts the matches (all
filters applied) one level below the place searched (see :func:`facet_areas`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from loket import inputs
from loket.errors import DEFAULT_LANGUAGE, BadRequest, Text
from loket.register import postcodes, wording
from loket.register.index import SearchIndex, Snapshot, positions
from loket.register.views import Names

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_OFFSET = 10_000
MAX_QUERY = 200
MAX_TERMS = 8
MAX_FILTER_VALUES = 20
SORTS = ("relevance", "name")


class SearchError(BadRequest):
    """A search parameter that cannot be used; ``field`` names it."""

    def __init__(self, code: str, field: str, detail: Text) -> None:
        super().__init__(code, detail)
        self.field = field

    def to_dict(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {**super().to_dict(lang), "field": self.field}


def normalise(value: str) -> str:
    """Lower case without accents: what both full-text indexes store."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def terms(query: str) -> list[str]:
    """The words of a query (letters and digits), accents folded, at most eight."""
    return [t[:40] for t in re.findall(r"[^\W_]+", normalise(query))][:MAX_TERMS]


@dataclass(frozen=True)
class ResolvedArea:
    given: str
    named: list[str]      # the places the value names (a postcode may name two municipalities)
    codes: frozenset[str]  # those places and everything within them


@dataclass
class Query:
    q: str | None = None
    terms: list[str] = field(default_factory=list)
    areas: list[ResolvedArea] = field(default_factory=list)
    activities: list[str] = field(default_factory=list)
    offset: int = 0
    limit: int = DEFAULT_LIMIT
    sort: str = "name"

    @property
    def area_codes(self) -> list[str]:
        return sorted(set().union(*(a.codes for a in self.areas))) if self.areas else []


def _int(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name) or ""
    if not raw:
        return default
    try:
        value = inputs.whole_number(raw, max_digits=7)
    except inputs.NotAWholeNumber:
        raise SearchError("invalid_parameter", name, wording.gettext(
            "%(name)s moet een geheel getal zijn.", name=name)) from None
    if not low <= value <= high:
        raise SearchError("invalid_parameter", name, wording.gettext(
            "%(name)s moet tussen %(low)s en %(high)s liggen (niet %(value)s).", name=name,
            low=low, high=high, value=value))
    return value


def _values(args: Any, name: str) -> list[str]:
    """Repeated parameters and comma-separated lists, trimmed, without empties."""
    raw = args.getlist(name) if hasattr(args, "getlist") else [args.get(name, "")]
    values = [v.strip() for item in raw for v in str(item).split(",") if v.strip()]
    if len(values) > MAX_FILTER_VALUES:
        raise SearchError("invalid_parameter", name, wording.gettext(
            "Geef hoogstens %(max)s waarden voor %(name)s.", max=MAX_FILTER_VALUES, name=name))
    return values


def _without_provincie(name: str) -> str:
    return re.sub(r"^provincie\s+", "", name.strip())


def resolve_area(session: Session, value: str, names: Names) -> ResolvedArea:
    """A postcode, werkingsgebied code or area name → the places it names and all within."""
    value = value[:100]
    if re.fullmatch(r"[0-9]{4}", value):
        named = postcodes.municipalities_for(session, value)
        if not named:
            raise SearchError(
                "unknown_postcode", "werkingsgebied", wording.gettext(
                    "Postcode %(postcode)s is niet gekend bij dit loket. Zoek op de naam of "
                    "code van de gemeente of provincie, of vraag de beheerder de postcodelijst "
                    "te laden (loket reference import-postcodes).", postcode=value))
    elif value.upper() in names.areas:
        named = [value.upper()]
    else:
        wanted = normalise(value).strip()
        bare = _without_provincie(wanted)
        # a province by its name, with or without "Provincie" ("Oost-Vlaanderen")
        matches = [a for a in names.areas.values() if normalise(a.naam) == wanted
                   or (a.niveau != "municipality" and _without_provincie(normalise(a.naam)) == bare)]
        # a municipality wins over a province of the same name ("Antwerpen")
        matches.sort(key=lambda a: a.niveau != "municipality")
        if not matches:
            raise SearchError("unknown_area", "werkingsgebied", wording.gettext(
                "Werkingsgebied %(value)s is onbekend: geef een postcode, of de naam of code "
                "van een gemeente of provincie (bv. BE23444021).", value=repr(value)))
        named = [matches[0].code]
    codes = set(named)
    for code in named:
        area = names.areas.get(code)
        if area is not None and area.niveau != "municipality":
            codes |= {a.code for a in names.areas.values() if a.provincie == code}
    return ResolvedArea(value, named, frozenset(codes))


def parse(session: Session, args: Any, names: Names) -> Query:
    """Read and check the query string; :class:`SearchError` names the bad parameter."""
    query = Query()
    q = (args.get("q") or "").strip()
    if len(q) > MAX_QUERY:
        raise SearchError("invalid_parameter", "q", wording.gettext(
            "q mag hoogstens %(max)s tekens lang zijn.", max=MAX_QUERY))
    if q:
        query.q, query.terms = q, terms(q)
    query.areas = [resolve_area(session, v, names) for v in _values(args, "werkingsgebied")]
    for code in _values(args, "hoofdactiviteit"):
        if code.upper() not in names.activities:
            raise SearchError("unknown_activity", "hoofdactiviteit", wording.gettext(
                "Hoofdactiviteit %(code)s is onbekend; zie de codes in de facetten van een "
                "zoekopdracht.", code=repr(code[:20])))
        query.activities.append(code.upper())
    query.activities = list(dict.fromkeys(query.activities))
    query.offset = _int(args, "offset", 0, 0, MAX_OFFSET)
    query.limit = _int(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    sort = args.get("sort") or ("relevance" if query.terms else "name")
    if sort not in SORTS:
        raise SearchError("invalid_parameter", "sort", wording.gettext("sort is relevance of name."))
    query.sort = sort if query.terms else "name"
    return query


# ---- running a query ------------------------------------------------------------------------

def _fts_match(words: Sequence[str], *, names_only: bool = False) -> str:
    phrase = " AND ".join(f'"{w}"*' for w in words)
    return f"{{naam namen}} : ({phrase})" if names_only else phrase


def _tsquery(words: Sequence[str], *, names_only: bool = False) -> str:
    weights = "AB" if names_only else ""
    return " & ".join(f"{w}:*{weights}" for w in words)


def text_ids(session: Session, words: Sequence[str], *, with_names: bool = False
             ) -> tuple[list[int], list[int]]:
    """Ids of the associations whose text holds every word as a prefix, from the database's
    full-text index; with ``with_names`` also those that hold every word in a name."""
    connection = session.connection()
    cursor = connection.connection.cursor()  # the driver's own rows: there may be thousands
    try:
        if connection.dialect.name == "sqlite":
            sql = "SELECT rowid FROM associations_fts WHERE associations_fts MATCH ?"
            cursor.execute(sql, (_fts_match(words),))
            matching = [row[0] for row in cursor.fetchall()]
            if not with_names:
                return matching, []
            cursor.execute(sql, (_fts_match(words, names_only=True),))
            return matching, [row[0] for row in cursor.fetchall()]
        # one pass over the matches; the name test reuses the row's own vector
        cursor.execute("SELECT id, search_vector @@ to_tsquery('simple', %s) FROM associations "
                       "WHERE search_vector @@ to_tsquery('simple', %s)",
                       (_tsquery(words, names_only=True), _tsquery(words)))
        rows = cursor.fetchall()
        return [row[0] for row in rows], [row[0] for row in rows if row[1]]
    finally:
        cursor.close()


@dataclass(frozen=True)
class Result:
    total: int
    ids: list[int]                       # the page, in order
    activity_counts: dict[str, int]
    area_counts: dict[str, int]
    snapshot: Snapshot


def facet_areas(query: Query, names: Names) -> list[str]:
    """The werkingsgebieden the facet counts: one level below what was searched.

    No place → the provinces (and Brussels); a province → its municipalities; a municipality
    or postcode → itself.
    """
    if not query.areas:
        return [a.code for a in names.areas.values() if a.niveau != "municipality"]
    codes: list[str] = []
    for resolved in query.areas:
        for code in resolved.named:
            area = names.areas.get(code)
            if area is not None and area.niveau != "municipality":
                codes += [a.code for a in names.areas.values() if a.provincie == code]
            else:
                codes.append(code)
    return list(dict.fromkeys(codes))


def run(session: Session, query: Query, index: SearchIndex, names: Names) -> Result:
    """Total, the page's ids and both facets for ``query``."""
    snap = index.current(session)
    base = snap.visible
    if query.areas:
        base &= snap.any_of(snap.areas, query.area_codes)
    relevance = query.sort == "relevance"
    in_names = 0
    if query.terms:
        matching, named = text_ids(session, query.terms, with_names=relevance)
        base &= snap.of_ids(matching)
        in_names = snap.of_ids(named) if relevance else 0
    hits = base & snap.any_of(snap.activities, query.activities) if query.activities else base
    activity_counts = {code: n for code, mask in snap.activities.items()
                       if (n := (base & mask).bit_count())}
    area_counts = {}
    for code in facet_areas(query, names):
        area = names.areas.get(code)
        within = [code] + ([a.code for a in names.areas.values() if a.provincie == code]
                           if area is not None and area.niveau != "municipality" else [])
        if n := (hits & snap.any_of(snap.areas, within)).bit_count():
            area_counts[code] = n
    total = hits.bit_count()
    tiers = [hits & in_names, hits & ~in_names] if relevance else [hits]
    page: list[int] = []
    skip = query.offset
    for tier in tiers:
        count = tier.bit_count()
        if skip >= count:
            skip -= count
            continue
        for p in positions(tier, snap.size, skip):
            page.append(snap.ids[p])
            if len(page) == query.limit:
                break
        skip = 0
        if len(page) == query.limit:
            break
    return Result(total, page, activity_counts, area_counts, snap)


_SUMMARY = text(
    "SELECT id, vcode, naam, korte_naam, roepnaam, korte_beschrijving, verenigingstype, "
    "min_leeftijd, max_leeftijd FROM associations WHERE id IN :ids"
).bindparams(bindparam("ids", expanding=True))


def page_rows(session: Session, ids: list[int]) -> list[Any]:
    """The summary columns of the page's associations, in the page's order."""
    if not ids:
        return []
    found = {row.id: row for row in session.execute(_SUMMARY, {"ids": ids})}
    return [found[i] for i in ids if i in found]
