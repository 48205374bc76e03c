"""`muster backup` / `muster restore` round trips, on SQLite and on PostgreSQL (pg_dump / pg_restore)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from muster.storage import tables as t
from tests.factories import make_container, valid_answers
from tests.support.cli import run


@pytest.fixture
def env(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("MUSTER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MUSTER_DEMO", "0")
    if not database_url.startswith("sqlite"):
        monkeypatch.setenv("MUSTER_DATABASE_URL", database_url)
    built = make_container(tmp_path, None if database_url.startswith("sqlite") else database_url)
    yield built
    built.close()


def count(container, table):
    with container.engine.connect() as c:
        return c.execute(select(func.count()).select_from(table)).scalar_one()


class TestBackupAndRestore:
    def test_the_database_round_trips_and_later_erasures_are_applied_again(self, env, tmp_path):
        before = count(env, t.applications)  # the PostgreSQL database is shared by the module
        kept = env.intake.submit(valid_answers(family_name="Резервная")).application_id
        erased_later = env.intake.submit(valid_answers()).application_id
        out = tmp_path / "muster.backup"
        assert "wrote database backup" in run("backup", "--out", str(out))
        assert "Резервная".encode() not in out.read_bytes() and b"audit_entries" not in out.read_bytes()
        entries_at_backup = count(env, t.audit_entries)

        env.intake.submit(valid_answers())
        env.erasure.erase(erased_later, reason="applicant request")
        assert count(env, t.applications) == before + 3
        env.close()

        output = run("restore", str(out))
        assert "restored the database" in output and "erased again 1 applications" in output
        restored = make_container(tmp_path, env.settings.database_url)
        try:
            assert count(restored, t.applications) == before + 2
            with restored.uow() as uow:
                assert uow.applications.answers(kept, ["identity"])["family_name"] == "Резервная"
                assert uow.applications.erased_on(erased_later) is not None
            assert count(restored, t.audit_entries) == entries_at_backup + 2  # the re-erasure, audited
            assert restored.audit.verify().ok
        finally:
            restored.close()

    def test_the_key_store_has_its_own_backup(self, env, tmp_path):
        case = env.intake.submit(valid_answers()).application_id
        out = tmp_path / "keystore.backup"
        assert "wrote keystore backup" in run("backup", "--keystore", "--out", str(out))
        env.ring.store.destroy(f"data:{case}")  # lost, e.g. a disk failure of the key store
        env.close()
        assert "restored the keystore" in run("restore", str(out))
        restored = make_container(tmp_path, env.settings.database_url)
        try:
            assert restored.ring.has_data_key(case)
        finally:
            restored.close()

    def test_a_damaged_or_foreign_file_is_refused_and_changes_nothing(self, env, tmp_path):
        out = tmp_path / "muster.backup"
        run("backup", "--out", str(out))
        data = bytearray(out.read_bytes())
        data[-5] ^= 1
        out.write_bytes(bytes(data))
        before = count(env, t.applications)
        env.intake.submit(valid_answers())
        run("restore", str(out), code=1)
        assert count(env, t.applications) == before + 1
        (tmp_path / "junk").write_bytes(b"hello")
        run("restore", str(tmp_path / "junk"), code=2)
