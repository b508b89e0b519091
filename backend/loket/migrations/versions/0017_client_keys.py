"""client keys: public keys for private_key_jwt, the client's authentication method, used jtis

Revision ID: 0017_client_keys
Revises: 0016_catalog_keys

``clients.jwks``: the public keys a client signs its assertions with (a JWK Set, registered by
``loket client key add``). ``clients.auth_method``: ``client_secret`` (the secret, or an
assertion once keys are registered) or ``private_key_jwt`` (assertions only).
``client_assertion_jtis``: the ``jti`` of every accepted assertion until it expires, so that
an assertion is used once; the primary key refuses a second insert of the same pair.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_client_keys"
down_revision = "0016_catalog_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("jwks", sa.JSON, nullable=True))
        batch.add_column(sa.Column("auth_method", sa.String(32), nullable=False,
                                   server_default="client_secret"))
    op.create_table(
        "client_assertion_jtis",
        sa.Column("client_id", sa.String(64),
                  sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
        sa.Column("jti", sa.String(255), nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("client_id", "jti"),
    )
    op.create_index("ix_client_assertion_jtis_expires_at", "client_assertion_jtis",
                    ["expires_at"])


def downgrade() -> None:
    op.drop_table("client_assertion_jtis")
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("auth_method")
        batch.drop_column("jwks")
