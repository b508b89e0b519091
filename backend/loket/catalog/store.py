"""Storing products: upsert and delete (by their publisher only), the search text, export."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from loket.catalog import codes
from loket.models import CatalogProduct, CatalogProductCode

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
_WORD = re.compile(r"[a-z0-9]+")


class NotOwner(Exception):
    """The product belongs to another publisher."""

    def __init__(self, product_id: str, owner: str) -> None:
        super().__init__(f"product {product_id!r} belongs to another publisher")
        self.product_id = product_id
        self.owner = owner


def fold(text: str) -> str:
    """Lower case without diacritics ("Financiële" → "financiele"): what search compares."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The searchable words of a text, folded; punctuation separates words."""
    return _WORD.findall(fold(text))


def _search_texts(data: dict[str, Any]) -> tuple[str, str]:
    title = " ".join(words(" ".join(data["title"].values())))
    body_parts = list(data["description"].values())
    for terms in data.get("keywords", {}).values():
        body_parts.extend(terms)
    body_parts.append(data["competentAuthority"].get("name", ""))
    return title, " ".join(words(" ".join(body_parts)))


def _sort_key(text: str) -> str:
    return " ".join(words(text))[:300]


def columns(data: dict[str, Any]) -> dict[str, Any]:
    title, body = _search_texts(data)
    return {
        "type": data["type"],
        "level": data["competentAuthority"]["level"],
        "start_date": data.get("startDate"),
        "end_date": data.get("endDate"),
        "scoped": bool(data.get("spatialScope")),
        "doelgroep_mask": codes.mask("doelgroep", data["doelgroepen"]),
        "thema_mask": codes.mask("thema", data["themas"]),
        "sort_nl": _sort_key(data["title"]["nl"]),
        "sort_en": _sort_key(data["title"]["en"]),
        "search_title": title,
        "search_body": body,
    }


def code_rows(product_pk: int, data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [{"product_pk": product_pk, "kind": "doelgroep", "code": c} for c in data["doelgroepen"]]
    rows += [{"product_pk": product_pk, "kind": "thema", "code": c} for c in data["themas"]]
    rows += [{"product_pk": product_pk, "kind": "area", "code": c}
             for c in data.get("spatialScope", [])]
    return rows


@dataclass(frozen=True)
class Outcome:
    result: str
    product: CatalogProduct


class CaseClash(Exception):
    """The publisher's own product has this id in another case: one product, one spelling."""

    def __init__(self, given: str, stored: str) -> None:
        super().__init__(f"product id {given!r} is {stored!r} already, in another case")
        self.given, self.stored = given, stored


def find(session: Session, product_id: str, *, for_update: bool = False) -> CatalogProduct | None:
    """The product, whatever the case of ``product_id``; ``for_update`` locks its row until
    commit (If-Match checks stay true)."""
    query = select(CatalogProduct).where(CatalogProduct.product_key == product_id.lower())
    return session.scalar(query.with_for_update() if for_update else query)


def upsert(session: Session, publisher: str, data: dict[str, Any], now: int) -> Outcome:
    """Create or replace a product of ``publisher``; an identical record changes nothing.

    Raises :class:`NotOwner` when another publisher owns the id (nothing is changed).
    """
    record = {k: v for k, v in data.items() if k != "publisher"}
    product = find(session, record["id"])
    if product is not None and product.publisher != publisher:
        raise NotOwner(record["id"], product.publisher)
    if product is not None and product.product_id != record["id"]:
        raise CaseClash(record["id"], product.product_id)
    if product is not None and product.data == record:
        return Outcome(UNCHANGED, product)
    cols = columns(record)
    if product is None:
        product = CatalogProduct(product_id=record["id"], product_key=record["id"].lower(),
                                 publisher=publisher, data=record,
                                 version=1, created_at=now, updated_at=now, **cols)
        session.add(product)
        session.flush()
        result = CREATED
    else:
        for key, value in cols.items():
            setattr(product, key, value)
        product.data = record
        product.version += 1
        product.updated_at = now
        session.execute(delete(CatalogProductCode).where(CatalogProductCode.product_pk == product.id))
        result = UPDATED
    session.execute(insert(CatalogProductCode), code_rows(product.id, record))
    session.flush()
    return Outcome(result, product)


def remove(session: Session, publisher: str, product_id: str) -> bool:
    """Delete a product of ``publisher``; False when there is none. :class:`NotOwner` otherwise."""
    product = find(session, product_id)
    if product is None:
        return False
    if product.publisher != publisher:
        raise NotOwner(product_id, product.publisher)
    session.delete(product)
    session.flush()
    return True


def iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_json(product: CatalogProduct | Any) -> dict[str, Any]:
    """A product as the API shows it: the record, its publisher, version and last change."""
    return {**product.data, "publisher": product.publisher, "version": product.version,
            "updatedAt": iso(product.updated_at)}


def export_records(session: Session, publisher: str | None = None) -> Iterator[dict[str, Any]]:
    """Every product (of one publisher) in the import format, ordered by id."""
    query = select(CatalogProduct.publisher, CatalogProduct.data).order_by(CatalogProduct.product_id)
    if publisher:
        query = query.where(CatalogProduct.publisher == publisher)
    for row in session.execute(query.execution_options(yield_per=500)):
        yield {"id": row.data["id"], "publisher": row.publisher,
               **{k: v for k, v in row.data.items() if k != "id"}}
