"""Working through pairs a block of rows at a time gives the same answers as one pass over everything."""

from __future__ import annotations

import numpy as np
import pytest

from muster.domain.trust import ScoringConfig, SupportRule, VouchGraph, graph, propagation, rings, score, support
from muster.domain.trust.blocks import row_blocks
from muster.domain.trust.rings import sweep_conductance
from muster.domain.trust.support import _common, _signatures

from .conftest import community, random_symmetric, ring


class TestRowBlocks:
    def test_blocks_cover_every_pair_once_in_order_and_skip_rows_without_pairs(self):
        indptr = np.array([0, 3, 3, 3, 10, 11, 11, 20])
        blocks = list(row_blocks(indptr, 0, 7, 4))
        assert blocks[0][2] == 0 and blocks[-1][3] == 20
        assert all(p1 == q0 for (_, _, _, p1), (_, _, q0, _) in zip(blocks, blocks[1:]))
        assert all(p1 > p0 for _, _, p0, p1 in blocks)
        assert all(indptr[r0] == p0 and indptr[r1] == p1 for r0, r1, p0, p1 in blocks)

    def test_a_row_longer_than_a_block_is_a_block_of_its_own(self):
        indptr = np.array([0, 1, 50, 51])
        assert (1, 2, 1, 50) in list(row_blocks(indptr, 0, 3, 4))


class TestBlockSizeChangesNothing:
    def test_minhash_signatures(self):
        a = random_symmetric()
        assert np.array_equal(_signatures(a, 8, 7, chunk=5), _signatures(a, 8, 7, chunk=1 << 20))

    def test_common_neighbour_estimates(self):
        a = random_symmetric()
        words = _signatures(a, 8, 7)
        degree = np.diff(a.indptr).astype(np.float32)
        n = a.shape[0]
        small = _common(words, words, a.indptr, a.indices, degree, degree, 8, 0, n, chunk=5)
        whole = _common(words, words, a.indptr, a.indices, degree, degree, 8, 0, n, chunk=1 << 20)
        assert np.array_equal(small, whole) and (whole > 0).any()

    def test_sweep_conductance_against_a_direct_count(self):
        a = random_symmetric()
        degree = np.asarray(a.sum(axis=1)).ravel()
        order = np.random.default_rng(5).permutation(a.shape[0])
        phi = sweep_conductance(a, order, degree)
        dense = a.toarray()
        for k in (10, 150, 290):
            inside = np.zeros(a.shape[0], dtype=bool)
            inside[order[:k]] = True
            cut = dense[inside][:, ~inside].sum()
            vol = degree[inside].sum()
            assert np.isclose(phi[k - 1], cut / min(vol, degree.sum() - vol))


class TestTwoThreadsChangeNothing:
    """Large graphs take the two-thread paths (the build with its transpose, the support estimate, the walk,
    the sweep); a small graph sent down them must score as it does on one thread."""

    @pytest.fixture
    def attacked(self):
        rng = np.random.default_rng(11)
        honest = [f"h{i}" for i in rng.permutation(400)]
        fakes = [f"f{i}" for i in range(30)]
        edges = community("h", 400) + ring("f", 30) + [(honest[i], fakes[i]) for i in range(3)]
        return VouchGraph.from_edges(edges), ["h0", "h100", "h200", "h300"], fakes

    @pytest.mark.parametrize("one_way", [False, True])
    def test_scores_and_flags_match_one_thread(self, attacked, monkeypatch, one_way):
        vouches, seeds, fakes = attacked
        applicants = fakes if one_way else []
        estimated = ScoringConfig(support=SupportRule(exact_up_to=0))  # the estimate is the threaded count
        alone = score(VouchGraph.from_arrays(vouches.ids, vouches.src, vouches.dst), seeds, estimated,
                      one_way=applicants)
        for module in (graph, propagation, rings, support):
            monkeypatch.setattr(module, "TWO_THREADS_FROM", 0)
        rebuilt = VouchGraph.from_arrays(vouches.ids, vouches.src, vouches.dst)
        assert rebuilt._backward is not None  # the transpose was built beside the vouches
        both = score(rebuilt, seeds, estimated, one_way=applicants)
        assert (rebuilt.undirected() != vouches.undirected()).nnz == 0
        np.testing.assert_allclose(both.score, alone.score, rtol=1e-6)
        assert np.array_equal(both.flag, alone.flag)
        assert set(np.asarray(both.graph.ids)[both.flag]) == set(fakes)
