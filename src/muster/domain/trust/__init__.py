"""Trust from vouches: scores that resist Sybil regions, ring flags, vouch paths and a neighbourhood picture.

Public API (pure: no I/O; NumPy and SciPy only):

    graph = VouchGraph.from_edges([("seed-1", "a"), ("a", "b", 0.5)])
    report = score(graph, ["seed-1"])            # TrustReport: score, flag, reasons per node
    report.explain("b")                          # Explanation: the numbers behind the reason
    shortest_paths_to_seeds(graph, "b", ["seed-1"])   # [["seed-1", "a", "b"]]
    neighbourhood_svg(graph, "b", report)        # SVG string, flagged nodes marked
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
