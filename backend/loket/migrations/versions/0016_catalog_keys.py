"""catalog keys: product ids compared without regard to case

Revision ID: 0016_catalog_keys
Revises: 0015_audit_order

``catalog_products.product_key`` is the id in lower case, unique: one publisher's
``gb-compostvat`` can no longer sit beside another's ``GB-COMPOSTVAT``. A database that holds
such a pair already stops the upgrade and names them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_catalog_keys"
down_revision = "0015_audit_order"
branch_labels = None
depends_on = None


def upgrade() -> None:
    clashes = op.get_bind().execute(sa.text(
        "SELECT lower(product_id) AS k, COUNT(*) FROM catalog_products "
        "GROUP BY lower(product_id) HAVING COUNT(*) > 1")).all()
    if clashes:
        names = ", ".join(row[0] for row in clashes[:10])
        raise RuntimeError(
            f"catalog products whose ids differ only in case: {names}. Remove or rename one of "
            "each (its publisher: DELETE /api/v1/catalog/products/{id}), then upgrade again.")
    # A plain ADD COLUMN and a unique index: on SQLite a rebuilt table would lose the
    # full-text triggers of migration 0003. Every writer sets the key (loket.catalog.store).
    op.add_column("catalog_products", sa.Column("product_key", sa.String(100), nullable=True))
    op.execute("UPDATE catalog_products SET product_key = lower(product_id)")
    op.create_index("uq_catalog_products_product_key", "catalog_products", ["product_key"],
                    unique=True)


def downgrade() -> None:
    op.drop_index("uq_catalog_products_product_key", table_name="catalog_products")
    op.drop_column("catalog_products", "product_key")
