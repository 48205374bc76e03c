"""Trust from vouches: scores that resist Sybil regions, ring flags, vouch paths and a neighbourhood picture.

Public API (pure: no I/O, clock or randomness beyond fixed seeds; NumPy and SciPy only; on graphs of
millions of vouches the walk and the support estimate use two threads):

    graph = VouchGraph.from_edges([("seed-1", "a"), ("a", "b", 0.5)])
    report = score(graph, ["seed-1"])            # TrustReport: score, flag, reasons per node
    score(graph, ["seed-1"], one_way=["a"])      # a's vouches carry trust to the vouchee only
    report.explain("b")                          # Explanation: the numbers behind the reason
    shortest_paths_to_seeds(graph, "b", ["seed-1"])   # [["seed-1", "a", "b"]]
    neighbourhood_svg(graph, "b", report)        # SVG string, flagged nodes marked
    graph.vouchers("b"), graph.vouchees("b")     # both sides of a cascade when someone is rejected

Scores are recomputed in full (milliseconds for thousands of members, seconds at a million): there is no
incremental update. How well it resists Sybil regions, and where it falls short: bench/RESULTS.md.
"""

from muster.domain.trust.graph import VouchGraph
from muster.domain.trust.paths import shortest_paths_to_seeds
from muster.domain.trust.rings import Ring, RingRule
from muster.domain.trust.scoring import Explanation, ScoringConfig, TrustReport, score
from muster.domain.trust.support import SupportRule
from muster.domain.trust.svg import neighbourhood_svg

__all__ = [
    "Explanation",
    "Ring",
    "RingRule",
    "ScoringConfig",
    "SupportRule",
    "TrustReport",
    "VouchGraph",
    "neighbourhood_svg",
    "score",
    "shortest_paths_to_seeds",
]
