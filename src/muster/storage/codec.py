"""How personal values become the bytes stored in a row.

Every personal value passes through a FieldCodec with the row's identity (table, column, row
id), so protection at rest is applied in exactly one place. `JsonCodec` stores plain JSON and
exists for databases without protection; `muster.crypto` provides the sealing codec.
"""

from __future__ import annotations

import json
from typing import Any, Protocol


class FieldCodec(Protocol):
    def new_owner(self, owner: str) -> None: ...
    def encode(self, *, owner: str, table: str, column: str, row: str, value: Any) -> bytes: ...
    def decode(self, *, owner: str, table: str, column: str, row: str, data: bytes) -> Any: ...


class JsonCodec:
    """Plain JSON: no protection. `owner` is the application id the value belongs to."""

    def new_owner(self, owner: str) -> None:
        pass  # plain JSON has no per-owner key

    def encode(self, *, owner: str, table: str, column: str, row: str, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False).encode()

    def decode(self, *, owner: str, table: str, column: str, row: str, data: bytes) -> Any:
        return json.loads(data)
