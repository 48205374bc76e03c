"""Real deletion: `erase`, the retention policy and the commands, on the embedded SQLite database.

The central test takes a backup of the database files before erasing, erases, and then shows
that the backup's sealed values cannot be opened with the key store and key file as they are now."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from muster.crypto.errors import DataKeyMissing, SealBroken
from muster.crypto.keyfile import read_key_file
from muster.crypto.keyring import REF_AUDIT_SIGNING, REF_BLIND_INDEX, DataKey
from muster.crypto.sealing import FieldRef, unseal
from muster.crypto.shredding import shred_data_key
from muster.domain.errors import TransitionNotAllowed
from muster.domain.jobs import JobKind, JobStatus
from muster.domain.permissions import Role
from muster.domain.vouches import Relationship
from muster.domain.workflow import Action, ActionInput, ReasonCode, Stage
from muster.storage import tables as t
from muster.web.app import create_app
from tests.factories import PASSWORD, add_reviewer, make_container, valid_answers
from tests.support.cli import run


@pytest.fixture
def container(tmp_path):
    built = make_container(tmp_path)
    yield built
    built.close()


def rejected_case(container, recruiter):
    case = container.intake.submit(valid_answers(family_name="Стерта", name_latin="Sterta Erased")).application_id
    container.cases.act(recruiter, case, Action.START_SCREENING, ActionInput())
    container.cases.act(recruiter, case, Action.REJECT, ActionInput(reason_code=ReasonCode.INELIGIBLE, note="too young"))
    return case


def backup_copy(container, path):
    """A consistent copy of the main database, as a nightly backup would take it."""
    source = sqlite3.connect(container.engine.url.database)
    target = sqlite3.connect(path)
    source.backup(target)
    source.close()
    target.close()


class TestErase:
    def test_erasure_leaves_a_tombstone_without_personal_data(self, container):
        recruiter = add_reviewer(container, Role.RECRUITER)
        case = rejected_case(container, recruiter)
        container.vouching.add(recruiter, voucher="member:x", vouchee=case, relationship=Relationship.FRIEND,
                               known_for_years=1, strength=0.4, note="knows her from school")
        done = container.erasure.erase(case, reason="applicant request")
        assert done.key_destroyed and not done.already_erased and done.stage is Stage.REJECTED
        with container.engine.connect() as c:
            assert c.execute(select(t.answers).where(t.answers.c.application_id == case)).all() == []
            assert {r.note for r in c.execute(select(t.stage_changes).where(t.stage_changes.c.application_id == case))} == {None}
            assert {r.note for r in c.execute(select(t.vouches).where(t.vouches.c.vouchee == f"app:{case}"))} == {None}
            row = c.execute(select(t.applications).where(t.applications.c.id == case)).one()
        assert row.stage == "rejected" and row.erased_on is not None
        assert not container.ring.has_data_key(case)
        view = container.cases.view(recruiter, case)
        assert view.answers == {} and view.actions == [] and view.erased_on == row.erased_on
        with container.uow() as uow:  # the tombstone date travels with the application, read or listed
            assert uow.applications.get(case).erased_on == row.erased_on
            listed, _ = uow.applications.page(stages=[Stage.REJECTED], offset=0, limit=1000)
            assert next(a for a in listed if a.id == case).erased_on == row.erased_on
        assert container.erasure.erase(case, reason="again").already_erased

    def test_an_erased_case_takes_no_actions_and_exports_no_answers(self, container):
        recruiter = add_reviewer(container, Role.RECRUITER)
        case = container.intake.submit(valid_answers()).application_id
        container.erasure.erase(case, reason="applicant request")
        with pytest.raises(TransitionNotAllowed):
            container.cases.act(recruiter, case, Action.START_SCREENING, ActionInput())
        _, rows = container.cases.export(recruiter)
        assert next(r for r in rows if r["id"] == case).keys() == {"id", "stage", "submitted_on", "unit_id"}

    def test_the_case_page_and_api_show_an_erased_case_instead_of_failing(self, container):
        recruiter = add_reviewer(container, Role.RECRUITER)
        case = rejected_case(container, recruiter)
        container.erasure.erase(case, reason="applicant request")
        client = TestClient(create_app(container))
        token = client.post("/api/auth/login", json={"username": recruiter.username, "password": PASSWORD}).json()["token"]
        response = client.get(f"/api/cases/{case}", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        assert response.json()["erased_on"] and response.json()["answers"] == {}
        client.cookies.set("muster_session", token)
        page = client.get(f"/cases/{case}")
        assert page.status_code == 200 and "Erased on" in page.text and "Sterta" not in page.text

    def test_a_shredded_key_without_the_tombstone_is_410_not_500(self, container):
        recruiter = add_reviewer(container, Role.RECRUITER)
        case = container.intake.submit(valid_answers()).application_id
        shred_data_key(container.ring, case)  # e.g. the erasure stopped between key and rows
        client = TestClient(create_app(container), raise_server_exceptions=False)
        token = client.post("/api/auth/login", json={"username": recruiter.username, "password": PASSWORD}).json()["token"]
        response = client.get(f"/api/cases/{case}", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 410 and "Корнилов" not in response.text

    def test_a_backup_taken_before_the_erasure_cannot_be_opened_with_the_keys_that_remain(self, container, tmp_path):
        recruiter = add_reviewer(container, Role.RECRUITER)
        erased = rejected_case(container, recruiter)
        kept = container.intake.submit(valid_answers()).application_id
        backup = tmp_path / "backup-before-erasure.db"
        backup_copy(container, backup)

        container.erasure.erase(erased, reason="applicant request")

        with sqlite3.connect(backup) as old:
            sealed = old.execute("SELECT application_id, field, value FROM answers").fetchall()
            notes = old.execute("SELECT application_id, seq, note FROM stage_changes WHERE note IS NOT NULL").fetchall()
        erased_values = [(FieldRef("answers", "value", f"{a}/{f}"), v) for a, f, v in sealed if a == erased]
        erased_values += [(FieldRef("stage_changes", "note", f"{a}/{s}"), v) for a, s, v in notes if a == erased]
        assert len(erased_values) > 10

        # The key store and the key file as they are now: the erased applicant's key is gone...
        ring = container.ring
        with pytest.raises(DataKeyMissing):
            ring.data_key(erased)
        # ...and no key that remains opens their sealed values: every data key, both system keys, every KEK.
        candidates = [DataKey("try", k.key) for k in read_key_file(container.settings.resolved_key_file)]
        candidates += [DataKey("try", ring.blind_index_key()), DataKey("try", ring.audit_signing_seed())]
        candidates += [DataKey("try", ring.data_key(ref.removeprefix("data:")).key)
                       for ref in ring.store.refs() if ref.startswith("data:")]
        assert len(candidates) >= 4
        for where, value in erased_values:
            for key in candidates:
                with pytest.raises(SealBroken):
                    unseal(key, where, value)
        # The same backup still opens for the applicant who was not erased: the test would notice a broken copy.
        kept_value = next((FieldRef("answers", "value", f"{a}/{f}"), v) for a, f, v in sealed if a == kept)
        assert unseal(ring.data_key(kept), *kept_value)


class TestRetention:
    def test_rejected_and_withdrawn_cases_past_the_period_are_erased_and_nothing_else(self, container):
        recruiter = add_reviewer(container, Role.RECRUITER)
        old_rejected = rejected_case(container, recruiter)
        recent_rejected = rejected_case(container, recruiter)
        old_open = container.intake.submit(valid_answers()).application_id
        long_ago = datetime.now(timezone.utc) - timedelta(days=container.settings.retention_days + 1)
        with container.engine.begin() as c:
            c.execute(update(t.applications).where(t.applications.c.id.in_([old_rejected, old_open]))
                      .values(stage_entered_at=long_ago))
        assert container.erasure.due() == [old_rejected]
        erased = container.erasure.run_retention()
        assert [e.application_id for e in erased] == [old_rejected]
        assert not container.ring.has_data_key(old_rejected)
        assert container.ring.has_data_key(recent_rejected) and container.ring.has_data_key(old_open)
        assert container.erasure.run_retention() == []  # a tombstone is not picked again

    def test_the_nightly_schedule_queues_it_and_the_worker_erases_those_due(self, container):
        recruiter = add_reviewer(container, Role.RECRUITER)
        old = rejected_case(container, recruiter)
        with container.engine.begin() as c:
            c.execute(update(t.applications).where(t.applications.c.id == old)
                      .values(stage_entered_at=datetime(2020, 1, 1, tzinfo=timezone.utc)))
        queued = container.jobs.enqueue_due()  # never run before: due at once
        assert {container.jobs.get(i).kind for i in queued} == {JobKind.RETENTION, JobKind.TRUST_RECOMPUTE}
        assert container.jobs.enqueue_due() == []  # once a day
        container.jobs.run_pending()
        with container.uow() as uow:
            job = uow.jobs.latest(JobKind.RETENTION)
        assert job.status is JobStatus.DONE and job.result == {"erased": 1}
        assert not container.ring.has_data_key(old)


class TestCommands:
    @pytest.fixture
    def env(self, tmp_path, monkeypatch):
        monkeypatch.setenv("MUSTER_DATA_DIR", str(tmp_path))
        monkeypatch.setenv("MUSTER_DEMO", "0")
        built = make_container(tmp_path)
        yield built
        built.close()

    def test_erase_and_retention_run_print_what_they_did(self, env):
        recruiter = add_reviewer(env, Role.RECRUITER)
        case = rejected_case(env, recruiter)
        old = rejected_case(env, recruiter)
        with env.engine.begin() as c:
            c.execute(update(t.applications).where(t.applications.c.id == old)
                      .values(stage_entered_at=datetime(2020, 1, 1, tzinfo=timezone.utc)))
        assert f"erased {case} (rejected): data key destroyed" in run("erase", case, "--reason", "applicant request")
        assert run("retention", "run", "--dry-run").strip() == f"would erase {old}"
        output = run("retention", "run")
        assert f"erased {old} (rejected)" in output and "1 applications erased" in output
        run("erase", "no-such-id", "--reason", "x", code=1)
        assert "audit log intact" in run("audit", "verify")
