"""`score`: the vouch graph and the seeds in, a trust score, a ring flag and an explanation per node out.

The pipeline, each step measured against plain SybilRank in bench/trust (see bench/RESULTS.md):

1. the vouch graph is made undirected, a pair's strength being the sum of its vouches (trust must be able
   to cross a one-way vouch in both directions for the honest region to mix; see `graph.py` for the rules),
   except that a vouch given by a `one_way` node carries trust to the vouchee only;
2. each pair is scaled by its structural support (`support.py`): vouches that close no triangle, as attack
   edges do, carry a fraction of their strength (where trust travels one way, by the routes it can take:
   `_one_way_flow`);
3. early-terminated propagation from the seeds (`propagation.py`) gives degree-normalised trust;
4. a sweep cut over that ranking flags low-conductance groups as rings (`rings.py`), less honest circles
   joined to the trusted side by vouches with shared contacts.

The score is the trust relative to the graph's average, r, mapped to [0, 1) as r / (1 + r): 0.5 means as
trusted as an average node once trust has spread evenly; seeds score 1; unreachable nodes score 0.
Members of a suspected ring score `ring_discount` of that: the trust that reaches a ring arrives over the
attack edges the ring was built to win, so it says little about the members (bench/trust/tune.py, tuning
seeds: AUC on Facebook with a copied Sybil region at g = 10,000 0.931 -> 0.972, with a dense ring at
g = 1,000 0.932 -> 0.998).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from muster.domain.errors import InputError
from muster.domain.trust.graph import VouchGraph
from muster.domain.trust.propagation import UNREACHED, iterations_for, propagate
from muster.domain.trust.rings import OneWayFlow, Ring, RingRule, find_rings
from muster.domain.trust.support import SupportRule, knit_weight, supported


@dataclass(frozen=True)
class ScoringConfig:
    """Tuning of the scorer; the defaults are the ones bench/trust reports."""

    support: SupportRule | None = field(default_factory=SupportRule)
    rings: RingRule = field(default_factory=RingRule)
    iteration_factor: float = 2.0
    ring_discount: float = 0.01


@dataclass(frozen=True)
class Explanation:
    """Why a node scored what it did, as data; `text` is the one-line reason shown in the CLI output."""

    node_id: str
    score: float
    flag: bool
    is_seed: bool
    relative_trust: float
    hops_from_seed: int | None
    vouchers: int
    vouchees: int
    support_share: float
    ring: Ring | None
    text: str


@dataclass(frozen=True, eq=False)
class TrustReport:
    """Scores for every node of `graph`, column-wise (fast at a million nodes); `explain(id)` for one."""

    graph: VouchGraph
    seeds: np.ndarray
    unknown_seeds: list[str]
    score: np.ndarray
    flag: np.ndarray
    relative_trust: np.ndarray
    hops: np.ndarray
    support_share: np.ndarray
    rings: list[Ring]
    ring_of: np.ndarray
    iterations: int
    ring_discount: float = 1.0

    def __len__(self) -> int:
        return self.graph.n

    def explain(self, node_id: str) -> Explanation:
        """The explanation for one node; raises InputError for an id the graph does not contain."""
        i = self.graph.index_of(node_id)
        if i is None:
            raise InputError(f"node {node_id!r} is not in the vouch graph")
        return self._explain(i)

    def explanations(self) -> list[Explanation]:
        """Every node's explanation (one object per node: use `reasons()` for bulk output)."""
        return [self._explain(i) for i in range(self.graph.n)]

    def _explain(self, i: int) -> Explanation:
        vouchers = int(np.count_nonzero(self.graph.dst == i))
        vouchees = int(np.count_nonzero(self.graph.src == i))
        ring = self.rings[self.ring_of[i] - 1] if self.ring_of[i] > 0 else None
        hops = int(self.hops[i])
        return Explanation(
            node_id=self.graph.ids[i], score=float(self.score[i]), flag=bool(self.flag[i]),
            is_seed=bool(np.isin(i, self.seeds)), relative_trust=float(self.relative_trust[i]),
            hops_from_seed=None if hops == UNREACHED else hops, vouchers=int(vouchers), vouchees=vouchees,
            support_share=float(self.support_share[i]), ring=ring, text=self.reasons([i])[0])

    def reasons(self, nodes: Iterable[int] | None = None) -> list[str]:
        """One-line reasons for the given node indices (all nodes by default), built in bulk."""
        texts, which = self.distinct_reasons(nodes)
        return np.asarray(texts, dtype=object)[which].tolist()  # type: ignore[no-any-return]

    def distinct_reasons(self, nodes: Iterable[int] | None = None) -> tuple[list[str], np.ndarray]:
        """The distinct reasons among the given nodes (all by default) and, per node, which one is its own.

        Most nodes share their reason with many others (a million nodes have some 30,000 distinct ones), so
        each distinct reason is formatted once and handed to every node that has it.
        """
        idx = np.arange(self.graph.n) if nodes is None else np.fromiter(nodes, dtype=np.int64)
        if not len(idx):
            return [], np.zeros(0, dtype=np.int64)
        is_seed = np.zeros(self.graph.n, dtype=bool)
        is_seed[self.seeds] = True
        ring_text = [""] + [
            f"suspected ring {r.number}: {r.size} members, {r.internal_vouches} vouching pairs among them, "
            f"{r.external_vouches} with anyone else" for r in self.rings]
        rel = self.relative_trust[idx]
        hops = self.hops[idx]
        share = np.round(100 * self.support_share[idx]).astype(np.int64)
        kind = np.where(is_seed[idx], -3, np.where(self.ring_of[idx] > 0, self.ring_of[idx],
                                                   np.where(hops == UNREACHED, -2, -1))).astype(np.int64)
        template = "trust %.2fx the average; %d vouch hop%s from a seed; %d%% of vouch strength backed by shared contacts"
        fixed = {-3: "seed: trusted a priori", -2: "no vouch path from any seed"}
        counted = f", counted at {self.ring_discount:.0%} in the score" if self.ring_discount < 1.0 else ""

        def text(i: int) -> str:
            k, r, h, sh = int(kind[i]), float(rel[i]), int(hops[i]), int(share[i])
            if k == -1:
                return template % (r, h, "" if h == 1 else "s", sh)
            if k > 0:
                return f"{ring_text[k]}; trust {r:.2f}x the average{counted}"
            return fixed[k]

        # Group by what the text shows. The trust shows in hundredths: rint(100 r) is what '%.2f' prints
        # unless 100 r lies within rounding error of a half, or is huge or not finite; such a node is
        # formatted on its own (its `solo` key is unique).
        hundredths = rel * 100
        cents = np.rint(hundredths)
        numbered = kind != -3
        numbered &= kind != -2
        plain = kind == -1
        with np.errstate(invalid="ignore"):
            exact = np.abs(hundredths) < 2**32
            exact &= np.abs(hundredths - np.floor(hundredths) - 0.5) > 1e-6
        solo = np.where(numbered & ~exact, np.arange(1, len(idx) + 1), 0)
        columns = [np.where(plain, share, 0), np.where(plain, hops, 0),
                   np.where(numbered & exact, cents, 0.0).astype(np.int64), kind, solo]
        # One int64 key sorts several times faster than a lexsort; it fits unless the ranges are vast.
        key = np.zeros(len(idx), dtype=np.int64)
        span = 1
        for column in columns:
            low = int(column.min())
            width = int(column.max()) - low + 1
            span *= width
            if span < 2**63:
                key *= width
                key += column - low
        if span < 2**63:
            order, columns = np.argsort(key, kind="stable"), [key]
        else:
            order = np.lexsort(columns)
        first = np.zeros(len(order), dtype=bool)
        first[0] = True
        for column in columns:
            ordered = column[order]
            first[1:] |= ordered[1:] != ordered[:-1]
        group = np.empty(len(order), dtype=np.int64)
        group[order] = np.cumsum(first) - 1
        return [text(i) for i in order[first].tolist()], group


def score(graph: VouchGraph, seeds: Iterable[str], config: ScoringConfig | None = None, *,
          one_way: Iterable[str] = ()) -> TrustReport:
    """Score every node of `graph` from the trusted `seeds` (ids).

    Seed ids the graph does not contain are ignored and listed in `unknown_seeds`; if none is left,
    InputError (nothing can be trusted without a seed). An empty graph gives an empty report.

    Trust crosses a vouch in both directions, except a vouch given by a node in `one_way`: that one carries
    trust to the vouchee only. The product puts applicants there, so that fakes cannot draw trust from honest
    people simply by vouching for them (an honest member's vouch, won or not, still works both ways).
    """
    config = config or ScoringConfig()
    seed_idx, unknown = graph.indices_of(seeds)
    n = graph.n
    if n and not len(seed_idx):
        raise InputError("no seed is in the vouch graph: at least one seed must have given or received a vouch")
    plain = graph.undirected()
    one_way_vouches = _one_way_strengths(graph, one_way)
    strengths = one_way_vouches[0] if one_way_vouches else None
    weighted = plain
    # Row sums (a pass over every pair each) are taken once here and handed to the steps that need them.
    before = after = _row_sums(plain)
    common = None
    if config.support is not None and plain.nnz:
        # With one-way vouches a shared contact counts only if trust reaches both ends from it: a fake that
        # vouches for an honest member and that member's friends shares no contact with them.
        sets = strengths.T.tocsr() if strengths is not None else None
        weighted, common = supported(plain, config.support, sets)
        after = _row_sums(weighted)
    share = np.divide(after, before, out=np.zeros(n), where=before > 0)
    flow = None
    if one_way_vouches is not None:
        flow = _one_way_flow(*one_way_vouches, weighted, plain, common, config.support)
    result = propagate(weighted, seed_idx, iterations_for(n, config.iteration_factor),
                       flow.weighted if flow else None, degree=after)
    reached = result.mass > 0
    average = result.mass.sum() / result.degree[reached].sum() if reached.any() else 1.0
    relative = result.trust / average if average > 0 else result.trust
    value = relative / (1.0 + relative)
    value[seed_idx] = 1.0
    rings = find_rings(weighted, plain, relative, reached, seed_idx, config.rings, common, flow,
                       plain_degree=before) if n else []
    ring_of = np.zeros(n, dtype=np.int32)
    for ring in rings:
        ring_of[ring.members] = ring.number
    value[ring_of > 0] *= config.ring_discount
    return TrustReport(graph, seed_idx, unknown, value, ring_of > 0, relative, result.hops, share, rings,
                       ring_of, result.iterations, config.ring_discount)


def _row_sums(a: sp.csr_matrix) -> np.ndarray:
    return np.asarray(a.sum(axis=1, dtype=np.float64)).ravel()


def _one_way_flow(strengths: sp.csr_matrix, limited: np.ndarray, weighted: sp.csr_matrix, plain: sp.csr_matrix,
                  common: np.ndarray | None, rule: SupportRule | None) -> OneWayFlow:
    """The directed pairs giver -> receiver, each scaled by its own support: the two-step routes
    giver -> w -> receiver that trust can take besides the vouch itself. A contact that only gives trust
    to both ends does not back the pair: a fake that vouches for the member who vouched for another fake,
    and for that fake, shares a contact with both but opens no route from the member to the fake."""
    if rule is None or common is None:
        factor = sp.csr_matrix((weighted.data / plain.data, plain.indices, plain.indptr), shape=plain.shape)
        return OneWayFlow(strengths, strengths.multiply(factor).tocsr(), None, limited)
    receivers = strengths.T.tocsr()
    scaled, routes = supported(strengths, rule, strengths, receivers, knit=knit_weight(common, rule))
    return OneWayFlow(strengths, scaled, routes, limited)


def _one_way_strengths(graph: VouchGraph, one_way: Iterable[str]) -> tuple[sp.csr_matrix, np.ndarray] | None:
    """Directed strengths giver -> receiver by which trust may travel when some vouchers count one way, and
    the mask of those vouchers; None when every vouch counts both ways.

    Each vouch u -> v gives u -> v its strength, and v -> u too unless u is in `one_way`.
    """
    indices, _ = graph.indices_of(one_way)
    if not len(indices) or not len(graph.src):
        return None
    n = graph.n
    limited = np.zeros(n, dtype=bool)
    limited[indices] = True
    back = ~limited[graph.src]
    rows = np.concatenate([graph.src, graph.dst[back]])
    cols = np.concatenate([graph.dst, graph.src[back]])
    strength = np.concatenate([graph.weight, graph.weight[back]])
    strengths = sp.csr_matrix((strength, (rows, cols)), shape=(n, n))
    strengths.eliminate_zeros()
    return strengths, limited
