"""refresh tokens and ACM's switch

Revision ID: 0013_refresh_and_switch
Revises: 0012_client_pkce

``access_tokens.auth``: for a refresh token, how its sign-in went (sid, auth_time, acr, amr),
so the ID tokens a refresh gives say the same. ``session_clients.switch_pending``: the site
signed out with ACM's ``switch``; its next sign-in in this session shows the chooser.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_refresh_and_switch"
down_revision = "0012_client_pkce"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("access_tokens") as batch:
        batch.add_column(sa.Column("auth", sa.JSON, nullable=True))
    with op.batch_alter_table("session_clients") as batch:
        batch.add_column(sa.Column("switch_pending", sa.Boolean, nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("session_clients") as batch:
        batch.drop_column("switch_pending")
    with op.batch_alter_table("access_tokens") as batch:
        batch.drop_column("auth")
