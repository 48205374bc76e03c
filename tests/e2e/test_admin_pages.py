"""Admin pages through TestClient with cookie sessions: the units form (CSRF checked, refused input shown
field by field with nothing stored, a new unit listed), and the page each role lands on after login."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from muster.domain.permissions import Role
from muster.web.app import create_app
from muster.web.ui.views import home_path
from tests.factories import PASSWORD, make_container


@pytest.fixture(scope="module")
def admin(tmp_path_factory):
    container = make_container(tmp_path_factory.mktemp("units-page"))
    reviewer, _ = container.accounts.add("unit-admin", Role.ADMIN, PASSWORD)
    app = create_app(container)
    login = TestClient(app).post("/api/auth/login", json={"username": "unit-admin", "password": PASSWORD}).json()
    client = TestClient(app, cookies={"muster_session": login["token"]}, follow_redirects=False)
    yield (lambda: container.units.list(reviewer)), client, login["csrf_token"]
    container.close()


class TestUnitsForm:
    def test_a_unit_is_created_and_bad_input_is_shown_by_field(self, admin):
        units, client, csrf = admin
        form = {"name": "Second company", "capacity": "40", "skills_wanted": "medic, driver", "languages": "ru"}
        assert client.post("/units", data=form).status_code == 403  # no CSRF token
        refused = client.post("/units", data={**form, "name": " ", "capacity": "0", "csrf_token": csrf})
        assert refused.status_code == 200
        assert "name: required, at most 120 characters; capacity: must be between 1 and 100000" in refused.text
        assert units() == []
        assert client.post("/units", data={**form, "csrf_token": csrf}).status_code == 303
        page = client.get("/units").text
        assert "<td>Second company</td><td>0 / 40</td><td>medic, driver</td><td>ru</td>" in page
        again = client.post("/units", data={**form, "csrf_token": csrf})
        assert "name: a unit with this name exists" in again.text and len(units()) == 1
        assert "Call this number" not in client.get("/units?error=Call+this+number").text  # no words from a link


class TestLanding:
    @pytest.mark.parametrize("role", list(Role))
    def test_each_role_lands_on_a_page_it_can_read(self, tmp_path, role):
        container = make_container(tmp_path)
        try:
            container.accounts.add("lander", role, PASSWORD)
            app = create_app(container)
            login = TestClient(app).post("/api/auth/login", json={"username": "lander", "password": PASSWORD}).json()
            client = TestClient(app, cookies={"muster_session": login["token"]}, follow_redirects=False)
            landing = home_path(role)
            assert landing == {Role.ADMIN: "/units", Role.AUDITOR: "/audit"}.get(role, "/cases")
            page = client.get(landing)
            assert page.status_code == 200 and f'class="brand" href="{landing}"' in page.text
        finally:
            container.close()
