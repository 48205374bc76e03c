"""The nightly trust job: rescore the whole vouch graph from the database.

Scores are also recomputed whenever a vouch is added or revoked; the nightly run catches anything that
reached the database another way and leaves an audit entry with the counts. Run it as
`muster trust recompute`, or call `recompute_trust(container)` from a scheduler.
"""

from __future__ import annotations

from typing import Any

from muster.services.trust import RecomputeSummary


def recompute_trust(container: Any) -> RecomputeSummary:
    """Rescore every node of the container's vouch graph; returns the counts and the time taken."""
    return container.trust.recompute()
