"""Migrations and repositories on a real database: SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from muster.domain.ids import ApplicationId, ReviewerId, UnitId
from muster.domain.permissions import Compartment, Role
from muster.domain.units import Unit
from muster.domain.workflow import Action, ActionInput, Actor, Stage, advance, new_application
from muster.storage import migrate
from muster.storage.codec import JsonCodec
from muster.storage.db import make_engine
from muster.storage.tables import metadata
from muster.storage.unit_of_work import SqlUnitOfWork
from muster.domain.accounts import Reviewer

NOW = datetime(2026, 5, 4, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def engine(database_url):
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def uow(engine):
    return SqlUnitOfWork(engine, JsonCodec)


class TestMigrations:
    def test_head_matches_the_tables(self, engine):
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), metadata)
        assert diff == []
        assert migrate.current_revision(engine) == migrate.head_revision()

    def test_downgrade_and_upgrade_round_trip(self, database_url):
        engine = make_engine(database_url)
        try:
            migrate.upgrade(engine)
            migrate.downgrade(engine, "base")
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
            migrate.upgrade(engine)
            assert {"applications", "answers", "stage_changes", "reviewers"} <= set(inspect(engine).get_table_names())
        finally:
            engine.dispose()


def test_sqlite_runs_in_wal_with_full_sync_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    try:
        with engine.connect() as c:
            assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert c.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


class TestApplicationRepository:
    def seed(self, engine, suffix):
        reviewer = Reviewer(ReviewerId(f"rev-{suffix}"), f"rev-{suffix}", Role.RECRUITER)
        application = new_application(ApplicationId(f"app-{suffix}"), NOW)
        with uow(engine) as u:
            u.reviewers.add(reviewer, password_hash="x", created_at=NOW)
            u.applications.add(application, receipt_lookup=f"lookup-{suffix}", questionnaire_version="1",
                               answers={"family_name": (Compartment.IDENTITY, "Петренко"),
                                        "email": (Compartment.CONTACT, "p@example.org"),
                                        "languages": (Compartment.SERVICE, ["uk", "en"])})
            u.commit()
        return application, reviewer

    def test_round_trip_with_history_and_compartments(self, engine):
        application, reviewer = self.seed(engine, "rt")
        moved, _ = advance(application, Action.START_SCREENING, Actor(reviewer.id, reviewer.role), NOW)
        with uow(engine) as u:
            u.applications.save(moved)
            u.commit()
        with uow(engine) as u:
            loaded = u.applications.get(application.id)
            assert loaded.stage is Stage.SCREENING
            assert loaded.history == moved.history
            assert u.applications.answers(application.id, [Compartment.IDENTITY, Compartment.SERVICE]) == {
                "family_name": "Петренко", "languages": ["uk", "en"]}
            assert u.applications.answers(application.id, []) == {}
            assert u.applications.by_receipt("lookup-rt").id == application.id

    def test_an_uncommitted_unit_of_work_leaves_nothing(self, engine):
        with uow(engine) as u:
            u.units.add(Unit(UnitId("u-rollback"), "Rolled back", 3))
        with uow(engine) as u:
            assert all(unit.id != "u-rollback" for unit in u.units.list())

    def test_occupancy_counts_placed_applications(self, engine):
        application, reviewer = self.seed(engine, "occ")
        with uow(engine) as u:
            u.units.add(Unit(UnitId("u-occ"), "Occupied", 3, ("medic",), ("uk",)))
            u.commit()
        from dataclasses import replace
        with uow(engine) as u:
            u.applications.save(replace(application, stage=Stage.PLACED, unit_id=UnitId("u-occ")))
            u.commit()
        with uow(engine) as u:
            assert u.applications.occupied()[UnitId("u-occ")] == 1
            assert u.units.get(UnitId("u-occ")).skills_wanted == ("medic",)

    def test_foreign_keys_are_enforced(self, engine):
        with pytest.raises(Exception):
            with engine.begin() as c:
                c.execute(text("INSERT INTO answers (application_id, field, compartment, value) "
                               "VALUES ('no-such-app', 'f', 'identity', :v)"), {"v": b"x"})


class TestJobRepository:
    def job(self, job_id):
        from muster.domain.jobs import Job, JobStatus

        return Job(id=job_id, kind="retention", payload={}, status=JobStatus.QUEUED,
                   created_at=datetime(2031, 1, 10, 3, tzinfo=timezone.utc))

    def test_a_run_is_added_once_even_when_another_worker_inserts_it_meanwhile(self, engine, monkeypatch):
        from muster.storage.job_store import SqlJobRepository

        with uow(engine) as u:
            assert u.jobs.add_once(self.job("retention@2031-01-10T03:00Z"))
            assert not u.jobs.add_once(self.job("retention@2031-01-10T03:00Z"))  # seen by its id
            u.commit()
        # The race: the other worker's row lands between the check and the insert; the key refuses it,
        # and the transaction goes on.
        monkeypatch.setattr(SqlJobRepository, "get", lambda self, job_id: None)
        with uow(engine) as u:
            assert not u.jobs.add_once(self.job("retention@2031-01-10T03:00Z"))
            assert u.jobs.add_once(self.job("retention@2031-01-11T03:00Z"))
            u.commit()
        monkeypatch.undo()
        from muster.domain.jobs import JobStatus

        with uow(engine) as u:
            assert u.jobs.count(JobStatus.QUEUED) == 2
            assert u.jobs.get("retention@2031-01-11T03:00Z") is not None
