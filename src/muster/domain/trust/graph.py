"""The vouch graph: who vouched for whom and how strongly, as integer-indexed arrays.

A vouch is directed (voucher -> vouchee) and carries a strength in [0, 1]. Input rules, applied once when a
graph is built so every algorithm downstream can rely on them:

- a weight outside [0, 1] (or NaN) is refused with `InputError`; no silent clipping, because a strength of 5
  usually means the file used another scale;
- a self-vouch carries no information and is dropped (counted in `dropped_self_vouches`);
- a vouch given twice is kept once, with the larger strength (counted in `merged_duplicates`);
- a vouch of strength 0 stays in the graph (it is shown on the case page) but carries no trust.

Nodes are every id that appears as voucher or vouchee, in order of first appearance when built from pairs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from muster.domain.errors import InputError
from muster.domain.trust.blocks import TWO_THREADS_FROM


@dataclass(frozen=True, eq=False)
class VouchGraph:
    """Directed, weighted vouches between `ids`; `src[k]` vouched for `dst[k]` with strength `weight[k]`."""

    ids: Sequence[str]
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    dropped_self_vouches: int = 0
    merged_duplicates: int = 0
    _index: dict[str, int] = field(default_factory=dict, repr=False)
    # With equal strengths, the vouches as the CSR matrix the build made anyway (float32 strengths), and their
    # transpose when it was built alongside; `undirected` reuses them and must not change them.
    _forward: sp.csr_matrix | None = field(default=None, repr=False)
    _backward: sp.csr_matrix | None = field(default=None, repr=False)

    @classmethod
    def from_edges(cls, edges: Iterable[tuple[str, str] | tuple[str, str, float]]) -> VouchGraph:
        """Build from (voucher, vouchee) or (voucher, vouchee, strength) tuples; strength defaults to 1."""
        edges = list(edges)
        bad = next((number for number, edge in enumerate(edges, start=1) if len(edge) not in (2, 3)), None)
        if bad is not None:
            raise InputError(f"vouch {bad}: expected (voucher, vouchee[, strength]), got {len(edges[bad - 1])} fields")
        # Comprehensions rather than one loop with appends: the product rescores its whole graph on every change.
        index: dict[str, int] = {}
        codes = np.fromiter((index.setdefault(str(node), len(index)) for edge in edges for node in edge[:2]),
                            dtype=np.int64, count=2 * len(edges))
        strengths = np.fromiter((float(edge[2]) if len(edge) == 3 else 1.0 for edge in edges),  # type: ignore[misc]
                                dtype=np.float64, count=len(edges))
        return cls.from_arrays(list(index), codes[0::2], codes[1::2], strengths)

    @classmethod
    def from_arrays(cls, ids: Sequence[str], src: np.ndarray, dst: np.ndarray,
                    weight: np.ndarray | None = None) -> VouchGraph:
        """Build from node ids and parallel index arrays (the fast path for batch files)."""
        n = len(ids)
        # Batch files hand over int32 codes: SciPy's sparse builds take them as they are.
        src, dst = np.asarray(src), np.asarray(dst)
        if src.dtype.kind not in "iu" or dst.dtype.kind not in "iu":
            src, dst = src.astype(np.int64), dst.astype(np.int64)
        if src.shape != dst.shape or src.ndim != 1:
            raise InputError("voucher and vouchee arrays differ in shape")
        if len(src) and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= n):
            raise InputError("a vouch refers to a node index outside the id list")
        uniform = weight is None
        if weight is not None:
            weight = np.asarray(weight, dtype=np.float64)
            if weight.shape != src.shape:
                raise InputError("weight array differs in length from the vouches")
            bad = np.flatnonzero(~((weight >= 0.0) & (weight <= 1.0)))
            if len(bad):
                raise InputError(f"vouch {int(bad[0]) + 1}: strength {float(weight[bad[0]])!r} is outside [0, 1]")
            uniform = not len(weight) or weight.min() == weight.max()
        keep = src != dst
        dropped = int(len(src) - np.count_nonzero(keep))
        if dropped:
            src, dst = src[keep], dst[keep]
            weight = weight[keep] if weight is not None else None
        # One vouch per ordered pair, the strongest; the result is in (voucher, vouchee) order.
        if uniform:
            # Equal strengths (the usual batch file): SciPy's counting-sort CSR build, duplicates summed. On
            # large graphs the transpose, which `undirected` needs, is built beside it on the second core
            # (faster than transposing afterwards, which has to wait for the first build).
            ones = np.ones(len(src), dtype=np.float32)

            def pattern(rows: np.ndarray, cols: np.ndarray) -> sp.csr_matrix:
                return sp.csr_matrix((ones, (rows, cols)), shape=(n, n))

            transposed = None
            if len(src) >= TWO_THREADS_FROM:
                with ThreadPoolExecutor(2) as pool:
                    matrix, transposed = pool.map(lambda pair: pattern(*pair), ((src, dst), (dst, src)))
            else:
                matrix = pattern(src, dst)
            merged = int(len(src) - matrix.nnz)
            strength = float(weight[0]) if weight is not None and len(weight) else 1.0
            for built in (matrix, transposed):
                if built is not None:
                    built.data[:] = strength  # duplicate counts until now; memory already touched
            # src and dst in SciPy's index type (int32 below 2^31 nodes), dst shared with the matrix. One
            # strength for every vouch: a read-only view of one number, not 80 MB at 10 M vouches.
            src = np.repeat(np.arange(n, dtype=matrix.indices.dtype), np.diff(matrix.indptr))
            return cls(ids, src, matrix.indices, np.broadcast_to(np.float64(strength), (matrix.nnz,)), dropped,
                       merged, _forward=matrix, _backward=transposed)
        assert weight is not None
        width = max(n, 1)
        key = src.astype(np.int64) * width + dst
        order = np.argsort(key, kind="stable")
        key, weight = key[order], weight[order]
        first = np.ones(len(key), dtype=bool)
        first[1:] = key[1:] != key[:-1]
        merged = int(len(key) - np.count_nonzero(first))
        if merged:
            weight = np.maximum.reduceat(weight, np.flatnonzero(first))
            key = key[first]
        src, dst = key // width, key % width
        return cls(ids, src, dst, weight, dropped, merged)

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.ids)

    def index_of(self, node_id: str) -> int | None:
        """The node's index, or None when no vouch mentions it."""
        if not self._index and self.n:
            self._index.update((node_id, i) for i, node_id in enumerate(self.ids))
        return self._index.get(node_id)

    def indices_of(self, node_ids: Iterable[str]) -> tuple[np.ndarray, list[str]]:
        """Indices of the known ids (each once, in input order) and the ids not in the graph."""
        wanted = list(dict.fromkeys(str(node_id) for node_id in node_ids))
        if not wanted:
            return np.zeros(0, dtype=np.int64), []
        if not self._index and len(wanted) < 1000:
            # A few seeds in a big graph: one scan (at C speed) beats building the whole id -> index map.
            hits = itertools.compress(range(self.n), map(set(wanted).__contains__, self.ids))
            found = {self.ids[i]: i for i in hits}
        else:
            found = {node_id: i for node_id in wanted if (i := self.index_of(node_id)) is not None}
        known = [found[node_id] for node_id in wanted if node_id in found]
        unknown = [node_id for node_id in wanted if node_id not in found]
        return np.asarray(known, dtype=np.int64), unknown

    def vouchers(self, node_id: str) -> list[str]:
        """Who vouched for `node_id` (for cascade re-scoring when someone is rejected); [] if unknown."""
        i = self.index_of(node_id)
        return [] if i is None else [self.ids[j] for j in self.src[self.dst == i].tolist()]

    def vouchees(self, node_id: str) -> list[str]:
        """Whom `node_id` vouched for; [] if unknown."""
        i = self.index_of(node_id)
        return [] if i is None else [self.ids[j] for j in self.dst[self.src == i].tolist()]

    def undirected(self) -> sp.csr_matrix:
        """Symmetric strength matrix: a pair's weight is the sum of its vouches in both directions."""
        shape = (self.n, self.n)
        if self._forward is not None:
            a = self._forward
        else:
            # The vouches are sorted by (src, dst) and unique, so the CSR arrays can be laid down directly.
            indptr = np.zeros(self.n + 1, dtype=np.int64)
            np.cumsum(np.bincount(self.src, minlength=self.n), out=indptr[1:])
            # float32 strengths: half the memory of the pair-sized arrays; sums are taken in float64 downstream.
            a = sp.csr_matrix((self.weight.astype(np.float32), self.dst, indptr), shape=shape)
            a.has_sorted_indices = True
        back = self._backward if self._backward is not None else a.T.tocsr()
        a = (a + back).tocsr()
        a.eliminate_zeros()
        a.sort_indices()
        return a

    def vouchers_of(self) -> sp.csr_matrix:
        """Row i lists who vouched for i (the transpose of the vouch matrix), strengths as data."""
        return sp.csr_matrix((self.weight, (self.dst, self.src)), shape=(self.n, self.n))

    def vouchees_of(self) -> sp.csr_matrix:
        """Row i lists whom i vouched for, strengths as data."""
        return sp.csr_matrix((self.weight, (self.src, self.dst)), shape=(self.n, self.n))
