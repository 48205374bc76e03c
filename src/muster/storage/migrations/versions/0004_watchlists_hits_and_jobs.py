"""watchlist versions and entries, screening hits, screenings, and the job queue

Revision ID: 0004
Revises: 0003

Only new tables: nothing existing is altered, so no SQLite table rebuild is needed.
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('jobs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    op.create_index('ix_jobs_status_created_at', 'jobs', ['status', 'created_at'], unique=False)
    op.create_table('watchlist_versions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('list_name', sa.String(length=120), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('names', sa.Integer(), nullable=False),
    sa.Column('duplicates', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_watchlist_versions')),
    sa.UniqueConstraint('list_name', 'version', name='uq_watchlist_versions_list_name_version')
    )
    op.create_index('ix_watchlist_versions_list_name', 'watchlist_versions', ['list_name'], unique=False)
    op.create_table('watchlist_entries',
    sa.Column('version_id', sa.String(length=36), nullable=False),
    sa.Column('entry_id', sa.String(length=200), nullable=False),
    sa.Column('names', sa.Text(), nullable=False),
    sa.Column('birth_dates', sa.Text(), nullable=False),
    sa.Column('countries', sa.Text(), nullable=False),
    sa.Column('schema', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['watchlist_versions.id'], name=op.f('fk_watchlist_entries_version_id_watchlist_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'entry_id', name=op.f('pk_watchlist_entries'))
    )
    op.create_table('screening_hits',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('list_name', sa.String(length=120), nullable=False),
    sa.Column('version_id', sa.String(length=36), nullable=False),
    sa.Column('entry_id', sa.String(length=200), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('explanation', sa.LargeBinary(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=36), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_screening_hits_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by'], ['reviewers.id'], name=op.f('fk_screening_hits_decided_by_reviewers')),
    sa.ForeignKeyConstraint(['version_id'], ['watchlist_versions.id'], name=op.f('fk_screening_hits_version_id_watchlist_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_hits')),
    sa.UniqueConstraint('application_id', 'list_name', 'entry_id', name='uq_screening_hits_application_id')
    )
    op.create_index('ix_screening_hits_application_id', 'screening_hits', ['application_id'], unique=False)
    op.create_index(op.f('ix_screening_hits_status'), 'screening_hits', ['status'], unique=False)
    op.create_table('screenings',
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('screened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lists', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_screenings_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', name=op.f('pk_screenings'))
    )


def downgrade() -> None:
    op.drop_table('screenings')
    op.drop_index(op.f('ix_screening_hits_status'), table_name='screening_hits')
    op.drop_index('ix_screening_hits_application_id', table_name='screening_hits')
    op.drop_table('screening_hits')
    op.drop_table('watchlist_entries')
    op.drop_index('ix_watchlist_versions_list_name', table_name='watchlist_versions')
    op.drop_table('watchlist_versions')
    op.drop_index('ix_jobs_status_created_at', table_name='jobs')
    op.drop_table('jobs')
