"""Trust through the JSON API and the CLI: only security officers read trust data, only admins set seeds,
and a rejection as a suspected infiltrator raises the applicant's vouch contacts in the review queue."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from muster.cli import _mount, app
from muster.domain.jobs import JobKind, JobStatus
from muster.domain.permissions import Role
from muster.web.app import create_app
from tests.factories import PASSWORD, add_reviewers, make_container, valid_answers

TRUST_FIELDS = {"score", "flag", "paths", "ring", "review_flags", "trust"}


@pytest.fixture(scope="module")
def env(database_url, tmp_path_factory):
    container = make_container(tmp_path_factory.mktemp("trust-api"), database_url)
    names = add_reviewers(container)
    container.accounts.add("admin2", Role.ADMIN, PASSWORD)
    names[Role.ADMIN] = "admin2"
    client = TestClient(create_app(container))
    tokens = {role: client.post("/api/auth/login", json={"username": u, "password": PASSWORD}).json()["token"]
              for role, u in names.items()}
    yield container, client, tokens
    container.close()


def auth(tokens, role):
    return {"Authorization": f"Bearer {tokens[role]}"}


def submit(client, container):
    receipt = client.post("/api/applications", json=valid_answers()).json()["receipt"]
    with container.uow() as uow:
        return uow.applications.by_receipt(container.intake._receipts.lookup_id(receipt)).id


def vouch(client, tokens, voucher, vouchee, strength=0.9):
    response = client.post("/api/vouches", headers=auth(tokens, Role.RECRUITER), json={
        "voucher": voucher, "vouchee": vouchee, "relationship": "served_together", "known_for_years": 3,
        "strength": strength})
    assert response.status_code == 201, response.text
    return response.json()


def graph(client, container, tokens, member):
    """A seed, six honest applicants around it, and a ring of four with one vouch from the seed."""
    assert client.post("/api/seeds", json={"member": member}, headers=auth(tokens, Role.ADMIN)).status_code == 201
    honest = [submit(client, container) for _ in range(6)]
    for a in honest:
        vouch(client, tokens, f"member:{member}", a)
    for a, b in zip(honest, honest[1:]):
        vouch(client, tokens, f"app:{a}", b, 0.7)
    ring = [submit(client, container) for _ in range(4)]
    for a in ring:
        for b in ring:
            if a != b:
                vouch(client, tokens, f"app:{a}", b, 1.0)
    vouch(client, tokens, f"member:{member}", ring[0], 0.5)
    return honest, ring


class TestTrustRead:
    def test_a_security_officer_reads_score_paths_and_ring(self, env):
        container, client, tokens = env
        honest, ring = graph(client, container, tokens, "api-seed")
        body = client.get(f"/api/cases/{honest[1]}/trust", headers=auth(tokens, Role.SECURITY_OFFICER)).json()
        assert body["score"] > 0.5 and body["flag"] is False and body["ring"] is None
        assert body["paths"][0]["text"].startswith("vouched by seed api-seed (member; served together, known 3 years")
        assert [s["node"] for s in body["paths"][0]["steps"]] == [f"app:{honest[1]}", "member:api-seed"]
        member = client.get(f"/api/cases/{ring[3]}/trust", headers=auth(tokens, Role.SECURITY_OFFICER)).json()
        assert member["flag"] is True and member["score"] < body["score"]
        assert set(member["ring"]["members"]) >= {f"app:{a}" for a in ring}
        assert member["paths"][0]["text"].startswith(f"vouched by applicant {ring[0][:8]}")

    @pytest.mark.parametrize("role", [r for r in Role if r is not Role.SECURITY_OFFICER])
    def test_other_roles_get_403(self, env, role):
        container, client, tokens = env
        case = submit(client, container)
        assert client.get(f"/api/cases/{case}/trust", headers=auth(tokens, role)).status_code == 403
        assert client.get("/api/review-flags", headers=auth(tokens, role)).status_code == 403

    def test_no_trust_data_in_case_reads_or_exports_of_any_role(self, env):
        container, client, tokens = env
        _, ring = graph(client, container, tokens, "no-leak")
        for role in (Role.RECRUITER, Role.INTERVIEWER, Role.SECURITY_OFFICER, Role.PLACEMENT_OFFICER):
            case = client.get(f"/api/cases/{ring[1]}", headers=auth(tokens, role)).json()
            assert not TRUST_FIELDS & set(case), role
        for role in (Role.RECRUITER, Role.PLACEMENT_OFFICER):
            rows = client.get("/api/cases/export?format=json", headers=auth(tokens, role)).json()
            assert not TRUST_FIELDS & set().union(*(row.keys() for row in rows)), role


class TestCascadeThroughTheApi:
    def act(self, client, tokens, role, case, action, **extra):
        response = client.post(f"/api/cases/{case}/actions", json={"action": action, **extra}, headers=auth(tokens, role))
        assert response.status_code == 200, response.text

    def test_rejection_as_infiltrator_raises_the_ring_and_a_clear_needs_a_note(self, env):
        container, client, tokens = env
        honest, ring = graph(client, container, tokens, "api-cascade")
        officer = auth(tokens, Role.SECURITY_OFFICER)
        self.act(client, tokens, Role.RECRUITER, ring[0], "start_screening")
        self.act(client, tokens, Role.SECURITY_OFFICER, ring[0], "reject", reason_code="suspected_infiltration",
                 note="ring")
        flags = [f for f in client.get("/api/review-flags", headers=officer).json() if f["source_case_id"] == ring[0]]
        assert {f["application_id"] for f in flags} == set(ring[1:])
        assert all("rejected as a suspected infiltrator" in f["reason"] for f in flags)
        trust = client.get(f"/api/cases/{ring[1]}/trust", headers=officer).json()
        assert [f["id"] for f in trust["review_flags"]] == [next(f["id"] for f in flags if f["application_id"] == ring[1])]
        flag = trust["review_flags"][0]["id"]
        assert client.post(f"/api/review-flags/{flag}/clear", json={"note": ""}, headers=officer).status_code == 422
        assert client.post(f"/api/review-flags/{flag}/clear", json={"note": "ok"},
                           headers=auth(tokens, Role.RECRUITER)).status_code == 403
        cleared = client.post(f"/api/review-flags/{flag}/clear", json={"note": "Checked in person."}, headers=officer)
        assert cleared.status_code == 200 and cleared.json()["clear_note"] == "Checked in person."
        assert flag not in {f["id"] for f in client.get("/api/review-flags", headers=officer).json()}


class TestSeedsApi:
    def test_admins_add_list_and_remove_seeds(self, env):
        _, client, tokens = env
        admin = auth(tokens, Role.ADMIN)
        added = client.post("/api/seeds", json={"member": "member:olena-p"}, headers=admin)
        assert added.status_code == 201 and added.json()["node"] == "member:olena-p"
        assert client.post("/api/seeds", json={"member": "olena-p"}, headers=admin).status_code == 422
        assert "member:olena-p" in [s["node"] for s in client.get("/api/seeds", headers=admin).json()]
        assert client.delete("/api/seeds/olena-p", headers=admin).status_code == 204
        assert client.delete("/api/seeds/olena-p", headers=admin).status_code == 404
        assert client.post("/api/seeds", json={"member": "two words"}, headers=admin).status_code == 422

    @pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
    def test_only_admins_touch_seeds(self, env, role):
        _, client, tokens = env
        assert client.get("/api/seeds", headers=auth(tokens, role)).status_code == 403
        assert client.post("/api/seeds", json={"member": "x"}, headers=auth(tokens, role)).status_code == 403
        assert client.delete("/api/seeds/x", headers=auth(tokens, role)).status_code == 403


class TestCli:
    def test_seed_add_list_remove_and_recompute(self, tmp_path):
        _mount()
        runner = CliRunner()
        env = {"MUSTER_DATA_DIR": str(tmp_path), "MUSTER_DEMO": "0"}
        run = lambda *args: runner.invoke(app, list(args), env=env)  # noqa: E731
        assert run("trust", "seed", "add", "anna-k").exit_code == 0
        assert run("trust", "seed", "add", "member:boris-v").exit_code == 0
        duplicate = run("trust", "seed", "add", "anna-k")
        assert duplicate.exit_code == 1 and "already a seed" in duplicate.output
        assert run("trust", "seed", "add", "not a name").exit_code == 1
        listed = run("trust", "seed", "list").output
        assert "member:anna-k" in listed and "member:boris-v" in listed and "by system" in listed
        assert run("trust", "seed", "remove", "anna-k").exit_code == 0
        assert run("trust", "seed", "remove", "anna-k").exit_code == 1
        assert "member:anna-k" not in run("trust", "seed", "list").output
        recomputed = run("trust", "recompute")
        assert recomputed.exit_code == 0 and recomputed.output.startswith("scored 0 nodes, 0 vouches from 1 seed(s)")
        container = make_container(tmp_path)  # the command's run is a job, as the server's nightly run is
        try:
            with container.uow() as uow:
                job = uow.jobs.latest(JobKind.TRUST_RECOMPUTE)
            assert job.status is JobStatus.DONE and job.result["seeds"] == 1
        finally:
            container.close()
