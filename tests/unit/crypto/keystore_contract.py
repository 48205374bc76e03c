"""The KeyStore contract, shared by the in-memory store (tests/unit/crypto/test_keyring.py) and the
storage adapter's SqlKeyStore (tests/integration/test_keystore_contract.py). A subclass provides a
`store` fixture; every test uses fresh refs, so a store shared across tests is fine."""

from __future__ import annotations

import uuid

import pytest

from muster.crypto.keyring import KeyStore

BLOB = bytes([1]) + bytes(range(80))  # the size of a wrapped key, with zero bytes in it
OTHER = bytes([1]) + bytes(reversed(range(80)))


class KeyStoreContract:
    @pytest.fixture
    def ref(self) -> str:
        return f"data:{uuid.uuid4()}"

    def test_it_satisfies_the_keystore_protocol(self, store):
        assert isinstance(store, KeyStore)

    def test_an_unknown_ref_loads_as_none(self, store, ref):
        assert store.load(ref) is None

    def test_an_added_blob_loads_back_byte_for_byte(self, store, ref):
        assert store.add(ref, BLOB)
        assert store.load(ref) == BLOB
        assert ref in set(store.refs())

    def test_add_refuses_an_existing_ref_and_keeps_the_first_blob(self, store, ref):
        store.add(ref, BLOB)
        assert not store.add(ref, OTHER)
        assert store.load(ref) == BLOB

    def test_replace_only_swaps_the_expected_blob(self, store, ref):
        store.add(ref, BLOB)
        assert not store.replace(ref, OTHER, OTHER)
        assert store.load(ref) == BLOB
        assert store.replace(ref, BLOB, OTHER)
        assert store.load(ref) == OTHER

    def test_replace_does_not_resurrect_a_destroyed_ref(self, store, ref):
        store.add(ref, BLOB)
        assert store.destroy(ref)
        assert not store.replace(ref, BLOB, OTHER)
        assert store.load(ref) is None

    def test_destroy_says_whether_there_was_anything(self, store, ref):
        store.add(ref, BLOB)
        assert store.destroy(ref)
        assert not store.destroy(ref)
        assert ref not in set(store.refs())
