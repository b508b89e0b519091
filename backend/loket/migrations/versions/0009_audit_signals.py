"""audit signals: indexes for a rare outcome within a client or an operation

Revision ID: 0009_audit_signals
Revises: 0008_audit_search

The officer's signals look for refused requests of one client and refused sign-ins: a filter
that is rare within an indexed one (2 % of a client's entries) would otherwise scan the client's
entries until a page is full (bench/audit.py).
"""

from __future__ import annotations

from alembic import op

revision = "0009_audit_signals"
down_revision = "0008_audit_search"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_audit_log_client_outcome_seq": ["client_id", "outcome", "seq"],
    "ix_audit_log_operation_outcome_seq": ["operation", "outcome", "seq"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "audit_log", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="audit_log")
