"""`muster init`, `user`, `demo` and `export` through Typer's CliRunner on a temporary data dir."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from muster.cli import _mount, app

_mount()


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()
    env = {"MUSTER_DATA_DIR": str(tmp_path), "MUSTER_DEMO": "0"}

    def invoke(*args):
        return runner.invoke(app, list(args), env=env)

    return invoke


class TestInitAndUsers:
    def test_init_creates_the_admin_once(self, run):
        first = run("init")
        assert first.exit_code == 0, first.output
        assert "Created the first account 'admin'" in first.output
        second = run("init")
        assert second.exit_code == 0 and "Created the first account" not in second.output

    def test_user_add_list_disable(self, run):
        added = run("user", "add", "olga", "--role", "interviewer")
        assert added.exit_code == 0 and "One-time password:" in added.output
        listed = run("user", "list")
        assert any(line.split()[:3] == ["olga", "interviewer", "active"] for line in listed.output.splitlines())
        assert run("user", "disable", "olga").exit_code == 0
        assert any(line.split()[:3] == ["olga", "interviewer", "disabled"] for line in run("user", "list").output.splitlines())

    def test_bad_input_is_a_clear_error_and_changes_nothing(self, run):
        run("user", "add", "olga", "--role", "interviewer")
        duplicate = run("user", "add", "olga", "--role", "recruiter")
        assert duplicate.exit_code == 1 and "username: already taken" in duplicate.output
        assert run("user", "add", "x y", "--role", "recruiter").exit_code == 1
        assert run("user", "add", "z", "--role", "general").exit_code == 2
        assert run("user", "disable", "nobody").exit_code == 1
        names = [line.split()[0] for line in run("user", "list").output.splitlines() if line and not line.startswith("Created")]
        assert names.count("olga") == 1 and "z" not in names

    def test_bad_configuration_is_reported_by_variable(self, tmp_path):
        result = CliRunner().invoke(app, ["init"], env={"MUSTER_DATA_DIR": str(tmp_path), "MUSTER_PORT": "eighty"})
        assert result.exit_code == 2 and "MUSTER_PORT" in result.output


class TestDemoAndExport:
    def test_demo_then_export_by_role(self, run):
        demo = run("demo", "--count", "12")
        assert demo.exit_code == 0, demo.output
        assert "15 applications, 4 units" in demo.output  # 12 people + 3 applying twice
        rows = list(csv.DictReader(io.StringIO(run("export", "--as", "recruiter").output)))
        assert len(rows) == 15 and "email" in rows[0] and "relatives_in_russia" not in rows[0]
        placement = json.loads(run("export", "--as", "placement", "--format", "json").output)
        assert placement and all("email" not in row and "family_name" in row for row in placement)

    def test_an_account_without_export_permission_is_refused(self, run):
        run("demo", "--count", "3")
        result = run("export", "--as", "auditor")
        assert result.exit_code == 1 and "lacks" in result.output

    def test_demo_refuses_to_load_twice(self, run):
        assert run("demo", "--count", "3").exit_code == 0
        again = run("demo", "--count", "3")
        assert again.exit_code == 1 and "empty database" in again.output
