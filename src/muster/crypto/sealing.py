"""Seal and open one field value with the owner's data key, bound to table.column.row id.

Sealed format v1 (41 bytes + the padded plaintext):

    0x01 | nonce (24) | XChaCha20-Poly1305(padded plaintext) | tag (16)
    associated data = "muster/seal/v1" 0x00 | 0x01 | len+table | len+column | len+row id
    padding: plaintext | 0x80 | 0x00 ... up to a multiple of 32 bytes (ISO/IEC 7816-4)

Each part of the associated data carries a 2-byte length, so ("a.b", "c") and ("a", "b.c") differ.
The version byte is inside the associated data, so a blob cannot be relabelled as another format.

Protects against: reading a field from a stolen database or backup without the owner's data key;
altering a field undetectably; moving a ciphertext to another row, column or table (it fails to
open there); learning a value's exact length (only its 32-byte bucket shows); nonce reuse (random
192-bit nonces, see aead.py).
Does not protect against: anyone holding the data key (the running server, or the KEK plus the
key store); replacing a field by an older ciphertext of the same field and row (roll-back: the
audit log, not the seal, records changes); which rows belong to one applicant (row ids are clear).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from muster.crypto import aead
from muster.crypto.errors import SealBroken
from muster.crypto.keyring import DataKey, KeyRing

SEAL_VERSION = 1
_SEAL_CONTEXT = b"muster/seal/v1\x00"
PAD_BLOCK = 32
OVERHEAD_BYTES = 1 + aead.NONCE_BYTES + aead.TAG_BYTES
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*\Z")


def _part(text: str) -> bytes:
    raw = text.encode("utf-8")
    if len(raw) > 0xFFFF:
        raise ValueError("associated data part too long")
    return len(raw).to_bytes(2, "big") + raw


@dataclass(frozen=True)
class FieldRef:
    """Where a sealed value lives: table, column and the row's id (an id, never personal data)."""

    table: str
    column: str
    row_id: str

    def __post_init__(self) -> None:
        if not _IDENTIFIER.match(self.table) or not _IDENTIFIER.match(self.column):
            raise ValueError("table and column must be lower-case SQL identifiers")
        if not self.row_id:
            raise ValueError("row id is empty")

    def associated_data(self) -> bytes:
        return (
            _SEAL_CONTEXT
            + bytes([SEAL_VERSION])
            + _part(self.table)
            + _part(self.column)
            + _part(self.row_id)
        )

    def __str__(self) -> str:
        return f"{self.table}.{self.column}.{self.row_id}"


def _pad(data: bytes) -> bytes:
    padded = data + b"\x80"
    return padded + b"\x00" * (-len(padded) % PAD_BLOCK)


def _unpad(data: bytes) -> bytes:
    end = data.rfind(b"\x80")
    if end < 0 or data[end + 1 :].strip(b"\x00"):
        raise SealBroken("bad padding")
    return data[:end]


def seal(key: DataKey, where: FieldRef, plaintext: bytes) -> bytes:
    """Encrypt `plaintext` for `where` under a fresh random nonce."""
    return bytes([SEAL_VERSION]) + aead.encrypt(key.key, _pad(plaintext), where.associated_data())


def unseal(key: DataKey, where: FieldRef, sealed: bytes) -> bytes:
    """Open a sealed value; SealBroken if it was altered, moved from elsewhere, or the key is wrong."""
    if not sealed or sealed[0] != SEAL_VERSION:
        raise SealBroken(f"{where}: unknown sealed format")
    try:
        padded = aead.decrypt(key.key, sealed[1:], where.associated_data())
    except aead.AeadFailed as exc:
        raise SealBroken(f"{where}: sealed value failed to open") from exc
    return _unpad(padded)


def seal_text(key: DataKey, where: FieldRef, text: str) -> bytes:
    return seal(key, where, text.encode("utf-8"))


def unseal_text(key: DataKey, where: FieldRef, sealed: bytes) -> str:
    return unseal(key, where, sealed).decode("utf-8")


class Sealer:
    """Seals fields with the owner's data key from the key ring: the object storage repositories use.

    `owner` is the applicant id whose data key seals the value; `row_id` is the id of the row that
    holds the sealed column. Store the returned bytes as a BLOB in that column, nothing else.
    The owner's data key must exist: create it with `KeyRing.create_data_key(applicant_id)` when
    the applicant is first inserted. Sealing never creates one, so nothing can be written again
    for an applicant whose key was shredded. A unit of work touching many fields of one applicant
    takes `for_owner(owner)` once, instead of one key-store read per field.
    """

    def __init__(self, ring: KeyRing) -> None:
        self._ring = ring

    def for_owner(self, owner: str) -> OwnerSealer:
        """A sealer holding `owner`'s data key; DataKeyMissing if there is none. Keep it short-lived."""
        return OwnerSealer(self._ring.data_key(owner))

    def seal(self, *, owner: str, table: str, column: str, row_id: str | int, value: str) -> bytes:
        """Seal a text value with the owner's data key."""
        return self.for_owner(owner).seal(table=table, column=column, row_id=row_id, value=value)

    def unseal(self, *, owner: str, table: str, column: str, row_id: str | int, sealed: bytes) -> str:
        """Open a text value; DataKeyMissing once the owner was shredded, SealBroken if tampered."""
        return self.for_owner(owner).unseal(table=table, column=column, row_id=row_id, sealed=sealed)


class OwnerSealer:
    """Seals and opens the fields of one owner with a data key fetched once (one unit of work)."""

    def __init__(self, key: DataKey) -> None:
        self._key = key

    @property
    def owner(self) -> str:
        return self._key.owner

    def seal(self, *, table: str, column: str, row_id: str | int, value: str) -> bytes:
        return seal_text(self._key, FieldRef(table, column, str(row_id)), value)

    def unseal(self, *, table: str, column: str, row_id: str | int, sealed: bytes) -> str:
        return unseal_text(self._key, FieldRef(table, column, str(row_id)), sealed)
