"""`muster keys init|status|rotate` on a temporary data directory (embedded SQLite, key file beside it)."""

from __future__ import annotations

import pytest
from muster.crypto.keyfile import read_key_file
from tests.support.cli import run


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("MUSTER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MUSTER_DEMO", "0")
    return tmp_path


class TestKeysCommands:
    def test_init_creates_the_key_file_once_and_keeps_it(self, env):
        first = run("keys", "init")
        kek = read_key_file(env / "keys" / "muster.key")[0]
        assert "created a new key file" in first and kek.id in first
        second = run("keys", "init")
        assert "kept the existing key file" in second
        assert read_key_file(env / "keys" / "muster.key")[0].id == kek.id
        assert kek.export_secret() not in first + second

    def test_status_shows_the_kek_id_and_the_verify_key_but_no_secret(self, env):
        output = run("keys", "status")
        kek = read_key_file(env / "keys" / "muster.key")[0]
        assert f"current KEK id:   {kek.id}" in output
        assert "audit verify key:" in output
        assert kek.export_secret() not in output

    def test_rotate_replaces_the_kek_and_keeps_the_system_keys(self, env):
        run("keys", "status")
        path = env / "keys" / "muster.key"
        before = read_key_file(path)
        verify_key_line = [line for line in run("keys", "status").splitlines() if "verify key" in line]

        output = run("keys", "rotate")
        after = read_key_file(path)
        assert len(after) == 1 and after[0] != before[0]
        assert f"{before[0].id} -> {after[0].id}" in output

        status = run("keys", "status")
        assert f"under {after[0].id} (current)" in status and before[0].id not in status
        assert [line for line in status.splitlines() if "verify key" in line] == verify_key_line
