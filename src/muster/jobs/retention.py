"""The nightly retention job: erase rejected or withdrawn applicants past the retention period.

Run it from cron or a systemd timer as `muster retention run`, or call `run_retention(container)`
from a job runner. Idempotent: an erased application is a tombstone and is not picked again.
"""

from __future__ import annotations

from typing import Any

from muster.services.erasure import Erased


def run_retention(container: Any) -> list[Erased]:
    """Apply MUSTER_RETENTION_DAYS to the container's database; returns what was erased."""
    return container.erasure.run_retention()
