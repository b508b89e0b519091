"""officers: who may consult the audit log

Revision ID: 0007_officers
Revises: 0006_invitations
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_officers"
down_revision = "0006_invitations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "security_officers",
        sa.Column("person_id", sa.Integer, sa.ForeignKey("persons.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("granted_at", sa.BigInteger, nullable=False),
        sa.Column("granted_by", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("security_officers")
