"""Data keys made ahead in batches: one key-store write per batch, each key handed out once."""

from __future__ import annotations

import pytest

from muster.crypto.errors import DataKeyExists
from muster.crypto.keyfile import generate_kek
from muster.crypto.keypool import DataKeyPool
from muster.crypto.keyring import KeyRing, MemoryKeyStore
from muster.storage.db import make_engine
from muster.storage.keystore import SqlKeyStore


class CountingStore(MemoryKeyStore):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def add_many(self, items):
        self.writes += 1
        return super().add_many(items)


class TestDataKeyPool:
    def test_ids_come_with_stored_keys_written_once_per_batch(self):
        store = CountingStore()
        ring = KeyRing(store, generate_kek())
        pool = DataKeyPool(ring, batch=4)
        ids = [pool.new_id() for _ in range(6)]
        assert len(set(ids)) == 6 and store.writes == 2
        for owner in ids:
            key = pool.claim(owner)
            assert key.key == ring.data_key(owner).key

    def test_a_key_is_claimed_once_and_unknown_owners_get_a_new_key(self):
        ring = KeyRing(MemoryKeyStore(), generate_kek())
        pool = DataKeyPool(ring, batch=2)
        owner = pool.new_id()
        pool.claim(owner)
        with pytest.raises(DataKeyExists):
            pool.claim(owner)  # not in the pool any more: creating it again is refused
        assert pool.claim("app-elsewhere").key == ring.data_key("app-elsewhere").key

    def test_batches_refuse_existing_owners(self):
        ring = KeyRing(MemoryKeyStore(), generate_kek())
        made = ring.create_data_keys(["a", "b"])
        assert [k.owner for k in made] == ["a", "b"] and ring.has_data_key("b")
        with pytest.raises(DataKeyExists):
            ring.create_data_keys(["c", "a"])
        with pytest.raises(DataKeyExists):
            KeyRing(ring.store, ring.current).create_data_keys(["b"])
        with pytest.raises(ValueError):
            DataKeyPool(ring, batch=0)

    def test_the_sql_key_store_writes_a_batch_or_nothing(self, tmp_path):
        engine = make_engine(f"sqlite:///{tmp_path / 'keys.db'}")
        ring = KeyRing(SqlKeyStore(engine), generate_kek())
        ring.create_data_keys(["x", "y"])
        with pytest.raises(DataKeyExists):
            ring.create_data_keys(["z", "x"])
        assert not ring.has_data_key("z") and ring.has_data_key("y")
        engine.dispose()
