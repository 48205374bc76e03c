"""contact blind indexes for duplicate detection

Revision ID: 0005
Revises: 0004

A new table only. Existing applications get no rows here: a migration never holds keys, and the
digests need the blind-index key; applications submitted before this revision get their rows from
`muster duplicates reindex` (cli/duplicates.py), run once after upgrading.
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contact_indexes',
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('digest', sa.LargeBinary(length=32), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_contact_indexes_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', 'kind', 'digest', name=op.f('pk_contact_indexes'))
    )
    op.create_index('ix_contact_indexes_kind_digest', 'contact_indexes', ['kind', 'digest'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_contact_indexes_kind_digest', table_name='contact_indexes')
    op.drop_table('contact_indexes')
