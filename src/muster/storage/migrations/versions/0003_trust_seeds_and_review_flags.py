"""trust seeds; review flags raised by the infiltration cascade

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('trust_seeds',
    sa.Column('node', sa.String(length=80), nullable=False),
    sa.Column('set_by', sa.String(length=64), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('node', name=op.f('pk_trust_seeds'))
    )
    op.create_table('review_flags',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('source_case_id', sa.String(length=36), nullable=False),
    sa.Column('reason', sa.String(length=400), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cleared_by', sa.String(length=64), nullable=True),
    sa.Column('clear_note', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_review_flags_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_case_id'], ['applications.id'], name=op.f('fk_review_flags_source_case_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_flags'))
    )
    op.create_index(op.f('ix_review_flags_application_id'), 'review_flags', ['application_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_review_flags_application_id'), table_name='review_flags')
    op.drop_table('review_flags')
    op.drop_table('trust_seeds')
