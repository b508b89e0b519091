"""client pkce: whether a client's sign-ins must use PKCE

Revision ID: 0012_client_pkce
Revises: 0011_session_capacity

PKCE (S256) is required of every client; a confidential client whose software cannot send it is
registered with ``loket client add --without-pkce`` (public clients never are).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_client_pkce"
down_revision = "0011_session_capacity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("pkce_required", sa.Boolean, nullable=False,
                                   server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("pkce_required")
