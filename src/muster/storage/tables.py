"""The schema, as SQLAlchemy Core tables: the single source Alembic migrations are checked against.

Personal data lives only in `answers.value` and `stage_changes.note`, as bytes written through
the repository's field codec, so that protection at rest is applied in one place.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

reviewers = Table(
    "reviewers",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(32), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("reviewer_id", String(36), ForeignKey("reviewers.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

units = Table(
    "units",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("capacity", Integer, nullable=False),
    Column("skills_wanted", Text, nullable=False, default=""),
    Column("languages", Text, nullable=False, default=""),
)

applications = Table(
    "applications",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("stage", String(32), nullable=False, index=True),
    Column("submitted_on", Date, nullable=False),
    Column("stage_entered_at", DateTime(timezone=True), nullable=False),
    Column("receipt_lookup", String(128), nullable=False, unique=True),
    Column("questionnaire_version", String(32), nullable=False),
    Column("unit_id", String(36), ForeignKey("units.id")),
    # Set when the applicant was erased: the row stays as a tombstone (stage, dates) without personal data.
    Column("erased_on", Date),
)

answers = Table(
    "answers",
    metadata,
    Column("application_id", String(36), ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    Column("field", String(64), primary_key=True),
    Column("compartment", String(32), nullable=False),
    Column("value", LargeBinary, nullable=False),
)

stage_changes = Table(
    "stage_changes",
    metadata,
    Column("application_id", String(36), ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("action", String(32), nullable=False),
    Column("from_stage", String(32), nullable=False),
    Column("to_stage", String(32), nullable=False),
    Column("actor_id", String(36), ForeignKey("reviewers.id"), nullable=False),
    Column("actor_role", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("reason_code", String(32)),
    Column("note", LargeBinary),
)

vouches = Table(
    "vouches",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("voucher", String(80), nullable=False, index=True),
    Column("vouchee", String(80), nullable=False, index=True),
    Column("relationship", String(32), nullable=False),
    Column("known_for_years", Float, nullable=False),
    Column("strength", Float, nullable=False),
    Column("note", LargeBinary),
    Column("created_on", Date, nullable=False),
    Column("revoked_on", Date),
)

# Seeds: members trusted a priori (node id `member:<name>`), set by an admin; `set_by` is a reviewer id or "system".
trust_seeds = Table(
    "trust_seeds",
    metadata,
    Column("node", String(80), primary_key=True),
    Column("set_by", String(64), nullable=False),
    Column("set_at", DateTime(timezone=True), nullable=False),
)

# An application raised for a security officer's review, e.g. because an applicant it is linked to by a vouch
# was rejected as a suspected infiltrator. `reason` holds ids and numbers only; the clearing note is sealed
# with the flagged applicant's data key like every other note.
review_flags = Table(
    "review_flags",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("application_id", String(36), ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True),
    # Indexed: the nightly rescore asks, per applicant rejected as an infiltrator, whom they already raised.
    Column("source_case_id", String(36), ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("reason", String(400), nullable=False),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("cleared_at", DateTime(timezone=True)),
    Column("cleared_by", String(64)),
    Column("clear_note", LargeBinary),
)

# The audit log: ids and action tags only, never personal data, so it is not sealed. `position` is
# the physical insertion order that `muster audit verify` reads the log in, so that reordered rows
# show as such; `sequence` is unique so that a second writer process cannot fork the chain.
audit_entries = Table(
    "audit_entries",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=True),
    Column("sequence", Integer, nullable=False, unique=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("case_id", String(36), index=True),
    Column("reason", String(200), nullable=False),
    Column("hash", LargeBinary(32), nullable=False),
)

audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("sequence", Integer, primary_key=True, autoincrement=False),
    Column("head", LargeBinary(32), nullable=False),
    Column("signature", LargeBinary(64), nullable=False),
)

Index("ix_stage_changes_at", stage_changes.c.at)

# Blind indexes of an application's contact answers (crypto/blind_index.py, CONTACT_EMAIL / CONTACT_PHONE):
# 3-byte truncated HMACs, so equal digests only name candidates; the duplicate check unseals them and compares
# exactly. `kind` is "email" or "phone". The rows go with the tombstone when the applicant is erased.
contact_indexes = Table(
    "contact_indexes",
    metadata,
    Column("application_id", String(36), ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("digest", LargeBinary(32), primary_key=True),
)

Index("ix_contact_indexes_kind_digest", contact_indexes.c.kind, contact_indexes.c.digest)

# Watchlists are public data, stored in plain text. Each import is a new version; old versions and
# their entries stay, so a list's history (and what a past hit matched) remains queryable.
watchlist_versions = Table(
    "watchlist_versions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("list_name", String(120), nullable=False),
    Column("version", Integer, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("source", String(500), nullable=False),
    Column("format", String(16), nullable=False),
    Column("rows_read", Integer, nullable=False),
    Column("entries", Integer, nullable=False),
    Column("names", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("skipped", Integer, nullable=False),
    UniqueConstraint("list_name", "version", name="uq_watchlist_versions_list_name_version"),
)

watchlist_entries = Table(
    "watchlist_entries",
    metadata,
    Column("version_id", String(36), ForeignKey("watchlist_versions.id", ondelete="CASCADE"), primary_key=True),
    Column("entry_id", String(200), primary_key=True),
    Column("names", Text, nullable=False),  # JSON list
    Column("birth_dates", Text, nullable=False),  # JSON list
    Column("countries", Text, nullable=False),  # JSON list
    Column("schema", String(32), nullable=False),
)

# A hit is raised once per (application, list, entry). The explanation names the applicant's name
# forms and the decision's reason is free text about them: both are sealed with the applicant's key.
screening_hits = Table(
    "screening_hits",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("application_id", String(36), ForeignKey("applications.id", ondelete="CASCADE"), nullable=False),
    Column("list_name", String(120), nullable=False),
    Column("version_id", String(36), ForeignKey("watchlist_versions.id"), nullable=False),
    Column("entry_id", String(200), nullable=False),
    Column("score", Float, nullable=False),
    Column("explanation", LargeBinary),
    Column("status", String(16), nullable=False, index=True),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", String(36), ForeignKey("reviewers.id")),
    Column("decided_at", DateTime(timezone=True)),
    Column("reason", LargeBinary),
    UniqueConstraint("application_id", "list_name", "entry_id", name="uq_screening_hits_application_id"),
)

# When each application was last screened, and against which list versions ("name@version" lines).
screenings = Table(
    "screenings",
    metadata,
    Column("application_id", String(36), ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    Column("screened_at", DateTime(timezone=True), nullable=False),
    Column("lists", Text, nullable=False),
)

# The background job queue (jobs/runner.py). Payloads and results hold ids and counts only.
jobs = Table(
    "jobs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("heartbeat_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("done", Integer, nullable=False, default=0),
    Column("total", Integer, nullable=False, default=0),
    Column("result", Text, nullable=False, default=""),
    Column("error", String(500), nullable=False, default=""),
)

Index("ix_screening_hits_application_id", screening_hits.c.application_id)
Index("ix_jobs_status_created_at", jobs.c.status, jobs.c.created_at)
Index("ix_jobs_kind_created_at", jobs.c.kind, jobs.c.created_at)  # the last job of a kind, shown on pages
Index("ix_watchlist_versions_list_name", watchlist_versions.c.list_name)
