"""The screening jobs: one application on arrival, everyone in the pipeline after a list changed.

`handlers(screening)` gives the job runner its handlers; `queue_screening` queues an application's
screening inside its submission's transaction; `enqueue_unscreened` queues a screening for every
application in the pipeline never screened (e.g. submitted before screening existed), run when the
worker starts.
"""

from __future__ import annotations

from typing import Any

from muster.domain.ids import ApplicationId
from muster.domain.jobs import Job, JobKind
from muster.jobs.runner import Handler, JobRunner, Progress
from muster.services.ports import UnitOfWork
from muster.services.screening import ScreeningService


def handlers(screening: ScreeningService) -> dict[str, Handler]:
    def screen_one(job: Job, progress: Progress) -> dict[str, Any]:
        hits = screening.screen_application(ApplicationId(str(job.payload["application_id"])))
        progress(1, 1)
        return {"new_hits": len(hits)}

    def rescreen(job: Job, progress: Progress) -> dict[str, Any]:
        done = screening.rescreen(progress)
        return {"applications": done.applications, "new_hits": done.new_hits, "lists": list(done.lists)}

    return {JobKind.SCREEN_APPLICATION: screen_one, JobKind.RESCREEN: rescreen}


def queue_screening(runner: JobRunner, uow: UnitOfWork, application_id: ApplicationId) -> None:
    """IntakeService's in-transaction hook: the screening job commits together with the submission,
    so no application is ever stored without its screening queued (and it costs no extra commit)."""
    runner.add_in(uow, JobKind.SCREEN_APPLICATION, {"application_id": application_id})


def enqueue_unscreened(runner: JobRunner, screening: ScreeningService) -> int:
    """Queue a screening for each application in the pipeline never screened; returns how many."""
    return runner.enqueue_many(JobKind.SCREEN_APPLICATION,
                               ({"application_id": application_id} for application_id in screening.unscreened()))
