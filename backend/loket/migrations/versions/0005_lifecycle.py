"""lifecycle: an association marked as a duplicate names the one it duplicates

Revision ID: 0005_lifecycle
Revises: 0004_register

A government's register office marks an association ``Dubbel`` of another vCode
(``dubbel_van``); stopping one sets its ``einddatum`` and status ``Gestopt`` (columns that exist).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_lifecycle"
down_revision = "0004_register"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN on both databases: SQLite keeps the table (and its FTS triggers)
    op.add_column("associations", sa.Column("dubbel_van", sa.String(8), nullable=True))


def downgrade() -> None:
    op.drop_column("associations", "dubbel_van")
