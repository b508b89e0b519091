"""Catalog search: text (prefix matching), filters, facets with counts, pagination, and the
ranking of :mod:`loket.catalog.relevance` when a capacity is looking.

Text search uses the database's own index: FTS5 on SQLite, a tsvector with GIN on PostgreSQL.
Both see the same words, folded to lower case without diacritics by :func:`store.words`.
Three statements per search: the page, and one pass for the total and every facet count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Float, Integer, and_, case, column, func, literal_column, select, text, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from loket.catalog import codes, relevance, store
from loket.catalog.areas import AreaTree
from loket.catalog.relevance import P, Profile

MAX_TERMS = 8
FACETS = ("doelgroep", "thema", "type", "level")


@dataclass(frozen=True)
class Query:
    """A validated search request."""

    q: str = ""
    doelgroep: tuple[str, ...] = ()
    thema: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    level: tuple[str, ...] = ()
    area: tuple[str, ...] = ()
    offset: int = 0
    limit: int = 20
    lang: str = "nl"
    scope: str = "mine"
    facets: bool = True
    today: str = "1970-01-01"

    def filters(self) -> dict[str, list[str]]:
        return {name: list(getattr(self, name)) for name in
                ("doelgroep", "thema", "type", "level", "area") if getattr(self, name)}


@dataclass
class Result:
    total: int
    items: list[dict[str, Any]]
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def terms(q: str) -> list[str]:
    return store.words(q)[:MAX_TERMS]


@dataclass
class _Plan:
    """The FROM clause, the conditions and the ranking shared by the page and the counts."""

    source: Any
    where: list[ColumnElement[bool]]
    order: list[Any]
    columns: list[Any]


def _plan(session: Session, query: Query, tree: AreaTree, profile: Profile | None) -> _Plan:
    source: Any = P
    where: list[ColumnElement[bool]] = []
    if query.doelgroep:
        where.append(relevance.has_code("doelgroep", query.doelgroep))
    if query.thema:
        where.append(relevance.has_code("thema", query.thema))
    if query.type:
        where.append(P.c.type.in_(query.type))
    if query.level:
        where.append(P.c.level.in_(query.level))
    if query.area:
        where.append(relevance.covers(tree.overlapping(query.area)))
    columns: list[Any] = [P.c.product_id, P.c.publisher, P.c.data, P.c.version, P.c.updated_at]
    order: list[Any] = []
    if profile is not None:
        matched = relevance.area_matches(profile) if profile.has_area else None
        if matched is not None:
            source = source.outerjoin(matched, matched.c.pk == P.c.id)
            if query.scope == "mine":
                where.append(relevance.in_area(matched))
            else:
                order.append(case((relevance.in_area(matched), 1), else_=0).desc())
        score = relevance.score(profile, matched).label("score")
        columns.append(score)
        order += [relevance.open_on(query.today).desc(), score.desc()]
    words = terms(query.q)
    if words:
        if session.get_bind().dialect.name == "sqlite":
            match = " ".join(f'"{w}"*' for w in words)
            fts = (text("SELECT rowid AS pk, bm25(catalog_products_fts, 4.0, 1.0) AS rank "
                        "FROM catalog_products_fts WHERE catalog_products_fts MATCH :fts_match")
                   .bindparams(fts_match=match)
                   .columns(column("pk", Integer), column("rank", Float)).subquery("fts"))
            source = source.join(fts, fts.c.pk == P.c.id)
            order.append(fts.c.rank.asc())
        else:
            tsquery = func.to_tsquery("simple", " & ".join(f"{w}:*" for w in words))
            vector: Any = literal_column("catalog_products.search_vector")
            where.append(vector.op("@@")(tsquery))
            order.append(func.ts_rank(vector, tsquery).desc())
    sort = P.c.sort_en if query.lang == "en" else P.c.sort_nl
    order += [sort.asc(), P.c.product_id.asc()]
    return _Plan(source, where, order, columns)


def search(session: Session, query: Query, tree: AreaTree, profile: Profile | None) -> Result:
    plan = _plan(session, query, tree, profile)
    condition = and_(true(), *plan.where)
    rows = session.execute(select(*plan.columns).select_from(plan.source).where(condition)
                           .order_by(*plan.order).offset(query.offset).limit(query.limit)).all()
    items = []
    for row in rows:
        item = {**row.data, "publisher": row.publisher, "version": row.version,
                "updatedAt": store.iso(row.updated_at),
                "open": relevance.is_open(row.data, query.today)}
        if profile is not None:
            item["relevance"] = relevance.explain(row.data, profile, tree, query.lang, query.today)
        items.append(item)
    total, facets = _counts(session, plan, query)
    return Result(total, items, facets)


def _counts(session: Session, plan: _Plan,
            query: Query) -> tuple[int, dict[str, list[dict[str, Any]]]]:
    """The total and, per facet, how many results carry each code (codes with 0 left out),
    in one pass: doelgroep and thema are counted from the products' bit masks."""
    bit_sums = []
    if query.facets:
        for kind, mask_column in (("doelgroep", P.c.doelgroep_mask), ("thema", P.c.thema_mask)):
            bit_sums += [func.sum(case((relevance.has_bits(mask_column, codes.bit(kind, code)), 1),
                                       else_=0))
                         for code in codes.codes(kind)]
    statement = (select(P.c.type, P.c.level, func.count(), *bit_sums).select_from(plan.source)
                 .where(and_(true(), *plan.where)).group_by(P.c.type, P.c.level))
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    total = 0
    n_doelgroep = len(codes.codes("doelgroep"))
    for row in session.execute(statement):
        type_, level, n, *sums = row
        total += n
        counts["type"][type_] = counts["type"].get(type_, 0) + n
        counts["level"][level] = counts["level"].get(level, 0) + n
        for i, code in enumerate(codes.codes("doelgroep") if sums else ()):
            counts["doelgroep"][code] = counts["doelgroep"].get(code, 0) + int(sums[i] or 0)
        for i, code in enumerate(codes.codes("thema") if sums else ()):
            counts["thema"][code] = counts["thema"].get(code, 0) + int(sums[n_doelgroep + i] or 0)
    if not query.facets:
        return total, {}
    return total, {
        name: [{"code": code, "label": codes.label(name, code, query.lang),
                "count": counts[name][code]}
               for code in codes.codes(name) if counts[name].get(code)]
        for name in FACETS
    }
