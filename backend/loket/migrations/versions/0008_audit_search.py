"""audit search: indexes for the security officer's searches

Revision ID: 0008_audit_search
Revises: 0007_officers

Every search pages through the log in ``seq`` order under one or more filters, so the indexes
lead with the filter and end with ``seq``: a page is a short range scan (bench/audit.py). The
single-column indexes on ``actor`` and ``subject`` are replaced by their ``(…, seq)`` versions.
"""

from __future__ import annotations

from alembic import op

revision = "0008_audit_search"
down_revision = "0007_officers"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_audit_log_subject_seq": ["subject", "seq"],
    "ix_audit_log_actor_seq": ["actor", "seq"],
    "ix_audit_log_client_seq": ["client_id", "seq"],
    "ix_audit_log_ip_seq": ["ip", "seq"],
    "ix_audit_log_at": ["at"],
}


def upgrade() -> None:
    op.drop_index("ix_audit_log_actor", table_name="audit_log")
    op.drop_index("ix_audit_log_subject", table_name="audit_log")
    for name, columns in INDEXES.items():
        op.create_index(name, "audit_log", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="audit_log")
    op.create_index("ix_audit_log_actor", "audit_log", ["actor"])
    op.create_index("ix_audit_log_subject", "audit_log", ["subject"])
