"""XChaCha20-Poly1305 with random 24-byte nonces: the single code path that draws a nonce.

Both field sealing (sealing.py) and key wrapping (keyring.py) encrypt through `encrypt` here,
so the nonce-uniqueness test exercises the nonces every ciphertext in Muster gets.

Protects against: reading or undetectably altering a value without the key (IND-CCA2 AEAD);
moving a ciphertext to another context, when the caller binds that context as associated data.
A 192-bit random nonce from the OS CSPRNG makes a (key, nonce) repeat negligible (birthday bound
~2^96 encryptions per key), so no nonce counter has to survive restarts, backups or replicas.
Does not protect against: an attacker holding the key; traffic analysis of ciphertext lengths
(the plaintext length shows, to the byte); replay of an old ciphertext in the same context
(the associated data names the place, not the version of the value).
"""

from __future__ import annotations

import secrets

from nacl import bindings
from nacl.exceptions import CryptoError as NaclCryptoError

KEY_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_KEYBYTES  # 32
NONCE_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES  # 24
TAG_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_ABYTES  # 16


class AeadFailed(Exception):
    """Authentication failed; callers translate this into their own CryptoError."""


def new_key() -> bytes:
    """A fresh 256-bit key from the OS CSPRNG."""
    return secrets.token_bytes(KEY_BYTES)


def new_nonce() -> bytes:
    """A fresh 192-bit nonce from the OS CSPRNG; never a counter, never reused by design."""
    return secrets.token_bytes(NONCE_BYTES)


def encrypt(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """Encrypt under a fresh nonce; returns nonce || ciphertext || tag."""
    if len(key) != KEY_BYTES:
        raise ValueError("AEAD key must be 32 bytes")
    nonce = new_nonce()
    return nonce + bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, associated_data, nonce, key
    )


def decrypt(key: bytes, box: bytes, associated_data: bytes) -> bytes:
    """Open nonce || ciphertext || tag; raises AeadFailed on any mismatch."""
    if len(key) != KEY_BYTES:
        raise ValueError("AEAD key must be 32 bytes")
    if len(box) < NONCE_BYTES + TAG_BYTES:
        raise AeadFailed("box too short")
    nonce, ciphertext = box[:NONCE_BYTES], box[NONCE_BYTES:]
    try:
        return bytes(
            bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(ciphertext, associated_data, nonce, key)
        )
    except NaclCryptoError as exc:
        raise AeadFailed("authentication failed") from exc
