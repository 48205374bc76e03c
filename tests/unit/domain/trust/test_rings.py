"""The sweep cut behind ring detection, on graphs small enough to check by hand."""

from __future__ import annotations

import numpy as np
import pytest

from muster.domain.trust import RingRule, ScoringConfig, VouchGraph, score
from muster.domain.trust.rings import _absorb, sweep_conductance

from .conftest import SEEDS, community, ring


class TestSweepConductance:
    def test_two_triangles_joined_by_one_vouch_split_at_the_bridge(self):
        graph = VouchGraph.from_edges([("a", "b"), ("b", "c"), ("c", "a"), ("c", "x"), ("x", "y"), ("y", "z"),
                                       ("z", "x")])
        a = graph.undirected()
        degree = np.asarray(a.sum(axis=1)).ravel()
        order = np.array([graph.index_of(v) for v in "abcxyz"])
        phi = sweep_conductance(a, order, degree)
        # {a, b, c}: one vouch leaves, volume 2 + 2 + 3 = 7.
        assert np.isclose(phi[2], 1 / 7)
        assert int(np.argmin(phi[:-1])) == 2


class TestRingRules:
    def test_a_ring_too_well_connected_is_not_flagged(self):
        edges = community("h", 30) + ring("f", 5) + [(f"h{i}", f"f{i % 5}") for i in range(0, 30, 2)]
        report = score(VouchGraph.from_edges(edges), ["h0", "h10", "h20"])
        assert not report.flag.any()

    def test_a_stricter_rule_can_switch_flags_off(self, honest_with_ring):
        strict = ScoringConfig(rings=RingRule(max_conductance=1e-9))
        assert not score(honest_with_ring, SEEDS, strict).flag.any()

    @pytest.mark.parametrize("fakes_one_way", [False, True], ids=["every vouch both ways", "fakes one way"])
    def test_an_unseeded_circle_known_through_shared_contacts_is_not_a_ring(self, fakes_one_way):
        # The circle c has no seed and only two vouches from the seeds' side, both closing triangles (h5
        # knows c0 and c1, who know each other); the ring won one vouch that closes none. Counting the fakes'
        # vouches one way (the product's rule for applicants) still spares a circle of members.
        edges = community("h", 40) + community("c", 30) + ring("f", 8) + [("h5", "c0"), ("h5", "c1"), ("h15", "f0")]
        graph = VouchGraph.from_edges(edges)
        fakes = {f"f{i}" for i in range(8)}

        def flagged(rule: RingRule) -> set[str]:
            report = score(graph, SEEDS, ScoringConfig(rings=rule), one_way=sorted(fakes) if fakes_one_way else ())
            return {graph.ids[i] for i in np.flatnonzero(report.flag)}

        assert flagged(RingRule(acquainted=None)) == fakes | {f"c{i}" for i in range(30)}
        assert flagged(RingRule()) == fakes

    def test_two_members_who_know_each_other_vouching_for_one_fake_do_not_clear_the_ring(self):
        """h5 and h6 know each other and both vouch for f0, the ring's only way in: a real shared contact.
        Counted both ways (the CLI) acquaintance clears the ring; with the fakes one way it stays flagged."""
        graph = VouchGraph.from_edges(community("h", 40) + ring("f", 8) + [("h5", "f0"), ("h6", "f0")])
        fake = np.array([node.startswith("f") for node in graph.ids])
        assert not score(graph, SEEDS).flag.any()
        report = score(graph, SEEDS, one_way=list(np.asarray(graph.ids)[fake]))
        assert report.flag[fake].all() and not report.flag[~fake].any()

    def test_a_node_vouching_mostly_with_flagged_members_joins_them_and_an_honest_neighbour_does_not(self):
        # f0-f2 are flagged; x's vouches go to them with shared contacts (full weight), h's one vouch into
        # the group closes no triangle (support-weighted down to 0.02) and the rest go to h2, h3.
        graph = VouchGraph.from_edges([("f0", "f1"), ("f1", "f2"), ("f2", "f0"), ("x", "f0"), ("x", "f1"),
                                       ("x", "h"), ("h", "f2"), ("h", "h2"), ("h", "h3"), ("h2", "h3")])
        a = graph.undirected().tolil()
        for u, v, w in (("x", "h", 0.1), ("h", "f2", 0.02)):
            i, j = graph.index_of(u), graph.index_of(v)
            a[i, j] = a[j, i] = w
        ids = lambda names: np.array([graph.index_of(v) for v in names])  # noqa: E731
        a = a.tocsr()
        grown = _absorb(a, a, ids(["f0", "f1", "f2"]), ids(["f0", "f1", "f2", "x", "h", "h2", "h3"]), 0.5)
        assert {graph.ids[i] for i in grown} == {"f0", "f1", "f2", "x"}

    def test_groups_below_the_minimum_size_are_not_rings(self):
        edges = community("h", 30) + [("h3", "p"), ("p", "q"), ("q", "p")]
        report = score(VouchGraph.from_edges(edges), ["h0", "h10", "h20"])
        assert not report.flag.any()
