import pytest

from muster.crypto.errors import DataKeyMissing, SealBroken
from muster.crypto.keyfile import generate_kek
from muster.crypto.keyring import DataKey, KeyRing, MemoryKeyStore
from muster.crypto.sealing import FieldRef, seal_text, unseal
from muster.crypto.shredding import shred_data_key

WHERE = FieldRef("applicants", "family_name", "1")


@pytest.fixture
def ring():
    ring = KeyRing(MemoryKeyStore(), generate_kek())
    ring.init_system_keys()
    return ring


class TestShredding:
    def test_a_shredded_key_is_gone_from_the_ring(self, ring):
        ring.create_data_key("app-1")
        assert shred_data_key(ring, "app-1").destroyed
        assert not ring.has_data_key("app-1")
        with pytest.raises(DataKeyMissing):
            ring.data_key("app-1")

    def test_shredding_twice_is_harmless(self, ring):
        ring.create_data_key("app-1")
        shred_data_key(ring, "app-1")
        assert not shred_data_key(ring, "app-1").destroyed

    def test_shredded_data_cannot_be_recovered_with_the_remaining_keys(self, ring):
        sealed = seal_text(ring.create_data_key("app-1"), WHERE, "Kovalenko")
        ring.create_data_key("app-2")
        shred_data_key(ring, "app-1")

        # Every key material an attacker holding the KEK, the key store and the database has left.
        remaining = [ring.current.key, ring.blind_index_key(), ring.audit_signing_seed()]
        remaining += [ring.unwrap(ref, ring.store.load(ref)) for ref in ring.store.refs()]
        assert len(remaining) == 6
        for key in remaining:
            with pytest.raises(SealBroken):
                unseal(DataKey("app-1", key), WHERE, sealed)

    def test_other_applicants_data_still_opens_after_a_shred(self, ring):
        sealed = seal_text(ring.create_data_key("app-2"), WHERE, "Shevchenko")
        ring.create_data_key("app-1")
        shred_data_key(ring, "app-1")
        assert unseal(ring.data_key("app-2"), WHERE, sealed) == b"Shevchenko"

    def test_a_rotation_after_a_shred_does_not_bring_the_key_back(self, ring):
        ring.create_data_key("app-1")
        shred_data_key(ring, "app-1")
        KeyRing(ring.store, generate_kek(), retired=[ring.current]).rewrap_all()
        assert not ring.has_data_key("app-1")
