"""invitations: a representative only with their consent

Revision ID: 0006_invitations
Revises: 0005_lifecycle

A primary representative invites a person by INSZ and e-mail; the invitation waits until that
person signs in and accepts or declines, expires, or is withdrawn. Its personal data is emptied
by ``loket db prune`` after the retention period.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_invitations"
down_revision = "0005_lifecycle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "representative_invitations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("association_id", sa.Integer,
                  sa.ForeignKey("associations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("insz", sa.String(11), nullable=True),
        sa.Column("voornaam", sa.String(200), nullable=True),
        sa.Column("achternaam", sa.String(200), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("rol", sa.String(100), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("invited_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.Column("answered_at", sa.BigInteger, nullable=True),
        sa.Column("anonymised_at", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_representative_invitations_association_id",
                    "representative_invitations", ["association_id"])
    op.create_index("ix_representative_invitations_insz", "representative_invitations",
                    ["insz"])


def downgrade() -> None:
    op.drop_table("representative_invitations")
