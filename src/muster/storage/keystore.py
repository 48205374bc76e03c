"""SqlKeyStore: the wrapped data keys, in a database of their own.

Kept apart from the data (by default its own SQLite file beside the main database) so that it
can be backed up on its own short retention: once a destroyed key has left every backup of the
key store, the applicant's data in every copy of the main database is unreadable for good.
The schema is a single table created on first use; it has no migrations because it has no
history to carry: one row per key, nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Column, Engine, LargeBinary, MetaData, String, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

keystore_metadata = MetaData()
wrapped_keys = Table(
    "wrapped_keys",
    keystore_metadata,
    Column("ref", String(120), primary_key=True),
    Column("wrapped", LargeBinary, nullable=False),
)


class SqlKeyStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        keystore_metadata.create_all(engine)

    def load(self, ref: str) -> bytes | None:
        with self._engine.connect() as c:
            return c.execute(select(wrapped_keys.c.wrapped).where(wrapped_keys.c.ref == ref)).scalar_one_or_none()

    def add(self, ref: str, wrapped: bytes) -> bool:
        try:
            with self._engine.begin() as c:
                c.execute(insert(wrapped_keys).values(ref=ref, wrapped=wrapped))
        except IntegrityError:
            return False
        return True

    def add_many(self, items: list[tuple[str, bytes]]) -> bool:
        """Store several new refs in one transaction (one disk flush); False (and none stored) if any exists."""
        try:
            with self._engine.begin() as c:
                c.execute(insert(wrapped_keys), [{"ref": ref, "wrapped": wrapped} for ref, wrapped in items])
        except IntegrityError:
            return False
        return True

    def replace(self, ref: str, expected: bytes, wrapped: bytes) -> bool:
        with self._engine.begin() as c:
            result = c.execute(update(wrapped_keys).where(wrapped_keys.c.ref == ref, wrapped_keys.c.wrapped == expected)
                               .values(wrapped=wrapped))
            return result.rowcount == 1

    def destroy(self, ref: str) -> bool:
        sqlite = self._engine.dialect.name == "sqlite"
        with self._engine.begin() as c:
            if sqlite:
                # Per connection: the deleted key's bytes are zeroed in the page, not left as free space.
                c.exec_driver_sql("PRAGMA secure_delete=ON")
            result = c.execute(delete(wrapped_keys).where(wrapped_keys.c.ref == ref))
            gone = result.rowcount == 1
        if gone and sqlite:
            # Copy the deletion from the WAL into the main file and empty the WAL. A checkpoint
            # cannot run inside a transaction, hence the raw connection outside SQLAlchemy's.
            raw = self._engine.raw_connection()
            try:
                raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
        return gone

    def refs(self) -> Iterable[str]:
        with self._engine.connect() as c:
            return list(c.execute(select(wrapped_keys.c.ref)).scalars())
