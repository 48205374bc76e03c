"""SqlContactIndexRepository: the contact blind indexes (table `contact_indexes`).

Storage sees only the digests the ContactIndexer port computed; it never holds the key or a contact.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, delete, exists, insert, select

from muster.domain.ids import ApplicationId
from muster.storage import tables as t


class SqlContactIndexRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, application_id: ApplicationId, digests: Iterable[tuple[str, bytes]]) -> None:
        """Store the digests of one application (an application giving the same value twice stores it once)."""
        rows = [{"application_id": application_id, "kind": kind, "digest": digest} for kind, digest in dict.fromkeys(digests)]
        if rows:
            self._c.execute(insert(t.contact_indexes), rows)

    def sharing(self, application_id: ApplicationId, *, limit: int,
                kinds: Iterable[str] | None = None) -> list[tuple[ApplicationId, str]]:
        """Other applications with a digest equal to one of this application's (of `kinds` when given), and the
        kind: candidates only."""
        mine = t.contact_indexes.alias("mine")
        other = t.contact_indexes.alias("other")
        query = (select(other.c.application_id, other.c.kind).distinct()
                 .join(mine, (mine.c.kind == other.c.kind) & (mine.c.digest == other.c.digest))
                 .where(mine.c.application_id == application_id, other.c.application_id != application_id)
                 .order_by(other.c.application_id, other.c.kind).limit(limit))
        if kinds is not None:
            query = query.where(mine.c.kind.in_(list(kinds)))
        return [(ApplicationId(r.application_id), r.kind) for r in self._c.execute(query)]

    def delete_for(self, application_id: ApplicationId) -> int:
        """Delete one application's digests (with its tombstone); returns how many rows went."""
        return self._c.execute(delete(t.contact_indexes).where(t.contact_indexes.c.application_id == application_id)).rowcount

    def unindexed(self, kind: str | None = None) -> list[ApplicationId]:
        """Applications not erased that have no digest at all (or none of `kind`): stored before the indexes
        existed, or without contacts."""
        has_rows = exists().where(t.contact_indexes.c.application_id == t.applications.c.id)
        if kind is not None:
            has_rows = has_rows.where(t.contact_indexes.c.kind == kind)
        rows = self._c.execute(select(t.applications.c.id).where(t.applications.c.erased_on.is_(None), ~has_rows)
                               .order_by(t.applications.c.id))
        return [ApplicationId(r) for r in rows.scalars()]
