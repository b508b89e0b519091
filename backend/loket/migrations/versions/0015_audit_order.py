"""audit order: the hash covers the global order too

Revision ID: 0015_audit_order
Revises: 0014_upstream_truth

``audit_log.chain``: the hash rule of an entry (see loket.audit_chain). Entries written before
keep rule 1 (their hashes are as they were, so verification and checkpoints still hold);
every new entry is written with rule 2, whose hash also covers ``seq``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_audit_order"
down_revision = "0014_upstream_truth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("chain", sa.SmallInteger, nullable=False,
                                   server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("chain")
