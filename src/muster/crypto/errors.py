"""Errors raised by the crypto adapter.

    MusterError                    (muster.domain.errors)
    └── CryptoError
        ├── SealBroken             a sealed value failed to open: tampered, moved, or wrong key
        ├── KeyUnwrapFailed        a wrapped key failed to open: tampered, moved, or wrong KEK
        ├── KekUnknown             a key was wrapped under a KEK that is not in the key ring
        ├── DataKeyMissing         no data key for this owner: never created, or shredded
        ├── DataKeyExists          a data key for this owner exists already
        ├── SystemKeysMissing      the blind-index / audit keys were never initialised
        ├── KeyFileInvalid         a key file or secret is malformed or too widely readable
        └── ReceiptMalformed       a receipt code as typed is not six words from the list

Messages carry key ids and owner ids only, never key material, plaintext or receipt codes.
These subclass MusterError so the web adapter can map them; they may move into
domain/errors.py when the storage and web layers start handling them.
"""

from __future__ import annotations

from muster.domain.errors import MusterError


class CryptoError(MusterError):
    """Root of the crypto adapter's errors."""


class SealBroken(CryptoError):
    """A sealed value could not be opened with this key and this table.column.row id."""


class KeyUnwrapFailed(CryptoError):
    """A wrapped key could not be opened: the blob was altered, moved to another owner, or the KEK is wrong."""


class KekUnknown(CryptoError):
    def __init__(self, kek_id: str) -> None:
        self.kek_id = kek_id
        super().__init__(f"no key-encryption key with id {kek_id} in the key ring")


class DataKeyMissing(CryptoError):
    def __init__(self, owner: str) -> None:
        self.owner = owner
        super().__init__(f"no data key for {owner} (never created, or shredded)")


class DataKeyExists(CryptoError):
    def __init__(self, owner: str) -> None:
        self.owner = owner
        super().__init__(f"a data key for {owner} exists already")


class SystemKeysMissing(CryptoError):
    """The key store holds no blind-index or audit signing key: run `muster keys init`."""


class KeyFileInvalid(CryptoError):
    """A key file or key secret is malformed, or readable by others than its owner."""


class ReceiptMalformed(CryptoError):
    """The receipt code as typed is not a sequence of words from the receipt word list."""
