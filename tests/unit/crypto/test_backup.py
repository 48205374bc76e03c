"""Encrypted backup files: round trip, and every way of breaking one is refused."""

from __future__ import annotations

import secrets

import pytest

from muster.crypto import backup
from muster.crypto.backup import BackupBroken, decrypt_file, encrypt_file, read_kind
from muster.crypto.errors import KekUnknown
from muster.crypto.keyfile import generate_kek


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(backup, "CHUNK_BYTES", 1000)


@pytest.fixture
def plain(tmp_path):
    path = tmp_path / "snapshot"
    path.write_bytes(b"SQLite format 3\x00" + "Шпаковский".encode() + secrets.token_bytes(4500))
    return path


def roundtrip(kek, source, tmp_path, kind="database", keks=None):
    sealed = tmp_path / "backup.enc"
    encrypt_file(kek, kind, source, sealed)
    out = tmp_path / "restored"
    decrypt_file(keks or [kek], sealed, out, kind=kind)
    return sealed, out


class TestBackupFiles:
    def test_a_backup_round_trips_over_many_chunks_and_hides_the_content(self, small_chunks, plain, tmp_path):
        kek = generate_kek()
        sealed, out = roundtrip(kek, plain, tmp_path, keks=[generate_kek(), kek])
        assert out.read_bytes() == plain.read_bytes()
        assert "Шпаковский".encode() not in sealed.read_bytes() and b"SQLite format" not in sealed.read_bytes()
        assert read_kind(sealed) == "database"

    def test_an_empty_file_round_trips(self, tmp_path):
        empty = tmp_path / "empty"
        empty.write_bytes(b"")
        assert roundtrip(generate_kek(), empty, tmp_path)[1].read_bytes() == b""

    @pytest.mark.parametrize("where", [40, 60, 1500, -1])
    def test_a_flipped_bit_anywhere_is_refused(self, small_chunks, plain, tmp_path, where):
        kek = generate_kek()
        sealed, _ = roundtrip(kek, plain, tmp_path)
        data = bytearray(sealed.read_bytes())
        data[where] ^= 0x04
        sealed.write_bytes(bytes(data))
        with pytest.raises((BackupBroken, KekUnknown)):
            decrypt_file([kek], sealed, tmp_path / "x", kind="database")

    def test_a_file_cut_short_or_extended_is_refused(self, small_chunks, plain, tmp_path):
        kek = generate_kek()
        sealed, _ = roundtrip(kek, plain, tmp_path)
        data = sealed.read_bytes()
        last_chunk = 4 + (plain.stat().st_size % 1000) + 17
        for broken in (data[:-1], data[:-last_chunk], data[:100], data + b"\x00"):
            sealed.write_bytes(broken)
            with pytest.raises(BackupBroken):
                decrypt_file([kek], sealed, tmp_path / "x", kind="database")

    def test_a_dropped_whole_chunk_is_refused(self, small_chunks, plain, tmp_path):
        kek = generate_kek()
        sealed, _ = roundtrip(kek, plain, tmp_path)
        data = sealed.read_bytes()
        header = len(data) - 5 * (4 + 1000 + 17) - (4 + (plain.stat().st_size - 5000) + 17)
        chunk = 4 + 1000 + 17
        sealed.write_bytes(data[:header] + data[header + chunk:])
        with pytest.raises(BackupBroken):
            decrypt_file([kek], sealed, tmp_path / "x", kind="database")

    def test_the_wrong_kind_or_an_unknown_kek_is_refused(self, plain, tmp_path):
        kek = generate_kek()
        sealed, _ = roundtrip(kek, plain, tmp_path, kind="keystore")
        with pytest.raises(BackupBroken, match="keystore backup"):
            decrypt_file([kek], sealed, tmp_path / "x", kind="database")
        with pytest.raises(KekUnknown):
            decrypt_file([generate_kek()], sealed, tmp_path / "x", kind="keystore")
        (tmp_path / "junk").write_bytes(b"not a backup at all")
        with pytest.raises(BackupBroken):
            read_kind(tmp_path / "junk")
