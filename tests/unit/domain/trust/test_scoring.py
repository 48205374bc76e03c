"""score(): known answers on small graphs, explanations, and the bad-input rules."""

from __future__ import annotations

import numpy as np
import pytest

from muster.domain.errors import InputError
from muster.domain.trust import ScoringConfig, VouchGraph, score

from .conftest import SEEDS, community, ring


class TestRingDetection:
    def test_a_ring_joined_by_one_attack_edge_is_flagged_and_nobody_else(self, honest_with_ring):
        report = score(honest_with_ring, SEEDS)
        flagged = {honest_with_ring.ids[i] for i in np.flatnonzero(report.flag)}
        assert flagged == {f"f{i}" for i in range(8)}

    def test_the_ring_carries_its_evidence(self, honest_with_ring):
        report = score(honest_with_ring, SEEDS)
        (ring,) = report.rings
        assert ring.size == 8
        assert ring.internal_vouches == 28  # 8 * 7 / 2 pairs, each vouched both ways
        assert ring.external_vouches == 1
        assert ring.conductance < 0.05

    def test_every_ring_member_scores_below_every_honest_member(self, honest_with_ring):
        report = score(honest_with_ring, SEEDS)
        fake = np.array([node.startswith("f") for node in honest_with_ring.ids])
        assert report.score[fake].max() < report.score[~fake].min()

    def test_ring_members_score_a_discounted_share_of_their_trust(self, honest_with_ring):
        discounted = score(honest_with_ring, SEEDS)
        plain = score(honest_with_ring, SEEDS, ScoringConfig(ring_discount=1.0))
        ring = discounted.flag
        assert ring.any()
        assert np.allclose(discounted.score[ring], ScoringConfig().ring_discount * plain.score[ring])
        assert np.array_equal(discounted.score[~ring], plain.score[~ring])
        assert np.array_equal(discounted.relative_trust, plain.relative_trust)

    def test_an_honest_chain_is_not_flagged(self, honest_chain):
        report = score(honest_chain, ["seed"])
        assert not report.flag.any()
        assert report.rings == []

    def test_trust_falls_along_a_chain_away_from_the_seed_but_stays_positive(self, honest_chain):
        report = score(honest_chain, ["seed"])
        along = report.score[[honest_chain.index_of(v) for v in ("seed", "c1", "c2", "c3", "c4", "c5")]]
        assert along[0] == 1.0 and np.all(np.diff(along) < 0) and along[-1] > 0


class TestExplanations:
    def test_an_explanation_gives_the_numbers_behind_the_reason(self, honest_chain):
        why = score(honest_chain, ["seed"]).explain("c3")
        assert why.hops_from_seed == 3
        assert why.vouchers == 1 and why.vouchees == 1
        assert not why.flag and not why.is_seed and why.ring is None
        assert "3 vouch hops from a seed" in why.text

    def test_a_ring_member_is_explained_by_its_ring(self, honest_with_ring):
        why = score(honest_with_ring, SEEDS).explain("f3")
        assert why.flag and why.ring is not None and why.ring.size == 8
        assert why.text.startswith("suspected ring 1: 8 members")

    def test_a_seed_and_an_unreachable_node_say_so(self):
        graph = VouchGraph.from_edges([("s", "a"), ("x", "y")])
        report = score(graph, ["s"])
        assert report.explain("s").text == "seed: trusted a priori"
        assert report.explain("y").text == "no vouch path from any seed"
        assert report.explain("y").score == 0.0
        assert report.explain("y").hops_from_seed is None

    def test_every_node_has_a_reason(self, honest_with_ring):
        report = score(honest_with_ring, SEEDS)
        reasons = report.reasons()
        assert len(reasons) == honest_with_ring.n and all(reasons)
        assert [e.text for e in report.explanations()] == reasons

    def test_explaining_an_unknown_id_is_an_input_error(self, honest_chain):
        with pytest.raises(InputError, match="not in the vouch graph"):
            score(honest_chain, ["seed"]).explain("ghost")


class TestBadInput:
    def test_unknown_seed_ids_are_ignored_and_listed(self, honest_chain):
        report = score(honest_chain, ["seed", "ghost"])
        assert report.unknown_seeds == ["ghost"]
        assert report.score[honest_chain.index_of("seed")] == 1.0

    def test_no_known_seed_is_an_input_error(self, honest_chain):
        with pytest.raises(InputError, match="no seed"):
            score(honest_chain, ["ghost"])
        with pytest.raises(InputError, match="no seed"):
            score(honest_chain, [])

    def test_an_empty_graph_gives_an_empty_report(self):
        report = score(VouchGraph.from_edges([]), ["anyone"])
        assert len(report) == 0 and report.rings == [] and report.reasons() == []

    def test_self_vouches_and_duplicates_do_not_change_the_scores(self, honest_chain):
        noisy = VouchGraph.from_edges([("seed", "c1"), ("seed", "c1"), ("c1", "c1"), ("c1", "c2"), ("c2", "c3"),
                                       ("c3", "c4"), ("c4", "c5")])
        assert np.allclose(score(noisy, ["seed"]).score, score(honest_chain, ["seed"]).score)

    def test_weak_vouches_carry_less_trust_than_strong_ones(self):
        def score_of_b(strength: float) -> float:
            edges = community("h", 12) + [("h0", "a", 1.0), ("h6", "b", strength)]
            return score(VouchGraph.from_edges(edges), ["h0", "h6"], ScoringConfig(support=None)).explain("b").score

        # Degree normalisation cancels much of a lone vouch's strength; what differs is the share it takes
        # from h6.
        assert 0 < score_of_b(0.1) < score_of_b(1.0)

    def test_zero_strength_vouches_carry_nothing(self):
        report = score(VouchGraph.from_edges([("s", "a", 1.0), ("s", "b", 0.0)]), ["s"])
        assert report.explain("b").hops_from_seed is None
        assert report.explain("b").score == 0.0


class TestRescoring:
    def test_revoking_the_attack_vouch_cuts_the_ring_off(self):
        edges = community("h", 40) + ring("f", 8)
        report = score(VouchGraph.from_edges(edges), SEEDS)
        assert report.explain("f0").text == "no vouch path from any seed"
        assert report.explain("f0").score == 0.0

    def test_rejecting_a_voucher_lowers_the_trust_of_those_it_vouched_for(self):
        edges = community("h", 20) + [("h3", "x"), ("x", "y"), ("h9", "y")]
        before = score(VouchGraph.from_edges(edges), ["h0"])
        after = score(VouchGraph.from_edges([e for e in edges if "x" not in e]), ["h0"])
        assert after.explain("y").relative_trust < before.explain("y").relative_trust


class TestOneWayVouches:
    @staticmethod
    def farming() -> VouchGraph:
        """The ring of 8 won one vouch from h5, and each fake vouches for three honest members who know each
        other, closing triangles with them."""
        edges = community("h", 40) + ring("f", 8) + [("h5", "f0")]
        edges += [(f"f{i}", f"h{(5 * i + d) % 40}") for i in range(8) for d in (0, 1, 2)]
        return VouchGraph.from_edges(edges)

    def test_a_ring_vouching_for_honest_members_draws_their_trust_when_vouches_count_both_ways(self):
        graph = self.farming()
        report = score(graph, SEEDS)
        fake = np.array([node.startswith("f") for node in graph.ids])
        assert not report.flag.any()
        assert np.median(report.score[fake]) > 0.5 * np.median(report.score[~fake])

    @pytest.mark.parametrize("who", ["fakes", "everyone but the seeds"])
    def test_counted_one_way_the_ring_is_flagged_and_ranks_last(self, who):
        graph = self.farming()
        one_way = [n for n in graph.ids if n.startswith("f")] if who == "fakes" else [
            n for n in graph.ids if n not in SEEDS]
        report = score(graph, SEEDS, one_way=one_way)
        fake = np.array([node.startswith("f") for node in graph.ids])
        assert report.flag[fake].all() and not report.flag[~fake].any()
        assert report.score[fake].max() < report.score[~fake].min()

    def test_trust_still_flows_forward_along_one_way_vouches(self, honest_chain):
        report = score(honest_chain, ["seed"], one_way=["c1", "c2", "c3", "c4", "c5"])
        assert all(report.explain(f"c{i}").hops_from_seed == i for i in range(1, 6))
        assert all(report.explain(f"c{i}").score > 0 for i in range(1, 6))

    def test_a_one_way_vouch_gives_its_voucher_nothing_back(self):
        graph = VouchGraph.from_edges([("seed", "a"), ("b", "a")])
        assert score(graph, ["seed"]).explain("b").score > 0
        assert score(graph, ["seed"], one_way=["b"]).explain("b").score == 0.0

    def test_ids_outside_the_graph_change_nothing(self, honest_with_ring):
        plain = score(honest_with_ring, SEEDS)
        same = score(honest_with_ring, SEEDS, one_way=["nobody"])
        assert np.array_equal(plain.score, same.score) and np.array_equal(plain.flag, same.flag)

