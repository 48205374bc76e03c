"""Blind indexes: truncated, keyed HMAC-SHA256 of normalised values, for look-ups on sealed columns.

A sealed column cannot be searched. Beside it, storage keeps `BlindIndex.compute(spec, value)`
in an indexed BLOB column; a look-up computes the same for the query and selects the matching
rows, then unseals those candidates and compares the plaintext exactly (truncation makes false
positives possible by design). Every spec has its own sub-key,
HMAC-SHA256(root, "muster/blind-index/v1/" + spec.name), so the same value indexed for two
purposes gives unrelated outputs, and no index can be joined with another.

Chosen lengths (leakage analysis in docs/crypto.md, "Blind indexes"):

- receipt lookup ids: 128 bits. Receipt codes carry 77 bits of entropy, so truncation could
  not hide anything and a collision must never merge two applicants.
- contact look-ups (e-mail, phone) and blocking keys: 24 bits. With n rows a look-up returns
  about n / 2**24 false candidates (0.06 at a million applicants), cheap to discard after
  unsealing. If the blind-index key leaks together with an old database copy (for instance
  after an applicant was crypto-shredded but their index rows survive in a backup), each
  24-bit value is shared by 2**(s-24) candidates of a value space of 2**s, e.g. ~64 phone
  numbers of a 2**30 numbering plan, instead of naming one. That is a speed bump, not a wall:
  a targeted guess ("is this their e-mail?") is still confirmed with 2**-24 error.

Protects against: reading indexed values from a database copy without the blind-index key;
linking index values across purposes or across deployments (separate keys).
Does not protect against: equality leakage inside one database (rows with the same contact or
blocking key show the same index: frequency analysis can guess common surnames behind blocking
keys); an attacker holding the key testing guesses; old backups holding index rows of shredded
applicants (storage must delete index rows with the tombstone).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

_SUBKEY_CONTEXT = b"muster/blind-index/v1/"
_SPACES = re.compile(r"\s+")


def normalise_text(value: str) -> str:
    """NFKC, case-folded, surrounding space stripped, inner runs of space collapsed to one."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value).casefold()).strip()


def normalise_email(value: str) -> str:
    """An e-mail address as compared: normalised text without any space (no provider-specific rules)."""
    return normalise_text(value).replace(" ", "")


def normalise_phone(value: str) -> str:
    """A phone number as compared: its digits, with a leading + kept when given (no country guessing)."""
    text = unicodedata.normalize("NFKC", value).strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    return ("+" if text.startswith("+") else "") + digits


def identity(value: str) -> str:
    """For values already normalised by the domain (blocking keys, receipt codes)."""
    return value


@dataclass(frozen=True)
class IndexSpec:
    """One blind index: its name (also its sub-key label), output length and normaliser."""

    name: str
    length_bytes: int
    normalise: Callable[[str], str] = normalise_text

    def __post_init__(self) -> None:
        if not 2 <= self.length_bytes <= 32:
            raise ValueError("a blind index is 2 to 32 bytes long")


RECEIPT = IndexSpec("receipt", 16, identity)
CONTACT_EMAIL = IndexSpec("contact.email", 3, normalise_email)
CONTACT_PHONE = IndexSpec("contact.phone", 3, normalise_phone)


def blocking(name: str) -> IndexSpec:
    """Spec for a screening or duplicate-detection blocking key computed by domain/matching."""
    return IndexSpec(f"block.{name}", 3, identity)


class BlindIndex:
    """Computes blind indexes under the root key from `KeyRing.blind_index_key()`."""

    def __init__(self, root_key: bytes) -> None:
        if len(root_key) < 32:
            raise ValueError("the blind-index root key must be at least 32 bytes")
        self._root = root_key
        self._subkeys: dict[str, bytes] = {}

    def _subkey(self, name: str) -> bytes:
        subkey = self._subkeys.get(name)
        if subkey is None:
            subkey = hmac.new(self._root, _SUBKEY_CONTEXT + name.encode("utf-8"), hashlib.sha256).digest()
            self._subkeys[name] = subkey
        return subkey

    def compute(self, spec: IndexSpec, value: str) -> bytes:
        """The blind index of `value` for `spec`: HMAC-SHA256(sub-key, normalised value) truncated."""
        normalised = spec.normalise(value)
        mac = hmac.new(self._subkey(spec.name), normalised.encode("utf-8"), hashlib.sha256)
        return mac.digest()[: spec.length_bytes]

    def matches(self, spec: IndexSpec, value: str, stored: bytes) -> bool:
        """Whether `value` has the stored index, compared in constant time."""
        return hmac.compare_digest(self.compute(spec, value), stored)
