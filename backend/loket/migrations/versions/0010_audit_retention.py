"""audit retention: entries emptied under retention, and the cuts that emptied them

Revision ID: 0010_audit_retention
Revises: 0009_audit_signals

``loket audit prune`` empties entries older than their kind's retention: who, from where,
about whom and the details go; the entry's place in its lane (``seq``, ``lane_seq``, its
hashes), its time, operation and outcome stay, so the chain still verifies. ``pruned`` names
the cut (one run of the pruning) that emptied it; ``audit_cuts`` records each cut's rules.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_audit_retention"
down_revision = "0009_audit_signals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_cuts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("before", sa.JSON, nullable=False),
        sa.Column("entries", sa.BigInteger, nullable=False, server_default="0"),
    )
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("pruned", sa.Integer, nullable=True))
    op.create_index("ix_audit_log_pruned", "audit_log", ["pruned", "lane", "lane_seq"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_pruned", table_name="audit_log")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("pruned")
    op.drop_table("audit_cuts")
