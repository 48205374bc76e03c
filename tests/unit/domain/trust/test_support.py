"""Shared contacts: counted exactly on small graphs, estimated on large ones, and for one-way vouches counted
as the routes trust can take, so that a score never depends on how nodes happen to be numbered."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import scipy.sparse as sp

from muster.domain.trust import ScoringConfig, VouchGraph, score
from muster.domain.trust.support import common_neighbours

from .conftest import SEEDS, community, random_directed, random_symmetric, ring


def by_hand(a: sp.csr_matrix, sets: sp.csr_matrix, col_sets: sp.csr_matrix) -> np.ndarray:
    """Per stored pair (u, v) of `a`, |sets[u] & col_sets[v]|, one Python set intersection at a time."""
    members = [set(sets.indices[sets.indptr[i]:sets.indptr[i + 1]]) for i in range(sets.shape[0])]
    col_members = [set(col_sets.indices[col_sets.indptr[i]:col_sets.indptr[i + 1]]) for i in range(col_sets.shape[0])]
    rows = np.repeat(np.arange(a.shape[0]), np.diff(a.indptr))
    return np.array([len(members[u] & col_members[v]) for u, v in zip(rows, a.indices)], dtype=np.float32)


class TestCounts:
    def test_common_neighbours_are_exact_within_the_budget(self):
        a = random_symmetric()
        counts = common_neighbours(a, hashes=16, seed=1, exact_up_to=10**9)
        assert np.array_equal(counts, by_hand(a, a, a)) and counts.max() >= 1

    def test_routes_of_directed_pairs_are_exact_within_the_budget(self):
        f = random_directed()
        receivers = f.T.tocsr()
        counts = common_neighbours(f, hashes=16, seed=1, sets=f, col_sets=receivers, exact_up_to=10**9)
        assert np.array_equal(counts, by_hand(f, f, receivers)) and counts.max() >= 1

    @pytest.mark.parametrize("directed", [False, True])
    def test_beyond_the_budget_the_estimate_tracks_the_exact_count(self, directed):
        a = random_directed(400, 12_000) if directed else random_symmetric(400, 6000)
        col_sets = a.T.tocsr() if directed else a
        exact = by_hand(a, a, col_sets)
        estimate = common_neighbours(a, hashes=16, seed=1, sets=a, col_sets=col_sets, exact_up_to=0)
        assert not np.array_equal(estimate, exact)  # the estimate path really ran
        # Disjoint sets share a minimum only when two 16-bit hash values collide.
        assert np.mean(estimate[exact == 0] > 0) < 0.05
        assert abs(float(estimate.mean()) - float(exact.mean())) < 0.25 * float(exact.mean())


def relabelled(edges: list[tuple[str, str]], seed: int) -> dict[str, str]:
    nodes = sorted({n for edge in edges for n in edge})
    order = np.random.default_rng(seed).permutation(len(nodes))
    return {node: f"n{order[i]:03d}-{node}" for i, node in enumerate(nodes)}


class TestNumberingChangesNothing:
    @pytest.mark.parametrize("one_way", [False, True])
    def test_scores_and_flags_do_not_depend_on_node_order(self, one_way):
        """Nodes are numbered in the order their ids sort; a formation's graph must score the same however
        its applicants' ids happen to sort (the estimate would make a 2-person set's count a coin toss)."""
        edges = community("h", 30) + ring("f", 6) + [("h5", "f0")] + [(f"c{i}", f"c{i + 1}") for i in range(4)]
        edges += [("h3", "c0")]
        results = []
        for seed in range(6):
            names = relabelled(edges, seed)
            graph = VouchGraph.from_edges([(names[u], names[v]) for u, v in edges])
            limited = [names[n] for n in names if n[0] in "fc"] if one_way else []
            report = score(graph, [names[s] for s in SEEDS[:3]], one_way=limited)
            results.append({node: (round(float(report.score[graph.index_of(name)]), 6),
                                   bool(report.flag[graph.index_of(name)])) for node, name in names.items()})
        assert all(r == results[0] for r in results[1:])
        assert results[0]["f3"][1] and not results[0]["h7"][1]


class TestOneWayRoutes:
    def fakes_vouching_for_the_attack_edge_s_ends(self) -> tuple[VouchGraph, list[str]]:
        """A ring of 8 won one vouch from h5; every fake also vouches for h5 itself, so each one gives trust
        to both ends of the attack edge h5 -> f0 (a shared contact, but no route from h5 to f0)."""
        edges = community("h", 40) + ring("f", 8) + [("h5", "f0")] + [(f"f{i}", "h5") for i in range(8)]
        graph = VouchGraph.from_edges(edges)
        return graph, [n for n in graph.ids if n.startswith("f")]

    @pytest.mark.parametrize("exact_up_to", [0, 10**9], ids=["estimated", "exact"])
    def test_contacts_that_only_give_to_both_ends_do_not_back_the_attack_edge(self, exact_up_to):
        graph, fakes = self.fakes_vouching_for_the_attack_edge_s_ends()
        config = ScoringConfig()
        config = dataclasses.replace(config, support=dataclasses.replace(config.support, exact_up_to=exact_up_to))
        report = score(graph, SEEDS, config, one_way=fakes)
        fake = np.isin(graph.ids, fakes)
        assert report.flag[fake].all() and not report.flag[~fake].any()
        assert report.score[fake].max() < report.score[~fake].min()
