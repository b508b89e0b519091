"""Public search over the register: text with prefix matching, werkingsgebied (a postcode,
municipality or province widens to all that lies within), hoofdactiviteit, facets with counts,
offset/limit and sort. Only active associations that did not opt out; never personal data.

Text goes to the database's own full-text index: FTS5 (``associations_fts``, BM25 ranking with
the name weighing most) on SQLite, the generated ``search_vector`` (``ts_rank``) on PostgreSQL.
Every term is a prefix ("voet" finds "Voetbalclub"); all terms must match.

Facets: ``hoofdactiviteiten`` counts the matches per activity *leaving the activity filter out*
(so each chip says how many you get with it), ``werkingsgebieden`` counts the matches (all
filters applied) per area they are active in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from loket.errors import BadRequest
from loket.register import postcodes
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

    def __init__(self, code: str, field: str, detail: str) -> None:
        super().__init__(code, detail)
        self.field = field


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
    if not re.fullmatch(r"[0-9]{1,7}", raw):
        raise SearchError("invalid_parameter", name, f"{name} moet een geheel getal zijn.")
    value = int(raw)
    if not low <= value <= high:
        raise SearchError("invalid_parameter", name,
                          f"{name} moet tussen {low} en {high} liggen (niet {value}).")
    return value


def _values(args: Any, name: str) -> list[str]:
    """Repeated parameters and comma-separated lists, trimmed, without empties."""
    raw = args.getlist(name) if hasattr(args, "getlist") else [args.get(name, "")]
    values = [v.strip() for item in raw for v in str(item).split(",") if v.strip()]
    if len(values) > MAX_FILTER_VALUES:
        raise SearchError("invalid_parameter", name,
                          f"Geef hoogstens {MAX_FILTER_VALUES} waarden voor {name}.")
    return values


def resolve_area(session: Session, value: str, names: Names) -> ResolvedArea:
    """A postcode, werkingsgebied code or area name → the places it names and all within."""
    value = value[:100]
    if re.fullmatch(r"[0-9]{4}", value):
        named = postcodes.municipalities_for(session, value)
        if not named:
            raise SearchError(
                "unknown_postcode", "werkingsgebied",
                f"Postcode {value} is niet gekend bij dit loket. Zoek op de naam of code van de "
                "gemeente of provincie, of vraag de beheerder de postcodelijst te laden "
                "(loket reference import-postcodes).")
    elif value.upper() in names.areas:
        named = [value.upper()]
    else:
        wanted = normalise(value).strip()
        matches = [a for a in names.areas.values() if normalise(a.naam) == wanted]
        # a municipality wins over a province of the same name ("Antwerpen")
        matches.sort(key=lambda a: a.niveau != "municipality")
        if not matches:
            raise SearchError("unknown_area", "werkingsgebied",
                              f"Werkingsgebied {value!r} is onbekend: geef een postcode, of de "
                              "naam of code van een gemeente of provincie (bv. BE23444021).")
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
        raise SearchError("invalid_parameter", "q", f"q mag hoogstens {MAX_QUERY} tekens lang "
                          "zijn.")
    if q:
        query.q, query.terms = q, terms(q)
    query.areas = [resolve_area(session, v, names) for v in _values(args, "werkingsgebied")]
    for code in _values(args, "hoofdactiviteit"):
        if code.upper() not in names.activities:
            raise SearchError("unknown_activity", "hoofdactiviteit",
                              f"Hoofdactiviteit {code[:20]!r} is onbekend; zie de codes in "
                              "de facetten van een zoekopdracht.")
        query.activities.append(code.upper())
    query.activities = list(dict.fromkeys(query.activities))
    query.offset = _int(args, "offset", 0, 0, MAX_OFFSET)
    query.limit = _int(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    sort = args.get("sort") or ("relevance" if query.terms else "name")
    if sort not in SORTS:
        raise SearchError("invalid_parameter", "sort", "sort is relevance of name.")
    query.sort = sort if query.terms else "name"
    return query


# ---- SQL ---------------------------------------------------------------------------------

def _fts_match(words: Sequence[str]) -> str:
    return " ".join(f'"{w}"*' for w in words)


def _tsquery(words: Sequence[str]) -> str:
    return " & ".join(f"{w}:*" for w in words)


@dataclass(frozen=True)
class Result:
    total: int
    rows: list[Any]
    activity_counts: dict[str, int]
    area_counts: dict[str, int]


def _filters(query: Query, dialect: str, *, with_text: bool, with_activities: bool
             ) -> tuple[list[str], dict[str, Any], list[Any]]:
    where = ["a.status = 'Actief'", "a.opt_out = :no"]
    params: dict[str, Any] = {"no": False}
    binds: list[Any] = []
    if with_text and query.terms:
        if dialect == "sqlite":
            where.append("a.id IN (SELECT rowid FROM associations_fts "
                         "WHERE associations_fts MATCH :fts)")
            params["fts"] = _fts_match(query.terms)
        else:
            where.append("a.search_vector @@ to_tsquery('simple', :tsq)")
            params["tsq"] = _tsquery(query.terms)
    if query.areas:
        where.append("a.id IN (SELECT association_id FROM association_areas "
                     "WHERE code IN :areas)")
        params["areas"] = query.area_codes
        binds.append(bindparam("areas", expanding=True))
    if with_activities and query.activities:
        where.append("a.id IN (SELECT association_id FROM association_activities "
                     "WHERE code IN :acts)")
        params["acts"] = query.activities
        binds.append(bindparam("acts", expanding=True))
    return where, params, binds


_SUMMARY_COLUMNS = ("a.id, a.vcode, a.naam, a.korte_naam, a.roepnaam, a.korte_beschrijving, "
                    "a.verenigingstype, a.min_leeftijd, a.max_leeftijd")


def _counts_sql(base_where: list[str], hits_where: list[str]) -> str:
    hits = f"WHERE {' AND '.join(hits_where)}" if hits_where else ""
    return (
        f"WITH base AS (SELECT a.id FROM associations a WHERE {' AND '.join(base_where)}), "  # noqa: S608
        f"hits AS (SELECT id FROM base {hits}) "
        "SELECT 'total' AS kind, '' AS code, COUNT(*) AS n FROM hits "
        "UNION ALL SELECT 'act', x.code, COUNT(*) FROM association_activities x "
        "JOIN base b ON b.id = x.association_id GROUP BY x.code "
        "UNION ALL SELECT 'area', y.code, COUNT(*) FROM association_areas y "
        "JOIN hits h ON h.id = y.association_id GROUP BY y.code"
    )


def _page_sql(where: list[str], sort: str, dialect: str) -> str:
    conditions = " AND ".join(where)
    if sort == "relevance" and dialect == "sqlite":
        return (
            f"SELECT {_SUMMARY_COLUMNS}, bm25(associations_fts, 10.0, 5.0, 1.0) AS rank "  # noqa: S608
            "FROM associations_fts JOIN associations a ON a.id = associations_fts.rowid "
            f"WHERE associations_fts MATCH :fts AND {conditions} "
            "ORDER BY rank, lower(a.naam), a.id LIMIT :limit OFFSET :offset"
        )
    if sort == "relevance":
        return (
            f"SELECT {_SUMMARY_COLUMNS}, ts_rank(a.search_vector, "  # noqa: S608
            "to_tsquery('simple', :tsq)) AS rank FROM associations a "
            f"WHERE a.search_vector @@ to_tsquery('simple', :tsq) AND {conditions} "
            "ORDER BY rank DESC, lower(a.naam), a.id LIMIT :limit OFFSET :offset"
        )
    return (f"SELECT {_SUMMARY_COLUMNS} FROM associations a WHERE {conditions} "  # noqa: S608
            "ORDER BY lower(a.naam), a.id LIMIT :limit OFFSET :offset")


def run(session: Session, query: Query) -> Result:
    """Total, one page of summaries, and the facet counts, in two statements.

    The SQL is put together from this module's constant fragments; every value is bound.
    """
    dialect = session.get_bind().dialect.name
    base_where, params, binds = _filters(query, dialect, with_text=True, with_activities=False)
    hits_where = []
    if query.activities:
        hits_where.append("id IN (SELECT association_id FROM association_activities "
                          "WHERE code IN :acts)")
        params["acts"] = query.activities
        binds.append(bindparam("acts", expanding=True))
    statement = text(_counts_sql(base_where, hits_where)).bindparams(*binds)
    total, acts, areas = 0, {}, {}
    for kind, code, n in session.execute(statement, params):
        if kind == "total":
            total = int(n)
        elif kind == "act":
            acts[code] = int(n)
        else:
            areas[code] = int(n)
    if total <= query.offset:
        return Result(total, [], acts, areas)
    relevance = query.sort == "relevance"
    where, page_params, page_binds = _filters(query, dialect, with_text=not relevance,
                                              with_activities=True)
    page_params.update(limit=query.limit, offset=query.offset)
    if relevance:
        page_params["fts" if dialect == "sqlite" else "tsq"] = (
            _fts_match(query.terms) if dialect == "sqlite" else _tsquery(query.terms))
    page = text(_page_sql(where, query.sort, dialect)).bindparams(*page_binds)
    return Result(total, list(session.execute(page, page_params)), acts, areas)


def codes_of(session: Session, ids: list[int]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Hoofdactiviteiten and werkingsgebieden of the associations on a page."""
    acts: dict[int, list[str]] = {i: [] for i in ids}
    areas: dict[int, list[str]] = {i: [] for i in ids}
    if not ids:
        return acts, areas
    statement = text(
        "SELECT 'act' AS kind, association_id, code FROM association_activities "
        "WHERE association_id IN :ids UNION ALL "
        "SELECT 'area', association_id, code FROM association_areas WHERE association_id IN :ids "
        "ORDER BY 2, 3"
    ).bindparams(bindparam("ids", expanding=True))
    for kind, assoc_id, code in session.execute(statement, {"ids": ids}):
        (acts if kind == "act" else areas)[assoc_id].append(code)
    return acts, areas
