"""Guards the public form against a reload re-sending it.

Reloading the receipt page re-posts the form; without this, that files a second application
and shows a second code. Each rendered form carries a random id; the first POST with an id
files the application, and a repeat within the window shows the same receipt again. The codes
are held only in this process's memory, for `ttl` seconds, and are gone on restart.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable


class ReplayGuard:
    def __init__(self, ttl: float = 900.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._seen: dict[bytes, tuple[float, str]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(form_id: str) -> bytes:
        return hashlib.sha256(form_id.encode()).digest()

    def _expire(self, now: float) -> None:
        for key in [k for k, (at, _) in self._seen.items() if now - at > self._ttl]:
            del self._seen[key]

    def receipt_for(self, form_id: str) -> str | None:
        """The receipt already issued for this form, if it was sent within the window."""
        if not form_id:
            return None
        with self._lock:
            self._expire(self._clock())
            found = self._seen.get(self._key(form_id))
        return found[1] if found else None

    def remember(self, form_id: str, receipt: str) -> None:
        if form_id:
            with self._lock:
                self._seen[self._key(form_id)] = (self._clock(), receipt)
