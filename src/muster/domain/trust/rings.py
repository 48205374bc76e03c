"""Ring detection: groups that vouch densely among themselves but are joined to the trusted region by few
vouches (low conductance), found as a sweep cut over the trust ranking.

Sort the nodes the seeds reach by degree-normalised trust, lowest first, and for every prefix S compute
its conductance cut(S) / min(vol(S), vol(rest)) (Andersen, Chung & Lang 2006 use the same sweep for local
clustering; Cao et al. observe that SybilRank's ranking has such a cut between Sybils and honest nodes).
The prefix with the lowest conductance is the candidate: if that conductance is below `max_conductance`,
its connected groups of at least `min_size` members are flagged, each with its evidence.
The whole sweep is O(edges): each edge becomes internal at the position of its later end.

The sweep also takes in honest circles that no seed has reached yet: they are as isolated as a ring. What
tells them apart is how they are joined to the trusted region: an honest circle by vouches whose ends
share contacts, a ring by attack edges that close no triangle. Members whose circle (inside the flagged
set) is joined at least `acquainted` by backed vouches are therefore dropped before the groups are formed
(bench/trust/tune.py, tuning seeds, g = 1,000: flag precision on Facebook 0.90 -> 0.97 with a copied Sybil
region and 0.59 -> 0.95 with a dense ring; recall 0.98 and 0.995).

Nodes no seed reaches at all are not rings by this test (they are reported as unreachable): without any
vouch from the trusted region there is no cut to measure.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from muster.domain.trust.blocks import TWO_THREADS_FROM, halves, row_blocks


@dataclass(frozen=True)
class RingRule:
    """Flag a sweep cut only when it is this isolated, and groups only from this size up.

    `cut_on_vouches` measures the cut in vouches (each pair counts its strength) rather than in
    support-weighted strength: with support weighting every small pendant group hung on one vouch without
    shared contacts looks isolated, and the sweep would stop at such a group instead of at the ring
    (bench/trust/tune.py: Bitcoin OTC at g = 1,000, flag recall 0.63 -> 0.95). `tolerance` takes the
    largest prefix within that factor of the best conductance, so that a handful of slightly more isolated
    honest members cannot hide a whole ring behind them (OTC recall 0.64 -> 0.96 at 1.1; precision on
    Facebook 0.91 -> 0.90).

    `acquainted`: the share of backed vouches to the trusted region from which a flagged member's circle
    counts as honest and is unflagged (None: keep every member); the evidence is averaged over the circle
    by `steps` of a walk restarting with probability `restart` (see `_acquainted`). `absorb`: a reached
    node outside the cut that gives at least this share of its support-weighted vouch strength to flagged
    members joins them (a fake whose vouches from outside lifted it just above the cut; honest members
    reach a ring only by vouches that close no triangle, which weigh little). None turns it off.
    """

    max_conductance: float = 0.05
    min_size: int = 3
    cut_on_vouches: bool = True
    tolerance: float = 1.1
    acquainted: float | None = 0.05
    restart: float = 0.05
    absorb: float | None = 0.5
    steps: int = 20


@dataclass(frozen=True)
class Ring:
    """A suspected ring and its evidence: members (node indices), vouching pairs inside and crossing out.

    `conductance` = external / (2 * internal + external), in pairs of people; `supported_conductance` is the
    same ratio once vouches without shared contacts are discounted (see support.py).
    """

    number: int
    members: np.ndarray
    internal_vouches: int
    external_vouches: int
    conductance: float
    supported_conductance: float

    @property
    def size(self) -> int:
        return len(self.members)


def sweep_conductance(a: sp.csr_matrix, order: np.ndarray, degree: np.ndarray) -> np.ndarray:
    """Conductance of each prefix order[:k+1] within the subgraph of the nodes in `order`."""
    n = a.shape[0]
    k = len(order)
    # int32 positions: half the memory traffic of the two pair-sized arrays below.
    pos = np.full(n, k, dtype=np.int32)  # k = not in the sweep: such a pair never becomes internal
    pos[order] = np.arange(k, dtype=np.int32)
    # Each pair is stored twice in the symmetric matrix; both copies count, as both ends' volumes do.
    # A block of pairs at a time (see blocks.py), each half of the rows on its own thread when large.
    counts = np.diff(a.indptr)

    def weight_at(lo: int, hi: int) -> np.ndarray:
        weight = np.zeros(k + 1)
        for r0, r1, p0, p1 in row_blocks(a.indptr, lo, hi, 1 << 21):
            last = np.repeat(pos[r0:r1], counts[r0:r1])
            np.maximum(last, np.take(pos, a.indices[p0:p1].astype(np.intp)), out=last)
            weight += np.bincount(last, weights=a.data[p0:p1], minlength=k + 1)
        return weight

    if a.nnz < TWO_THREADS_FROM:
        weight = weight_at(0, n)
    else:
        with ThreadPoolExecutor(2) as pool:
            top, bottom = pool.map(lambda rows: weight_at(*rows), halves(a.indptr))
        weight = top + bottom
    internal = np.cumsum(weight[:k])
    vol = np.cumsum(degree[order])
    cut = vol - internal
    denom = np.minimum(vol, vol[-1] - vol) if k else vol
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.where(denom > 0, cut / denom, np.inf)
    return phi


def _best_cut(cut: sp.csr_matrix, order: np.ndarray, trusted: np.ndarray, degree: np.ndarray,
              rule: RingRule) -> int | None:
    """Size of the flagged prefix of `order`, or None when no prefix is isolated enough."""
    if len(order) < rule.min_size:
        return None
    # Sweep over all reached nodes so the complement includes the seeds' side of the graph.
    phi = sweep_conductance(cut, np.concatenate([order, trusted]), degree)[: len(order)]
    phi[: rule.min_size - 1] = np.inf
    best = int(np.argmin(phi))
    if not phi[best] <= rule.max_conductance:
        return None
    if rule.tolerance > 1.0:
        # The largest prefix whose conductance is within `tolerance` of the best: a small group that
        # happens to be slightly more isolated must not hide a large ring behind it.
        near = np.flatnonzero(phi <= min(phi[best] * rule.tolerance, rule.max_conductance))
        best = int(near[-1])
    return best + 1


def _acquainted(a: sp.csr_matrix, reaching: sp.csr_matrix, backed: sp.csr_matrix, chosen: np.ndarray,
                trust: np.ndarray, share: float, restart: float, steps: int) -> np.ndarray:
    """Mask over `chosen`: members whose neighbourhood inside the flagged set is joined to the trusted region
    mostly by vouches backed by shared contacts (an honest circle no seed has reached yet), not by vouches
    that close no triangle (attack edges).

    `reaching` holds, one row per member of `chosen`, the pairs by which trust can reach it, and `backed`
    (same shape) marks those whose ends share contacts. Each flagged member starts with its backed and unbacked pairs to
    the trusted region; both are averaged over the support-weighted vouches inside the flagged set by a
    walk with restart, so a whole circle shares its evidence while the near-zero weight of an attack edge
    keeps the ring's evidence apart from an honest circle's.
    """
    n = a.shape[0]
    k = len(chosen)
    outside = np.ones(n, dtype=bool)
    outside[chosen] = False
    # A pair counts as much as its outside end is trusted (capped at the average): Sybils just outside
    # the sweep cut vouch among themselves with shared contacts too, but carry little trust.
    weight = np.where(outside, np.minimum(trust, 1.0), 0.0)
    total = (reaching != 0) @ weight
    supported = backed @ weight
    start = np.stack([supported, total - supported], axis=1)
    inner = a[chosen][:, chosen]
    degree = np.asarray(inner.sum(axis=1)).ravel()
    step = inner.copy()  # each row divided by its sum: one pass over the data, no product with a diagonal
    step.data *= np.repeat(np.divide(1.0, degree, out=np.zeros(k), where=degree > 0), np.diff(inner.indptr))
    x = start.copy()
    for _ in range(steps):
        x = (1.0 - restart) * (step @ x) + restart * start
    total = x.sum(axis=1)
    return (total > 0) & (x[:, 0] >= share * total)


def _absorb(gives: sp.csr_matrix, receives: sp.csr_matrix, chosen: np.ndarray, candidates: np.ndarray,
            share: float, rounds: int = 10) -> np.ndarray:
    """`chosen` grown by the candidates that give at least `share` of their support-weighted vouch strength
    (row u of `gives`: what u gives; `receives` is its transpose) to its members, repeated until nothing
    changes (or `rounds`)."""
    n = gives.shape[0]
    degree = np.asarray(gives.sum(axis=1)).ravel()
    member = np.zeros(n, dtype=bool)
    member[chosen] = True
    open_ = np.zeros(n, dtype=bool)
    open_[candidates] = True
    # What each node gives to members, updated by the nodes added in each round only.
    # In the matrix's own dtype: a float64 vector would make SciPy upcast the whole matrix first.
    toward = (gives @ member.astype(gives.dtype)).astype(np.float64)
    for _ in range(rounds):
        add = np.flatnonzero(open_ & ~member & (toward >= share * degree) & (degree > 0))
        if not len(add):
            break
        member[add] = True
        gained = receives[add]
        toward += np.bincount(gained.indices, weights=gained.data, minlength=n)
    return np.flatnonzero(member)


class OneWayFlow(NamedTuple):
    """The directed pairs giver -> receiver along which trust travels when some vouches carry it one way:
    their strengths, the same scaled by support, and the support itself (two-step routes giver -> w ->
    receiver; None when the scorer runs without support), all on `strengths`' pattern; and the mask of
    the nodes whose vouches count one way (applicants)."""

    strengths: sp.csr_matrix
    weighted: sp.csr_matrix
    routes: np.ndarray | None
    one_way: np.ndarray


def find_rings(a: sp.csr_matrix, plain: sp.csr_matrix, trust: np.ndarray, reached: np.ndarray,
               seeds: np.ndarray, rule: RingRule, common: np.ndarray | None = None,
               flow: OneWayFlow | None = None, *, plain_degree: np.ndarray | None = None) -> list[Ring]:
    """Rings among the reached nodes; `a` is the support-weighted graph, `plain` the vouch strengths, `trust`
    degree-normalised and relative to the average (1 = average), `common` the shared contacts per pair.

    `flow`, when some vouches carry trust one way only. Isolation is then measured by the trust that can
    flow into a group, a node joins a ring by what it gives to it, so that vouches a ring gives out neither
    hide it nor pull others in, and an inflowing pair is backed by its own two-step routes.
    Evidence counts pairs of people (a pair vouching both ways is one), from `plain`'s structure.
    `plain_degree`: `plain`'s row sums in float64, when the caller has them already.
    """
    is_seed = np.zeros(a.shape[0], dtype=bool)
    is_seed[seeds] = True
    candidates = np.flatnonzero(reached & ~is_seed)
    if len(candidates) < rule.min_size:
        return []
    if flow is None:
        inflow, inflow_weighted, outflow = plain, a, a
    else:
        inflow, inflow_weighted = flow.strengths.T.tocsr(), flow.weighted.T.tocsr()
        outflow = flow.weighted
    cut = inflow if rule.cut_on_vouches else inflow_weighted
    if cut is plain and plain_degree is not None:
        degree = plain_degree
    else:
        degree = np.asarray(cut.sum(axis=1, dtype=np.float64)).ravel()
    order = candidates[np.argsort(trust[candidates], kind="stable")]
    trusted = np.flatnonzero(reached & is_seed)
    found = _best_cut(cut, order, trusted, degree, rule)
    if found is None:
        return []
    chosen = np.sort(order[:found])
    if rule.acquainted is not None and common is not None and (flow is None or flow.routes is not None):
        # Only the flagged rows: the whole graph's pairs would be fresh memory the size of the input.
        reaching = inflow[chosen]
        if flow is None:
            shared = sp.csr_matrix((common, plain.indices, plain.indptr), shape=plain.shape)[chosen]
        else:
            giving = flow.strengths
            shared = sp.csr_matrix((flow.routes, giving.indices, giving.indptr), shape=giving.shape).T.tocsr()[chosen]
        shared.data = (shared.data > 0).astype(np.float64)
        spared = _acquainted(a, reaching, shared, chosen, trust, rule.acquainted, rule.restart, rule.steps)
        if flow is not None:
            # Acquaintance spares members' circles only: two members who know each other, both vouching for
            # one fake, back the ring's only way in as well as they would an honest applicant's.
            spared &= ~flow.one_way[chosen]
        chosen = chosen[~spared]
    if rule.absorb is not None and len(chosen):
        chosen = _absorb(outflow, inflow_weighted, chosen, candidates, rule.absorb)
    sub = plain[chosen][:, chosen]
    count, labels = connected_components(sub, directed=False)
    sizes = np.bincount(labels, minlength=count)
    vouches = np.diff(plain.indptr)
    rings: list[Ring] = []
    for label in np.argsort(-sizes, kind="stable"):
        if sizes[label] < rule.min_size:
            break
        members = chosen[labels == label]
        internal = int(sub[labels == label].nnz // 2)  # a member row of `sub` only reaches its own group
        external = int(vouches[members].sum()) - 2 * internal
        rows = a[members]
        volume = float(rows.sum())
        inside = float(rows[:, members].sum())
        supported = (volume - inside) / volume if volume > 0 else 0.0
        conductance = external / (2 * internal + external) if internal or external else 0.0
        rings.append(Ring(len(rings) + 1, members, internal, external, conductance, supported))
    return rings
