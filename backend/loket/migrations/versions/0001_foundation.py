"""foundation: persons, register basics, clients, provider state, audit log

Revision ID: 0001_foundation
Revises: 
Create Date: 2026-11-30 00:33:44.625410
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001_foundation'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('associations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vcode', sa.String(length=8), nullable=False),
    sa.Column('naam', sa.String(length=300), nullable=False),
    sa.Column('korte_naam', sa.String(length=100), nullable=True),
    sa.Column('korte_beschrijving', sa.Text(), nullable=True),
    sa.Column('verenigingstype', sa.String(length=4), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('kbo', sa.String(length=10), nullable=True),
    sa.Column('startdatum', sa.String(length=10), nullable=True),
    sa.Column('einddatum', sa.String(length=10), nullable=True),
    sa.Column('min_leeftijd', sa.Integer(), nullable=False),
    sa.Column('max_leeftijd', sa.Integer(), nullable=False),
    sa.Column('opt_out', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_associations')),
    sa.UniqueConstraint('vcode', name=op.f('uq_associations_vcode'))
    )
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.BigInteger(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('audit_log',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('lane', sa.Integer(), nullable=False),
    sa.Column('lane_seq', sa.BigInteger(), nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=True),
    sa.Column('capacity', sa.String(length=40), nullable=True),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.Column('resource', sa.String(length=300), nullable=False),
    sa.Column('operation', sa.String(length=60), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_log')),
    sa.UniqueConstraint('lane', 'lane_seq', name=op.f('uq_audit_log_lane'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_actor'), ['actor'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_subject'), ['subject'], unique=False)

    op.create_table('clients',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('secret_hash', sa.String(length=128), nullable=True),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('redirect_uris', sa.JSON(), nullable=False),
    sa.Column('origins', sa.JSON(), nullable=False),
    sa.Column('post_logout_uris', sa.JSON(), nullable=False),
    sa.Column('backchannel_logout_uri', sa.String(length=2000), nullable=True),
    sa.Column('grant_types', sa.JSON(), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('theme', sa.String(length=64), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clients'))
    )
    op.create_table('companies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kbo', sa.String(length=10), nullable=False),
    sa.Column('naam', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_companies')),
    sa.UniqueConstraint('kbo', name=op.f('uq_companies_kbo'))
    )
    op.create_table('hoofdactiviteiten',
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('naam', sa.String(length=200), nullable=False),
    sa.Column('volgorde', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_hoofdactiviteiten'))
    )
    op.create_table('persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sub', sa.String(length=36), nullable=False),
    sa.Column('insz', sa.String(length=11), nullable=False),
    sa.Column('given_name', sa.String(length=200), nullable=False),
    sa.Column('family_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_persons')),
    sa.UniqueConstraint('insz', name=op.f('uq_persons_insz')),
    sa.UniqueConstraint('sub', name=op.f('uq_persons_sub'))
    )
    op.create_table('signing_keys',
    sa.Column('kid', sa.String(length=64), nullable=False),
    sa.Column('alg', sa.String(length=10), nullable=False),
    sa.Column('private_key', sa.Text(), nullable=False),
    sa.Column('public_jwk', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.BigInteger(), nullable=False),
    sa.Column('retired_at', sa.BigInteger(), nullable=True),
    sa.Column('expires_at', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('kid', name=op.f('pk_signing_keys'))
    )
    op.create_table('werkingsgebieden',
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('naam', sa.String(length=200), nullable=False),
    sa.Column('niveau', sa.String(length=20), nullable=False),
    sa.Column('provincie', sa.String(length=4), nullable=True),
    sa.Column('postcodes', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_werkingsgebieden'))
    )
    with op.batch_alter_table('werkingsgebieden', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_werkingsgebieden_provincie'), ['provincie'], unique=False)

    op.create_table('access_tokens',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('capacity', sa.JSON(), nullable=True),
    sa.Column('scope', sa.String(length=1000), nullable=False),
    sa.Column('session_id', sa.String(length=64), nullable=True),
    sa.Column('code_hash', sa.String(length=64), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.BigInteger(), nullable=False),
    sa.Column('expires_at', sa.BigInteger(), nullable=False),
    sa.Column('revoked_at', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_access_tokens_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_access_tokens_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_access_tokens'))
    )
    with op.batch_alter_table('access_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_tokens_code_hash'), ['code_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_tokens_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_tokens_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_tokens_session_id'), ['session_id'], unique=False)

    op.create_table('association_activities',
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_association_activities_association_id_associations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['code'], ['hoofdactiviteiten.code'], name=op.f('fk_association_activities_code_hoofdactiviteiten')),
    sa.PrimaryKeyConstraint('association_id', 'code', name=op.f('pk_association_activities'))
    )
    op.create_table('association_areas',
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_association_areas_association_id_associations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['code'], ['werkingsgebieden.code'], name=op.f('fk_association_areas_code_werkingsgebieden')),
    sa.PrimaryKeyConstraint('association_id', 'code', name=op.f('pk_association_areas'))
    )
    op.create_table('authorization_codes',
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('redirect_uri', sa.String(length=2000), nullable=False),
    sa.Column('code_challenge', sa.String(length=128), nullable=True),
    sa.Column('nonce', sa.String(length=512), nullable=True),
    sa.Column('scope', sa.String(length=1000), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.JSON(), nullable=False),
    sa.Column('session_id', sa.String(length=64), nullable=False),
    sa.Column('auth_time', sa.BigInteger(), nullable=False),
    sa.Column('acr', sa.String(length=100), nullable=False),
    sa.Column('amr', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.BigInteger(), nullable=False),
    sa.Column('expires_at', sa.BigInteger(), nullable=False),
    sa.Column('used_at', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_authorization_codes_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_authorization_codes_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('code_hash', name=op.f('pk_authorization_codes'))
    )
    with op.batch_alter_table('authorization_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authorization_codes_expires_at'), ['expires_at'], unique=False)

    op.create_table('authorization_requests',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.BigInteger(), nullable=False),
    sa.Column('expires_at', sa.BigInteger(), nullable=False),
    sa.Column('login_done_at', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_authorization_requests_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authorization_requests'))
    )
    with op.batch_alter_table('authorization_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authorization_requests_expires_at'), ['expires_at'], unique=False)

    op.create_table('company_mandates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('rol', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_company_mandates_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_company_mandates_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company_mandates')),
    sa.UniqueConstraint('company_id', 'person_id', name=op.f('uq_company_mandates_company_id'))
    )
    with op.batch_alter_table('company_mandates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_mandates_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_company_mandates_person_id'), ['person_id'], unique=False)

    op.create_table('representatives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('rol', sa.String(length=100), nullable=True),
    sa.Column('is_primair', sa.Boolean(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('telefoon', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_representatives_association_id_associations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_representatives_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_representatives')),
    sa.UniqueConstraint('association_id', 'person_id', name=op.f('uq_representatives_association_id'))
    )
    with op.batch_alter_table('representatives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_representatives_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_representatives_person_id'), ['person_id'], unique=False)

    op.create_table('sso_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('cookie_hash', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('auth_time', sa.BigInteger(), nullable=False),
    sa.Column('acr', sa.String(length=100), nullable=False),
    sa.Column('amr', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.BigInteger(), nullable=False),
    sa.Column('last_seen_at', sa.BigInteger(), nullable=False),
    sa.Column('expires_at', sa.BigInteger(), nullable=False),
    sa.Column('ended_at', sa.BigInteger(), nullable=True),
    sa.Column('upstream', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_sso_sessions_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sso_sessions')),
    sa.UniqueConstraint('cookie_hash', name=op.f('uq_sso_sessions_cookie_hash'))
    )
    with op.batch_alter_table('sso_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sso_sessions_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sso_sessions_person_id'), ['person_id'], unique=False)

    op.create_table('session_clients',
    sa.Column('session_id', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('first_at', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_session_clients_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['sso_sessions.id'], name=op.f('fk_session_clients_session_id_sso_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'client_id', name=op.f('pk_session_clients'))
    )
    audit_head = sa.table(
        "audit_head", sa.column("id", sa.Integer), sa.column("last_seq", sa.BigInteger),
        sa.column("last_hash", sa.String),
    )
    # One head row per lane (see loket.audit.LANES): appends in different lanes never wait for
    # each other.
    op.bulk_insert(audit_head, [{"id": lane, "last_seq": 0, "last_hash": "0" * 64}
                                for lane in range(1, 17)])


def downgrade() -> None:
    op.drop_table('session_clients')
    with op.batch_alter_table('sso_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sso_sessions_person_id'))
        batch_op.drop_index(batch_op.f('ix_sso_sessions_expires_at'))

    op.drop_table('sso_sessions')
    with op.batch_alter_table('representatives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_representatives_person_id'))
        batch_op.drop_index(batch_op.f('ix_representatives_association_id'))

    op.drop_table('representatives')
    with op.batch_alter_table('company_mandates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_mandates_person_id'))
        batch_op.drop_index(batch_op.f('ix_company_mandates_company_id'))

    op.drop_table('company_mandates')
    with op.batch_alter_table('authorization_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_authorization_requests_expires_at'))

    op.drop_table('authorization_requests')
    with op.batch_alter_table('authorization_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_authorization_codes_expires_at'))

    op.drop_table('authorization_codes')
    op.drop_table('association_areas')
    op.drop_table('association_activities')
    with op.batch_alter_table('access_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_tokens_session_id'))
        batch_op.drop_index(batch_op.f('ix_access_tokens_person_id'))
        batch_op.drop_index(batch_op.f('ix_access_tokens_expires_at'))
        batch_op.drop_index(batch_op.f('ix_access_tokens_code_hash'))

    op.drop_table('access_tokens')
    with op.batch_alter_table('werkingsgebieden', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_werkingsgebieden_provincie'))

    op.drop_table('werkingsgebieden')
    op.drop_table('signing_keys')
    op.drop_table('persons')
    op.drop_table('hoofdactiviteiten')
    op.drop_table('companies')
    op.drop_table('clients')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_subject'))
        batch_op.drop_index(batch_op.f('ix_audit_log_actor'))

    op.drop_table('audit_log')
    op.drop_table('audit_head')
    op.drop_table('associations')
