"""SealingCodec: the FieldCodec that encrypts each personal value with its applicant's data key."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol


class OwnerSealer(Protocol):
    def seal(self, *, table: str, column: str, row_id: str | int, value: str) -> bytes: ...
    def unseal(self, *, table: str, column: str, row_id: str | int, sealed: bytes) -> str: ...


class SealingCodec:
    """JSON-encodes a value, then seals it bound to (table, column, row): a sealed value copied to
    another row or column fails to open.

    One codec serves one unit of work: it fetches each owner's data key once and keeps it only
    for that transaction. `create_owner` makes the data key of a new applicant and may return its sealer.
    """

    def __init__(self, for_owner: Callable[[str], OwnerSealer], create_owner: Callable[[str], OwnerSealer | None]) -> None:
        self._for_owner = for_owner
        self._create_owner = create_owner
        self._sealers: dict[str, OwnerSealer] = {}

    def _sealer(self, owner: str) -> OwnerSealer:
        if owner not in self._sealers:
            self._sealers[owner] = self._for_owner(owner)
        return self._sealers[owner]

    def new_owner(self, owner: str) -> None:
        created = self._create_owner(owner)
        if created is not None:  # the new key at hand: no read back from the key store for the first field
            self._sealers[owner] = created

    def encode(self, *, owner: str, table: str, column: str, row: str, value: Any) -> bytes:
        text = json.dumps(value, ensure_ascii=False)
        return self._sealer(owner).seal(table=table, column=column, row_id=row, value=text)

    def decode(self, *, owner: str, table: str, column: str, row: str, data: bytes) -> Any:
        return json.loads(self._sealer(owner).unseal(table=table, column=column, row_id=row, sealed=data))
