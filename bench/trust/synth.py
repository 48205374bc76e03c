"""A synthetic vouch graph at scale (1 M nodes / 10 M vouches) for the time and memory figures.

Real vouch graphs are clustered, so the honest region is a Watts-Strogatz small world (each node vouches
for its 10 nearest successors on a ring, 20 % of them rewired at random); the Sybil region, a tenth of the
nodes, is built the same way and joined by g random honest->Sybil vouches. Ids are shuffled decimal
strings, so node order says nothing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def small_world(n: int, k: int, rewire: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    src = np.repeat(np.arange(n), k)
    dst = (src + np.tile(np.arange(1, k + 1), n)) % n
    moved = rng.random(len(dst)) < rewire
    dst[moved] = rng.integers(0, n, int(moved.sum()))
    keep = src != dst
    return src[keep], dst[keep]


def write(directory: Path, *, nodes: int = 1_000_000, per_node: int = 10, sybil_share: float = 0.1,
          g: int = 1000, n_seeds: int = 20, seed: int = 7) -> tuple[Path, Path, int, np.ndarray]:
    """Write edges.csv and seeds.csv; returns their paths, the number of honest nodes and the id labels."""
    rng = np.random.default_rng(seed)
    n_s = int(nodes * sybil_share)
    n_h = nodes - n_s
    hs, hd = small_world(n_h, per_node, 0.2, rng)
    ss, sd = small_world(n_s, per_node, 0.2, rng)
    src = np.concatenate([hs, ss + n_h, rng.integers(0, n_h, g)])
    dst = np.concatenate([hd, sd + n_h, n_h + rng.integers(0, n_s, g)])
    label = rng.permutation(nodes)  # node i is written as str(label[i])
    directory.mkdir(parents=True, exist_ok=True)
    edges = directory / "edges.csv"
    seeds = directory / "seeds.csv"
    with open(edges, "w") as fh:
        fh.write("voucher,vouchee\n")
        step = 1_000_000
        for lo in range(0, len(src), step):
            a = label[src[lo:lo + step]].tolist()
            b = label[dst[lo:lo + step]].tolist()
            fh.write("".join(f"{x},{y}\n" for x, y in zip(a, b)))
    with open(seeds, "w") as fh:
        fh.write("id\n" + "".join(f"{x}\n" for x in label[rng.choice(n_h, n_seeds, replace=False)].tolist()))
    return edges, seeds, n_h, label
