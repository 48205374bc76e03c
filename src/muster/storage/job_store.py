"""SqlJobRepository: the jobs table behind the background queue (jobs/runner.py).

`claim_next` is a compare-and-set (`UPDATE ... WHERE status = 'queued'`), so two workers, or the
server's worker and a CLI command, never run the same job; payloads hold ids only.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from muster.domain.jobs import Job, JobStatus
from muster.storage import tables as t
from muster.storage.repositories import _aware


class SqlJobRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, job: Job) -> None:
        self._c.execute(insert(t.jobs).values(
            id=job.id, kind=job.kind, payload=json.dumps(job.payload), status=str(job.status), created_at=job.created_at,
            started_at=job.started_at, heartbeat_at=job.heartbeat_at, attempts=job.attempts, done=0, total=0,
            result="", error=""))

    def add_once(self, job: Job) -> bool:
        """Add `job` unless a job with its id exists (also one another worker inserts meanwhile: the primary
        key refuses it, inside a savepoint so the caller's transaction goes on)."""
        if self.get(job.id) is not None:
            return False
        try:
            with self._c.begin_nested():
                self.add(job)
        except IntegrityError:
            return False
        return True

    def get(self, job_id: str) -> Job | None:
        row = self._c.execute(select(t.jobs).where(t.jobs.c.id == job_id)).first()
        return None if row is None else self._job(row)

    def claim_next(self, *, now: datetime) -> Job | None:
        """Mark the oldest queued job running and return it; None when the queue is empty."""
        for _ in range(5):
            row = self._c.execute(select(t.jobs.c.id).where(t.jobs.c.status == str(JobStatus.QUEUED))
                                  .order_by(t.jobs.c.created_at, t.jobs.c.id).limit(1)).first()
            if row is None:
                return None
            claimed = self._c.execute(update(t.jobs).where(t.jobs.c.id == row.id, t.jobs.c.status == str(JobStatus.QUEUED))
                                      .values(status=str(JobStatus.RUNNING), started_at=now, heartbeat_at=now,
                                              attempts=t.jobs.c.attempts + 1))
            if claimed.rowcount == 1:
                return self.get(row.id)
        return None

    def progress(self, job_id: str, *, done: int, total: int, now: datetime) -> None:
        self._c.execute(update(t.jobs).where(t.jobs.c.id == job_id).values(done=done, total=total, heartbeat_at=now))

    def finish(self, job_id: str, *, result: dict[str, Any], now: datetime) -> None:
        self._c.execute(update(t.jobs).where(t.jobs.c.id == job_id).values(
            status=str(JobStatus.DONE), result=json.dumps(result), finished_at=now, heartbeat_at=now))

    def fail(self, job_id: str, *, error: str, now: datetime) -> None:
        self._c.execute(update(t.jobs).where(t.jobs.c.id == job_id).values(
            status=str(JobStatus.FAILED), error=error[:500], finished_at=now, heartbeat_at=now))

    def requeue_stale(self, *, before: datetime, max_attempts: int) -> int:
        """Running jobs whose worker stopped reporting before `before`: queued again, or failed after
        `max_attempts`. Returns how many were requeued."""
        stale = (t.jobs.c.status == str(JobStatus.RUNNING)) & (t.jobs.c.heartbeat_at < before)
        self._c.execute(update(t.jobs).where(stale, t.jobs.c.attempts >= max_attempts).values(
            status=str(JobStatus.FAILED), error="the worker stopped; gave up after repeated attempts"))
        return self._c.execute(update(t.jobs).where(stale).values(status=str(JobStatus.QUEUED))).rowcount

    def latest(self, kind: str) -> Job | None:
        row = self._c.execute(select(t.jobs).where(t.jobs.c.kind == kind)
                              .order_by(t.jobs.c.created_at.desc(), t.jobs.c.id.desc()).limit(1)).first()
        return None if row is None else self._job(row)

    def count(self, status: JobStatus) -> int:
        return self._c.execute(select(func.count()).select_from(t.jobs).where(t.jobs.c.status == str(status))).scalar_one()

    @staticmethod
    def _job(r: Any) -> Job:
        return Job(id=r.id, kind=r.kind, payload=json.loads(r.payload), status=JobStatus(r.status),
                   created_at=_aware(r.created_at),  # type: ignore[arg-type]
                   started_at=_aware(r.started_at), heartbeat_at=_aware(r.heartbeat_at), finished_at=_aware(r.finished_at),
                   attempts=r.attempts, done=r.done, total=r.total, result=json.loads(r.result) if r.result else {},
                   error=r.error)
