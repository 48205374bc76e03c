"""Plain SybilRank (Cao, Sirivianos, Yang, Pregueiro, NSDI 2012), the benchmark's reference.

Kept here, not in the product, so the product's scorer is measured against the paper as written:
undirected, unweighted graph; total trust spread evenly over the seeds; ceil(log2 n) power iterations
of T <- A D^-1 T (each node hands its trust to its neighbours in equal shares); rank by T / degree.
Its CLI form (`cli_main`) parses CSV with the `csv` module and a dict, the plain Python way the issue's
22-28 s reference figure describes.
"""

from __future__ import annotations

import csv
import math
import sys

import numpy as np
import scipy.sparse as sp


def sybilrank(n: int, src: np.ndarray, dst: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Degree-normalised trust after ceil(log2 n) iterations; 0 for isolated nodes."""
    a = sp.coo_matrix((np.ones(len(src)), (src, dst)), shape=(n, n)).tocsr()
    a = a + a.T
    a.data[:] = 1.0  # a pair listed in both directions is one undirected edge
    deg = np.asarray(a.sum(axis=1)).ravel()
    inv = np.divide(1.0, deg, out=np.zeros(n), where=deg > 0)
    t = np.zeros(n)
    t[seeds] = n / len(seeds)
    for _ in range(math.ceil(math.log2(max(n, 2)))):
        t = a @ (t * inv)
    return t * inv


def cli_main(argv: list[str]) -> int:
    """`python sybilrank.py EDGES.csv SEEDS.csv OUT.csv`: the reference end to end."""
    edges_path, seeds_path, out_path = argv
    index: dict[str, int] = {}
    src: list[int] = []
    dst: list[int] = []
    with open(edges_path, newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for row in reader:
            src.append(index.setdefault(row[0], len(index)))
            dst.append(index.setdefault(row[1], len(index)))
    with open(seeds_path, newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        seeds = [index[row[0]] for row in reader if row[0] in index]
    ranks = sybilrank(len(index), np.asarray(src), np.asarray(dst), np.asarray(seeds))
    top = ranks.max() or 1.0
    with open(out_path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "score"])
        for node_id, value in zip(index, (ranks / top).tolist()):
            writer.writerow([node_id, f"{value:.6g}"])
    return 0


if __name__ == "__main__":
    raise SystemExit(cli_main(sys.argv[1:]))
