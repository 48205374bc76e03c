"""A small DB-backed job queue and the worker thread that runs it beside the web server.

Jobs are rows in the `jobs` table (kind, payload of ids, status, progress, result), so they
survive a restart, the UI can show their progress, and a CLI command and the server never run the
same job twice (`claim_next` is a compare-and-set). `muster serve` starts one `Worker` thread with
the app (create_app's lifespan) and stops it on shutdown; `enqueue` wakes it at once, otherwise it
polls every few seconds, which also picks up jobs queued by another process.

A job whose worker died (no progress reported for `stale_after`) is queued again on the next
start, up to `max_attempts` times. Handlers must therefore be idempotent: screening is (a hit is
raised once per application and entry).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from typing import Any

from muster.domain.jobs import Job, JobStatus, Nightly
from muster.services.ports import Clock, UnitOfWork

Progress = Callable[[int, int], None]
Handler = Callable[[Job, Progress], dict[str, Any]]

log = logging.getLogger("muster.jobs")


class JobRunner:
    """Enqueue jobs, run them (in a worker thread or in the foreground), and record their outcome."""

    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock, new_id: Callable[[], str],
                 handlers: Mapping[str, Handler], poll_seconds: float = 2.0,
                 stale_after: timedelta = timedelta(minutes=10), max_attempts: int = 3,
                 progress_every: float = 0.5, schedule: Iterable[Nightly] = ()) -> None:
        self._uow = uow
        self._clock = clock
        self._new_id = new_id
        self._handlers = dict(handlers)
        self._poll = poll_seconds
        self._stale_after = stale_after
        self._max_attempts = max_attempts
        self._progress_every = progress_every
        self._schedule = tuple(schedule)
        self._queued_runs: dict[str, str] = {}  # kind -> id of the last scheduled run this process saw queued
        for nightly in self._schedule:
            if nightly.kind not in self._handlers:
                raise ValueError(f"no handler for scheduled job kind '{nightly.kind}'")
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.on_start: list[Callable[[], None]] = []  # run once in the worker before its first poll

    # --- queueing ------------------------------------------------------------------------------

    def enqueue(self, kind: str, payload: dict[str, Any]) -> str:
        """Queue a job (committed when this returns) and wake the worker; returns the job id."""
        job = self._new(kind, payload, JobStatus.QUEUED)
        self._wake.set()
        return job.id

    def add_in(self, uow: UnitOfWork, kind: str, payload: dict[str, Any]) -> str:
        """Queue a job inside the caller's transaction (it exists once that commits); call `notify` after."""
        job = self._job(kind, payload, JobStatus.QUEUED)
        uow.jobs.add(job)
        return job.id

    def enqueue_many(self, kind: str, payloads: Iterable[dict[str, Any]]) -> int:
        """Queue a job per payload in one transaction and wake the worker once; returns how many."""
        count = 0
        with self._uow() as uow:
            for payload in payloads:
                self.add_in(uow, kind, payload)
                count += 1
            uow.commit()
        if count:
            self._wake.set()
        return count

    def notify(self) -> None:
        """Wake the worker: a job was queued."""
        self._wake.set()

    def claimed(self, kind: str, payload: dict[str, Any]) -> Job:
        """A job recorded as already running, for a command that runs it in the foreground."""
        return self._new(kind, payload, JobStatus.RUNNING)

    def _job(self, kind: str, payload: dict[str, Any], status: JobStatus, job_id: str | None = None) -> Job:
        if kind not in self._handlers:
            raise ValueError(f"no handler for job kind '{kind}'")
        now = self._clock.now()
        running = status is JobStatus.RUNNING
        return Job(id=job_id or self._new_id(), kind=kind, payload=dict(payload), status=status, created_at=now,
                   started_at=now if running else None, heartbeat_at=now if running else None, attempts=int(running))

    def _new(self, kind: str, payload: dict[str, Any], status: JobStatus) -> Job:
        job = self._job(kind, payload, status)
        with self._uow() as uow:
            uow.jobs.add(job)
            uow.commit()
        return job

    def enqueue_due(self) -> list[str]:
        """Queue every scheduled run that has fallen due and is not queued yet; returns the ids this call queued.

        The database is asked once per run and process: after that, polls cost nothing until the next day.
        """
        queued = []
        now = self._clock.now()
        for nightly in self._schedule:
            run_id = nightly.job_id(now)
            if self._queued_runs.get(nightly.kind) == run_id:
                continue
            with self._uow() as uow:
                added = uow.jobs.add_once(self._job(nightly.kind, {}, JobStatus.QUEUED, run_id))
                uow.commit()
            self._queued_runs[nightly.kind] = run_id
            if added:  # else another worker (or an earlier start) queued it
                queued.append(run_id)
        return queued

    def get(self, job_id: str) -> Job | None:
        with self._uow() as uow:
            return uow.jobs.get(job_id)

    # --- running -------------------------------------------------------------------------------

    def run(self, job: Job, progress: Progress | None = None) -> Job:
        """Run a claimed job to its end; records progress, the result or the error. Returns the stored job."""
        last = [0.0]

        def report(done: int, total: int) -> None:
            if progress is not None:
                progress(done, total)
            now = self._clock.now()
            if done < total and now.timestamp() - last[0] < self._progress_every:
                return
            last[0] = now.timestamp()
            with self._uow() as uow:
                uow.jobs.progress(job.id, done=done, total=total, now=now)
                uow.commit()

        try:
            result = self._handlers[job.kind](job, report)
        except Exception as error:  # a failed job is recorded, not lost; the worker carries on
            log.exception("job %s (%s) failed", job.id, job.kind)
            with self._uow() as uow:
                uow.jobs.fail(job.id, error=f"{type(error).__name__}: {error}", now=self._clock.now())
                uow.commit()
        else:
            with self._uow() as uow:
                uow.jobs.finish(job.id, result=result, now=self._clock.now())
                uow.commit()
        stored = self.get(job.id)
        assert stored is not None
        return stored

    def run_pending(self) -> int:
        """Claim and run queued jobs until none is left; returns how many ran."""
        ran = 0
        while True:
            if self._stop.is_set() and threading.current_thread() is self._thread:
                break
            with self._uow() as uow:
                job = uow.jobs.claim_next(now=self._clock.now())
                uow.commit()
            if job is None:
                break
            self.run(job)
            ran += 1
        return ran

    def requeue_stale(self) -> int:
        """Queue again the jobs whose worker stopped reporting (a crash or a killed process)."""
        with self._uow() as uow:
            count = uow.jobs.requeue_stale(before=self._clock.now() - self._stale_after, max_attempts=self._max_attempts)
            uow.commit()
        return count

    # --- the worker thread ----------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker thread (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="muster-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the worker to stop after its current job and wait for it."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        try:
            self.requeue_stale()
            for hook in self.on_start:
                hook()
        except Exception:
            log.exception("job worker start-up step failed")
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.enqueue_due()
                self.run_pending()
            except Exception:  # e.g. the database is briefly unavailable: try again at the next poll
                log.exception("job worker poll failed")
            self._wake.wait(self._poll)
