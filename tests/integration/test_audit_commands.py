"""`muster audit verify|checkpoint|export-checkpoints`, and the auditor's view in the API and the UI."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update

from muster.domain.permissions import Role
from muster.storage import tables as t
from muster.web.app import create_app
from tests.factories import PASSWORD, make_container, valid_answers
from tests.support.cli import run


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("MUSTER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MUSTER_DEMO", "0")
    monkeypatch.setenv("MUSTER_AUDIT_CHECKPOINT_EVERY", "5")
    built = make_container(tmp_path, audit_checkpoint_every=5)
    built.accounts.add("auditor-c", Role.AUDITOR, PASSWORD)
    built.accounts.add("recruiter-c", Role.RECRUITER, PASSWORD)
    for _ in range(12):
        built.intake.submit(valid_answers())
    yield built
    built.close()


class TestAuditCommands:
    def test_verify_passes_an_untouched_log_and_names_an_edited_entry(self, env):
        assert "audit log intact: 15 entries" in run("audit", "verify")
        with env.engine.begin() as c:
            c.execute(update(t.audit_entries).where(t.audit_entries.c.sequence == 7).values(actor="someone-else"))
        assert "TAMPERED: edited at entry 7" in run("audit", "verify", code=1)

    def test_exported_checkpoints_are_appended_and_catch_truncation(self, env, tmp_path):
        out = tmp_path / "auditor" / "checkpoints.jsonl"
        out.parent.mkdir()
        assert "appended 3 checkpoints" in run("audit", "export-checkpoints", "--out", str(out))  # 5, 10 and 15
        env.intake.submit(valid_answers())
        assert "appended 1 checkpoints" in run("audit", "export-checkpoints", "--out", str(out))
        lines = out.read_text().splitlines()
        assert len(lines) == 4
        with env.engine.begin() as c:
            c.execute(delete(t.audit_entries).where(t.audit_entries.c.sequence > 12))
            c.execute(delete(t.audit_checkpoints).where(t.audit_checkpoints.c.sequence > 12))
        assert "audit log intact" in run("audit", "verify")
        assert "TAMPERED: truncated at entry 13" in run("audit", "verify", "--checkpoints", str(out), code=1)

    def test_checkpoint_signs_on_demand(self, env):
        assert "signed checkpoint at entry 15" in run("audit", "checkpoint")

    def test_a_key_rotation_is_audited(self, env):
        run("keys", "rotate")
        with env.engine.connect() as c:
            last = c.execute(select(t.audit_entries).order_by(t.audit_entries.c.position.desc())).first()
        assert (last.actor, last.action) == ("system", "system:keys:rotate") and "re-wrapped" in last.reason
        assert "audit log intact" in run("audit", "verify")

    def test_a_missing_checkpoint_file_is_a_usage_error(self, env, tmp_path):
        run("audit", "verify", "--checkpoints", str(tmp_path / "nope.jsonl"), code=2)


class TestAuditorViews:
    def test_the_api_lists_entries_newest_first_and_filters_by_case(self, env):
        client = TestClient(create_app(env))
        token = client.post("/api/auth/login", json={"username": "auditor-c", "password": PASSWORD}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        page = client.get("/api/audit?limit=5", headers=headers).json()
        assert page["total"] >= 15 and [i["sequence"] for i in page["items"]] == sorted(
            (i["sequence"] for i in page["items"]), reverse=True)
        case = next(i["case_id"] for i in page["items"] if i["case_id"])
        only = client.get(f"/api/audit?case_id={case}", headers=headers).json()
        assert only["total"] >= 1 and {i["case_id"] for i in only["items"]} == {case}

    def test_the_audit_page_is_for_auditors_only(self, env):
        client = TestClient(create_app(env))
        for username, status in (("auditor-c", 200), ("recruiter-c", 403)):
            token = client.post("/api/auth/login", json={"username": username, "password": PASSWORD}).json()["token"]
            client.cookies.set("muster_session", token)
            response = client.get("/audit")
            assert response.status_code == status
            if status == 200:
                assert "applicant:record:create" in response.text and "Audit log" in response.text
        client.cookies.clear()
        assert client.get("/audit", follow_redirects=False).status_code == 303
