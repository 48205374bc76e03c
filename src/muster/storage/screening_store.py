"""Watchlist versions and entries (public, plain text), screening hits and screenings (sealed parts).

A hit's explanation names the applicant's name forms and the officer's reason is free text about
them: both pass through the FieldCodec with the application id as owner (table `screening_hits`,
row = hit id), like answers and notes, so erasing the applicant (destroying their data key) makes
them unreadable too. Scores, ids and statuses stay in plain columns for the queue.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from muster.domain.errors import HitUnknown
from muster.domain.ids import ApplicationId, ReviewerId
from muster.domain.matching import WatchlistEntry
from muster.domain.screening import Hit, HitStatus, ImportSummary, Screened, WatchlistVersion
from muster.storage import tables as t
from muster.storage.codec import FieldCodec
from muster.storage.repositories import _aware

_INSERT_BATCH = 5000


# Ids per IN (...) list: well under the bound-parameter limits of SQLite and PostgreSQL.
_IN_BATCH = 500

class SqlWatchlistRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def next_version(self, list_name: str) -> int:
        found = self._c.execute(select(func.max(t.watchlist_versions.c.version))
                                .where(t.watchlist_versions.c.list_name == list_name)).scalar()
        return int(found or 0) + 1

    def add_version(self, version: WatchlistVersion, entries: Sequence[WatchlistEntry]) -> None:
        """Insert a version and all its entries (in the caller's transaction: all or nothing)."""
        s = version.summary
        self._c.execute(insert(t.watchlist_versions).values(
            id=version.id, list_name=version.list_name, version=version.version, imported_at=version.imported_at,
            source=s.source[:500], format=s.format, rows_read=s.rows_read, entries=s.entries, names=s.names,
            duplicates=s.duplicates, rejected=s.rejected, skipped=s.skipped))
        for start in range(0, len(entries), _INSERT_BATCH):
            self._c.execute(insert(t.watchlist_entries), [
                {"version_id": version.id, "entry_id": e.id, "names": json.dumps(list(e.names), ensure_ascii=False),
                 "birth_dates": json.dumps(list(e.birth_dates)), "countries": json.dumps(list(e.countries)),
                 "schema": e.schema}
                for e in entries[start : start + _INSERT_BATCH]])

    def versions(self, list_name: str | None = None) -> list[WatchlistVersion]:
        """Every version, by list name then newest first."""
        query = select(t.watchlist_versions)
        if list_name is not None:
            query = query.where(t.watchlist_versions.c.list_name == list_name)
        rows = self._c.execute(query.order_by(t.watchlist_versions.c.list_name, t.watchlist_versions.c.version.desc()))
        return [self._version(r) for r in rows]

    def current(self) -> list[WatchlistVersion]:
        """The newest version of each list."""
        newest = (select(t.watchlist_versions.c.list_name, func.max(t.watchlist_versions.c.version).label("v"))
                  .group_by(t.watchlist_versions.c.list_name).subquery())
        rows = self._c.execute(select(t.watchlist_versions).join(newest, (newest.c.list_name == t.watchlist_versions.c.list_name)
                                                                 & (newest.c.v == t.watchlist_versions.c.version))
                               .order_by(t.watchlist_versions.c.list_name))
        return [self._version(r) for r in rows]

    def entries(self, version_id: str) -> list[WatchlistEntry]:
        rows = self._c.execute(select(t.watchlist_entries).where(t.watchlist_entries.c.version_id == version_id)
                               .order_by(t.watchlist_entries.c.entry_id))
        return [self._entry(r) for r in rows]

    def listed(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], WatchlistEntry]:
        """The entries named by (version id, entry id) pairs: one query per version and batch of entries, not
        one per pair (a case page lists every hit of the case)."""
        wanted: dict[str, set[str]] = {}
        for version_id, entry_id in pairs:
            wanted.setdefault(version_id, set()).add(entry_id)
        found: dict[tuple[str, str], WatchlistEntry] = {}
        for version_id, entry_ids in wanted.items():
            ordered = sorted(entry_ids)
            for start in range(0, len(ordered), _IN_BATCH):
                rows = self._c.execute(select(t.watchlist_entries).where(
                    t.watchlist_entries.c.version_id == version_id,
                    t.watchlist_entries.c.entry_id.in_(ordered[start:start + _IN_BATCH])))
                for r in rows:
                    found[(version_id, r.entry_id)] = self._entry(r)
        return found

    @staticmethod
    def _entry(r: Any) -> WatchlistEntry:
        return WatchlistEntry(r.entry_id, tuple(json.loads(r.names)), tuple(json.loads(r.birth_dates)),
                              tuple(json.loads(r.countries)), r.schema)

    @staticmethod
    def _version(r: Any) -> WatchlistVersion:
        return WatchlistVersion(r.id, r.list_name, r.version, _aware(r.imported_at),  # type: ignore[arg-type]
                                ImportSummary(r.source, r.format, r.rows_read, r.entries, r.names, r.duplicates,
                                              r.rejected, r.skipped))


class SqlScreeningRepository:
    """Hits and the record of when each application was screened."""

    def __init__(self, connection: Connection, codec: FieldCodec) -> None:
        self._c = connection
        self._codec = codec

    def add_new(self, hits: Sequence[Hit]) -> list[Hit]:
        """Insert the hits never raised before for their (application, list, entry); returns those inserted."""
        if not hits:
            return []
        apps = {h.application_id for h in hits}
        existing = {(r.application_id, r.list_name, r.entry_id) for r in self._c.execute(
            select(t.screening_hits.c.application_id, t.screening_hits.c.list_name, t.screening_hits.c.entry_id)
            .where(t.screening_hits.c.application_id.in_(apps)))}
        new = [h for h in hits if (h.application_id, h.list_name, h.entry_id) not in existing]
        if not new:
            return []
        # ON CONFLICT DO NOTHING: on PostgreSQL another writer (the server's worker and a CLI re-screen)
        # may raise the same hit between the check above and this insert; its row wins, ours is dropped.
        statement = (postgresql.insert if self._c.dialect.name == "postgresql" else sqlite.insert)(t.screening_hits)
        inserted = set(self._c.execute(
            statement.on_conflict_do_nothing(index_elements=["application_id", "list_name", "entry_id"])
            .returning(t.screening_hits.c.id), [
                {"id": h.id, "application_id": h.application_id, "list_name": h.list_name, "version_id": h.version_id,
                 "entry_id": h.entry_id, "score": h.score, "status": str(h.status), "raised_at": h.raised_at,
                 "explanation": self._codec.encode(owner=h.application_id, table="screening_hits", column="explanation",
                                                   row=h.id, value=h.explanation)}
                for h in new]).scalars())
        return [h for h in new if h.id in inserted]

    def get(self, hit_id: str) -> Hit:
        row = self._c.execute(self._select().where(t.screening_hits.c.id == hit_id)).first()
        if row is None:
            raise HitUnknown(f"hit {hit_id} does not exist")
        return self._hit(row)

    def application_of(self, hit_id: str) -> ApplicationId:
        """The application a hit is on, without opening anything sealed; HitUnknown if there is no such hit."""
        found = self._c.execute(select(t.screening_hits.c.application_id).where(t.screening_hits.c.id == hit_id)).scalar()
        if found is None:
            raise HitUnknown(f"hit {hit_id} does not exist")
        return ApplicationId(found)

    def for_application(self, application_id: ApplicationId) -> list[Hit]:
        rows = self._c.execute(self._select().where(t.screening_hits.c.application_id == application_id)
                               .order_by(t.screening_hits.c.score.desc(), t.screening_hits.c.id))
        return [self._hit(r) for r in rows]

    def statuses(self, application_id: ApplicationId) -> list[HitStatus]:
        """The statuses of an application's hits, without opening anything sealed."""
        rows = self._c.execute(select(t.screening_hits.c.status).where(t.screening_hits.c.application_id == application_id))
        return [HitStatus(s) for s in rows.scalars()]

    def save_decision(self, hit: Hit) -> None:
        reason = self._codec.encode(owner=hit.application_id, table="screening_hits", column="reason", row=hit.id,
                                    value=hit.reason)
        self._c.execute(update(t.screening_hits).where(t.screening_hits.c.id == hit.id).values(
            status=str(hit.status), decided_by=hit.decided_by, decided_at=hit.decided_at, reason=reason))

    def open_queue(self, *, limit: int = 200) -> list[tuple[ApplicationId, int, float]]:
        """Applications with open hits, erased ones left out: (id, open hits, best score), best score first."""
        rows = self._c.execute(
            select(t.screening_hits.c.application_id, func.count(), func.max(t.screening_hits.c.score))
            .join(t.applications, t.applications.c.id == t.screening_hits.c.application_id)
            .where(t.screening_hits.c.status == str(HitStatus.OPEN), t.applications.c.erased_on.is_(None))
            .group_by(t.screening_hits.c.application_id)
            .order_by(func.max(t.screening_hits.c.score).desc()).limit(limit))
        return [(ApplicationId(a), int(n), float(s)) for a, n, s in rows]

    def mark_screened(self, screened: Screened) -> None:
        values = {"screened_at": screened.screened_at, "lists": "\n".join(screened.lists)}
        done = self._c.execute(update(t.screenings).where(t.screenings.c.application_id == screened.application_id)
                               .values(**values))
        if done.rowcount == 0:
            self._c.execute(insert(t.screenings).values(application_id=screened.application_id, **values))

    def unscreened(self, stages: Iterable[str]) -> list[ApplicationId]:
        """Applications in `stages`, not erased, never screened."""
        a = t.applications
        rows = self._c.execute(select(a.c.id).outerjoin(t.screenings, t.screenings.c.application_id == a.c.id).where(
            t.screenings.c.application_id.is_(None), a.c.erased_on.is_(None), a.c.stage.in_([str(s) for s in stages]))
            .order_by(a.c.stage_entered_at))
        return [ApplicationId(r) for r in rows.scalars()]

    def screened(self, application_id: ApplicationId) -> Screened | None:
        r = self._c.execute(select(t.screenings).where(t.screenings.c.application_id == application_id)).first()
        if r is None:
            return None
        return Screened(ApplicationId(r.application_id), _aware(r.screened_at),  # type: ignore[arg-type]
                        tuple(x for x in r.lists.split("\n") if x))

    @staticmethod
    def _select() -> Any:
        return select(t.screening_hits, t.watchlist_versions.c.version).join(
            t.watchlist_versions, t.watchlist_versions.c.id == t.screening_hits.c.version_id)

    def _hit(self, r: Any) -> Hit:
        explanation = {} if r.explanation is None else self._codec.decode(
            owner=r.application_id, table="screening_hits", column="explanation", row=r.id, data=r.explanation)
        reason = "" if r.reason is None else self._codec.decode(
            owner=r.application_id, table="screening_hits", column="reason", row=r.id, data=r.reason)
        return Hit(id=r.id, application_id=ApplicationId(r.application_id), list_name=r.list_name, version_id=r.version_id,
                   version=r.version, entry_id=r.entry_id, score=r.score, explanation=explanation,
                   raised_at=_aware(r.raised_at),  # type: ignore[arg-type]
                   status=HitStatus(r.status), decided_by=ReviewerId(r.decided_by) if r.decided_by else None,
                   decided_at=_aware(r.decided_at), reason=reason)
