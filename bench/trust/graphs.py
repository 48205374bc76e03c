"""Benchmark graphs: the real graph is the honest region, a Sybil region is injected beside it.

Methodology of the SybilRank / SybilBelief / SybilSCAR papers: a relabelled copy of the honest graph (or a
dense ring of fakes) joined by g uniformly random attack edges, each an honest node vouching for a Sybil;
seeds are drawn among honest nodes of at least median degree. Everything is driven by an explicit
`numpy.random.Generator`, so a figure is reproducible from its seed.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "trust"


@dataclass(frozen=True)
class Graph:
    """Directed edges over nodes 0..n-1, with optional weights."""

    n: int
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray | None = None


@dataclass(frozen=True)
class Attacked:
    """Honest nodes 0..n_honest-1, Sybils n_honest..n-1."""

    graph: Graph
    n_honest: int
    seeds: np.ndarray

    @property
    def is_sybil(self) -> np.ndarray:
        mask = np.zeros(self.graph.n, dtype=bool)
        mask[self.n_honest :] = True
        return mask


def load(name: str) -> Graph:
    """One of facebook, epinions, bitcoin_otc (rating > 0 kept; weight = rating / 10)."""
    with gzip.open(DATA / f"{name}.csv.gz", "rt") as fh:
        header = fh.readline().strip().split(",")
        table = np.loadtxt(fh, delimiter=",", dtype=np.int64, ndmin=2)
    weight = None
    if "rating" in header:
        table = table[table[:, 2] > 0]
        weight = table[:, 2] / 10.0
    ids, inverse = np.unique(table[:, :2], return_inverse=True)
    inverse = inverse.reshape(-1, 2)
    return Graph(len(ids), inverse[:, 0], inverse[:, 1], weight)


def adjacency(graph: Graph):
    """Who is linked to whom, either way, as a symmetric CSR matrix (row i's indices: i's neighbours)."""
    import scipy.sparse as sp

    a = sp.coo_matrix((np.ones(len(graph.src)), (graph.src, graph.dst)), shape=(graph.n, graph.n)).tocsr()
    return (a + a.T).tocsr()


def dense_ring(size: int, degree: float, rng: np.random.Generator) -> Graph:
    """A dense random group of fakes: each pair vouches with probability degree / (size - 1)."""
    iu, ju = np.triu_indices(size, 1)
    keep = rng.random(len(iu)) < degree / (size - 1)
    return Graph(size, iu[keep], ju[keep])


def attack(honest: Graph, sybil: Graph, g: int, n_seeds: int, rng: np.random.Generator) -> Attacked:
    """Join `sybil` to `honest` by g random honest->Sybil vouches and draw the seeds."""
    n_h = honest.n
    a_src = rng.integers(0, n_h, g)
    a_dst = n_h + rng.integers(0, sybil.n, g)
    src = np.concatenate([honest.src, sybil.src + n_h, a_src])
    dst = np.concatenate([honest.dst, sybil.dst + n_h, a_dst])
    weight = None
    if honest.weight is not None or sybil.weight is not None:
        hw = honest.weight if honest.weight is not None else np.ones(len(honest.src))
        sw = sybil.weight if sybil.weight is not None else np.ones(len(sybil.src))
        # An attack edge is a typical vouch: its strength is drawn from the honest vouches' strengths.
        weight = np.concatenate([hw, sw, rng.choice(hw, g)])
    seeds = draw_seeds(honest.src, honest.dst, n_h, n_seeds, rng)
    return Attacked(Graph(n_h + sybil.n, src, dst, weight), n_h, seeds)


def draw_seeds(src: np.ndarray, dst: np.ndarray, n: int, n_seeds: int, rng: np.random.Generator) -> np.ndarray:
    """`n_seeds` distinct nodes among 0..n-1 of at least median degree in the vouches src -> dst."""
    deg = np.bincount(src, minlength=n) + np.bincount(dst, minlength=n)
    eligible = np.flatnonzero(deg >= np.median(deg))
    return rng.choice(eligible, n_seeds, replace=False)


def auc(scores: np.ndarray, is_sybil: np.ndarray) -> float:
    """Probability that a random honest node outscores a random Sybil (ties count half)."""
    from scipy.stats import rankdata

    ranks = rankdata(scores)
    n_s = int(is_sybil.sum())
    n_h = len(scores) - n_s
    return float((ranks[~is_sybil].sum() - n_h * (n_h + 1) / 2) / (n_h * n_s))


def sybilscar_facebook(n_seeds: int, rng: np.random.Generator) -> Attacked:
    """The SybilSCAR authors' benchmark as published: its own Sybil copy and 100 attack edges, relabelled so
    honest nodes come first; seeds drawn like `attack` does."""
    with gzip.open(DATA / "sybilscar_facebook.csv.gz", "rt") as fh:
        fh.readline()
        table = np.loadtxt(fh, delimiter=",", dtype=np.int64, ndmin=2)
    labels: dict[int, bool] = {}
    with open(DATA / "sybilscar_facebook_labels.csv") as fh:
        fh.readline()
        for line in fh:
            node, label, _ = line.strip().split(",")
            labels[int(node)] = label == "sybil"
    ids = np.array(sorted(labels, key=lambda i: (labels[i], i)))
    index = np.empty(ids.max() + 1, dtype=np.int64)
    index[ids] = np.arange(len(ids))
    n_h = sum(1 for v in labels.values() if not v)
    src, dst = index[table[:, 0]], index[table[:, 1]]
    honest = (src < n_h) & (dst < n_h)
    return Attacked(Graph(len(ids), src, dst), n_h, draw_seeds(src[honest], dst[honest], n_h, n_seeds, rng))
