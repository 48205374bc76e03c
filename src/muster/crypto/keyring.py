"""The key ring: data keys wrapped by the KEK, the system keys, and re-wrapping on rotation.

Storage contract. Wrapped keys live in a `KeyStore`, which the storage layer implements apart
from the data (its own SQLite file or table set, its own short backup retention), so that
destroying a wrapped key is final once that window has passed. A store is a map from a reference
string to an opaque blob (at most ~100 bytes); refs look like

    data:<owner>            one per applicant (owner = the applicant id; never a name)
    system:blind-index      root key of every blind index and receipt lookup id
    system:audit-signing    Ed25519 seed that signs audit checkpoints

Wrapped-key format v1 (81 bytes for a 32-byte key):

    0x01 | KEK id (8) | nonce (24) | XChaCha20-Poly1305(key) (32) | tag (16)
    associated data = "muster/wrap/v1" 0x00 | 0x01 | KEK id | ref (UTF-8)

so a blob altered by one bit, or copied under another ref, fails to unwrap, and the KEK id tells
which KEK of the ring to try. Rotation (`rewrap_all`) re-encrypts only these small blobs, never
the data: the data keys themselves do not change.

Protects against: reading data keys from a copy of the key store without the KEK; swapping one
applicant's wrapped key into another's row; a rotation resurrecting a key shredded meanwhile
(`replace` is compare-and-swap).
Does not protect against: an attacker with the KEK and the key store; an attacker on the running
server, who can ask the ring for any key; copies of the key store kept beyond the backup window
(see shredding.py).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from muster.crypto import aead
from muster.crypto.errors import (
    DataKeyExists,
    DataKeyMissing,
    KekUnknown,
    KeyUnwrapFailed,
    SystemKeysMissing,
)
from muster.crypto.keyfile import KEK_ID_BYTES, Kek, generate_kek, read_key_file, write_key_file

WRAP_VERSION = 1
_WRAP_CONTEXT = b"muster/wrap/v1\x00"
_HEADER_BYTES = 1 + KEK_ID_BYTES
WRAPPED_KEY_BYTES = _HEADER_BYTES + aead.NONCE_BYTES + aead.KEY_BYTES + aead.TAG_BYTES

REF_BLIND_INDEX = "system:blind-index"
REF_AUDIT_SIGNING = "system:audit-signing"
SYSTEM_REFS = (REF_BLIND_INDEX, REF_AUDIT_SIGNING)


def data_key_ref(owner: str) -> str:
    """The KeyStore ref of an owner's data key; `owner` is an applicant id, never personal data."""
    if not owner or any(ch.isspace() for ch in owner):
        raise ValueError("a data key owner is a non-empty id without spaces")
    return f"data:{owner}"


@runtime_checkable
class KeyStore(Protocol):
    """Where wrapped keys live, apart from the data. Implemented by storage; `MemoryKeyStore` for tests.

    Every method is atomic on its own. Blobs are opaque bytes (store them as BLOB); refs are short
    ASCII strings (store them as the primary key). An SQL implementation:
    load = SELECT, add = INSERT .. ON CONFLICT DO NOTHING, replace = UPDATE .. WHERE ref=? AND
    wrapped=?, destroy = DELETE (with SQLite's secure_delete on, and the WAL checkpointed).
    """

    def load(self, ref: str) -> bytes | None:
        """The wrapped key stored under `ref`, or None."""
        ...

    def add(self, ref: str, wrapped: bytes) -> bool:
        """Store a new ref; False (and no change) if the ref exists already."""
        ...

    def add_many(self, items: list[tuple[str, bytes]]) -> bool:
        """Store several new refs, all or none; False (and no change) if any exists already."""
        ...

    def replace(self, ref: str, expected: bytes, wrapped: bytes) -> bool:
        """Swap the blob only if it is still `expected`; False if it changed or was destroyed."""
        ...

    def destroy(self, ref: str) -> bool:
        """Delete the ref for good; False if there was nothing to delete."""
        ...

    def refs(self) -> Iterable[str]:
        """Every ref currently stored (order unspecified)."""
        ...


class MemoryKeyStore:
    """A KeyStore in a dict, for tests and for the contract test the storage adapter shares."""

    def __init__(self) -> None:
        self._items: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load(self, ref: str) -> bytes | None:
        with self._lock:
            return self._items.get(ref)

    def add(self, ref: str, wrapped: bytes) -> bool:
        with self._lock:
            if ref in self._items:
                return False
            self._items[ref] = bytes(wrapped)
            return True

    def add_many(self, items: list[tuple[str, bytes]]) -> bool:
        with self._lock:
            if any(ref in self._items for ref, _ in items):
                return False
            self._items.update((ref, bytes(wrapped)) for ref, wrapped in items)
            return True

    def replace(self, ref: str, expected: bytes, wrapped: bytes) -> bool:
        with self._lock:
            if self._items.get(ref) != expected:
                return False
            self._items[ref] = bytes(wrapped)
            return True

    def destroy(self, ref: str) -> bool:
        with self._lock:
            return self._items.pop(ref, None) is not None

    def refs(self) -> list[str]:
        with self._lock:
            return list(self._items)


@dataclass(frozen=True)
class DataKey:
    """An unwrapped per-applicant data key; `repr` never shows the key. Keep it only as long as needed."""

    owner: str
    key: bytes = field(repr=False)


@dataclass(frozen=True)
class RewrapReport:
    """What `KeyRing.rewrap_all` did: counts only."""

    rewrapped: int
    already_current: int
    vanished: int


def wrapped_kek_id(wrapped: bytes) -> str:
    """The KEK id a wrapped key was made under (hex), without unwrapping it."""
    if len(wrapped) < _HEADER_BYTES or wrapped[0] != WRAP_VERSION:
        raise KeyUnwrapFailed("not a version-1 wrapped key")
    return wrapped[1:_HEADER_BYTES].hex()


def census(store: KeyStore) -> dict[str, int]:
    """How many wrapped keys each KEK id holds, without unwrapping any: shows a rotation's progress."""
    counts: dict[str, int] = {}
    for ref in list(store.refs()):
        wrapped = store.load(ref)
        if wrapped is not None:
            kek_id = wrapped_kek_id(wrapped)
            counts[kek_id] = counts.get(kek_id, 0) + 1
    return counts


class KeyRing:
    """The current KEK plus retired ones (unwrap only), over a KeyStore.

    Build one in bootstrap and pass it to the sealer, blind index, signer and shredder factories.
    Data keys are not cached here: each call reads the store, so a shredded key is gone at once.
    """

    def __init__(self, store: KeyStore, current: Kek, retired: Iterable[Kek] = ()) -> None:
        self.store = store
        self.current = current
        self._keks = {kek.id: kek for kek in (*retired, current)}

    @classmethod
    def from_key_file(cls, path: Path, store: KeyStore, *, create_missing: bool = True) -> KeyRing:
        """Open the ring from a key file, creating file and system keys on first start (`keys init`)."""
        if create_missing and not path.exists():
            write_key_file(path, [generate_kek()])
        current, *retired = read_key_file(path)
        ring = cls(store, current, retired)
        if create_missing:
            ring.init_system_keys()
        return ring

    @property
    def kek_ids(self) -> tuple[str, ...]:
        return tuple(self._keks)

    # --- wrapping --------------------------------------------------------------------------------

    def wrap(self, ref: str, key: bytes) -> bytes:
        """Wrap `key` for storage under `ref` with the current KEK."""
        header = bytes([WRAP_VERSION]) + self.current.id_bytes
        return header + aead.encrypt(self.current.key, key, _WRAP_CONTEXT + header + ref.encode("utf-8"))

    def unwrap(self, ref: str, wrapped: bytes) -> bytes:
        """Open a wrapped key stored under `ref`; KeyUnwrapFailed if altered or moved, KekUnknown if foreign."""
        kek_id = wrapped_kek_id(wrapped)
        kek = self._keks.get(kek_id)
        if kek is None:
            raise KekUnknown(kek_id)
        header = wrapped[:_HEADER_BYTES]
        try:
            return aead.decrypt(kek.key, wrapped[_HEADER_BYTES:], _WRAP_CONTEXT + header + ref.encode("utf-8"))
        except aead.AeadFailed as exc:
            raise KeyUnwrapFailed(f"wrapped key {ref} failed to open") from exc

    # --- data keys -------------------------------------------------------------------------------

    def create_data_key(self, owner: str) -> DataKey:
        """Make, wrap and store a new data key for `owner`; DataKeyExists if one is there."""
        return self.create_data_keys([owner])[0]

    def create_data_keys(self, owners: list[str]) -> list[DataKey]:
        """Make and store data keys for several new owners in one key-store write (all or none);
        DataKeyExists if any exists already."""
        made = [DataKey(owner, aead.new_key()) for owner in owners]
        wrapped = [(data_key_ref(k.owner), self.wrap(data_key_ref(k.owner), k.key)) for k in made]
        if not self.store.add_many(wrapped):
            raise DataKeyExists(",".join(owners))
        return made

    def data_key(self, owner: str) -> DataKey:
        """The data key of `owner`; DataKeyMissing if never created or shredded."""
        ref = data_key_ref(owner)
        wrapped = self.store.load(ref)
        if wrapped is None:
            raise DataKeyMissing(owner)
        return DataKey(owner, self.unwrap(ref, wrapped))

    def ensure_data_key(self, owner: str) -> DataKey:
        """The data key of `owner`, created if missing (safe against a concurrent create)."""
        try:
            return self.create_data_key(owner)
        except DataKeyExists:
            return self.data_key(owner)

    def has_data_key(self, owner: str) -> bool:
        return self.store.load(data_key_ref(owner)) is not None

    # --- system keys -----------------------------------------------------------------------------

    def init_system_keys(self) -> bool:
        """Create the blind-index and audit signing keys if missing; True if any was created."""
        created = False
        for ref in SYSTEM_REFS:
            if self.store.load(ref) is None:
                created = self.store.add(ref, self.wrap(ref, aead.new_key())) or created
        return created

    def _system_key(self, ref: str) -> bytes:
        wrapped = self.store.load(ref)
        if wrapped is None:
            raise SystemKeysMissing(f"{ref} is missing; run `muster keys init`")
        return self.unwrap(ref, wrapped)

    def blind_index_key(self) -> bytes:
        """Root key of blind indexes and receipt lookup ids (32 bytes)."""
        return self._system_key(REF_BLIND_INDEX)

    def audit_signing_seed(self) -> bytes:
        """Ed25519 seed for audit checkpoints (32 bytes); pass it to signing.AuditSigner."""
        return self._system_key(REF_AUDIT_SIGNING)

    # --- rotation --------------------------------------------------------------------------------

    def rewrap_all(self) -> RewrapReport:
        """Re-wrap every key not yet under the current KEK. Restartable; data is not touched.

        A key destroyed meanwhile stays destroyed: `replace` only swaps the blob it read.
        A key wrapped under a KEK the ring does not hold raises KekUnknown and stops the run;
        nothing is lost, and the rotation stays pending until that KEK is supplied as retired.
        """
        rewrapped = already = vanished = 0
        current_id = self.current.id
        for ref in list(self.store.refs()):
            wrapped = self.store.load(ref)
            if wrapped is None:
                vanished += 1
                continue
            if wrapped_kek_id(wrapped) == current_id:
                already += 1
                continue
            if self.store.replace(ref, wrapped, self.wrap(ref, self.unwrap(ref, wrapped))):
                rewrapped += 1
            else:
                vanished += 1
        return RewrapReport(rewrapped=rewrapped, already_current=already, vanished=vanished)


def rotate_key_file(path: Path, store: KeyStore) -> tuple[KeyRing, RewrapReport]:
    """`muster keys rotate` for a key file: new KEK, re-wrap every key, then retire the old KEK.

    Crash-safe: the file holds [new, old] while keys are re-wrapped, so every key opens at every
    moment; a rerun after a crash finishes the pending rotation instead of starting another.
    Run it with the server stopped: a server still holding the old ring would go on wrapping new
    keys under the old KEK. Copies of the old key file (backups) still open old key-store backups:
    destroy them too, or the rotation protects nothing against those copies.
    """
    keks = read_key_file(path)
    if len(keks) == 1:
        keks = (generate_kek(), *keks)
        write_key_file(path, keks)
    ring = KeyRing(store, keks[0], keks[1:])
    report = ring.rewrap_all()
    write_key_file(path, [keks[0]])
    return KeyRing(store, keks[0]), report
