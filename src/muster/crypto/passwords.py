"""Reviewer password hashes with Argon2id (argon2-cffi's RFC 9106 low-memory profile).

Protects against: offline guessing of passwords from a stolen reviewers table (memory-hard,
salted). Does not protect against: weak passwords guessed online (the lockout does that) or
a compromised server reading passwords as they are typed.
"""

from __future__ import annotations

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY


class Argon2PasswordHasher:
    def __init__(self) -> None:
        self._hasher = _Argon2.from_parameters(RFC_9106_LOW_MEMORY)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, hashed: str, password: str) -> bool:
        try:
            return self._hasher.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False
