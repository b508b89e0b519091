"""catalog: products and services (LPDC-style), their codes, and full-text search

Revision ID: 0003_catalog
Revises: 0002_dossiers

Full-text search differs per database and is written out by hand below:
- SQLite: an FTS5 table over (search_title, search_body) that reads its text from
  catalog_products (external content), kept in sync by three triggers; unicode61 tokens without
  diacritics, with 2- and 3-letter prefix indexes for prefix queries.
- PostgreSQL: a stored, generated tsvector column (title weighted A, body B) with a GIN index.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_catalog"
down_revision = "0002_dossiers"
branch_labels = None
depends_on = None

# The facets index covers the facet counts (an index-only scan); (sort, id) serves a page in
# title order without sorting.
INDEXES = {
    "ix_catalog_products_publisher": ["publisher"],
    "ix_catalog_products_facets": ["type", "level", "scoped", "doelgroep_mask", "thema_mask"],
    "ix_catalog_products_level": ["level"],
    "ix_catalog_products_sort_nl": ["sort_nl", "product_id"],
    "ix_catalog_products_sort_en": ["sort_en", "product_id"],
}

SQLITE_FTS = (
    "CREATE VIRTUAL TABLE catalog_products_fts USING fts5("
    "search_title, search_body, content='catalog_products', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE TRIGGER catalog_products_fts_insert AFTER INSERT ON catalog_products BEGIN "
    "INSERT INTO catalog_products_fts(rowid, search_title, search_body) "
    "VALUES (new.id, new.search_title, new.search_body); END",
    "CREATE TRIGGER catalog_products_fts_delete AFTER DELETE ON catalog_products BEGIN "
    "INSERT INTO catalog_products_fts(catalog_products_fts, rowid, search_title, search_body) "
    "VALUES ('delete', old.id, old.search_title, old.search_body); END",
    "CREATE TRIGGER catalog_products_fts_update AFTER UPDATE OF search_title, search_body "
    "ON catalog_products BEGIN "
    "INSERT INTO catalog_products_fts(catalog_products_fts, rowid, search_title, search_body) "
    "VALUES ('delete', old.id, old.search_title, old.search_body); "
    "INSERT INTO catalog_products_fts(rowid, search_title, search_body) "
    "VALUES (new.id, new.search_title, new.search_body); END",
)

POSTGRES_FTS = (
    "ALTER TABLE catalog_products ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', search_title), 'A') || "
    "setweight(to_tsvector('simple', search_body), 'B')) STORED",
    "CREATE INDEX ix_catalog_products_search_vector ON catalog_products "
    "USING gin (search_vector)",
)


def upgrade() -> None:
    op.create_table(
        "catalog_products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(length=100), nullable=False),
        sa.Column("publisher", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("start_date", sa.String(length=10), nullable=True),
        sa.Column("end_date", sa.String(length=10), nullable=True),
        sa.Column("scoped", sa.Boolean(), nullable=False),
        sa.Column("doelgroep_mask", sa.Integer(), nullable=False),
        sa.Column("thema_mask", sa.Integer(), nullable=False),
        sa.Column("sort_nl", sa.String(length=300), nullable=False),
        sa.Column("sort_en", sa.String(length=300), nullable=False),
        sa.Column("search_title", sa.Text(), nullable=False),
        sa.Column("search_body", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_products")),
        sa.UniqueConstraint("product_id", name=op.f("uq_catalog_products_product_id")),
    )
    for name, columns in INDEXES.items():
        op.create_index(name, "catalog_products", columns)
    op.create_table(
        "catalog_product_codes",
        sa.Column("product_pk", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_pk"], ["catalog_products.id"],
            name=op.f("fk_catalog_product_codes_product_pk_catalog_products"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("product_pk", "kind", "code", name=op.f("pk_catalog_product_codes")),
    )
    op.create_index("ix_catalog_product_codes_kind_code", "catalog_product_codes",
                    ["kind", "code", "product_pk"])
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_FTS if dialect == "sqlite" else POSTGRES_FTS if dialect == "postgresql" else ():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS catalog_products_fts_{name}")
        op.execute("DROP TABLE IF EXISTS catalog_products_fts")
    op.drop_index("ix_catalog_product_codes_kind_code", table_name="catalog_product_codes")
    op.drop_table("catalog_product_codes")
    for name in INDEXES:
        op.drop_index(name, table_name="catalog_products")
    op.drop_table("catalog_products")
