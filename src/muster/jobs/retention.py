"""The nightly retention job: erase rejected or withdrawn applicants decided more than MUSTER_RETENTION_DAYS ago.

The server's worker queues it every day at `MUSTER_NIGHTLY_AT`; `muster retention run` runs it in the
foreground (from cron when that setting is empty). Each erasure is audited by the erasure service.
"""

from __future__ import annotations

from typing import Any

from muster.domain.jobs import Job, JobKind
from muster.jobs.runner import Handler, Progress
from muster.services.erasure import ErasureService


def handlers(erasure: ErasureService) -> dict[str, Handler]:
    def run(job: Job, progress: Progress) -> dict[str, Any]:
        erased = erasure.run_retention()
        progress(len(erased), len(erased))
        return {"erased": len(erased)}  # a count: the queue table is not sealed

    return {JobKind.RETENTION: run}
