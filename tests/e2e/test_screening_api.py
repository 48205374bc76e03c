"""Screening through the API and the UI: the officer's confirm/dismiss flow, and nobody else reads hits."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from muster.domain.permissions import Role, has_permission, Permission
from muster.domain.screening import ImportSummary
from muster.importers.watchlist_csv import read_watchlist_csv
from muster.web.app import create_app
from tests.factories import PASSWORD, add_reviewers, make_container, valid_answers

FIXTURES = Path(__file__).resolve().parents[1] / "integration" / "screening_fixtures"
PISAREVSKY = {"family_name": "Писаревский", "given_name": "Евгений", "patronymic": "Леонидович", "name_latin": None}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    container = make_container(tmp_path_factory.mktemp("screening-api"))
    names = add_reviewers(container)
    loaded = read_watchlist_csv(FIXTURES / "list_v1.csv")
    container.screening.import_list("sanctions", loaded.entries, ImportSummary("list_v1.csv", "csv", 2, 2, 3, 0, 0, 0))
    with TestClient(create_app(container)) as client:  # runs the lifespan: the job worker is on
        tokens = {role: client.post("/api/auth/login", json={"username": names[role], "password": PASSWORD}).json()["token"]
                  for role in Role if role is not Role.ADMIN}
        yield container, client, tokens
    container.close()


def auth(tokens, role):
    return {"Authorization": f"Bearer {tokens[role]}"}


def submit_listed(container, client):
    """Submit a listed person through the API and wait for the background worker's hit."""
    receipt = client.post("/api/applications", json=valid_answers(**PISAREVSKY)).json()["receipt"]
    with container.uow() as uow:
        application_id = uow.applications.by_receipt(container.intake._receipts.lookup_id(receipt)).id
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with container.uow() as uow:
            if uow.screening.for_application(application_id):
                return application_id
        time.sleep(0.05)
    raise AssertionError("no hit was raised by the background worker")


class TestHitsThroughTheApi:
    def test_the_officer_sees_the_hit_with_its_explanation(self, env):
        container, client, tokens = env
        case = submit_listed(container, client)
        response = client.get(f"/api/cases/{case}/hits", headers=auth(tokens, Role.SECURITY_OFFICER))
        assert response.status_code == 200
        [hit] = response.json()
        assert (hit["list_name"], hit["entry_id"], hit["status"], hit["version"]) == ("sanctions", "W1", "open", 1)
        assert hit["entry"]["names"][0] == "Pisarevsky Evgeny Leonidovich"
        assert "met list name" in hit["explanation"] and hit["details"]["parts"]

    def test_dismiss_with_a_reason_then_a_second_decision_is_409(self, env):
        container, client, tokens = env
        case = submit_listed(container, client)
        [hit] = client.get(f"/api/cases/{case}/hits", headers=auth(tokens, Role.SECURITY_OFFICER)).json()
        url = f"/api/hits/{hit['id']}/decision"
        assert client.post(url, json={"decision": "dismiss", "reason": ""},
                           headers=auth(tokens, Role.SECURITY_OFFICER)).status_code == 422
        decided = client.post(url, json={"decision": "dismiss", "reason": "namesake, other birth date"},
                              headers=auth(tokens, Role.SECURITY_OFFICER))
        assert decided.status_code == 200, decided.text
        assert decided.json()["status"] == "dismissed" and decided.json()["reason"] == "namesake, other birth date"
        again = client.post(url, json={"decision": "confirm", "reason": "no"}, headers=auth(tokens, Role.SECURITY_OFFICER))
        assert again.status_code == 409 and again.json()["title"] == "HitAlreadyDecided"

    def test_confirm_blocks_clearing_with_409(self, env):
        container, client, tokens = env
        case = submit_listed(container, client)
        client.post(f"/api/cases/{case}/actions", json={"action": "start_screening"}, headers=auth(tokens, Role.RECRUITER))
        blocked = client.post(f"/api/cases/{case}/actions", json={"action": "clear_screening"},
                              headers=auth(tokens, Role.SECURITY_OFFICER))
        assert blocked.status_code == 409 and blocked.json()["title"] == "OpenHitsRemain"
        [hit] = client.get(f"/api/cases/{case}/hits", headers=auth(tokens, Role.SECURITY_OFFICER)).json()
        client.post(f"/api/hits/{hit['id']}/decision", json={"decision": "confirm", "reason": "same person"},
                    headers=auth(tokens, Role.SECURITY_OFFICER))
        blocked = client.post(f"/api/cases/{case}/actions", json={"action": "clear_screening"},
                              headers=auth(tokens, Role.SECURITY_OFFICER))
        assert blocked.status_code == 409 and blocked.json()["title"] == "WatchlistMatchConfirmed"

    @pytest.mark.parametrize("role", [r for r in Role if r not in (Role.ADMIN, Role.SECURITY_OFFICER)])
    def test_other_roles_can_neither_read_nor_decide_hits(self, env, role):
        container, client, tokens = env
        assert not has_permission(role, Permission.SCREENING_READ)
        case = submit_listed(container, client)
        [hit] = client.get(f"/api/cases/{case}/hits", headers=auth(tokens, Role.SECURITY_OFFICER)).json()
        assert client.get(f"/api/cases/{case}/hits", headers=auth(tokens, role)).status_code == 403
        assert client.get("/api/screening", headers=auth(tokens, role)).status_code == 403
        refused = client.post(f"/api/hits/{hit['id']}/decision", json={"decision": "dismiss", "reason": "x"},
                              headers=auth(tokens, role))
        assert refused.status_code == 403
        case_json = client.get(f"/api/cases/{case}", headers=auth(tokens, role))
        if case_json.status_code == 200:
            assert "Pisarevsky" not in case_json.text and "hits" not in case_json.json()
        assert client.get(f"/api/cases/{case}/hits", headers=auth(tokens, Role.SECURITY_OFFICER)).json()[0]["status"] == "open"

    def test_the_status_shows_lists_and_the_open_queue(self, env):
        container, client, tokens = env
        case = submit_listed(container, client)
        status = client.get("/api/screening", headers=auth(tokens, Role.SECURITY_OFFICER)).json()
        assert [(v["list_name"], v["version"], v["current"]) for v in status["lists"]] == [("sanctions", 1, True)]
        assert case in {o["application_id"] for o in status["open"]}
        assert status["threshold"] == container.screening.threshold


class TestHitsInTheUi:
    def login(self, client, username):
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token}, follow_redirects=False)

    def test_the_case_page_shows_hits_to_officers_only_and_takes_a_decision(self, env):
        container, _client, _ = env
        # No `with`: these clients share the module's worker instead of starting and stopping their own.
        officer, recruiter = TestClient(create_app(container)), TestClient(create_app(container))
        self.login(officer, "security_officer")
        self.login(recruiter, "recruiter")
        case = submit_listed(container, officer)
        page = officer.get(f"/cases/{case}")
        assert "Watchlist hits" in page.text and "Pisarevsky Evgeny Leonidovich" in page.text
        assert "Watchlist hits" not in recruiter.get(f"/cases/{case}").text
        assert recruiter.get("/screening").status_code == 403
        assert case in officer.get("/screening").text
        assert 'hx-get="/screening/open-hits"' in officer.get("/cases").text  # on the officer's queue
        assert "/screening/open-hits" not in recruiter.get("/cases").text
        fragment = officer.get("/screening/open-hits", headers={"HX-Request": "true"})
        assert fragment.status_code == 200 and f"/cases/{case}#hits" in fragment.text and "<html" not in fragment.text
        assert recruiter.get("/screening/open-hits", headers={"HX-Request": "true"}).status_code == 403
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        hit_id = re.search(rf'action="/cases/{case}/hits/([^"]+)"', page.text).group(1)
        forged = officer.post(f"/cases/{case}/hits/{hit_id}", data={"decision": "dismiss", "reason": "x"},
                              follow_redirects=False)
        assert forged.status_code == 403
        done = officer.post(f"/cases/{case}/hits/{hit_id}", follow_redirects=False,
                            data={"decision": "dismiss", "reason": "namesake", "csrf_token": csrf})
        assert done.status_code == 303
        assert "Dismissed" in officer.get(f"/cases/{case}").text

    def test_the_rescreen_status_polls_while_a_job_runs(self, env):
        container, client, _ = env
        from muster.domain.jobs import JobKind

        officer = TestClient(create_app(container))  # no `with`: the module's worker stays the only one
        self.login(officer, "security_officer")
        job = container.jobs.claimed(JobKind.RESCREEN, {"reason": "test"})
        running = officer.get("/screening/rescreen", headers={"HX-Request": "true"})
        assert running.status_code == 200 and 'hx-trigger="every 2s"' in running.text and "running" in running.text
        container.jobs.run(job)
        done = officer.get("/screening/rescreen", headers={"HX-Request": "true"})
        assert "hx-trigger" not in done.text and "new hits" in done.text and "sanctions@1" in done.text
        assert 'id="rescreen"' in officer.get("/screening").text
