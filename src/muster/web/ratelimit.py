"""A small in-memory rate limiter for the public endpoints.

Clients are told apart by a keyed hash of their address, held only in memory for the length of
one window and never written anywhere: the limiter must not become a record of who visited.
Behind a reverse proxy every client shares the proxy's address; put the limit there instead.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = per_minute
        self._clock = clock
        self._key = secrets.token_bytes(32)  # new every start: hashes cannot be linked across restarts
        self._window = 0
        self._counts: dict[bytes, int] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        """Count one request from `client`; False when it is over the limit in this minute."""
        if self._limit <= 0:
            return True
        tag = hmac.new(self._key, client.encode(), hashlib.sha256).digest()[:16]
        window = int(self._clock() // 60)
        with self._lock:
            if window != self._window:
                self._window, self._counts = window, {}
            count = self._counts.get(tag, 0) + 1
            self._counts[tag] = count
        return count <= self._limit
