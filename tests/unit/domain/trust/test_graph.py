"""VouchGraph input rules: self-vouches, duplicates, strengths out of range, empty input."""

from __future__ import annotations

import numpy as np
import pytest

from muster.domain.errors import InputError
from muster.domain.trust import VouchGraph


class TestVouchGraph:
    def test_nodes_are_every_id_in_order_of_first_appearance(self):
        graph = VouchGraph.from_edges([("b", "a"), ("a", "c")])
        assert list(graph.ids) == ["b", "a", "c"]
        assert graph.index_of("c") == 2
        assert graph.index_of("nobody") is None

    def test_a_self_vouch_is_dropped_and_counted(self):
        graph = VouchGraph.from_edges([("a", "a"), ("a", "b")])
        assert graph.dropped_self_vouches == 1
        assert len(graph.src) == 1

    def test_a_repeated_vouch_is_kept_once_with_the_larger_strength(self):
        graph = VouchGraph.from_edges([("a", "b", 0.2), ("a", "b", 0.9), ("b", "a", 0.5)])
        assert graph.merged_duplicates == 1
        strengths = dict(zip(zip(graph.src.tolist(), graph.dst.tolist()), graph.weight.tolist()))
        assert strengths == {(0, 1): 0.9, (1, 0): 0.5}

    @pytest.mark.parametrize("strength", [1.5, -0.1, float("nan")])
    def test_a_strength_outside_zero_to_one_is_refused_with_its_position(self, strength):
        with pytest.raises(InputError, match="vouch 2"):
            VouchGraph.from_edges([("a", "b", 1.0), ("b", "c", strength)])

    def test_an_edge_with_the_wrong_number_of_fields_is_refused(self):
        with pytest.raises(InputError, match="vouch 1"):
            VouchGraph.from_edges([("a",)])  # type: ignore[list-item]

    def test_index_arrays_that_point_outside_the_ids_are_refused(self):
        with pytest.raises(InputError, match="outside the id list"):
            VouchGraph.from_arrays(["a", "b"], np.array([0]), np.array([2]))

    def test_an_empty_graph_has_no_nodes(self):
        graph = VouchGraph.from_edges([])
        assert graph.n == 0
        assert graph.undirected().shape == (0, 0)

    def test_the_undirected_matrix_sums_both_directions_of_a_pair(self):
        graph = VouchGraph.from_edges([("a", "b", 0.5), ("b", "a", 0.25), ("b", "c", 1.0)])
        a = graph.undirected().toarray()
        assert a[0, 1] == a[1, 0] == 0.75
        assert a[1, 2] == a[2, 1] == 1.0

    def test_vouchers_and_vouchees_name_both_sides_for_a_cascade(self):
        graph = VouchGraph.from_edges([("a", "x"), ("b", "x"), ("x", "c")])
        assert sorted(graph.vouchers("x")) == ["a", "b"]
        assert graph.vouchees("x") == ["c"]
        assert graph.vouchers("nobody") == [] and graph.vouchees("nobody") == []

    @pytest.mark.parametrize("dtype", [np.int32, np.int64])
    def test_int32_and_int64_codes_build_the_same_graph(self, dtype):
        rng = np.random.default_rng(5)
        src, dst = rng.integers(0, 300, 3000), rng.integers(0, 300, 3000)
        ids = [f"n{i}" for i in range(300)]
        graph = VouchGraph.from_arrays(ids, src.astype(dtype), dst.astype(dtype))
        pairs = sorted({(s, d) for s, d in zip(src.tolist(), dst.tolist()) if s != d})
        assert list(zip(graph.src.tolist(), graph.dst.tolist())) == pairs
        assert graph.merged_duplicates == len(src) - graph.dropped_self_vouches - len(pairs)
        expected = np.zeros((300, 300))
        for s, d in pairs:
            expected[s, d] += 1.0
            expected[d, s] += 1.0
        assert np.array_equal(graph.undirected().toarray(), expected)

    def test_weighted_int32_codes_do_not_overflow_the_pair_key(self):
        n = 70_000  # n * n is beyond int32
        graph = VouchGraph.from_arrays([str(i) for i in range(n)], np.array([n - 1, 0], dtype=np.int32),
                                       np.array([n - 2, n - 1], dtype=np.int32), np.array([0.5, 1.0]))
        assert graph.src.tolist() == [0, n - 1] and graph.dst.tolist() == [n - 1, n - 2]
