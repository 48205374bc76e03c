"""Watchlist screening: names in any script and transliteration, scored and explained.

Public API::

    build_index(entries: Iterable[WatchlistEntry], *, max_df=None) -> Index
    screen(index, query: ScreeningQuery, *, top=10, limit=50, threshold=DEFAULT_THRESHOLD) -> list[MatchResult]
    screen_many(index, queries, *, top=10, limit=50, threshold=..., progress=None) -> list[list[MatchResult]]
    candidates(index, queries, *, limit=50) -> list[array of entry indices]   (blocking only)

``MatchResult.explanation`` is an ``Explanation`` (data, not text); ``Explanation.render()`` gives
the one-line text. Modules: normalise (scripts, transliteration, skeletons), blocking (candidates),
features (compare functions), scoring (model, threshold, result types), engine (the above).
"""

from muster.domain.matching.engine import DEFAULT_CANDIDATES, Index, build_index, candidates, score_candidates, screen, screen_many
from muster.domain.matching.features import FeatureScore
from muster.domain.matching.scoring import DEFAULT_THRESHOLD, WEIGHTS, Explanation, MatchResult, PartMatch
from muster.domain.matching.watchlist import ScreeningQuery, Watchlist, WatchlistEntry

__all__ = [
    "DEFAULT_CANDIDATES", "DEFAULT_THRESHOLD", "WEIGHTS", "Explanation", "FeatureScore", "Index", "MatchResult",
    "PartMatch", "ScreeningQuery", "Watchlist", "WatchlistEntry", "build_index", "candidates", "score_candidates",
    "screen", "screen_many",
]
