"""Ed25519 signatures on audit checkpoints.

`muster.domain.audit` builds the checkpoint message (sequence number and chain head) and takes
the signer and verifier as plain callables, so the domain never imports a crypto library:

    signer = AuditSigner(ring.audit_signing_seed())
    checkpoint = chain.checkpoint(sign=signer.sign)
    audit.verify(records, checkpoints, verify_signature=signature_verifier(signer.verify_key))

The verify key (32 bytes, `verify_key_hex`) is public: give it to auditors with their copy of
the checkpoints.

Protects against: someone with write access to the database (but not the signing seed) forging
or moving a checkpoint, and so rewriting the audit log without the next verification noticing.
Does not protect against: an attacker on the running server, or with the KEK and key store, who
can sign anything; truncation or roll-back of the log together with its stored checkpoints (only
a checkpoint copy kept off the server catches those, see docs/crypto.md).
"""

from __future__ import annotations

from collections.abc import Callable

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey


class AuditSigner:
    """Signs checkpoint messages with the Ed25519 key from `KeyRing.audit_signing_seed()`."""

    def __init__(self, seed: bytes) -> None:
        if len(seed) != 32:
            raise ValueError("an Ed25519 seed is 32 bytes")
        self._key = SigningKey(seed)

    def sign(self, message: bytes) -> bytes:
        """The 64-byte detached signature of `message`."""
        return bytes(self._key.sign(message).signature)

    @property
    def verify_key(self) -> bytes:
        return bytes(self._key.verify_key)

    @property
    def verify_key_hex(self) -> str:
        return self.verify_key.hex()


def verify_signature(verify_key: bytes, message: bytes, signature: bytes) -> bool:
    """Whether `signature` is a valid Ed25519 signature of `message` under `verify_key`."""
    if len(signature) != 64 or len(verify_key) != 32:
        return False
    try:
        VerifyKey(verify_key).verify(message, signature)
    except BadSignatureError:
        return False
    return True


def signature_verifier(verify_key: bytes) -> Callable[[bytes, bytes], bool]:
    """A `(message, signature) -> bool` callable for `muster.domain.audit.verify`."""
    key = bytes(verify_key)

    def check(message: bytes, signature: bytes) -> bool:
        return verify_signature(key, message, signature)

    return check
