import os
import random

import pytest

from muster.crypto import aead
from muster.crypto.errors import (
    DataKeyExists,
    DataKeyMissing,
    KekUnknown,
    KeyFileInvalid,
    KeyUnwrapFailed,
    SystemKeysMissing,
)
from muster.crypto.keyfile import (
    PassphraseParams,
    generate_kek,
    init_key_file,
    kek_from_passphrase,
    kek_from_secret,
    new_passphrase_params,
    read_key_file,
    write_key_file,
)
from muster.crypto.keyring import (
    WRAPPED_KEY_BYTES,
    KeyRing,
    MemoryKeyStore,
    census,
    data_key_ref,
    rotate_key_file,
    wrapped_kek_id,
)
from muster.crypto.sealing import FieldRef, seal_text, unseal_text
from tests.unit.crypto.keystore_contract import KeyStoreContract

WHERE = FieldRef("applicants", "family_name", "1")
FAST = dict(time_cost=1, memory_cost_kib=8, parallelism=1)


@pytest.fixture
def store():
    return MemoryKeyStore()


@pytest.fixture
def ring(store):
    return KeyRing(store, generate_kek())


class TestMemoryKeyStore(KeyStoreContract):
    pass


class TestDataKeys:
    def test_a_created_data_key_is_found_again(self, ring):
        created = ring.create_data_key("app-1")
        assert ring.data_key("app-1") == created

    def test_a_second_create_for_the_same_owner_is_refused(self, ring):
        ring.create_data_key("app-1")
        with pytest.raises(DataKeyExists):
            ring.create_data_key("app-1")

    def test_ensure_returns_the_existing_key(self, ring):
        assert ring.ensure_data_key("app-1") == ring.ensure_data_key("app-1")

    def test_an_unknown_owner_has_no_key(self, ring):
        with pytest.raises(DataKeyMissing):
            ring.data_key("app-404")

    def test_the_wrapped_key_does_not_contain_the_key(self, ring, store):
        key = ring.create_data_key("app-1")
        wrapped = store.load(data_key_ref("app-1"))
        assert len(wrapped) == WRAPPED_KEY_BYTES
        assert key.key not in wrapped

    def test_the_key_does_not_show_in_its_repr(self, ring):
        key = ring.create_data_key("app-1")
        assert key.key.hex() not in repr(key) and repr(key.key) not in repr(key)

    def test_owner_ids_with_spaces_are_refused(self):
        with pytest.raises(ValueError):
            data_key_ref("Olha Kovalenko")


class TestWrappedKeyTampering:
    def test_random_bit_flips_in_wrapped_keys_are_rejected(self, ring, store):
        ring.create_data_key("app-1")
        wrapped = store.load(data_key_ref("app-1"))
        rng = random.Random(6)
        for bit in [*range(len(wrapped) * 8)] + [rng.randrange(len(wrapped) * 8) for _ in range(200)]:
            damaged = bytearray(wrapped)
            damaged[bit // 8] ^= 1 << (bit % 8)
            with pytest.raises((KeyUnwrapFailed, KekUnknown)):
                ring.unwrap(data_key_ref("app-1"), bytes(damaged))

    def test_a_wrapped_key_copied_to_another_owner_is_rejected(self, ring, store):
        ring.create_data_key("app-1")
        store.add(data_key_ref("app-2"), store.load(data_key_ref("app-1")))
        with pytest.raises(KeyUnwrapFailed):
            ring.data_key("app-2")

    def test_a_key_wrapped_under_a_foreign_kek_names_its_id(self, store):
        foreign = KeyRing(store, generate_kek())
        foreign.create_data_key("app-1")
        with pytest.raises(KekUnknown) as raised:
            KeyRing(store, generate_kek()).data_key("app-1")
        assert raised.value.kek_id == foreign.current.id


class TestSystemKeys:
    def test_system_keys_are_created_once(self, ring):
        assert ring.init_system_keys()
        first = (ring.blind_index_key(), ring.audit_signing_seed())
        assert not ring.init_system_keys()
        assert (ring.blind_index_key(), ring.audit_signing_seed()) == first
        assert first[0] != first[1]

    def test_missing_system_keys_say_so(self, ring):
        with pytest.raises(SystemKeysMissing):
            ring.blind_index_key()


class TestRotation:
    def test_rotation_rewraps_every_key_and_old_data_still_opens(self, store):
        old = generate_kek()
        before = KeyRing(store, old)
        before.init_system_keys()
        sealed = {f"app-{n}": seal_text(before.create_data_key(f"app-{n}"), WHERE, f"name {n}") for n in range(20)}
        blind_key = before.blind_index_key()

        new = generate_kek()
        assert census(store) == {old.id: 22}
        report = KeyRing(store, new, retired=[old]).rewrap_all()
        assert (report.rewrapped, report.already_current) == (22, 0)
        assert census(store) == {new.id: 22}

        after = KeyRing(store, new)  # the old KEK is gone
        assert {wrapped_kek_id(store.load(ref)) for ref in store.refs()} == {new.id}
        for owner, blob in sealed.items():
            assert unseal_text(after.data_key(owner), WHERE, blob) == f"name {owner[4:]}"
        assert after.blind_index_key() == blind_key
        with pytest.raises(KekUnknown):
            KeyRing(store, old).data_key("app-0")

    def test_a_second_rewrap_has_nothing_left_to_do(self, store):
        old, new = generate_kek(), generate_kek()
        KeyRing(store, old).create_data_key("app-1")
        ring = KeyRing(store, new, retired=[old])
        ring.rewrap_all()
        assert ring.rewrap_all().rewrapped == 0

    def test_a_key_shredded_during_rotation_stays_shredded(self, store):
        old, new = generate_kek(), generate_kek()
        KeyRing(store, old).create_data_key("app-1")

        class ShredsBeforeReplace:
            """The store as seen by a rotation racing an erasure: the key vanishes before the swap."""

            def load(self, ref):
                return store.load(ref)

            def refs(self):
                return store.refs()

            def replace(self, ref, expected, wrapped):
                store.destroy(ref)
                return store.replace(ref, expected, wrapped)

        report = KeyRing(ShredsBeforeReplace(), new, retired=[old]).rewrap_all()
        assert report.vanished == 1
        assert store.load(data_key_ref("app-1")) is None


class TestKekSources:
    def test_a_secret_round_trips(self):
        kek = generate_kek()
        assert kek_from_secret(kek.export_secret()) == kek
        assert kek_from_secret(kek.export_secret().replace("+", "-").replace("/", "_")) == kek

    @pytest.mark.parametrize("secret", ["", "not base64!", "c2hvcnQ="])
    def test_a_malformed_secret_is_refused(self, secret):
        with pytest.raises(KeyFileInvalid):
            kek_from_secret(secret)

    def test_the_same_passphrase_and_salt_give_the_same_kek(self):
        params = PassphraseParams(salt=os.urandom(16), **FAST)
        assert kek_from_passphrase("correct horse", params) == kek_from_passphrase("correct horse", params)
        assert kek_from_passphrase("correct horse", params) != kek_from_passphrase("correct hors", params)

    def test_a_wrong_passphrase_shows_as_an_unknown_kek(self, store):
        params = PassphraseParams(salt=os.urandom(16), **FAST)
        KeyRing(store, kek_from_passphrase("right", params)).create_data_key("app-1")
        with pytest.raises(KekUnknown):
            KeyRing(store, kek_from_passphrase("wrong", params)).data_key("app-1")

    def test_passphrase_parameters_round_trip_and_default_to_rfc_9106(self):
        params = new_passphrase_params()
        assert PassphraseParams.decode(params.encode()) == params
        assert (params.time_cost, params.memory_cost_kib, params.parallelism) == (3, 65536, 4)

    @pytest.mark.parametrize("text", ["", "argon2i$v=19$m=8,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA==", "argon2id$v=19$m=8$x"])
    def test_malformed_passphrase_parameters_are_refused(self, text):
        with pytest.raises(KeyFileInvalid):
            PassphraseParams.decode(text)


class TestKeyFile:
    def test_init_creates_a_private_key_file_once(self, tmp_path):
        path = tmp_path / "keys" / "kek.json"
        kek, created = init_key_file(path)
        assert created and (path.stat().st_mode & 0o777) == 0o600
        assert init_key_file(path) == (kek, False)

    def test_a_key_file_readable_by_others_is_refused(self, tmp_path):
        path = tmp_path / "kek.json"
        write_key_file(path, [generate_kek()])
        path.chmod(0o644)
        with pytest.raises(KeyFileInvalid):
            read_key_file(path)

    def test_a_damaged_key_file_is_refused(self, tmp_path):
        path = tmp_path / "kek.json"
        write_key_file(path, [generate_kek()])
        text = path.read_text()
        path.write_text(text.replace('"id": "', '"id": "0'))
        with pytest.raises(KeyFileInvalid):
            read_key_file(path)

    def test_a_missing_key_file_is_refused_when_not_creating(self, tmp_path):
        with pytest.raises(KeyFileInvalid):
            KeyRing.from_key_file(tmp_path / "absent.json", MemoryKeyStore(), create_missing=False)

    def test_first_start_creates_the_kek_and_the_system_keys(self, tmp_path, store):
        ring = KeyRing.from_key_file(tmp_path / "kek.json", store)
        assert len(ring.blind_index_key()) == 32 and len(ring.audit_signing_seed()) == 32

    def test_rotating_the_key_file_keeps_data_readable_and_retires_the_old_kek(self, tmp_path, store):
        path = tmp_path / "kek.json"
        ring = KeyRing.from_key_file(path, store)
        sealed = seal_text(ring.create_data_key("app-1"), WHERE, "Kovalenko")
        old_id = ring.current.id

        rotated, report = rotate_key_file(path, store)
        assert report.rewrapped == 3  # one data key, two system keys
        keks = read_key_file(path)
        assert [kek.id for kek in keks] == [rotated.current.id] and old_id not in rotated.kek_ids
        reopened = KeyRing.from_key_file(path, store)
        assert unseal_text(reopened.data_key("app-1"), WHERE, sealed) == "Kovalenko"

    def test_a_rotation_interrupted_after_writing_both_keks_is_finished_not_restarted(self, tmp_path, store):
        path = tmp_path / "kek.json"
        old = KeyRing.from_key_file(path, store).current
        KeyRing(store, old).create_data_key("app-1")
        new = generate_kek()
        write_key_file(path, [new, old])  # the crash happened here
        ring = KeyRing.from_key_file(path, store)
        assert ring.data_key("app-1")  # readable mid-rotation

        rotated, _ = rotate_key_file(path, store)
        assert rotated.current == new
        assert read_key_file(path) == (new,)
        assert rotated.data_key("app-1").key == ring.data_key("app-1").key
        assert aead.KEY_BYTES == len(rotated.data_key("app-1").key)
