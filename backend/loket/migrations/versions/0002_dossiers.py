"""dossiers: DOSIS-style dossier status, who may see each dossier, status history

Revision ID: 0002_dossiers
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_dossiers"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "dossiers",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("number", sa.String(100), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("type", sa.String(100), nullable=True),
        sa.Column("last_change", sa.BigInteger(), nullable=False),
        sa.Column("status_code", sa.String(40), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("status_detail", sa.Text(), nullable=True),
        sa.Column("action_required", sa.Boolean(), nullable=False),
        sa.Column("action_text", sa.String(500), nullable=True),
        sa.Column("link", sa.String(2000), nullable=True),
        sa.Column("product_numbers", sa.JSON(), nullable=False),
        sa.Column("handler", sa.JSON(), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossiers")),
        # The natural key; also the index of a back office's lookups by number.
        sa.UniqueConstraint("source", "number", name=op.f("uq_dossiers_source")),
    )
    op.create_table(
        "dossier_agents",
        sa.Column("dossier_id", ID, nullable=False),
        sa.Column("identifier", sa.String(11), nullable=False),
        sa.Column("kind", sa.String(5), nullable=False),
        sa.Column("rights", sa.String(20), nullable=False),
        sa.Column("sort_rank", sa.SmallInteger(), nullable=False),
        sa.Column("last_change", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], ondelete="CASCADE",
                                name=op.f("fk_dossier_agents_dossier_id_dossiers")),
        sa.PrimaryKeyConstraint("dossier_id", "identifier", name=op.f("pk_dossier_agents")),
    )
    # A capacity's dossiers in reading order straight from the index (see models/dossiers.py).
    op.create_index(
        "ix_dossier_agents_reading", "dossier_agents",
        ["identifier", "sort_rank", sa.text("last_change DESC"), sa.text("dossier_id DESC")],
    )
    op.create_table(
        "dossier_status_history",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("dossier_id", ID, nullable=False),
        sa.Column("received_at", sa.BigInteger(), nullable=False),
        sa.Column("last_change", sa.BigInteger(), nullable=False),
        sa.Column("status_code", sa.String(40), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("status_detail", sa.Text(), nullable=True),
        sa.Column("action_required", sa.Boolean(), nullable=False),
        sa.Column("action_text", sa.String(500), nullable=True),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], ondelete="CASCADE",
                                name=op.f("fk_dossier_status_history_dossier_id_dossiers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_status_history")),
    )
    op.create_index("ix_dossier_status_history_dossier", "dossier_status_history",
                    ["dossier_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_dossier_status_history_dossier", table_name="dossier_status_history")
    op.drop_table("dossier_status_history")
    op.drop_index("ix_dossier_agents_reading", table_name="dossier_agents")
    op.drop_table("dossier_agents")
    op.drop_table("dossiers")
