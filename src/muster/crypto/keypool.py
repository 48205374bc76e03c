"""Data keys made ahead of time, in batches, for applicants who have not submitted yet.

A submission needs a new data key, durably stored in the key store before the answers sealed
with it are committed: a second commit (and disk flush) per submission in a second database. The
pool creates keys for a batch of fresh application ids in one key-store commit and hands one id,
with its key, to each submission, so the flush is shared by the batch.

Protects against: nothing new; it only changes when a key is written. Its own exposure: the
unwrapped keys of up to `batch` future applicants sit in the server's memory (they protect no data
yet), and ids taken from the pool but never used leave orphan wrapped keys in the key store
(random keys sealing nothing; at most one batch per restart or failed submission).
"""

from __future__ import annotations

import threading
import uuid
from collections import deque
from collections.abc import Callable

from muster.crypto.keyring import DataKey, KeyRing


class DataKeyPool:
    """Hands out (application id, data key) pairs whose wrapped keys are already in the key store."""

    def __init__(self, ring: KeyRing, *, batch: int = 16, new_id: Callable[[], str] = lambda: str(uuid.uuid4())) -> None:
        if batch < 1:
            raise ValueError("batch must be at least 1")
        self._ring = ring
        self._batch = batch
        self._new_id = new_id
        self._ready: deque[DataKey] = deque()
        self._taken: dict[str, DataKey] = {}
        self._lock = threading.Lock()

    def new_id(self) -> str:
        """A fresh application id whose data key exists; `claim(id)` then returns the key once."""
        with self._lock:
            if not self._ready:
                self._ready.extend(self._ring.create_data_keys([self._new_id() for _ in range(self._batch)]))
            key = self._ready.popleft()
            self._taken[key.owner] = key
            return key.owner

    def claim(self, owner: str) -> DataKey:
        """The key made for `owner` by `new_id`; for any other owner a key is created now."""
        with self._lock:
            key = self._taken.pop(owner, None)
        return key if key is not None else self._ring.create_data_key(owner)
