"""index review flags by their source case

Revision ID: 0006
Revises: 0005

The nightly trust rescore runs the infiltration cascade again for every applicant rejected as a suspected
infiltrator, and asks each time whom that applicant already raised (`raised_from`): without the index
that is a scan of every review flag per rejected applicant.
"""

from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_review_flags_source_case_id'), 'review_flags', ['source_case_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_review_flags_source_case_id'), table_name='review_flags')
