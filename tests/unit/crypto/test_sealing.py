import random

import pytest

from muster.crypto import aead
from muster.crypto.errors import DataKeyMissing, SealBroken
from muster.crypto.keyring import DataKey, KeyRing, MemoryKeyStore
from muster.crypto.keyfile import generate_kek
from muster.crypto.sealing import OVERHEAD_BYTES, PAD_BLOCK, FieldRef, Sealer, seal_text, unseal, unseal_text
from muster.crypto.shredding import shred_data_key

HERE = FieldRef("applicants", "family_name", "17")


@pytest.fixture
def key():
    return DataKey("app-17", aead.new_key())


class TestSealing:
    def test_a_sealed_value_opens_to_the_same_text(self, key):
        for text in ["", "Ольга Коваленко", "王秀英", "a" * 1000]:
            assert unseal_text(key, HERE, seal_text(key, HERE, text)) == text

    def test_the_sealed_value_shows_the_length_only_to_a_32_byte_bucket(self, key):
        lengths = {len(seal_text(key, HERE, "x" * n)) for n in range(PAD_BLOCK - 1)}
        assert lengths == {OVERHEAD_BYTES + PAD_BLOCK}

    def test_the_plaintext_does_not_appear_in_the_sealed_value(self, key):
        assert b"Kovalenko" not in seal_text(key, HERE, "Kovalenko")

    def test_sealing_the_same_value_twice_gives_different_bytes(self, key):
        assert seal_text(key, HERE, "same") != seal_text(key, HERE, "same")


class TestContextBinding:
    @pytest.mark.parametrize(
        "elsewhere",
        [
            FieldRef("applicants", "family_name", "18"),
            FieldRef("applicants", "given_name", "17"),
            FieldRef("contacts", "family_name", "17"),
            FieldRef("applicants", "family_name", "170"),
        ],
        ids=["other row", "other column", "other table", "row id prefix"],
    )
    def test_a_ciphertext_copied_to_another_row_or_column_is_rejected(self, key, elsewhere):
        sealed = seal_text(key, HERE, "Kovalenko")
        with pytest.raises(SealBroken):
            unseal(key, elsewhere, sealed)

    def test_a_value_sealed_with_another_applicants_key_is_rejected(self, key):
        sealed = seal_text(key, HERE, "Kovalenko")
        with pytest.raises(SealBroken):
            unseal(DataKey("app-18", aead.new_key()), HERE, sealed)

    def test_table_and_column_must_be_identifiers_so_parts_cannot_shift(self):
        with pytest.raises(ValueError):
            FieldRef("applicants.family", "name", "17")


class TestTampering:
    def test_random_bit_flips_in_a_ciphertext_are_rejected(self, key):
        sealed = seal_text(key, HERE, "Kovalenko, +380 44 123 4567")
        rng = random.Random(6)
        for _ in range(500):
            damaged = bytearray(sealed)
            bit = rng.randrange(len(sealed) * 8)
            damaged[bit // 8] ^= 1 << (bit % 8)
            with pytest.raises(SealBroken):
                unseal(key, HERE, bytes(damaged))

    def test_every_single_bit_flip_in_a_short_ciphertext_is_rejected(self, key):
        sealed = seal_text(key, HERE, "K")
        for bit in range(len(sealed) * 8):
            damaged = bytearray(sealed)
            damaged[bit // 8] ^= 1 << (bit % 8)
            with pytest.raises(SealBroken):
                unseal(key, HERE, bytes(damaged))

    @pytest.mark.parametrize("cut", [0, 1, 25, 40])
    def test_a_truncated_ciphertext_is_rejected(self, key, cut):
        sealed = seal_text(key, HERE, "Kovalenko")
        with pytest.raises(SealBroken):
            unseal(key, HERE, sealed[:cut])


class TestNonces:
    def test_no_nonce_repeats_over_a_million_encryptions(self):
        # Every encryption in Muster draws its nonce from aead.new_nonce (checked below), so a
        # million draws stand for a million encryptions under one key, the worst case.
        seen = {aead.new_nonce() for _ in range(1_000_000)}
        assert len(seen) == 1_000_000

    def test_each_sealed_value_carries_a_fresh_nonce_from_the_shared_source(self, key):
        nonces = {seal_text(key, HERE, "x")[1 : 1 + aead.NONCE_BYTES] for _ in range(10_000)}
        assert len(nonces) == 10_000
        assert all(len(nonce) == aead.NONCE_BYTES for nonce in nonces)

    def test_wrapped_keys_carry_fresh_nonces_too(self):
        ring = KeyRing(MemoryKeyStore(), generate_kek())
        blobs = {ring.wrap("data:a", bytes(32)) for _ in range(1000)}
        assert len(blobs) == 1000


class TestSealer:
    def test_the_sealer_uses_the_owners_key_for_every_field(self):
        ring = KeyRing(MemoryKeyStore(), generate_kek())
        ring.create_data_key("app-1")
        sealer = Sealer(ring)
        email = sealer.seal(owner="app-1", table="applicants", column="email", row_id=1, value="o@example.org")
        owner = sealer.for_owner("app-1")
        phone = owner.seal(table="applicants", column="phone", row_id=1, value="+380441234567")
        assert owner.unseal(table="applicants", column="email", row_id="1", sealed=email) == "o@example.org"
        assert sealer.unseal(owner="app-1", table="applicants", column="phone", row_id=1, sealed=phone)

    def test_the_sealer_never_creates_a_key_so_a_shredded_owner_stays_shredded(self):
        ring = KeyRing(MemoryKeyStore(), generate_kek())
        ring.create_data_key("app-1")
        sealer = Sealer(ring)
        sealed = sealer.seal(owner="app-1", table="applicants", column="email", row_id=1, value="o@example.org")
        shred_data_key(ring, "app-1")
        with pytest.raises(DataKeyMissing):
            sealer.unseal(owner="app-1", table="applicants", column="email", row_id=1, sealed=sealed)
        with pytest.raises(DataKeyMissing):
            sealer.seal(owner="app-1", table="applicants", column="email", row_id=1, value="o@example.org")
        assert not ring.has_data_key("app-1")
