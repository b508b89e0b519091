"""upstream truth: unknown auth_time and acr stay unknown; the upstream's session for its logout

Revision ID: 0014_upstream_truth
Revises: 0013_refresh_and_switch

An upstream provider that does not say when or how the person authenticated leaves
``auth_time`` and ``acr`` empty (before, ``iat`` and "0" stood in for them). ``upstream_sid``
and ``upstream_sub`` find the sessions an upstream's back-channel logout ends.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_upstream_truth"
down_revision = "0013_refresh_and_switch"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("sso_sessions", "authorization_codes"):
        with op.batch_alter_table(table) as batch:
            batch.alter_column("auth_time", existing_type=sa.BigInteger, nullable=True)
            batch.alter_column("acr", existing_type=sa.String(100), nullable=True)
    with op.batch_alter_table("sso_sessions") as batch:
        batch.add_column(sa.Column("upstream_sid", sa.String(255), nullable=True))
        batch.add_column(sa.Column("upstream_sub", sa.String(255), nullable=True))
        batch.create_index("ix_sso_sessions_upstream_sid", ["upstream_sid"])
        batch.create_index("ix_sso_sessions_upstream_sub", ["upstream_sub"])


def downgrade() -> None:
    with op.batch_alter_table("sso_sessions") as batch:
        batch.drop_index("ix_sso_sessions_upstream_sub")
        batch.drop_index("ix_sso_sessions_upstream_sid")
        batch.drop_column("upstream_sub")
        batch.drop_column("upstream_sid")
    for table in ("authorization_codes", "sso_sessions"):
        op.execute(f"UPDATE {table} SET auth_time = created_at WHERE auth_time IS NULL")  # noqa: S608
        op.execute(f"UPDATE {table} SET acr = '0' WHERE acr IS NULL")  # noqa: S608
        with op.batch_alter_table(table) as batch:
            batch.alter_column("auth_time", existing_type=sa.BigInteger, nullable=False)
            batch.alter_column("acr", existing_type=sa.String(100), nullable=False)
