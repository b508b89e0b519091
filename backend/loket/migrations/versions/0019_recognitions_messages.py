"""recognitions (erkenningen) of associations; messages (berichten) and their audiences

Revision ID: 0019_recognitions_messages
Revises: 0018_mail_outbox

``recognitions``: a government client's recognition of an association for one of its catalog
products, with the dates its status follows. ``messages``: what a government (or Loket itself:
reminders, dossiers asking for action) tells associations, citizens or companies;
``message_recipients``: the audience, fixed at publication, one row per capacity identifier
with the message's validity copied for the reading index; ``message_states``: read and archived,
per person; ``message_mail_preferences``: a representative's opt-in to e-mail per category.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_recognitions_messages"
down_revision = "0018_mail_outbox"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "recognitions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("association_id", sa.Integer,
                  sa.ForeignKey("associations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("product_id", sa.String(100), nullable=False),
        sa.Column("product_key", sa.String(100), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("startdatum", sa.String(10)),
        sa.Column("einddatum", sa.String(10)),
        sa.Column("hernieuwingsdatum", sa.String(10)),
        sa.Column("hernieuwings_url", sa.String(2000)),
        sa.Column("reden_schorsing", sa.String(500)),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_recognitions_association_id", "recognitions", ["association_id"])
    op.create_index("ix_recognitions_client_id", "recognitions", ["client_id"])
    op.create_index("ix_recognitions_status_einddatum", "recognitions", ["status", "einddatum"])
    op.create_index("ix_recognitions_status_startdatum", "recognitions",
                    ["status", "startdatum"])
    op.create_index("ix_recognitions_status_hernieuwingsdatum", "recognitions",
                    ["status", "hernieuwingsdatum"])
    op.create_index("ix_recognitions_product", "recognitions", ["product_key", "association_id"])

    op.create_table(
        "messages",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("sender", sa.String(64), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("title", sa.JSON, nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("product_id", sa.String(100)),
        sa.Column("dossier_id", _ID, sa.ForeignKey("dossiers.id", ondelete="SET NULL")),
        sa.Column("link", sa.String(2000)),
        sa.Column("valid_from", sa.BigInteger, nullable=False),
        sa.Column("valid_until", sa.BigInteger, nullable=False),
        sa.Column("target", sa.JSON, nullable=False),
        sa.Column("audience", sa.Integer, nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("mailed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("sender", "key", name="uq_messages_sender"),
    )
    op.create_index("ix_messages_sender_created", "messages", ["sender", "created_at"])
    op.create_index("ix_messages_mailed", "messages", ["mailed"])
    op.create_table(
        "message_recipients",
        sa.Column("message_id", _ID, sa.ForeignKey("messages.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("identifier", sa.String(11), nullable=False),
        sa.Column("kind", sa.String(3), nullable=False),
        sa.Column("valid_from", sa.BigInteger, nullable=False),
        sa.Column("valid_until", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("message_id", "identifier", name="pk_message_recipients"),
    )
    op.create_index("ix_message_recipients_reading", "message_recipients",
                    ["identifier", sa.text("valid_from DESC"), sa.text("message_id DESC")])
    op.create_table(
        "message_states",
        sa.Column("message_id", _ID, sa.ForeignKey("messages.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("identifier", sa.String(11), nullable=False),
        sa.Column("person_sub", sa.String(36), nullable=False),
        sa.Column("read_at", sa.BigInteger),
        sa.Column("archived_at", sa.BigInteger),
        sa.PrimaryKeyConstraint("message_id", "identifier", "person_sub",
                                name="pk_message_states"),
    )
    op.create_index("ix_message_states_person", "message_states", ["person_sub", "identifier"])
    op.create_table(
        "message_mail_preferences",
        sa.Column("representative_id", sa.Integer,
                  sa.ForeignKey("representatives.id", ondelete="CASCADE"), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("representative_id", "category",
                                name="pk_message_mail_preferences"),
    )


def downgrade() -> None:
    op.drop_table("message_mail_preferences")
    op.drop_table("message_states")
    op.drop_table("message_recipients")
    op.drop_table("messages")
    op.drop_table("recognitions")
