"""Structural support of a vouch: how many people the two ends both know.

Honest vouches sit inside a web of mutual acquaintance: the voucher and the vouchee share contacts, so the
pair closes triangles. An attack edge (a real member tricked into vouching for a fake) joins two regions
that share nobody: it closes no triangle. Weighting each pair by its common-neighbour count therefore
shrinks the attack edges that every seed-based Sybil defence is bounded by, before any trust moves
(bench/trust/tune.py, tuning seeds: Facebook with a copied Sybil region at g = 1,000 goes from AUC 0.94 to
0.99, at g = 10,000 from 0.69 to 0.93; a dense ring at g = 1,000 from 0.85 to 0.93). Loosely knit graphs
(Bitcoin OTC, Epinions: two thirds of their vouches close no triangle) lost a little at full strength
(0.992 -> 0.979 on OTC), so the penalty is scaled down on such graphs (`SupportRule.knit_low/knit_high`:
OTC at g = 1,000 0.979 -> 0.991, flag recall 0.96 -> 0.99; Facebook unchanged).

Exact per-pair triangle counts cost sum(degree^2), which does not fit the 10 s budget at 10 M vouches,
so on large graphs the Jaccard similarity of the two neighbourhoods is estimated with k MinHash signatures
(Broder 1997): O(k * edges), and zero for pairs with no common neighbour, since two disjoint sets share a
minimum only when two 16-bit hash values collide (about 1 in 100 disjoint pairs of 30-person sets). The
estimate converts back to a common-neighbour count: |N(u) & N(v)| = J (d_u + d_v) / (1 + J). It misses
most contacts of pairs whose neighbourhoods are large and overlap little (two hubs with two contacts in
common), in effect a Jaccard threshold: it finds half of Bitcoin OTC's triangles. On small graphs (a
formation's own vouches: thousands of people) the counts are exact, because there the estimate is coarse
(a 16-hash signature of a 2-person set) and would make a score depend on the order in which nodes happen
to be numbered.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from muster.domain.trust.blocks import TWO_THREADS_FROM, halves, row_blocks


@dataclass(frozen=True)
class SupportRule:
    """Pair multiplier = min(1, (common neighbours + floor) / full), the count exact or estimated (below).

    The penalty (1 - multiplier) is scaled by how well knit the whole graph is: by 0 when at most
    `knit_low` of its pairs share a contact, by 1 from `knit_high` up, linearly between (`knit_high` 0
    turns the scaling off). Facebook (94 % of pairs share a contact, 73 % or more with any Sybil region
    of the benchmark) keeps the full penalty; Bitcoin OTC and Epinions (about 1 in 3) get about 0.4 of it.

    Counts are exact while that costs at most `exact_up_to` multiplications (the sum over nodes of the
    squared number of sets each one is in); beyond, `hashes` signatures (a multiple of 4) up to
    `large_from` stored pairs and `large_hashes` after that: the estimate gets coarser on huge graphs to
    hold the CLI's 10 s budget at 10 M vouches. The benchmark graphs (2.6 million multiplications and up)
    all take the estimate, as they did when the defaults were tuned; the knit shares above are the
    estimate's (exact counts find a shared contact for 65 % of OTC's pairs, see bench/trust/tune.py).
    """

    exact_up_to: int = 1_000_000
    hashes: int = 16
    large_hashes: int = 8
    large_from: int = 4_000_000
    floor: float = 0.05
    full: float = 3.0
    seed: int = 0x5EED
    knit_low: float = 0.1
    knit_high: float = 0.64


def knit_weight(common: np.ndarray, rule: SupportRule) -> float:
    """How much of the support penalty this graph gets, from its share of pairs with shared contacts."""
    if rule.knit_high <= 0.0 or not len(common):
        return 1.0
    share = float(np.count_nonzero(common)) / len(common)
    return float(np.clip((share - rule.knit_low) / max(rule.knit_high - rule.knit_low, 1e-9), 0.0, 1.0))


_LANE = np.uint64(0x7FFF7FFF7FFF7FFF)


def _signatures(a: sp.csr_matrix, hashes: int, seed: int, chunk: int = 1 << 20) -> np.ndarray:
    """Per node, `hashes` 16-bit MinHash values of its neighbour set, packed four to a uint64 word."""
    n = a.shape[0]
    rng = np.random.default_rng(seed)
    node_hash = rng.integers(0, 2**32, size=n, dtype=np.uint32)
    multipliers = rng.integers(0, 2**31, size=hashes, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    # Multiply-shift hashing: a fresh near-permutation of the node hashes for every signature, computed
    # per node (cheap) and then gathered per stored pair.
    per_node = [((node_hash * m) >> np.uint32(16)).astype(np.uint16) for m in multipliers]
    lows = np.zeros((n, hashes), dtype=np.uint16)  # isolated nodes keep 0: they have no pairs anyway

    def sign(lo: int, hi: int) -> None:
        for r0, r1, p0, p1 in row_blocks(a.indptr, lo, hi, chunk):
            rows = np.flatnonzero(np.diff(a.indptr[r0:r1 + 1])) + r0  # rows with at least one pair
            neighbours = a.indices[p0:p1].astype(np.intp)
            starts = a.indptr[rows] - p0
            for j in range(hashes):
                lows[rows, j] = np.minimum.reduceat(np.take(per_node[j], neighbours), starts)

    if a.nnz < TWO_THREADS_FROM:
        sign(0, n)
    else:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda b: sign(*b), halves(a.indptr)))
    return lows.view(np.uint64)


def _common(rows_words: np.ndarray, cols_words: np.ndarray, indptr: np.ndarray, cols: np.ndarray,
            rows_size: np.ndarray, cols_size: np.ndarray, hashes: int, lo: int, hi: int,
            chunk: int = 1 << 19, out: np.ndarray | None = None) -> np.ndarray:
    """Estimated shared members per stored pair (u, v) for the rows lo..hi (pairs in CSR order): u's set
    by `rows_words`, v's by `cols_words`, a block of pairs at a time (see blocks.py); written to `out`
    (float32, one per pair of the rows) when given."""
    start, stop = int(indptr[lo]), int(indptr[hi])
    counts = np.diff(indptr[lo:hi + 1])
    common = np.empty(stop - start, dtype=np.float32) if out is None else out
    sides = [(np.ascontiguousarray(rows_words[:, w]), np.ascontiguousarray(cols_words[:, w]))
             if cols_words is not rows_words else (np.ascontiguousarray(rows_words[:, w]),) * 2
             for w in range(rows_words.shape[1])]
    for r0, r1, p0, p1 in row_blocks(indptr, lo, hi, chunk):
        neighbours = cols[p0:p1].astype(np.intp)
        row_counts = counts[r0 - lo:r1 - lo]
        matches = np.zeros(p1 - p0, dtype=np.uint8)
        for row_side, col_side in sides:
            # Row side by repeat (sequential), column side by gather.
            x = np.repeat(row_side[r0:r1], row_counts)
            x ^= np.take(col_side, neighbours)
            # Count the all-zero 16-bit lanes of x (equal signatures): a lane's high bit is set in y iff
            # that lane is zero.
            y = x & _LANE
            y += _LANE
            y |= x
            y |= _LANE
            np.invert(y, out=y)
            matches += np.bitwise_count(y)
        # Jaccard J = matches / hashes; |A & B| = J (|A| + |B|) / (1 + J).
        jaccard = matches.astype(np.float32)
        jaccard *= np.float32(1.0 / hashes)
        total = np.repeat(rows_size[r0:r1], row_counts)
        total += np.take(cols_size, neighbours)
        total *= jaccard
        jaccard += np.float32(1.0)
        np.divide(total, jaccard, out=common[p0 - start:p1 - start])
    return common


def _pattern(sets: sp.csr_matrix) -> sp.csr_matrix:
    return sp.csr_matrix((np.ones(sets.nnz, dtype=np.float32), sets.indices, sets.indptr), shape=sets.shape)


def exact_common(a: sp.csr_matrix, sets: sp.csr_matrix, col_sets: sp.csr_matrix) -> np.ndarray:
    """Shared members of `sets[u]` and `col_sets[v]` for every stored pair (u, v) of `a` (in `a.data`
    order), exactly: the product of the two membership matrices, sampled at `a`'s pairs."""
    counts = (_pattern(sets) @ _pattern(col_sets).T).tocsr()
    rows = np.repeat(np.arange(a.shape[0]), np.diff(a.indptr))
    return np.asarray(counts[rows, a.indices], dtype=np.float32).ravel()


def exact_cost(sets: sp.csr_matrix, col_sets: sp.csr_matrix) -> int:
    """Multiplications `exact_common` needs: per member, the sets holding it times the column sets."""
    held = np.bincount(sets.indices, minlength=sets.shape[1]).astype(np.int64)
    col_held = np.bincount(col_sets.indices, minlength=col_sets.shape[1]).astype(np.int64)
    return int(held @ col_held)


def common_neighbours(a: sp.csr_matrix, *, hashes: int, seed: int, sets: sp.csr_matrix | None = None,
                      col_sets: sp.csr_matrix | None = None, exact_up_to: int = 0) -> np.ndarray:
    """For every stored pair (u, v) of `a`, in `a.data` order, how many members `sets[u]` and
    `col_sets[v]` share: exact while that costs at most `exact_up_to` multiplications, else estimated from
    `hashes` MinHash signatures.

    `sets` defaults to `a` (common neighbours of the symmetric `a`) and `col_sets` to `sets`. The product
    passes the nodes each one receives trust from, so that contacts a ring claims by vouching outward are
    not counted as shared; for the directed pairs along which trust travels, the nodes u gives trust to
    and the nodes v receives it from, which counts the two-step routes u -> w -> v.
    """
    if a.nnz == 0:
        return np.zeros(0, dtype=np.float32)
    sets = a if sets is None else sets
    col_sets = sets if col_sets is None else col_sets
    if sets.nnz == 0 or col_sets.nnz == 0:
        return np.zeros(a.nnz, dtype=np.float32)
    # Sets with more members than the budget allows multiplications take the estimate uncounted (counting
    # costs 0.3 s at 10 M vouches).
    if max(sets.nnz, col_sets.nnz) <= exact_up_to and exact_cost(sets, col_sets) <= exact_up_to:
        return exact_common(a, sets, col_sets)
    n = a.shape[0]
    words = _signatures(sets, hashes, seed)
    col_words = words if col_sets is sets else _signatures(col_sets, hashes, seed)
    sizes = []
    for family in (sets, col_sets):
        size = np.diff(family.indptr).astype(np.float32)
        if family is not a:
            # A node with no set has the all-zero signature of an isolated node: it must share nothing.
            size[size == 0] = np.nan
        sizes.append(size)
    cols = a.indices

    common = np.empty(a.nnz, dtype=np.float32)

    def block(lo: int, hi: int) -> None:
        _common(words, col_words, a.indptr, cols, sizes[0], sizes[1], hashes, lo, hi,
                out=common[a.indptr[lo]:a.indptr[hi]])

    if a.nnz < TWO_THREADS_FROM:
        block(0, n)
    else:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda rows: block(*rows), halves(a.indptr)))
    if sets is not a or col_sets is not a:
        np.nan_to_num(common, copy=False, nan=0.0)
    return common


def supported(a: sp.csr_matrix, rule: SupportRule, sets: sp.csr_matrix | None = None,
              col_sets: sp.csr_matrix | None = None, knit: float | None = None) -> tuple[sp.csr_matrix, np.ndarray]:
    """`a` with each pair's strength scaled by its support, and the per-pair shared-contact count.

    Both are aligned with `a`'s sparsity pattern (the count in `a.data` order); `sets` and `col_sets` as
    in `common_neighbours`. `knit`, when given, is the share of the penalty to apply (else `knit_weight`
    of these counts).
    """
    hashes = rule.hashes if a.nnz <= rule.large_from else rule.large_hashes
    common = common_neighbours(a, hashes=hashes, seed=rule.seed, sets=sets, col_sets=col_sets,
                               exact_up_to=rule.exact_up_to)
    factor = common + np.float32(rule.floor)
    factor *= np.float32(1.0 / rule.full)
    np.minimum(factor, np.float32(1.0), out=factor)
    weight = knit_weight(common, rule) if knit is None else knit
    if weight < 1.0:
        factor -= np.float32(1.0)
        factor *= np.float32(weight)
        factor += np.float32(1.0)
    factor *= a.data
    out = sp.csr_matrix((factor, a.indices, a.indptr), shape=a.shape)
    return out, common
