"""Worker side of the scale run: the index is set here before the pool forks, so workers share it.

A module of its own because the runner loads run.py under a private name that worker processes
cannot import by reference.
"""

from __future__ import annotations

from muster.domain.matching import Index, ScreeningQuery, screen_many

INDEX: Index | None = None


def screen_chunk(chunk: list[ScreeningQuery]) -> list[tuple[str, str, float]]:
    """Screen one chunk against INDEX; keep only the top candidate per query (explanations are built anyway)."""
    assert INDEX is not None
    return [(q.id, r[0].entry_id if r else "", r[0].score if r else 0.0)
            for q, r in zip(chunk, screen_many(INDEX, chunk, top=10), strict=True)]
