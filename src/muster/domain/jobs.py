"""Background jobs as data: what the DB-backed queue (jobs/runner.py) stores about each one.

Payloads and results hold ids and counts only, never personal data: the queue table is not sealed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
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
