"""The JSON API through FastAPI's TestClient, on SQLite and on PostgreSQL."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from muster.domain.permissions import Compartment, Role, has_permission, visible_compartments
from muster.storage import tables
from muster.web.app import create_app
from tests.factories import PASSWORD, add_reviewers, make_container, valid_answers


@pytest.fixture(scope="module")
def env(database_url, tmp_path_factory):
    container = make_container(tmp_path_factory.mktemp("api"), database_url)
    names = add_reviewers(container)
    client = TestClient(create_app(container))
    tokens = {}
    for role, username in names.items():
        password = PASSWORD
        if role is Role.ADMIN:
            container.accounts.add("admin2", Role.ADMIN, PASSWORD)
            username = "admin2"
        tokens[role] = client.post("/api/auth/login", json={"username": username, "password": password}).json()["token"]
    tokens["recruiter2"] = client.post("/api/auth/login", json={"username": "recruiter2", "password": PASSWORD}).json()["token"]
    yield container, client, tokens
    container.close()


def auth(tokens, who):
    return {"Authorization": f"Bearer {tokens[who]}"}


def submit(client, **overrides):
    response = client.post("/api/applications", json=valid_answers(**overrides))
    assert response.status_code == 201, response.text
    return response.json()["receipt"]


def case_id_for(container, receipt):
    lookup = container.intake._receipts.lookup_id(receipt)
    with container.uow() as uow:
        return uow.applications.by_receipt(lookup).id


class TestIntake:
    def test_receipt_is_six_words_and_status_is_received(self, env):
        _, client, _ = env
        receipt = submit(client)
        assert re.fullmatch(r"[a-z]+(-[a-z]+){5}", receipt)
        assert client.get(f"/api/status/{receipt}").json() == {"status": "received"}

    def test_the_application_is_committed_when_201_is_returned(self, env):
        container, client, _ = env
        engine = create_engine(container.engine.url)  # an independent connection pool
        with engine.connect() as c:
            before = c.execute(select(func.count()).select_from(tables.applications)).scalar_one()
        submit(client)
        with engine.connect() as c:
            assert c.execute(select(func.count()).select_from(tables.applications)).scalar_one() == before + 1
        engine.dispose()

    def test_validation_errors_are_422_and_name_the_fields(self, env):
        _, client, _ = env
        response = client.post("/api/applications", json=valid_answers(birth_date="12.04.1991", email="nope", given_name=None))
        assert response.status_code == 422
        fields = {e["field"] for e in response.json()["errors"]}
        assert fields == {"birth_date", "email", "given_name"}
        assert "12.04.1991" not in response.text  # values are not echoed back

    def test_unknown_fields_are_422(self, env):
        _, client, _ = env
        response = client.post("/api/applications", json=valid_answers(ip="1.2.3.4"))
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["ip"]

    def test_a_refused_submission_stores_nothing(self, env):
        container, client, _ = env
        with container.uow() as uow:
            before = uow.applications.page(stages=None, offset=0, limit=1)[1]
        client.post("/api/applications", json=valid_answers(citizenship="Russia"))
        with container.uow() as uow:
            assert uow.applications.page(stages=None, offset=0, limit=1)[1] == before

    @pytest.mark.parametrize("code", ["nope", "aaaa-bbbb-cccc-dddd-eeee-ffff", "abacus-abdomen-abdominal-abide-abiding-ability",
                                      "x" * 150])
    def test_bad_receipts_are_404_with_the_same_body(self, env, code):
        _, client, _ = env
        response = client.get(f"/api/status/{code}")
        assert response.status_code == 404
        assert response.json() == {"status": 404, "title": "ReceiptUnknown", "detail": "no application for this receipt"}

    def test_the_openapi_schema_shows_the_questionnaire(self, env):
        _, client, _ = env
        operation = client.get("/openapi.json").json()["paths"]["/api/applications"]["post"]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        assert set(schema["required"]) == {"family_name", "given_name", "birth_date", "citizenship", "languages",
                                           "military_experience"}
        assert schema["properties"]["birth_date"]["format"] == "date"
        assert schema["properties"]["family_name"]["x-labels"]["ru"] == "Фамилия"
        assert schema["additionalProperties"] is False


class TestWorkflowThroughTheApi:
    def act(self, client, tokens, who, case, action, **extra):
        return client.post(f"/api/cases/{case}/actions", json={"action": action, **extra}, headers=auth(tokens, who))

    def test_from_submission_to_placement(self, env):
        container, client, tokens = env
        receipt = submit(client)
        case = case_id_for(container, receipt)
        unit = client.post("/api/units", json={"name": "Happy Path Unit", "capacity": 1, "skills_wanted": ["medic"]},
                           headers=auth(tokens, Role.PLACEMENT_OFFICER)).json()
        steps = [
            (Role.RECRUITER, "start_screening", {}, "screening"),
            (Role.SECURITY_OFFICER, "clear_screening", {}, "interview"),
            (Role.INTERVIEWER, "complete_interview", {"note": "good"}, "security_review"),
            (Role.SECURITY_OFFICER, "clear_security", {"note": "clean"}, "decision"),
            (Role.RECRUITER, "approve", {}, "decision"),
            (Role.SECURITY_OFFICER, "approve", {}, "approved"),
            (Role.PLACEMENT_OFFICER, "place", {"unit_id": unit["id"]}, "placed"),
        ]
        for who, action, extra, stage in steps:
            response = self.act(client, tokens, who, case, action, **extra)
            assert response.status_code == 200, response.text
            assert response.json()["stage"] == stage
        assert client.get(f"/api/status/{receipt}").json() == {"status": "accepted"}
        history = client.get(f"/api/cases/{case}", headers=auth(tokens, Role.SECURITY_OFFICER)).json()["history"]
        assert [h["action"] for h in history] == [s[1] for s in steps]
        units = client.get("/api/units", headers=auth(tokens, Role.PLACEMENT_OFFICER)).json()
        assert next(u for u in units if u["id"] == unit["id"])["occupied"] == 1

    def test_a_wrong_transition_is_409_with_a_clear_message(self, env):
        container, client, tokens = env
        case = case_id_for(container, submit(client))
        response = self.act(client, tokens, Role.SECURITY_OFFICER, case, "clear_security", note="x")
        assert response.status_code == 409
        assert response.json()["detail"] == "action 'clear_security' is not allowed in stage 'submitted'"

    def test_four_eyes_refuses_a_second_approval_by_the_same_reviewer(self, env):
        container, client, tokens = env
        case = case_id_for(container, submit(client))
        for who, action, extra in [(Role.RECRUITER, "start_screening", {}), (Role.SECURITY_OFFICER, "clear_screening", {}),
                                   (Role.INTERVIEWER, "complete_interview", {"note": "n"}),
                                   (Role.SECURITY_OFFICER, "clear_security", {"note": "n"}), (Role.RECRUITER, "approve", {})]:
            assert self.act(client, tokens, who, case, action, **extra).status_code == 200
        again = self.act(client, tokens, Role.RECRUITER, case, "approve")
        assert again.status_code == 409 and again.json()["title"] == "FourEyesViolation"
        other = self.act(client, tokens, "recruiter2", case, "approve")
        assert other.json()["stage"] == "approved"

    def test_rejection_without_reason_is_422(self, env):
        container, client, tokens = env
        case = case_id_for(container, submit(client))
        self.act(client, tokens, Role.RECRUITER, case, "start_screening")
        response = self.act(client, tokens, Role.RECRUITER, case, "reject", note="no code")
        assert response.status_code == 422 and response.json()["title"] == "ReasonRequired"
        ok = self.act(client, tokens, Role.RECRUITER, case, "reject", note="duplicate of another case", reason_code="duplicate")
        assert ok.json()["stage"] == "rejected"
        assert client.get(f"/api/cases/{case}", headers=auth(tokens, Role.RECRUITER)).json()["history"][-1]["reason_code"] == "duplicate"

    def test_a_full_unit_refuses_placement_with_409(self, env):
        container, client, tokens = env
        unit = client.post("/api/units", json={"name": "Tiny", "capacity": 1}, headers=auth(tokens, Role.PLACEMENT_OFFICER)).json()
        cases = []
        for _ in range(2):
            case = case_id_for(container, submit(client))
            for who, action, extra in [(Role.RECRUITER, "start_screening", {}), (Role.SECURITY_OFFICER, "clear_screening", {}),
                                       (Role.INTERVIEWER, "complete_interview", {"note": "n"}),
                                       (Role.SECURITY_OFFICER, "clear_security", {"note": "n"}),
                                       (Role.RECRUITER, "approve", {}), (Role.SECURITY_OFFICER, "approve", {})]:
                self.act(client, tokens, who, case, action, **extra)
            cases.append(case)
        assert self.act(client, tokens, Role.PLACEMENT_OFFICER, cases[0], "place", unit_id=unit["id"]).status_code == 200
        full = self.act(client, tokens, Role.PLACEMENT_OFFICER, cases[1], "place", unit_id=unit["id"])
        assert full.status_code == 409 and full.json()["title"] == "CapacityExceeded"

    def test_queue_pages_and_filters_by_stage(self, env):
        _, client, tokens = env
        for _ in range(3):
            submit(client)
        first = client.get("/api/cases?stage=submitted&limit=2", headers=auth(tokens, Role.RECRUITER)).json()
        second = client.get("/api/cases?stage=submitted&limit=2&offset=2", headers=auth(tokens, Role.RECRUITER)).json()
        assert first["total"] >= 3 and len(first["items"]) == 2
        assert all(item["stage"] == "submitted" for item in first["items"] + second["items"])
        assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
        queue = client.get("/api/cases", headers=auth(tokens, Role.INTERVIEWER)).json()
        assert all(item["stage"] == "interview" for item in queue["items"])


def api_routes(routes):
    """Every APIRoute, looking inside included routers (FastAPI keeps them nested)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from api_routes(route.original_router.routes)


class TestAuthorisation:
    def protected_routes(self, client):
        for route in api_routes(client.app.routes):
            if not route.path.startswith("/api/"):
                continue
            permissions = [d.call.permission for d in route.dependant.dependencies if hasattr(d.call, "permission")]
            if permissions:
                for method in route.methods:
                    yield method, route.path, permissions[0]

    def test_every_protected_endpoint_names_a_permission(self, env):
        _, client, _ = env
        open_paths = {"/api/applications", "/api/status/{receipt}", "/api/auth/login", "/api/auth/logout"}
        protected = {path for _, path, _ in self.protected_routes(client)}
        all_api = {r.path for r in api_routes(client.app.routes) if r.path.startswith("/api/")}
        assert all_api - protected == open_paths

    def test_every_endpoint_times_every_role(self, env):
        container, client, tokens = env
        case = case_id_for(container, submit(client))
        checked = 0
        for method, path, permission in self.protected_routes(client):
            url = path.replace("{application_id}", case).replace("{vouch_id}", "none").replace("{username}", "nobody")
            assert client.request(method, url, json={}).status_code == 401, (method, path)
            for role in Role:
                response = client.request(method, url, json={}, headers=auth(tokens, role))
                if has_permission(role, permission):
                    assert response.status_code not in (401, 403), (method, path, role, response.text)
                else:
                    assert response.status_code == 403, (method, path, role)
                checked += 1
        assert checked >= 12 * len(Role)

    def test_case_answers_hold_only_the_roles_compartments(self, env):
        container, client, tokens = env
        case = case_id_for(container, submit(client))
        compartments = {q.name: q.compartment for q in container.questionnaire.questions}
        for role in (Role.RECRUITER, Role.INTERVIEWER, Role.SECURITY_OFFICER, Role.PLACEMENT_OFFICER):
            answers = client.get(f"/api/cases/{case}", headers=auth(tokens, role)).json()["answers"]
            assert answers, role
            assert {compartments[name] for name in answers} <= visible_compartments(role), role
            assert {compartments[name] for name in answers} == visible_compartments(role) & {
                compartments[n] for n in valid_answers()}, role

    def test_exports_hold_only_the_roles_compartments(self, env):
        container, client, tokens = env
        submit(client)
        for role in (Role.RECRUITER, Role.SECURITY_OFFICER, Role.PLACEMENT_OFFICER):
            rows = client.get("/api/cases/export?format=json", headers=auth(tokens, role)).json()
            fields = set().union(*(row.keys() for row in rows)) - {"id", "stage", "submitted_on", "unit_id"}
            assert {container.questionnaire.compartment_of(f) for f in fields} <= visible_compartments(role)
        csv_text = client.get("/api/cases/export", headers=auth(tokens, Role.PLACEMENT_OFFICER)).text
        assert "email" not in csv_text.splitlines()[0] and Compartment.CONTACT not in visible_compartments(Role.PLACEMENT_OFFICER)


class TestSessions:
    def test_lockout_after_repeated_failures_even_with_the_right_password(self, env):
        container, client, _ = env
        container.accounts.add("victim", Role.INTERVIEWER, PASSWORD)
        for _ in range(5):
            assert client.post("/api/auth/login", json={"username": "victim", "password": "wrong password!"}).status_code == 401
        locked = client.post("/api/auth/login", json={"username": "victim", "password": PASSWORD})
        assert locked.status_code == 423

    def test_logout_ends_the_session(self, env):
        container, client, _ = env
        container.accounts.add("leaver", Role.INTERVIEWER, PASSWORD)
        token = client.post("/api/auth/login", json={"username": "leaver", "password": PASSWORD}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/cases", headers=headers).status_code == 200
        assert client.post("/api/auth/logout", headers=headers).status_code == 204
        assert client.get("/api/cases", headers=headers).status_code == 401

    def test_a_disabled_account_loses_its_sessions(self, env):
        container, client, tokens = env
        container.accounts.add("gone", Role.INTERVIEWER, PASSWORD)
        token = client.post("/api/auth/login", json={"username": "gone", "password": PASSWORD}).json()["token"]
        response = client.post("/api/users/gone/disable", headers=auth(tokens, Role.ADMIN))
        assert response.json()["disabled"] is True
        assert client.get("/api/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 401

    def test_cookie_sessions_need_the_csrf_header_for_changes(self, env):
        container, client, _ = env
        container.accounts.add("cookie", Role.PLACEMENT_OFFICER, PASSWORD)
        login = client.post("/api/auth/login", json={"username": "cookie", "password": PASSWORD}).json()
        cookies = {"muster_session": login["token"]}
        fresh = TestClient(client.app, cookies=cookies)
        assert fresh.get("/api/units").status_code == 200
        assert fresh.post("/api/units", json={"name": "No CSRF", "capacity": 1}).status_code == 403
        ok = fresh.post("/api/units", json={"name": "With CSRF", "capacity": 1}, headers={"X-CSRF-Token": login["csrf_token"]})
        assert ok.status_code == 201

    def test_security_headers_are_set(self, env):
        _, client, _ = env
        headers = client.get("/apply").headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["referrer-policy"] == "no-referrer"


class TestRateLimit:
    def test_public_endpoints_answer_429_past_the_limit_and_keep_what_was_accepted(self, tmp_path):
        container = make_container(tmp_path, public_rate_limit=3)
        client = TestClient(create_app(container))
        codes = [client.post("/api/applications", json=valid_answers()).status_code for _ in range(5)]
        assert codes == [201, 201, 201, 429, 429]
        with container.uow() as uow:
            assert uow.applications.page(stages=None, offset=0, limit=10)[1] == 3
        assert client.get("/api/status/a-b-c-d-e-f").status_code == 429
        container.close()
