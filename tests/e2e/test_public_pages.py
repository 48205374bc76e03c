"""The public intake and status pages through TestClient (the browser flow is in test_browser_flow.py)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from muster.web.app import create_app
from tests.factories import make_container, valid_answers


@pytest.fixture
def client(tmp_path):
    container = make_container(tmp_path)
    yield TestClient(create_app(container)), container
    container.close()


def form_id(html: str) -> str:
    return re.search(r'name="form_id" value="([^"]+)"', html).group(1)


def form_data(**overrides):
    data = valid_answers(**overrides)
    data["relatives_in_russia"] = "on"
    return data


def count(container) -> int:
    with container.uow() as uow:
        return uow.applications.page(stages=None, offset=0, limit=1)[1]


class TestIntakeForm:
    def test_a_reload_of_the_receipt_page_files_nothing_twice(self, client):
        web, container = client
        token = form_id(web.get("/apply?lang=ru").text)
        first = web.post("/apply?lang=ru", data={**form_data(), "form_id": token})
        again = web.post("/apply?lang=ru", data={**form_data(), "form_id": token})
        receipt = re.search(r'data-testid="receipt">([^<]+)<', first.text).group(1)
        assert first.status_code == 201 and again.status_code == 200
        assert receipt in again.text
        assert count(container) == 1

    def test_problems_are_shown_in_the_form_language(self, client):
        web, _ = client
        response = web.post("/apply?lang=uk", data=form_data(email="nope", birth_date="2999-01-01"))
        assert response.status_code == 422
        assert "введіть адресу електронної пошти" in response.text
        assert "дата не може бути в майбутньому" in response.text

    def test_pages_are_not_cached(self, client):
        web, _ = client
        for path in ("/apply", "/status", "/login"):
            assert web.get(path).headers["cache-control"] == "no-store"
        assert "no-store" not in web.get("/static/muster.css").headers.get("cache-control", "")
