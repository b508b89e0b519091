"""register: the full association record, its change events, postcodes, full-text search

Revision ID: 0004_register
Revises: 0003_catalog

Adds contact data and locations, roepnaam on associations and representatives, the change
events with their register-wide sequence number, the postcode→municipality table, indexes for
the public search, and the full-text index: an FTS5 table kept by triggers on SQLite, a
generated ``tsvector`` column with a GIN index on PostgreSQL. Both fold accents the same way
the query side does (``loket.register.search.normalise``).
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0004_register"
down_revision = "0003_catalog"
branch_labels = None
depends_on = None

# Accented letters folded to plain ones on PostgreSQL (SQLite's FTS5 does it itself).
_ACCENTED = "áàâäãåéèêëíìîïóòôöõúùûüýÿçñÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÝÇÑ"
_PLAIN = "aaaaaaeeeeiiiiooooouuuuyycnAAAAAAEEEEIIIIOOOOOUUUUYCN"


def _pg_vector() -> str:
    def fold(expr: str) -> str:
        return f"translate({expr}, '{_ACCENTED}', '{_PLAIN}')"

    names = "coalesce(korte_naam, '') || ' ' || coalesce(roepnaam, '')"
    description = "coalesce(korte_beschrijving, '')"
    return (
        f"setweight(to_tsvector('simple', {fold('naam')}), 'A') || "
        f"setweight(to_tsvector('simple', {fold(names)}), 'B') || "
        f"setweight(to_tsvector('simple', {fold(description)}), 'C')"
    )


_SQLITE_FTS = [
    "CREATE VIRTUAL TABLE associations_fts USING fts5("
    "naam, namen, beschrijving, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')",
    "CREATE TRIGGER associations_fts_insert AFTER INSERT ON associations BEGIN "
    "INSERT INTO associations_fts(rowid, naam, namen, beschrijving) VALUES (new.id, new.naam, "
    "coalesce(new.korte_naam, '') || ' ' || coalesce(new.roepnaam, ''), "
    "coalesce(new.korte_beschrijving, '')); END",
    "CREATE TRIGGER associations_fts_delete AFTER DELETE ON associations BEGIN "
    "DELETE FROM associations_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER associations_fts_update "
    "AFTER UPDATE OF naam, korte_naam, roepnaam, korte_beschrijving ON associations BEGIN "
    "DELETE FROM associations_fts WHERE rowid = old.id; "
    "INSERT INTO associations_fts(rowid, naam, namen, beschrijving) VALUES (new.id, new.naam, "
    "coalesce(new.korte_naam, '') || ' ' || coalesce(new.roepnaam, ''), "
    "coalesce(new.korte_beschrijving, '')); END",
    "INSERT INTO associations_fts(rowid, naam, namen, beschrijving) SELECT id, naam, "
    "coalesce(korte_naam, '') || ' ' || coalesce(roepnaam, ''), coalesce(korte_beschrijving, '') "
    "FROM associations",
]


def upgrade() -> None:
    op.add_column("associations", sa.Column("roepnaam", sa.String(length=100), nullable=True))
    op.add_column("representatives", sa.Column("roepnaam", sa.String(length=100), nullable=True))
    op.create_index("ix_association_activities_code", "association_activities",
                    ["code", "association_id"])
    op.create_index("ix_association_areas_code", "association_areas", ["code", "association_id"])

    op.create_table(
        "association_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("waarde", sa.String(length=500), nullable=False),
        sa.Column("beschrijving", sa.String(length=200), nullable=True),
        sa.Column("is_primair", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["association_id"], ["associations.id"], ondelete="CASCADE",
                                name=op.f("fk_association_contacts_association_id_associations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_association_contacts")),
    )
    op.create_index(op.f("ix_association_contacts_association_id"), "association_contacts",
                    ["association_id"])

    op.create_table(
        "association_locations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("is_primair", sa.Boolean(), nullable=False),
        sa.Column("naam", sa.String(length=200), nullable=True),
        sa.Column("straatnaam", sa.String(length=200), nullable=False),
        sa.Column("huisnummer", sa.String(length=20), nullable=False),
        sa.Column("busnummer", sa.String(length=20), nullable=True),
        sa.Column("postcode", sa.String(length=20), nullable=False),
        sa.Column("gemeente", sa.String(length=200), nullable=False),
        sa.Column("land", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["association_id"], ["associations.id"], ondelete="CASCADE",
                                name=op.f("fk_association_locations_association_id_associations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_association_locations")),
    )
    op.create_index(op.f("ix_association_locations_association_id"), "association_locations",
                    ["association_id"])

    op.create_table(
        "association_events",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  autoincrement=False, nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("vcode", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=60), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=True),
        sa.Column("capacity", sa.String(length=40), nullable=True),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["association_id"], ["associations.id"], ondelete="CASCADE",
                                name=op.f("fk_association_events_association_id_associations")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_association_events")),
    )
    op.create_index(op.f("ix_association_events_association_id"), "association_events",
                    ["association_id"])
    op.create_index(op.f("ix_association_events_actor"), "association_events", ["actor"])

    register_head = op.create_table(
        "register_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_head")),
    )
    op.bulk_insert(register_head, [{"id": 1, "last_seq": 0}])

    postcodes = op.create_table(
        "postcodes",
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.Column("werkingsgebied", sa.String(length=10), nullable=False),
        sa.Column("plaats", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["werkingsgebied"], ["werkingsgebieden.code"], ondelete="CASCADE",
                                name=op.f("fk_postcodes_werkingsgebied_werkingsgebieden")),
        sa.PrimaryKeyConstraint("postcode", "werkingsgebied", name=op.f("pk_postcodes")),
    )
    # Postcodes already kept on the code list (the demo municipalities) move into the table.
    conn = op.get_bind()
    rows = []
    for code, raw in conn.execute(sa.text("SELECT code, postcodes FROM werkingsgebieden")):
        values = raw if isinstance(raw, list) else json.loads(raw or "[]")
        rows += [{"postcode": str(p), "werkingsgebied": code, "plaats": None}
                 for p in dict.fromkeys(values)]
    if rows:
        op.bulk_insert(postcodes, rows)

    if conn.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE associations ADD COLUMN search_vector tsvector "
                   f"GENERATED ALWAYS AS ({_pg_vector()}) STORED")
        op.execute("CREATE INDEX ix_associations_search_vector ON associations "
                   "USING gin (search_vector)")
    elif conn.dialect.name == "sqlite":
        for statement in _SQLITE_FTS:
            op.execute(statement)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_associations_search_vector")
        op.execute("ALTER TABLE associations DROP COLUMN IF EXISTS search_vector")
    elif conn.dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS associations_fts_{name}")
        op.execute("DROP TABLE IF EXISTS associations_fts")
    op.drop_table("postcodes")
    op.drop_table("register_head")
    op.drop_index(op.f("ix_association_events_actor"), table_name="association_events")
    op.drop_index(op.f("ix_association_events_association_id"), table_name="association_events")
    op.drop_table("association_events")
    op.drop_index(op.f("ix_association_locations_association_id"),
                  table_name="association_locations")
    op.drop_table("association_locations")
    op.drop_index(op.f("ix_association_contacts_association_id"),
                  table_name="association_contacts")
    op.drop_table("association_contacts")
    op.drop_index("ix_association_areas_code", table_name="association_areas")
    op.drop_index("ix_association_activities_code", table_name="association_activities")
    with op.batch_alter_table("representatives") as batch_op:
        batch_op.drop_column("roepnaam")
    with op.batch_alter_table("associations") as batch_op:
        batch_op.drop_column("roepnaam")
