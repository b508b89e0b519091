"""session capacity: the capacity an SSO session last signed in to a site with

Revision ID: 0011_session_capacity
Revises: 0010_audit_retention

A silent sign-in (``prompt=none``) on the next site gets the same capacity, and the chooser
preselects it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_session_capacity"
down_revision = "0010_audit_retention"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sso_sessions") as batch:
        batch.add_column(sa.Column("capacity", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sso_sessions") as batch:
        batch.drop_column("capacity")
