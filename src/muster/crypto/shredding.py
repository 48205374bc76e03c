"""Crypto-shredding: destroy an applicant's data key, so every copy of their sealed data is noise.

Erasure cannot chase every copy of a database (backups, replicas, a seized disk); it can destroy
the one small key that all those copies need. After `shred_data_key(ring, owner)` the wrapped
data key is gone from the key store, the ring refuses the owner (DataKeyMissing), and sealed
values of that owner cannot be opened with any key that remains (KEK, blind-index key, other
applicants' data keys): XChaCha20-Poly1305 under an unknown random 256-bit key.

Protects against: reading an erased applicant's fields from any later or earlier copy of the
database, once no copy of the key store holding their wrapped key is left.
Does not protect against, and what storage and operations must do about it:
- key-store backups: a backup made before the shred still holds the wrapped key, and the KEK
  still opens it. Keep key-store backups on a short retention (the erasure becomes final when
  the last one expires), or rotate the KEK after erasures and destroy the old KEK's copies;
- deleted bytes lingering in the key store's files: SQLite needs `PRAGMA secure_delete = ON`
  and a WAL checkpoint (TRUNCATE) after the delete; PostgreSQL needs VACUUM;
- plaintext outside the seal: blind-index rows (delete them with the tombstone), logs, exports,
  caches, and whatever a reviewer copied by hand;
- a data key held in the memory of a running process (keys are not cached by the ring, but a
  request in flight has one).
"""

from __future__ import annotations

from dataclasses import dataclass

from muster.crypto.keyring import KeyRing, data_key_ref


@dataclass(frozen=True)
class ShredReport:
    """What `shred_data_key` did; `destroyed` is False when there was no key (already shredded)."""

    owner: str
    destroyed: bool


def shred_data_key(ring: KeyRing, owner: str) -> ShredReport:
    """Destroy the data key of `owner` (an applicant id) in the ring's key store. Idempotent."""
    destroyed = ring.store.destroy(data_key_ref(owner))
    if ring.store.load(data_key_ref(owner)) is not None:
        raise RuntimeError(f"key store kept the data key of {owner} after destroy")
    return ShredReport(owner=owner, destroyed=destroyed)
