"""SealingCodec: the FieldCodec that encrypts each personal value with its applicant's data key."""

from __future__ import annotations

import json
from typing import Any, Protocol


class FieldSealer(Protocol):
    def seal(self, *, owner: str, table: str, column: str, row_id: str | int, value: str) -> bytes: ...
    def unseal(self, *, owner: str, table: str, column: str, row_id: str | int, sealed: bytes) -> str: ...


class SealingCodec:
    """JSON-encodes a value, then seals it bound to (table, column, row): a sealed value copied to
    another row or column fails to open."""

    def __init__(self, sealer: FieldSealer) -> None:
        self._sealer = sealer

    def encode(self, *, owner: str, table: str, column: str, row: str, value: Any) -> bytes:
        text = json.dumps(value, ensure_ascii=False)
        return self._sealer.seal(owner=owner, table=table, column=column, row_id=row, value=text)

    def decode(self, *, owner: str, table: str, column: str, row: str, data: bytes) -> Any:
        return json.loads(self._sealer.unseal(owner=owner, table=table, column=column, row_id=row, sealed=data))
