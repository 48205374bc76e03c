"""Settings from the environment and a TOML file; a replaced questionnaire reaches the API schema."""

from __future__ import annotations

from datetime import time

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from muster.config import Settings
from muster.web.app import create_app
from tests.factories import make_container

CUSTOM = """
version: "custom-1"
questions:
  - name: callsign
    type: text
    required: true
    compartment: identity
    labels: {ru: "Позывной", uk: "Позивний", en: "Call sign"}
  - name: email
    type: email
    compartment: contact
    labels: {ru: "Почта", uk: "Пошта", en: "E-mail"}
"""


class TestSettings:
    def test_environment_wins_over_the_settings_file(self, tmp_path, monkeypatch):
        settings_file = tmp_path / "muster.toml"
        settings_file.write_text('port = 9001\nhost = "0.0.0.0"\n')
        monkeypatch.setenv("MUSTER_SETTINGS_FILE", str(settings_file))
        monkeypatch.setenv("MUSTER_PORT", "9002")
        settings = Settings()
        assert (settings.host, settings.port) == ("0.0.0.0", 9002)

    def test_production_refuses_plain_http_cookies(self):
        with pytest.raises(ValidationError, match="MUSTER_COOKIE_SECURE"):
            Settings(environment="production", cookie_secure=False)

    def test_the_nightly_time_is_utc_and_empty_turns_it_off(self, monkeypatch):
        monkeypatch.setenv("MUSTER_NIGHTLY_AT", " 22:30 ")
        assert Settings().nightly_at == time(22, 30)
        monkeypatch.setenv("MUSTER_NIGHTLY_AT", "")
        assert Settings().nightly_at is None
        for wrong, message in [("25:00", "hour value is outside"), ("03:00+02:00", "UTC time of day"),
                               ("nightly", "valid time format")]:
            monkeypatch.setenv("MUSTER_NIGHTLY_AT", wrong)
            with pytest.raises(ValidationError, match=message):
                Settings()

    def test_unknown_settings_are_refused(self):
        with pytest.raises(ValidationError):
            Settings(databse_url="sqlite://")


class TestReplacedQuestionnaire:
    def test_the_api_schema_and_validation_follow_the_file(self, tmp_path):
        path = tmp_path / "questions.yaml"
        path.write_text(CUSTOM, encoding="utf-8")
        container = make_container(tmp_path / "data", questionnaire=path)
        client = TestClient(create_app(container))
        operation = client.get("/openapi.json").json()["paths"]["/api/applications"]["post"]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        assert set(schema["properties"]) == {"callsign", "email"} and schema["required"] == ["callsign"]
        refused = client.post("/api/applications", json={"family_name": "X"})
        assert {e["field"] for e in refused.json()["errors"]} == {"callsign", "family_name"}
        assert client.post("/api/applications", json={"callsign": "Volk"}).status_code == 201
        assert "Позывной" in client.get("/apply?lang=ru").text
        container.close()
