"""TrustReport.reasons: the bulk texts equal one-by-one formatting, whatever numbers a node carries."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from muster.domain.trust import TrustReport, score
from muster.domain.trust.propagation import UNREACHED

from .conftest import SEEDS

TEMPLATE = "trust %.2fx the average; %d vouch hop%s from a seed; %d%% of vouch strength backed by shared contacts"


def one_by_one(report: TrustReport, i: int) -> str:
    """The reason of node i written out directly from the documented wording."""
    rel, hops = float(report.relative_trust[i]), int(report.hops[i])
    if i in report.seeds.tolist():
        return "seed: trusted a priori"
    if report.ring_of[i] > 0:
        r = report.rings[report.ring_of[i] - 1]
        return (f"suspected ring {r.number}: {r.size} members, {r.internal_vouches} vouching pairs among them, "
                f"{r.external_vouches} with anyone else; trust {rel:.2f}x the average, counted at 1% in the score")
    if hops == UNREACHED:
        return "no vouch path from any seed"
    share = int(np.round(100 * report.support_share[i]))
    return TEMPLATE % (rel, hops, "" if hops == 1 else "s", share)


def plain_nodes(report: TrustReport) -> np.ndarray:
    """Reached nodes that are neither seeds nor flagged: the ones whose reason prints their trust."""
    nodes = np.flatnonzero((report.hops > 0) & ~report.flag)
    assert len(nodes) >= 8
    return nodes


@pytest.fixture
def report(honest_with_ring) -> TrustReport:
    return score(honest_with_ring, SEEDS)


class TestReasons:
    def test_bulk_reasons_equal_one_by_one_formatting(self, report):
        assert report.reasons() == [one_by_one(report, i) for i in range(len(report))]

    def test_nodes_can_be_asked_for_in_any_order_and_repeated(self, report):
        nodes = [7, 3, 7, 0, len(report) - 1]
        assert report.reasons(nodes) == [one_by_one(report, i) for i in nodes]
        assert report.reasons([]) == []

    def test_trust_on_a_half_hundredth_rounds_as_percent_f_does(self, report):
        # 0.125 and 0.375 are exact binary halves (round half to even); 2.675 and 1.005 sit just below.
        tricky = [0.125, 0.375, 2.675, 1.005, 0.005, 0.015, 1e-9, 123456.785]
        rel = report.relative_trust.copy()
        rel[plain_nodes(report)[: len(tricky)]] = tricky
        odd = dataclasses.replace(report, relative_trust=rel)
        assert odd.reasons() == [one_by_one(odd, i) for i in range(len(odd))]

    def test_huge_and_non_finite_trust_is_formatted_node_by_node(self, report):
        rel = report.relative_trust.copy()
        rel[plain_nodes(report)[:4]] = [4e9, np.inf, np.nan, 1e300]
        odd = dataclasses.replace(report, relative_trust=rel)
        assert odd.reasons() == [one_by_one(odd, i) for i in range(len(odd))]

    def test_ranges_too_wide_for_one_sort_key_still_group_correctly(self, report):
        # Hops in the billions and trust near the 2^32-hundredths limit overflow the packed key.
        hops = report.hops.copy()
        reached = hops > 0
        hops[reached] = np.where(np.arange(reached.sum()) % 2, 2_000_000_000, 1)
        rel = report.relative_trust.copy()
        rel[reached] = np.where(np.arange(reached.sum()) % 3, 42_000_000.0, 0.5)
        odd = dataclasses.replace(report, hops=hops, relative_trust=rel)
        assert odd.reasons() == [one_by_one(odd, i) for i in range(len(odd))]
