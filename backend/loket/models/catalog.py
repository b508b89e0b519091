"""The product and service catalog (LPDC-style): products owned by a publishing client.

A product's full, validated record is kept as JSON (``data``); the columns beside it are what
search, filters, ranking and sorting need, each indexed. Multi-valued codes (doelgroepen,
themas, spatial scope) live in :class:`CatalogProductCode`, one row per code, so filters and
facets are index lookups and GROUP BYs on both SQLite and PostgreSQL.

Full-text search is not in this metadata: the migration adds an FTS5 table (SQLite) or a
``tsvector`` column with a GIN index (PostgreSQL) over ``search_title`` and ``search_body``.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from loket.models.base import Base


class CatalogProduct(Base):
    __tablename__ = "catalog_products"
    # The facets index covers the facet counts; (sort, id) serves a page without sorting.
    __table_args__ = (
        Index("ix_catalog_products_facets", "type", "level", "scoped", "doelgroep_mask",
              "thema_mask"),
        Index("ix_catalog_products_level", "level"),
        Index("ix_catalog_products_sort_nl", "sort_nl", "product_id"),
        Index("ix_catalog_products_sort_en", "sort_en", "product_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[str] = mapped_column(String(100), unique=True)
    # the id as compared: in lower case, so "gb-compostvat" is "GB-COMPOSTVAT" (migration 0016)
    product_key: Mapped[str] = mapped_column(String(100), unique=True)
    publisher: Mapped[str] = mapped_column(String(64), index=True)
    type: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[str | None] = mapped_column(String(10))
    end_date: Mapped[str | None] = mapped_column(String(10))
    scoped: Mapped[bool] = mapped_column(Boolean, default=False)
    # One bit per code (loket.catalog.codes.bit): ranking and facet counts without joins.
    doelgroep_mask: Mapped[int] = mapped_column(Integer, default=0)
    thema_mask: Mapped[int] = mapped_column(Integer, default=0)
    sort_nl: Mapped[str] = mapped_column(String(300))
    sort_en: Mapped[str] = mapped_column(String(300))
    search_title: Mapped[str] = mapped_column(Text)
    search_body: Mapped[str] = mapped_column(Text)
    data: Mapped[dict] = mapped_column()
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int] = mapped_column(BigInteger)


class CatalogProductCode(Base):
    """One code of a product: ``kind`` is ``doelgroep``, ``thema`` or ``area``."""

    __tablename__ = "catalog_product_codes"
    __table_args__ = (Index("ix_catalog_product_codes_kind_code", "kind", "code", "product_pk"),)

    product_pk: Mapped[int] = mapped_column(
        ForeignKey("catalog_products.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
