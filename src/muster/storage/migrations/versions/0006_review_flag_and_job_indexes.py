"""index review flags by their source case, and jobs by kind

Revision ID: 0006
Revises: 0005

The nightly trust rescore runs the infiltration cascade again for every applicant rejected as a suspected
infiltrator, and asks each time whom that applicant already raised (`raised_from`): without the first
index that is a scan of every review flag per rejected applicant. The pages that show the last job of a
kind (re-screening, the nightly rescore) read it by the second; the queue keeps every job.
"""

from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_review_flags_source_case_id'), 'review_flags', ['source_case_id'], unique=False)
    op.create_index('ix_jobs_kind_created_at', 'jobs', ['kind', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_jobs_kind_created_at', table_name='jobs')
    op.drop_index(op.f('ix_review_flags_source_case_id'), table_name='review_flags')
