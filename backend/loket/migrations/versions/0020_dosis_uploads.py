"""DOSIS uploads

Revision ID: 0020_dosis_uploads
Revises: 0019_recognitions_messages

``dosis_uploads``: the processing result of each upload through the DOSIS-compatible face
(``/api/v2/dosis/dossiers``), by its ``UploadId``, for ``/api/v1/dosis/resultaten`` and so that
an upload sent again is processed once. An index on the locations' postcode, for the register's
compatible search (``locaties.postcode:9999``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_dosis_uploads"
down_revision = "0019_recognitions_messages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dosis_uploads",
        sa.Column("upload_id", sa.String(36), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("number", sa.String(100), nullable=False),
        sa.Column("received_at", sa.BigInteger(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("upload_id", name=op.f("pk_dosis_uploads")),
    )
    op.create_index("ix_dosis_uploads_dossier", "dosis_uploads",
                    ["source", "number", "received_at"])
    op.create_index(op.f("ix_association_locations_postcode"), "association_locations",
                    ["postcode"])


def downgrade() -> None:
    op.drop_index(op.f("ix_association_locations_postcode"), table_name="association_locations")
    op.drop_index("ix_dosis_uploads_dossier", table_name="dosis_uploads")
    op.drop_table("dosis_uploads")
