"""Early-terminated, degree-normalised trust propagation from the seeds (the SybilRank idea).

Trust starts on the seeds and is handed out in steps: each node gives its trust to its neighbours in
proportion to the (support-weighted) strength of their vouches. Left to run forever the trust of every
node becomes proportional to its degree, Sybils included; stopped early it has mixed within the honest
region but crossed the few attack edges only a little (Cao et al., NSDI 2012). Dividing by the degree
removes the advantage of simply having many vouches.

The result is the mean of the last two steps, so that trust on bipartite stretches (a chain of vouches, a
star) does not vanish on every other node. Alongside the trust this records the step at which each node
first received any, which is its distance in vouch hops from the nearest seed (for steps up to the number
of iterations).
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from muster.domain.trust.blocks import TWO_THREADS_FROM, halves

UNREACHED = -1


@dataclass(frozen=True)
class Propagation:
    """Degree-normalised trust (`trust`), raw trust mass (`mass`), weighted degree and hops from a seed."""

    trust: np.ndarray
    mass: np.ndarray
    degree: np.ndarray
    hops: np.ndarray
    iterations: int


class _Product:
    """`a @ x` on two threads for big matrices: SciPy's sparse kernels release the GIL, so the two row
    halves (views of `a`'s arrays, nothing copied) run on both cores."""

    def __init__(self, a: sp.csr_matrix) -> None:
        self.a = a
        self.pool: ThreadPoolExecutor | None = None
        if a.nnz >= TWO_THREADS_FROM:
            top, bottom = halves(a.indptr)
            self.blocks = (_rows(a, *top), _rows(a, *bottom))
            self.pool = ThreadPoolExecutor(2)

    def __enter__(self) -> _Product:
        return self

    def __exit__(self, *_: object) -> None:
        if self.pool is not None:
            self.pool.shutdown()

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if self.pool is None:
            return self.a @ x
        top, bottom = self.pool.map(lambda block: block @ x, self.blocks)
        return np.concatenate([top, bottom])


def _rows(a: sp.csr_matrix, lo: int, hi: int) -> sp.csr_matrix:
    """Rows lo..hi of `a` as a matrix over views of its arrays. (Built empty and filled in: SciPy's
    constructor copies a view that is less than half its base, and fresh memory is slow to touch.)"""
    start, stop = int(a.indptr[lo]), int(a.indptr[hi])
    block = sp.csr_matrix((hi - lo, a.shape[1]), dtype=a.dtype)
    block.indptr = a.indptr[lo:hi + 1] - start if start else a.indptr[lo:hi + 1]
    block.indices = a.indices[start:stop]
    block.data = a.data[start:stop]
    return block


def iterations_for(n: int, factor: float) -> int:
    """SybilRank's O(log n) budget: ceil(factor * log2 n), at least 1."""
    return max(1, math.ceil(factor * math.log2(max(n, 2))))


def propagate(a: sp.csr_matrix, seeds: np.ndarray, iterations: int,
              flow: sp.csr_matrix | None = None, *, degree: np.ndarray | None = None) -> Propagation:
    """Run `iterations` steps of T <- A D^-1 T from trust spread evenly over `seeds`.

    `flow`, when given, is where trust may go: flow[u, v] is the strength with which u hands trust to v
    (a subset of the symmetric `a`'s pairs, for vouches that carry trust one way only); each step is then
    T <- F^T D_out^-1 T, and the trust is still divided by the degree in `a`. `degree`: `a`'s row sums in
    float64, when the caller has them already.
    """
    n = a.shape[0]
    # float32 halves the memory traffic of the products, which dominate; 7 digits are plenty for a ranking.
    a = a if a.dtype == np.float32 else a.astype(np.float32)
    if degree is None:
        degree = np.asarray(a.sum(axis=1, dtype=np.float64)).ravel()
    inv = np.divide(1.0, degree, out=np.zeros(n), where=degree > 0).astype(np.float32)
    step_matrix, step_inv = a, inv
    if flow is not None:
        flow = flow if flow.dtype == np.float32 else flow.astype(np.float32)
        out = np.asarray(flow.sum(axis=1, dtype=np.float64)).ravel()
        step_inv = np.divide(1.0, out, out=np.zeros(n), where=out > 0).astype(np.float32)
        step_matrix = flow.T.tocsr()
    mass = np.zeros(n, dtype=np.float32)
    hops = np.full(n, UNREACHED, dtype=np.int32)
    if len(seeds):
        mass[seeds] = 1.0 / len(seeds)
        hops[seeds] = 0
    previous = mass
    spreading = True
    with _Product(step_matrix) as product:
        for step in range(1, iterations + 1):
            # Symmetric a: A D^-1 T with A = A^T; one-way vouches: F^T D_out^-1 T.
            previous, mass = mass, product(mass * step_inv)
            if spreading:
                # Nodes first reached at step t are those t hops out; once a step reaches none, none is left.
                new = (hops == UNREACHED) & (mass > 0)
                hops[new] = step
                spreading = bool(new.any())
    # On a bipartite stretch (a chain, a star) trust alternates sides each step; the mean of the last two
    # steps reaches both sides and keeps the total.
    mass = (mass.astype(np.float64) + previous) / 2.0
    # Nodes further than `iterations` hops still get a distance for the explanation.
    frontier = np.flatnonzero(hops == iterations) if iterations else seeds
    step = iterations
    while len(frontier):
        step += 1
        reached = np.zeros(n, dtype=bool)
        for v in frontier.tolist() if len(frontier) < 64 else ():
            reached[a.indices[a.indptr[v]:a.indptr[v + 1]]] = True
        if len(frontier) >= 64:
            reached[a[frontier].indices] = True
        frontier = np.flatnonzero(reached & (hops == UNREACHED))
        hops[frontier] = step
    return Propagation(mass * inv, mass, degree, hops, iterations)
