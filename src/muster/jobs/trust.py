"""The nightly trust job: rescore the whole vouch graph from the database.

Scores are also recomputed whenever a vouch is added or revoked; the nightly run catches anything that
reached the database another way, runs the infiltration cascade again, and leaves an audit entry with the
counts. The server's worker queues it every day at `MUSTER_NIGHTLY_AT` (see bootstrap.py);
`muster trust recompute` runs the same job in the foreground, e.g. from cron when that setting is empty.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from muster.domain.jobs import Job, JobKind
from muster.jobs.runner import Handler, Progress
from muster.services.trust import TrustService


def handlers(trust: TrustService) -> dict[str, Handler]:
    def recompute(job: Job, progress: Progress) -> dict[str, Any]:
        summary = trust.recompute()
        progress(1, 1)
        return asdict(summary)  # counts and seconds: nothing personal reaches the unsealed queue table

    return {JobKind.TRUST_RECOMPUTE: recompute}
