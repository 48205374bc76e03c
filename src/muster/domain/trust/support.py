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
    """Edge multiplier = min(1, (common neighbours + floor) / full); `hashes` MinHash signatures."""

    hashes: int = 12
    floor: float = 0.05
    full: float = 3.0
    seed: int = 0x5EED


def common_neighbours(a: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray, *, hashes: int,
                      seed: int) -> np.ndarray:
    """Estimated number of common neighbours for each pair (rows[k], cols[k]) of the symmetric `a`."""
    n = a.shape[0]
    if len(rows) == 0 or a.nnz == 0:
        return np.zeros(len(rows))
    starts = np.minimum(a.indptr[:-1], a.nnz - 1)
    empty = np.diff(a.indptr) == 0
    rng = np.random.default_rng(seed)
    matches = np.zeros(len(rows), dtype=np.int32)
    for _ in range(hashes):
        h = rng.integers(0, np.iinfo(np.int32).max, size=n, dtype=np.int32)
        low = np.minimum.reduceat(h[a.indices], starts)
        low[empty] = -1 - np.arange(int(empty.sum()), dtype=np.int32)  # never equal to anything
        matches += low[rows] == low[cols]
    jaccard = matches / hashes
    deg = np.diff(a.indptr).astype(np.float64)
    return jaccard * (deg[rows] + deg[cols]) / (1.0 + jaccard)


def supported(a: sp.csr_matrix, rule: SupportRule) -> tuple[sp.csr_matrix, np.ndarray]:
    """`a` with each pair's strength scaled by its support; also the per-pair common-neighbour estimate.

    The second value is aligned with `a.data` of the returned matrix (same sparsity pattern and order).
    """
    coo = sp.triu(a, k=1, format="coo")
    common = common_neighbours(a, coo.row, coo.col, hashes=rule.hashes, seed=rule.seed)
    factor = np.minimum(1.0, (common + rule.floor) / rule.full)
    n = a.shape[0]
    rows = np.concatenate([coo.row, coo.col])
    cols = np.concatenate([coo.col, coo.row])
    out = sp.csr_matrix((np.concatenate([coo.data * factor] * 2), (rows, cols)), shape=(n, n))
    est = sp.csr_matrix((np.concatenate([common + 1.0] * 2), (rows, cols)), shape=(n, n))
    out.sort_indices()
    est.sort_indices()
    return out, est.data - 1.0
