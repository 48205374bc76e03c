"""The key ring over the storage adapter's SqlKeyStore: rotation, shredding, and what is left on disk."""

from __future__ import annotations

import pytest

from muster.crypto.keyfile import generate_kek
from muster.crypto.keyring import KeyRing, data_key_ref
from muster.crypto.sealing import FieldRef, seal_text, unseal_text
from muster.crypto.shredding import shred_data_key
from muster.storage.db import make_engine
from muster.storage.keystore import SqlKeyStore


@pytest.fixture(scope="module")
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


class TestKeyRingOverSql:
    def test_rotation_and_shredding_work_through_the_sql_store(self, engine):
        store = SqlKeyStore(engine)
        ring = KeyRing(store, generate_kek())
        where = FieldRef("answers", "value", "a1")
        kept = seal_text(ring.create_data_key("app-kept"), where, "kept")
        ring.create_data_key("app-gone")
        shred_data_key(ring, "app-gone")

        rotated = KeyRing(store, generate_kek(), retired=[ring.current])
        assert rotated.rewrap_all().rewrapped == 1
        assert unseal_text(KeyRing(store, rotated.current).data_key("app-kept"), where, kept) == "kept"
        assert not rotated.has_data_key("app-gone")


class TestShreddingOnDisk:
    def test_a_shredded_wrapped_key_leaves_no_bytes_in_the_sqlite_files(self, tmp_path):
        # Without secure_delete and a WAL checkpoint the deleted row stays readable in the files.
        path = tmp_path / "keystore.db"
        engine = make_engine(f"sqlite:///{path}")
        try:
            store = SqlKeyStore(engine)
            ring = KeyRing(store, generate_kek())
            for n in range(50):
                ring.create_data_key(f"app-{n}")
            wrapped = store.load(data_key_ref("app-7"))
            shred_data_key(ring, "app-7")
            on_disk = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("keystore.db"))
            assert wrapped not in on_disk
            assert wrapped[9:41] not in on_disk  # not even the nonce and the first ciphertext bytes
        finally:
            engine.dispose()
