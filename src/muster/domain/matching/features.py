"""Small comparisons, each returning a number plus what it saw.

- ``token_similarity``: every query token against every candidate token in one rapidfuzz
  ``process.cdist`` call, then raised to 1.0 where both are forms of the same given name or
  patronymic (Sasha ~ Aleksandr) and set by the first letter where one side is an initial.
- ``align``: one-to-one greedy alignment of query tokens with the tokens of many candidate forms at
  once (NumPy over a forms x query-tokens x candidate-tokens block), so word order never matters.
- ``compare_birth_dates`` and ``compare_countries``: agreement outcomes with their detail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

# How much a token counts in coverage, by role: a missing patronymic costs less than a missing surname.
ROLE_WEIGHT = {"given": 1.0, "family": 1.0, "patronymic": 0.5, "initial": 0.3}
INITIAL_SIMILARITY = 0.8  # below STRONG: an agreeing initial is weaker evidence than an agreeing name
STRONG = 0.85
WEAK = 0.6


@dataclass(frozen=True, slots=True)
class FeatureScore:
    """A compared aspect: its outcome word, and the detail a reviewer reads."""

    outcome: str
    detail: str


def token_similarity(query_tokens: Sequence[str], query_canon: Sequence[str | None],
                     cand_tokens: Sequence[str], cand_canon: Sequence[str | None]) -> npt.NDArray[np.float32]:
    """Similarity in [0, 1] of each query token (rows) to each candidate token (columns)."""
    sim = np.asarray(process.cdist(query_tokens, cand_tokens, scorer=fuzz.ratio, dtype=np.float32, workers=1),
                     dtype=np.float32)
    sim *= np.float32(0.01)
    qc = np.array([c or "" for c in query_canon], dtype=object)
    cc = np.array([c or "" for c in cand_canon], dtype=object)
    same = (qc[:, None] == cc[None, :]) & (qc[:, None] != "")
    sim[same] = 1.0
    q_len = np.array([len(t) for t in query_tokens])
    c_len = np.array([len(t) for t in cand_tokens])
    initial = (q_len[:, None] == 1) | (c_len[None, :] == 1)
    if initial.any():
        q_first = np.array([t[:1] for t in query_tokens], dtype=object)
        c_first = np.array([t[:1] for t in cand_tokens], dtype=object)
        sim[initial] = np.where(q_first[:, None] == c_first[None, :], INITIAL_SIMILARITY, 0.0)[initial]
    return sim


@dataclass(frozen=True)
class Alignment:
    """Per candidate form: the candidate slot each query token took (-1 none) and its similarity."""

    slot: npt.NDArray[np.int64]        # forms x query tokens
    similarity: npt.NDArray[np.float32]  # forms x query tokens
    query_coverage: npt.NDArray[np.float32]  # weighted share of the query's tokens met
    cand_coverage: npt.NDArray[np.float32]   # weighted share of the candidate's tokens met
    weakest: npt.NDArray[np.float32]         # lowest similarity among the query's given/family tokens
    strong: npt.NDArray[np.float32]          # aligned pairs with similarity >= STRONG, initials excluded
    unmatched: npt.NDArray[np.float32]       # query given/family tokens met below WEAK or not at all
    rarity: npt.NDArray[np.float32]          # summed rarity (normalised IDF) of list tokens met >= STRONG


def align(block: npt.NDArray[np.float32], query_weight: npt.NDArray[np.float32],
          cand_weight: npt.NDArray[np.float32], query_main: npt.NDArray[np.bool_],
          cand_rarity: npt.NDArray[np.float32]) -> Alignment:
    """Greedy one-to-one alignment for many candidate forms at once.

    ``block`` is forms x query tokens x candidate slots (padding slots hold -1); ``query_weight`` is
    per query token, or forms x query tokens; ``cand_weight`` is forms x slots (0 for padding);
    ``query_main`` marks query tokens that are given or family names;
    ``cand_rarity`` is forms x slots, each list token's IDF scaled to [0, 1].
    """
    work = block.copy()
    n_forms, n_q, n_c = work.shape
    slot = np.full((n_forms, n_q), -1, dtype=np.int64)
    similarity = np.zeros((n_forms, n_q), dtype=np.float32)
    matched_c = np.zeros((n_forms, n_c), dtype=np.float32)
    rows = np.arange(n_forms)
    for _ in range(min(n_q, n_c)):
        flat = work.reshape(n_forms, -1).argmax(axis=1)
        qi, ci = np.divmod(flat, n_c)
        best = work[rows, qi, ci]
        ok = best > 0
        slot[rows[ok], qi[ok]] = ci[ok]
        similarity[rows[ok], qi[ok]] = best[ok]
        matched_c[rows[ok], ci[ok]] = best[ok]
        work[rows, qi, :] = -1.0
        work[rows, :, ci] = -1.0
    query_weight = np.broadcast_to(query_weight, (n_forms, n_q))
    query_coverage = (similarity * query_weight).sum(axis=1) / np.maximum(query_weight.sum(axis=1), 1e-6)
    cand_total = np.maximum(cand_weight.sum(axis=1), 1e-6)
    cand_coverage = (matched_c * cand_weight).sum(axis=1) / cand_total
    main = similarity[:, query_main] if query_main.any() else similarity
    weakest = main.min(axis=1) if main.shape[1] else np.zeros(n_forms, dtype=np.float32)
    is_strong = (similarity >= STRONG) & (query_weight > ROLE_WEIGHT["initial"])
    strong = is_strong.sum(axis=1).astype(np.float32)
    unmatched = (main < WEAK).sum(axis=1).astype(np.float32)
    rarity_of_slot = np.take_along_axis(cand_rarity, np.maximum(slot, 0), axis=1)
    rarity = (rarity_of_slot * is_strong).sum(axis=1).astype(np.float32)
    return Alignment(slot, similarity, query_coverage.astype(np.float32), cand_coverage.astype(np.float32),
                     weakest.astype(np.float32), strong, unmatched, rarity)


def patronymic_conflict(block: npt.NDArray[np.float32], query_patronymic: npt.NDArray[np.bool_],
                        cand_patronymic: npt.NDArray[np.bool_]) -> npt.NDArray[np.float32]:
    """1 - best similarity between the query's and the list form's patronymics, 0 when either has none.

    Same name, different father is the commonest namesake; the patronymic says so.
    """
    has_both = query_patronymic.any() & cand_patronymic.any(axis=1)
    if not query_patronymic.any():
        return np.zeros(block.shape[0], dtype=np.float32)
    sub = np.where(cand_patronymic[:, None, :], block[:, query_patronymic, :], 0.0)
    best = sub.max(axis=(1, 2))
    return np.where(has_both, 1.0 - best, 0.0).astype(np.float32)


def compare_birth_dates(query: str | None, listed: Sequence[str]) -> FeatureScore:
    """exact (a full date agrees), year (the years agree, one side knows only the year), conflict, unknown."""
    if not query or not listed:
        return FeatureScore("unknown", "no birth date on one side")
    year = query[:4]
    if any(d == query for d in listed):
        return FeatureScore("exact", f"birth date {query} agrees")
    if any(d[:4] == year and (len(d) == 4 or len(query) == 4 or d[:7] == query[:7] and min(len(d), len(query)) == 7)
           for d in listed):
        return FeatureScore("year", f"birth year {year} agrees")
    return FeatureScore("conflict", f"birth date {query} differs from the listed {', '.join(listed)}")


def compare_countries(query: str | None, listed: Sequence[str]) -> FeatureScore:
    """agree, conflict or unknown, for ISO alpha-2 codes."""
    if not query or not listed:
        return FeatureScore("unknown", "no country on one side")
    if query.upper() in listed:
        return FeatureScore("agree", f"country {query.upper()} agrees")
    return FeatureScore("conflict", f"country {query.upper()} differs from the listed {', '.join(listed)}")
