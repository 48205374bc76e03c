"""Small vouch graphs with known answers, built in code (no files): an honest, well-knit community around
the seeds and, where a test needs one, a ring of fakes that vouch densely for each other."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from muster.domain.trust import VouchGraph


def community(prefix: str, size: int) -> list[tuple[str, str]]:
    """Everyone vouches for the next three people round a circle: well knit, many shared contacts."""
    return [(f"{prefix}{i}", f"{prefix}{(i + d) % size}") for i in range(size) for d in (1, 2, 3)]


def ring(prefix: str, size: int) -> list[tuple[str, str]]:
    """Every member vouches for every other: the densest possible group."""
    return [(f"{prefix}{i}", f"{prefix}{j}") for i, j in itertools.permutations(range(size), 2)]


@pytest.fixture
def honest_with_ring() -> VouchGraph:
    """40 honest members (seeds h0, h10, h20, h30) and a ring of 8 fakes won one vouch from h5."""
    return VouchGraph.from_edges(community("h", 40) + ring("f", 8) + [("h5", "f0")])


@pytest.fixture
def honest_chain() -> VouchGraph:
    """A seed, then a chain of five applicants each vouched for by the previous one."""
    return VouchGraph.from_edges([("seed", "c1"), ("c1", "c2"), ("c2", "c3"), ("c3", "c4"), ("c4", "c5")])


SEEDS = ["h0", "h10", "h20", "h30"]


def random_directed(n: int = 300, pairs: int = 2000, seed: int = 4) -> sp.csr_matrix:
    """Random directed pairs (strength 1, or 2 where drawn twice), no self-pairs."""
    rng = np.random.default_rng(seed)
    a = sp.coo_matrix((np.ones(pairs, dtype=np.float32), (rng.integers(0, n, pairs), rng.integers(0, n, pairs))),
                      shape=(n, n)).tocsr()
    a.setdiag(0)
    a.eliminate_zeros()
    return a


def random_symmetric(n: int = 300, pairs: int = 2000, seed: int = 3) -> sp.csr_matrix:
    """Random symmetric pairs (strength 1, or 2 where drawn both ways), no self-pairs, indices sorted."""
    a = random_directed(n, pairs, seed)
    a = (a + a.T).tocsr()
    a.sort_indices()
    return a
