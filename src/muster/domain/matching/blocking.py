"""Candidate generation: which entries are worth scoring at all for a query.

Every token skeleton gets a blocking key: its canonical given name or patronymic when the table
knows one (so Sasha finds Aleksandr), else its consonant outline (first letter plus the consonants,
h dropped: ``pisarevski`` -> ``psrvsk``), which forgives the vowel and -ii/-y/-ei noise spelling
rules leave behind. A form yields its single keys and every unordered pair of keys; an entry owns
the keys of all forms of all its names. A query's candidates are the entries sharing keys with it,
ranked by the summed inverse document frequency of the shared keys; single keys held by more than
``max_df`` entries (Ivan, Ivanov in a million names) are ignored, but their pairs still count.

Lookup is a sparse matrix product (SciPy), so a batch of queries costs one multiplication.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

_VOWELS = re.compile(r"[aeiouh]")
PAIR_BASE = np.int64(1 << 31)


def outline(token_skeleton: str, canonical_name: str | None) -> str:
    """The blocking key of one token skeleton."""
    if canonical_name is not None:
        return canonical_name
    if len(token_skeleton) <= 2:
        return token_skeleton
    return token_skeleton[0] + _VOWELS.sub("", token_skeleton[1:])


def unique_pairs(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The distinct (a, b) pairs as a 2 x n array sorted by a then b (faster than np.unique(axis=1))."""
    order = np.lexsort((b, a))
    a, b = a[order], b[order]
    keep = np.ones(len(a), dtype=bool)
    keep[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    return np.stack([a[keep], b[keep]])


def key_codes(token_keys: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Key codes of forms given their token key ids (rows, -1 padded): returns (row index, code).

    Single keys are the key id itself; a pair is ``(1 + min) * 2**31 + max`` so the two never collide.
    Initials (key ids flagged negative below -1) take part in neither.
    """
    rows_out: list[npt.NDArray[np.int64]] = []
    codes_out: list[npt.NDArray[np.int64]] = []
    n_rows, width = token_keys.shape
    row_ids = np.arange(n_rows, dtype=np.int64)
    for i in range(width):
        a = token_keys[:, i]
        ok = a >= 0
        rows_out.append(row_ids[ok])
        codes_out.append(a[ok])
        for j in range(i + 1, width):
            b = token_keys[:, j]
            ok2 = ok & (b >= 0) & (a != b)
            lo, hi = np.minimum(a[ok2], b[ok2]), np.maximum(a[ok2], b[ok2])
            rows_out.append(row_ids[ok2])
            codes_out.append((lo + 1) * PAIR_BASE + hi)
    return np.concatenate(rows_out), np.concatenate(codes_out)


@dataclass(frozen=True)
class BlockingIndex:
    """Key codes (sorted), their IDF weights and a keys x entries incidence matrix."""

    codes: npt.NDArray[np.int64]
    idf: npt.NDArray[np.float32]
    matrix: sparse.csr_matrix
    n_entries: int

    @classmethod
    def build(cls, entry_of_row: npt.NDArray[np.int64], rows: npt.NDArray[np.int64],
              codes: npt.NDArray[np.int64], n_entries: int, max_df: int) -> BlockingIndex:
        """Index the (row, code) pairs of all forms; ``entry_of_row`` maps a form row to its entry."""
        pairs = unique_pairs(codes, entry_of_row[rows])
        unique_codes, col = np.unique(pairs[0], return_inverse=True)
        df = np.bincount(col, minlength=len(unique_codes)).astype(np.float32)
        idf = np.log1p(n_entries / df).astype(np.float32)
        is_single = unique_codes < PAIR_BASE
        idf[is_single & (df > max_df)] = 0.0
        data = np.ones(pairs.shape[1], dtype=np.float32)
        matrix = sparse.csr_matrix((data, (col, pairs[1])), shape=(len(unique_codes), n_entries))
        matrix.eliminate_zeros()
        return cls(unique_codes, idf, matrix, n_entries)

    def query_matrix(self, rows: npt.NDArray[np.int64], codes: npt.NDArray[np.int64], n_queries: int) -> sparse.csr_matrix:
        """A queries x keys matrix of IDF weights for the queries' (row, code) pairs."""
        pos = np.searchsorted(self.codes, codes)
        pos = np.clip(pos, 0, max(len(self.codes) - 1, 0))
        known = (len(self.codes) > 0) & (self.codes[pos] == codes) if len(self.codes) else np.zeros(len(codes), bool)
        pairs = unique_pairs(rows[known], pos[known])
        weights = self.idf[pairs[1]]
        return sparse.csr_matrix((weights, (pairs[0], pairs[1])), shape=(n_queries, len(self.codes)))

    def candidates(self, query_keys: sparse.csr_matrix, limit: int) -> list[npt.NDArray[np.int64]]:
        """For each query row, up to ``limit`` entry indices, best blocking score first."""
        scores = (query_keys @ self.matrix).tocsr()
        out = []
        for q in range(scores.shape[0]):
            start, end = scores.indptr[q], scores.indptr[q + 1]
            cols, vals = scores.indices[start:end], scores.data[start:end]
            if len(cols) > limit:
                top = np.argpartition(-vals, limit - 1)[:limit]
                cols, vals = cols[top], vals[top]
            out.append(cols[np.argsort(-vals, kind="stable")].astype(np.int64))
        return out
