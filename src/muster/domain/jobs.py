"""Background jobs as data: what the DB-backed queue (jobs/runner.py) stores about each one.

Payloads and results hold ids and counts only, never personal data: the queue table is not sealed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from enum import StrEnum
from typing import Any


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobKind(StrEnum):
    SCREEN_APPLICATION = "screen_application"  # payload {"application_id": ...}
    RESCREEN = "rescreen"  # payload {"reason": ...}: everyone in the pipeline, after a list changed
    TRUST_RECOMPUTE = "trust_recompute"  # payload {}: the nightly rescore of the whole vouch graph
    RETENTION = "retention"  # payload {}: the nightly erasure of applicants past the retention period


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    payload: dict[str, Any]
    status: JobStatus
    created_at: datetime
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None
    finished_at: datetime | None = None
    attempts: int = 0
    done: int = 0
    total: int = 0
    result: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    @property
    def fraction(self) -> float:
        """Share of the work done, 0..1 (1 for a finished job without counts)."""
        if self.status is JobStatus.DONE:
            return 1.0
        return self.done / self.total if self.total else 0.0


@dataclass(frozen=True)
class Nightly:
    """A job queued once a day, from `at` (UTC) on, by the server's own worker: a deployment needs no cron.

    Each day's run has its own job id (`job_id`), so however many workers poll, it is queued once: a second
    insert of that id is refused. A server that was down at that time queues it when it comes back; a run
    that fails is not retried until the next day (its error stays on the job).
    """

    kind: str
    at: time

    def last_due(self, now: datetime) -> datetime:
        """The latest due time at or before `now` (an aware datetime)."""
        now = now.astimezone(timezone.utc)
        due = datetime.combine(now.date(), self.at, tzinfo=timezone.utc)  # the tzinfo argument wins over `at`'s
        return due if due <= now else due - timedelta(days=1)

    def job_id(self, now: datetime) -> str:
        """The id of the run due at `last_due(now)`, e.g. 'retention@2031-01-10T03:00Z'."""
        return f"{self.kind}@{self.last_due(now):%Y-%m-%dT%H:%MZ}"
