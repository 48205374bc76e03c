"""Row blocks of a CSR matrix, for working through millions of pairs a block at a time.

Pair-sized temporaries (20 M pairs at a million nodes) cost more in page faults on fresh memory than in
arithmetic; blocks of a few hundred thousand pairs stay in cache and their buffers are reused.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def row_blocks(indptr: np.ndarray, lo: int, hi: int, pairs: int) -> Iterator[tuple[int, int, int, int]]:
    """(first row, end row, first pair, end pair) of consecutive blocks of rows lo..hi holding about `pairs`
    stored pairs each (at least one row per block; blocks without pairs are skipped)."""
    r0 = lo
    while r0 < hi:
        r1 = max(r0 + 1, min(hi, int(np.searchsorted(indptr, indptr[r0] + pairs, side="right")) - 1))
        p0, p1 = int(indptr[r0]), int(indptr[r1])
        if p1 > p0:
            yield r0, r1, p0, p1
        r0 = r1


# Stored pairs from which a pass over them is split over two threads (NumPy and SciPy release the GIL).
TWO_THREADS_FROM = 2_000_000


def halves(indptr: np.ndarray) -> tuple[tuple[int, int], tuple[int, int]]:
    """Two row ranges, (0, mid) and (mid, n), holding about half of the stored pairs each."""
    mid = int(np.searchsorted(indptr, indptr[-1] // 2))
    return (0, mid), (mid, len(indptr) - 1)
