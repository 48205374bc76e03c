"""audit log tables; erased_on tombstone date on applications

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_entries',
    sa.Column('position', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('position', name=op.f('pk_audit_entries')),
    sa.UniqueConstraint('sequence', name=op.f('uq_audit_entries_sequence'))
    )
    op.create_index(op.f('ix_audit_entries_case_id'), 'audit_entries', ['case_id'], unique=False)
    op.create_table('audit_checkpoints',
    sa.Column('sequence', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('head', sa.LargeBinary(length=32), nullable=False),
    sa.Column('signature', sa.LargeBinary(length=64), nullable=False),
    sa.PrimaryKeyConstraint('sequence', name=op.f('pk_audit_checkpoints'))
    )
    # A nullable column with no default: SQLite adds it in place, no table rebuild needed.
    op.add_column('applications', sa.Column('erased_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('applications') as batch:
        batch.drop_column('erased_on')
    op.drop_table('audit_checkpoints')
    op.drop_index(op.f('ix_audit_entries_case_id'), table_name='audit_entries')
    op.drop_table('audit_entries')
