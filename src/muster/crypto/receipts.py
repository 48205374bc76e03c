"""Receipt codes: what an applicant keeps to ask about their application, and its lookup id.

A receipt code is six words drawn with `secrets` from the EFF large word list (7,772 words after
dropping the four hyphenated ones): 6 x log2(7772) = 77.5 bits, above the 64 bits issue 6 asks for.
The generator checks its invariants when built (list size, unique lower-case ASCII words, entropy),
as SecureDrop's passphrase generator does. Codes are shown once, as `word-word-word-word-word-word`;
input is normalised (case, surrounding and repeated spaces, hyphens, dots, underscores) first.

The database never stores the code, only `lookup_id(code)`: HMAC-SHA256 under the receipt
sub-key of the blind-index key, 128 bits (blind_index.RECEIPT). Why HMAC and not scrypt:
- the code's 77 bits already make brute force hopeless, so a slow hash buys nothing against
  guessing the code from its stored id, while a keyed hash gives nothing at all to someone with
  the database but not the key;
- the status look-up is a public endpoint on a 2-core server: an scrypt costing tens of
  milliseconds and megabytes per request would hand out a denial-of-service lever;
- SecureDrop uses scrypt because its code also derives key material; ours does not.
Because the id is a deterministic keyed function, storage finds the row with an indexed equality
look-up; `matches` then re-compares in constant time.

Protects against: learning or reconstructing a receipt code from the database or a backup;
guessing a code online (2**77 candidates; rate limits do the rest); timing leaks in comparison.
Does not protect against: a code that the applicant lets others see, or that shoulder-surfing or
a compromised device reveals; an attacker on the running server reading codes as they are typed.
"""

from __future__ import annotations

import math
import re
import secrets
import unicodedata
from collections.abc import Sequence
from functools import cache
from importlib import resources

from muster.crypto.blind_index import RECEIPT, BlindIndex
from muster.crypto.errors import ReceiptMalformed

MIN_ENTROPY_BITS = 64
DEFAULT_WORDS = 6
_WORD = re.compile(r"[a-z]+\Z")
_SEPARATORS = re.compile(r"[\s\-_.,;:/]+")


@cache
def eff_large_wordlist() -> tuple[str, ...]:
    """The vendored EFF large word list (see crypto/wordlists/README.md for licence and changes)."""
    text = resources.files("muster.crypto").joinpath("wordlists/eff_large_wordlist.txt").read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class ReceiptCodes:
    """Generates and normalises receipt codes; refuses to exist if its word list is too weak."""

    def __init__(self, words: Sequence[str], *, length: int = DEFAULT_WORDS) -> None:
        words = tuple(words)
        if len(words) < 2:
            raise ValueError("the receipt word list needs at least two words")
        if len(set(words)) != len(words):
            raise ValueError("the receipt word list has duplicate words")
        if not all(_WORD.match(word) for word in words):
            raise ValueError("receipt words must be lower-case ASCII letters only")
        entropy = length * math.log2(len(words))
        if entropy < MIN_ENTROPY_BITS:
            raise ValueError(f"receipt codes would carry {entropy:.1f} bits, fewer than {MIN_ENTROPY_BITS}")
        self._words = words
        self._known = frozenset(words)
        self.length = length
        self.entropy_bits = entropy

    def generate(self) -> str:
        """A new code from the OS CSPRNG, in its canonical form."""
        return "-".join(secrets.choice(self._words) for _ in range(self.length))

    def normalise(self, typed: str) -> str:
        """The canonical form of a code as typed; ReceiptMalformed (naming nothing typed) if invalid."""
        text = unicodedata.normalize("NFKC", typed).casefold()
        parts = [part for part in _SEPARATORS.split(text) if part]
        if len(parts) != self.length or not all(part in self._known for part in parts):
            raise ReceiptMalformed(f"a receipt code is {self.length} words from the receipt word list")
        return "-".join(parts)

    def equal(self, typed: str, canonical: str) -> bool:
        """Whether a typed code is the given code, compared in constant time after normalising."""
        try:
            normalised = self.normalise(typed)
        except ReceiptMalformed:
            return False
        return secrets.compare_digest(normalised.encode("utf-8"), canonical.encode("utf-8"))


def default_receipt_codes() -> ReceiptCodes:
    """Six words from the EFF large list."""
    return ReceiptCodes(eff_large_wordlist(), length=DEFAULT_WORDS)


class ReceiptLookup:
    """Derives the id under which storage finds an application by its receipt code."""

    def __init__(self, codes: ReceiptCodes, index: BlindIndex) -> None:
        self._codes = codes
        self._index = index

    def lookup_id(self, typed: str) -> bytes:
        """16 bytes to store (at intake) or to search for (at status look-up); ReceiptMalformed if invalid."""
        return self._index.compute(RECEIPT, self._codes.normalise(typed))

    def matches(self, typed: str, stored_lookup_id: bytes) -> bool:
        """Whether a typed code belongs to a stored lookup id, compared in constant time."""
        try:
            candidate = self.lookup_id(typed)
        except ReceiptMalformed:
            return False
        return secrets.compare_digest(candidate, stored_lookup_id)
