"""Structural support of a vouch: how many people the two ends both know.

Honest vouches sit inside a web of mutual acquaintance: the voucher and the vouchee share contacts, so the
pair closes triangles. An attack edge (a real member tricked into vouching for a fake) joins two regions
that share nobody: it closes no triangle. Weighting each pair by its common-neighbour count therefore
shrinks the attack edges that every seed-based Sybil defence is bounded by, before any trust moves
(measured in bench/trust: Facebook with a copied Sybil region at g = 1,000 goes from AUC 0.94 to 0.99+).

Exact per-pair triangle counts cost sum(degree^2), which does not fit the 10 s budget at 10 M vouches,
so the Jaccard similarity of the two neighbourhoods is estimated with k MinHash signatures (Broder 1997):
O(k * edges), and exact zero for pairs with no common neighbour, since two disjoint sets never share a
minimum. The estimate converts back to a common-neighbour count: |N(u) & N(v)| = J (d_u + d_v) / (1 + J).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class SupportRule:
    """Pair multiplier = min(1, (common neighbours + floor) / full), estimated from MinHash signatures.

    `hashes` signatures (a multiple of 4) up to `large_from` stored pairs, `large_hashes` beyond: the
    estimate gets coarser on huge graphs to hold the CLI's 10 s budget at 10 M vouches.
    """

    hashes: int = 16
    large_hashes: int = 8
    large_from: int = 4_000_000
    floor: float = 0.05
    full: float = 3.0
    seed: int = 0x5EED


_LANE = np.uint64(0x7FFF7FFF7FFF7FFF)


def _signatures(a: sp.csr_matrix, hashes: int, seed: int) -> np.ndarray:
    """Per node, `hashes` 16-bit MinHash values of its neighbour set, packed four to a uint64 word."""
    n = a.shape[0]
    rng = np.random.default_rng(seed)
    node_hash = rng.integers(0, 2**32, size=n, dtype=np.uint32)[a.indices]
    multipliers = rng.integers(0, 2**31, size=hashes, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    starts = np.minimum(a.indptr[:-1], a.nnz - 1)
    empty = np.diff(a.indptr) == 0
    lows = np.empty((n, hashes), dtype=np.uint16)
    for j, multiplier in enumerate(multipliers):
        # Multiply-shift hashing: a fresh near-permutation of the node hashes for every signature.
        value = ((node_hash * multiplier) >> np.uint32(16)).astype(np.uint16)
        lows[:, j] = np.minimum.reduceat(value, starts)
    # Isolated nodes: distinct signatures per node would need more bits; they have no pairs anyway.
    lows[empty] = 0
    return lows.view(np.uint64)


def common_neighbours(a: sp.csr_matrix, *, hashes: int, seed: int) -> np.ndarray:
    """Estimated common-neighbour count for every stored pair of the symmetric `a`, in `a.data` order."""
    n = a.shape[0]
    if a.nnz == 0:
        return np.zeros(0)
    words = _signatures(a, hashes, seed)
    rows = np.repeat(np.arange(n, dtype=np.intp), np.diff(a.indptr))
    cols = a.indices.astype(np.intp)
    matches = np.zeros(a.nnz, dtype=np.uint8)
    for w in range(words.shape[1]):
        column = np.ascontiguousarray(words[:, w])
        x = column[rows] ^ column[cols]
        # Count the all-zero 16-bit lanes of x (equal signatures): a lane's high bit is set in y iff zero.
        y = ~(((x & _LANE) + _LANE) | x | _LANE)
        matches += np.bitwise_count(y)
    jaccard = matches / hashes
    degree = np.diff(a.indptr).astype(np.float64)
    return jaccard * (degree[rows] + degree[cols]) / (1.0 + jaccard)


def supported(a: sp.csr_matrix, rule: SupportRule) -> tuple[sp.csr_matrix, np.ndarray]:
    """`a` with each pair's strength scaled by its support, and the per-pair common-neighbour estimate.

    Both are aligned with `a`'s sparsity pattern (the estimate in `a.data` order).
    """
    hashes = rule.hashes if a.nnz <= rule.large_from else rule.large_hashes
    common = common_neighbours(a, hashes=hashes, seed=rule.seed)
    factor = np.minimum(1.0, (common + rule.floor) / rule.full)
    out = sp.csr_matrix((a.data * factor, a.indices, a.indptr), shape=a.shape)
    return out, common
