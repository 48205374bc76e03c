"""SqlUnitOfWork: one connection and one transaction per use case."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy import Connection, Engine

from muster.storage.codec import FieldCodec
from muster.storage.contact_index_store import SqlContactIndexRepository
from muster.storage.trust_repositories import SqlReviewFlagRepository, SqlSeedRepository, SqlVouchGraphRepository
from muster.storage.job_store import SqlJobRepository
from muster.storage.repositories import (
    SqlApplicationRepository,
    SqlAuditRepository,
    SqlReviewerRepository,
    SqlSessionRepository,
    SqlUnitRepository,
    SqlVouchRepository,
)
from muster.storage.screening_store import SqlScreeningRepository, SqlWatchlistRepository


class SqlUnitOfWork:
    def __init__(self, engine: Engine, codec: Callable[[], FieldCodec]) -> None:
        self._engine = engine
        self._new_codec = codec
        self._connection: Connection | None = None

    def __enter__(self) -> "SqlUnitOfWork":
        self._connection = self._engine.connect()
        self._transaction = self._connection.begin()
        c = self._connection
        codec = self._new_codec()  # one per transaction: keys fetched here are dropped with it
        self.applications = SqlApplicationRepository(c, codec)
        self.reviewers = SqlReviewerRepository(c)
        self.sessions = SqlSessionRepository(c)
        self.units = SqlUnitRepository(c)
        self.vouches = SqlVouchRepository(c, codec)
        self.audit = SqlAuditRepository(c)
        self.seeds = SqlSeedRepository(c)
        self.review_flags = SqlReviewFlagRepository(c, codec)
        self.vouch_graph = SqlVouchGraphRepository(c)
        self.watchlists = SqlWatchlistRepository(c)
        self.screening = SqlScreeningRepository(c, codec)
        self.jobs = SqlJobRepository(c)
        self.contact_indexes = SqlContactIndexRepository(c)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        assert self._connection is not None
        try:
            if self._transaction.is_active:
                self._transaction.rollback()  # anything not committed explicitly is undone
        finally:
            self._connection.close()
            self._connection = None

    def commit(self) -> None:
        """Commit; with SQLite's synchronous=FULL this returns once the data is on disk."""
        self._transaction.commit()
