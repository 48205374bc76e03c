"""The screening engine: index a watchlist once, then screen queries against it.

    index = build_index(entries)
    results = screen(index, ScreeningQuery("q1", "Писаревский Евгений"), top=10)

``build_index`` normalises every name of every entry into forms (see ``normalise``), interns their
token skeletons in one vocabulary and builds the blocking index. ``screen_many`` looks up candidates
for a whole batch with one sparse product, then scores each query's candidates: one ``cdist`` of the
query's words against the candidates' distinct words, a vectorised alignment per query form, and the
logistic model of ``scoring``. Explanations are built only for the results returned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from muster.domain.matching.blocking import BlockingIndex, key_codes, outline, unique_pairs
from muster.domain.matching.features import (
    ROLE_WEIGHT, STRONG, FeatureScore, align, compare_birth_dates, compare_countries, patronymic_conflict, token_similarity,
)
from muster.domain.matching.normalise import MAX_TOKENS, NameForm, canonical, name_form, name_forms, query_forms, role
from muster.domain.matching.transliteration import LATIN_SCHEME, SCHEMES
from muster.domain.matching.scoring import (
    DEFAULT_THRESHOLD, FEATURES, NAME_FEATURES, Explanation, MatchResult, PartMatch, combine, country_logit, date_logit,
    name_weights,
)
from muster.domain.matching.watchlist import ScreeningQuery, WatchlistEntry

DEFAULT_CANDIDATES = 50
_SCHEMES = (LATIN_SCHEME, *SCHEMES)
_SCHEME_IDS = {name: i for i, name in enumerate(_SCHEMES)}


@dataclass(frozen=True)
class Index:
    """A watchlist prepared for screening. Build with ``build_index``; read-only afterwards."""

    entries: tuple[WatchlistEntry, ...]
    vocab: list[str]
    vocab_canon: list[str | None]
    vocab_role: list[str]
    vocab_weight: npt.NDArray[np.float32]
    vocab_rarity: npt.NDArray[np.float32]
    vocab_is_patronymic: npt.NDArray[np.bool_]
    key_ids: dict[str, int]
    form_entry: npt.NDArray[np.int64]
    form_name: npt.NDArray[np.int32]
    form_reading: npt.NDArray[np.int8]
    form_scheme: npt.NDArray[np.int8]
    form_tokens: npt.NDArray[np.int64]
    entry_start: npt.NDArray[np.int64]
    blocking: BlockingIndex


class _Vocabulary:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.words: list[str] = []
        self.canon: list[str | None] = []
        self.roles: list[str] = []
        self.key_ids: dict[str, int] = {}
        self.keys: list[int] = []

    def intern(self, token: str) -> int:
        found = self.ids.get(token)
        if found is not None:
            return found
        found = self.ids[token] = len(self.words)
        canon = canonical(token)
        self.words.append(token)
        self.canon.append(canon)
        self.roles.append(role(token))
        key = outline(token, canon)
        self.keys.append(-2 if len(token) <= 1 else self.key_ids.setdefault(key, len(self.key_ids)))
        return found


def build_index(entries: Iterable[WatchlistEntry], *, max_df: int | None = None) -> Index:
    """Normalise all names of all entries and build the blocking index.

    ``max_df`` caps how many entries a single blocking key may point to before it is ignored (pairs
    of keys are never capped); by default 0.5% of the list, at least 500.
    """
    entries = tuple(entries)
    vocab = _Vocabulary()
    form_entry: list[int] = []
    form_name: list[int] = []
    form_reading: list[int] = []
    form_scheme: list[int] = []
    token_rows: list[list[int]] = []
    for e_idx, entry in enumerate(entries):
        for n_idx, name in enumerate(entry.names):
            for form in name_forms(name):
                form_entry.append(e_idx)
                form_name.append(n_idx)
                form_reading.append(form.reading)
                form_scheme.append(_SCHEME_IDS[form.scheme])
                token_rows.append([vocab.intern(t) for t in form.tokens])
    tokens = np.full((len(token_rows), MAX_TOKENS), -1, dtype=np.int64)
    for row, ids in enumerate(token_rows):
        tokens[row, : len(ids)] = ids
    keys_of_vocab = np.array(vocab.keys + [-1], dtype=np.int64)  # index -1 (padding) -> -1
    rows, codes = key_codes(keys_of_vocab[tokens])
    f_entry = np.array(form_entry, dtype=np.int64)
    cap = max_df if max_df is not None else max(500, len(entries) // 200)
    blocking = BlockingIndex.build(f_entry, rows, codes, len(entries), cap)
    entry_start = np.searchsorted(f_entry, np.arange(len(entries) + 1))
    weight = np.array([ROLE_WEIGHT[r] for r in vocab.roles] + [0.0], dtype=np.float32)
    is_patronymic = np.array([r == "patronymic" for r in vocab.roles] + [False])
    # Rarity: IDF of the token over entries, scaled so a token held by a single entry is 1.
    pairs = unique_pairs(tokens[tokens >= 0], np.repeat(f_entry, (tokens >= 0).sum(axis=1)))
    df = np.bincount(pairs[0], minlength=len(vocab.words)).astype(np.float64)
    rarity = np.log(max(len(entries), 2) / np.maximum(df, 1.0)) / np.log(max(len(entries), 2))
    rarity = np.append(np.clip(rarity, 0.0, 1.0), 0.0).astype(np.float32)
    return Index(entries, vocab.words, vocab.canon, vocab.roles, weight, rarity, is_patronymic, vocab.key_ids, f_entry,
                 np.array(form_name, dtype=np.int32), np.array(form_reading, dtype=np.int8),
                 np.array(form_scheme, dtype=np.int8), tokens, entry_start, blocking)


def _query_key_rows(index: Index, forms_per_query: Sequence[tuple[NameForm, ...]]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    owner: list[int] = []
    rows: list[list[int]] = []
    for q, forms in enumerate(forms_per_query):
        for form in forms:
            owner.append(q)
            rows.append([-2 if len(t) <= 1 else index.key_ids.get(outline(t, canonical(t)), -1) for t in form.tokens])
    keys = np.full((len(rows), MAX_TOKENS), -1, dtype=np.int64)
    for r, ids in enumerate(rows):
        keys[r, : len(ids)] = ids
    form_rows, codes = key_codes(keys)
    return np.array(owner, dtype=np.int64)[form_rows] if len(form_rows) else form_rows, codes


def candidates(index: Index, queries: Sequence[ScreeningQuery], *, limit: int = DEFAULT_CANDIDATES) -> list[npt.NDArray[np.int64]]:
    """Entry indices worth scoring for each query, best blocking score first (at most ``limit``)."""
    forms = [query_forms(q.name) for q in queries]
    rows, codes = _query_key_rows(index, forms)
    return index.blocking.candidates(index.blocking.query_matrix(rows, codes, len(queries)), limit)


def screen(index: Index, query: ScreeningQuery, *, top: int = 10, limit: int = DEFAULT_CANDIDATES,
           threshold: float = DEFAULT_THRESHOLD) -> list[MatchResult]:
    """The ``top`` best-scoring entries for one query, with explanations; ``match`` marks score >= threshold."""
    return screen_many(index, [query], top=top, limit=limit, threshold=threshold)[0]


def screen_many(index: Index, queries: Sequence[ScreeningQuery], *, top: int = 10, limit: int = DEFAULT_CANDIDATES,
                threshold: float = DEFAULT_THRESHOLD, batch: int = 2000,
                progress: Callable[[int], None] | None = None) -> list[list[MatchResult]]:
    """Screen many queries; candidates are looked up ``batch`` queries at a time, ``progress(n)`` after each batch."""
    out: list[list[MatchResult]] = []
    for start in range(0, len(queries), batch):
        chunk = queries[start : start + batch]
        for query, cands in zip(chunk, candidates(index, chunk, limit=limit), strict=True):
            out.append(score_candidates(index, query, cands, top=top, threshold=threshold))
        if progress is not None:
            progress(len(chunk))
    return out


@dataclass
class _Evaluated:
    """Features of each candidate entry (rows follow ``cands``) and what the explanation needs."""

    features: npt.NDArray[np.float32]
    name_z: npt.NDArray[np.float64]
    qforms: tuple[NameForm, ...]
    rows: npt.NDArray[np.int64]        # candidate form rows (index.form_*), grouped by entry
    best_row: npt.NDArray[np.int64]    # per entry: position in ``rows`` of its best form
    best_form: npt.NDArray[np.int64]   # per row: which query form scored it best
    best_slot: npt.NDArray[np.int64]   # per row x query word: the list word it met (-1 none)
    best_sim: npt.NDArray[np.float32]  # per row x query word: that similarity
    dates: list[FeatureScore]
    countries: list[FeatureScore]


_NO_DATE = FeatureScore("unknown", "no birth date on one side")
_NO_COUNTRY = FeatureScore("unknown", "no country on one side")


def evaluate(index: Index, query: ScreeningQuery, cands: npt.NDArray[np.int64]) -> _Evaluated | None:
    """Compute the feature vector (scoring.FEATURES order) of every candidate entry for one query."""
    qforms = query_forms(query.name)
    if len(cands) == 0 or not qforms:
        return None
    starts, ends = index.entry_start[cands], index.entry_start[cands + 1]
    lengths = ends - starts
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    rows = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
    tok = index.form_tokens[rows]
    present = tok >= 0
    distinct, inverse = np.unique(tok[present], return_inverse=True)
    slot_of = np.full(tok.shape, -1, dtype=np.int64)
    slot_of[present] = inverse
    q_words = sorted({t for f in qforms for t in f.tokens})
    q_pos = {t: i for i, t in enumerate(q_words)}
    sim = token_similarity(q_words, [canonical(t) for t in q_words], [index.vocab[i] for i in distinct],
                           [index.vocab_canon[i] for i in distinct])
    sim = np.concatenate([sim, np.full((len(q_words), 1), -1.0, dtype=np.float32)], axis=1)  # column -1 = padding
    cand_weight = index.vocab_weight[tok]
    cand_rarity = index.vocab_rarity[tok]
    cand_patronymic = index.vocab_is_patronymic[tok]
    cand_has = cand_patronymic.any(axis=1)
    bias, weights = name_weights()
    n_rows, width = len(rows), max(len(f.tokens) for f in qforms)
    best_z = np.full(n_rows, -np.inf)
    best_x = np.zeros((n_rows, len(NAME_FEATURES)), dtype=np.float32)
    best_form = np.zeros(n_rows, dtype=np.int64)
    best_slot = np.full((n_rows, width), -1, dtype=np.int64)
    best_sim = np.zeros((n_rows, width), dtype=np.float32)
    for f_idx, form in enumerate(qforms):
        qi = [q_pos[t] for t in form.tokens]
        q_weight, q_main, q_patronymic = _form_roles(form.tokens)
        block = sim[qi][:, slot_of].transpose(1, 0, 2)
        # A patronymic only one side gives is missing information, not disagreement: it weighs nothing.
        q_weight_rows = np.where(q_patronymic[None, :] & ~cand_has[:, None], 0.0, q_weight[None, :]).astype(np.float32)
        c_weight_rows = cand_weight if q_patronymic.any() else np.where(cand_patronymic, 0.0, cand_weight).astype(np.float32)
        al = align(block, q_weight_rows, c_weight_rows, q_main, cand_rarity)
        conflict = patronymic_conflict(block, q_patronymic, cand_patronymic)
        x = np.stack([al.query_coverage, al.cand_coverage, al.weakest, al.strong, al.unmatched, al.rarity, conflict], axis=1)
        z = bias + x @ np.asarray(weights, dtype=np.float32)
        if form.joined >= 0:  # a joined form counts only where the joined word found its match
            z = np.where(al.similarity[:, form.joined] >= STRONG, z, -np.inf)
        better = z > best_z
        best_z[better] = z[better]
        best_x[better] = x[better]
        best_form[better] = f_idx
        best_slot[better] = -1
        best_slot[better, : len(qi)] = al.slot[better]
        best_sim[better] = 0.0
        best_sim[better, : len(qi)] = al.similarity[better]
    # Per entry, its best-scoring form: sort rows by (entry, -z) and take each entry's first.
    entry_of_row = np.repeat(np.arange(len(cands)), lengths)
    order = np.lexsort((-best_z, entry_of_row))
    best_row = order[offsets[:-1]]
    features = np.zeros((len(cands), len(FEATURES)), dtype=np.float32)
    features[:, : len(NAME_FEATURES)] = best_x[best_row]
    dates = [_NO_DATE] * len(cands)
    countries = [_NO_COUNTRY] * len(cands)
    if query.birth_date or query.country:
        for i, c in enumerate(cands):
            entry = index.entries[c]
            dates[i] = compare_birth_dates(query.birth_date, entry.birth_dates)
            countries[i] = compare_countries(query.country, entry.countries)
            for name in (f"birth_date_{dates[i].outcome}", f"country_{countries[i].outcome}"):
                if name in _FEATURE_COLUMN:
                    features[i, _FEATURE_COLUMN[name]] = 1.0
    return _Evaluated(features, best_z[best_row], qforms, rows, best_row, best_form, best_slot, best_sim, dates, countries)


_FEATURE_COLUMN = {name: i for i, name in enumerate(FEATURES)}


@lru_cache(maxsize=1 << 14)
def _form_roles(tokens: tuple[str, ...]) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Weight, is-given-or-family and is-patronymic of each word of a query form (arrays are not modified)."""
    roles = [role(t) for t in tokens]
    return (np.array([ROLE_WEIGHT[r] for r in roles], dtype=np.float32), np.array([r in ("given", "family") for r in roles]),
            np.array([r == "patronymic" for r in roles]))


def score_candidates(index: Index, query: ScreeningQuery, cands: npt.NDArray[np.int64], *, top: int = 10,
                     threshold: float = DEFAULT_THRESHOLD) -> list[MatchResult]:
    """Score the given candidate entries for one query and return the best ``top`` with explanations."""
    ev = evaluate(index, query, cands)
    if ev is None:
        return []
    context = np.array([date_logit(d.outcome) + country_logit(k.outcome) for d, k in zip(ev.dates, ev.countries, strict=True)]) \
        if (query.birth_date or query.country) else 0.0
    z = ev.name_z + context
    ids = [index.entries[c].id for c in cands]
    order = sorted(range(len(cands)), key=lambda i: (-z[i], ids[i]))[:top]
    results = []
    for rank, i in enumerate(order, start=1):
        score, name_only, d_eff, c_eff = combine(float(ev.name_z[i]), ev.dates[i], ev.countries[i])
        local = int(ev.best_row[i])
        qform = ev.qforms[int(ev.best_form[local])]
        n = len(qform.tokens)
        explanation = _explain(index, qform, int(ev.rows[local]), ev.best_slot[local, :n], ev.best_sim[local, :n],
                               name_only, ev.dates[i], d_eff, ev.countries[i], c_eff)
        results.append(MatchResult(query.id, ids[i], round(score, 4), rank, score >= threshold, explanation))
    return results


def _explain(index: Index, qform: NameForm, row: int, slots: npt.NDArray[np.int64], sims: npt.NDArray[np.float32],
             name_only: float, dates: FeatureScore, d_eff: float, country: FeatureScore, c_eff: float) -> Explanation:
    entry = index.entries[int(index.form_entry[row])]
    name = entry.names[int(index.form_name[row])]
    found = name_form(name, int(index.form_reading[row]), _SCHEMES[int(index.form_scheme[row])])
    assert found is not None, "an indexed form can always be rebuilt"
    lform = found
    parts = []
    for q_i, (slot, s) in enumerate(zip(slots, sims, strict=True)):
        if slot < 0:
            continue
        q_tok, l_tok = qform.tokens[q_i], lform.tokens[slot]
        q_canon, l_canon = canonical(q_tok), canonical(l_tok)
        if len(q_tok) == 1 or len(l_tok) == 1:
            how = "initial"
        elif q_tok == l_tok:
            how = "same spelling" if qform.words[q_i] == lform.words[slot] else f"same skeleton '{q_tok}'"
        elif q_canon is not None and q_canon == l_canon:
            kind, _, base = q_canon.partition(":")
            how = f"same name as '{base}' ({'patronymic' if kind.startswith('p') else 'given name'} table)"
        else:
            how = "spelling variant"
        parts.append(PartMatch(qform.words[q_i], lform.words[slot], role(l_tok), round(float(s), 3), how))
    used = {int(s) for s in slots if s >= 0}
    unmatched_q = tuple(w for i, w in enumerate(qform.words) if slots[i] < 0)
    unmatched_l = tuple(w for i, w in enumerate(lform.words) if i not in used)
    return Explanation(qform.text, qform.scheme, name, lform.text, lform.scheme, tuple(parts), unmatched_q, unmatched_l,
                       round(name_only, 4), dates, round(d_eff, 4), country, round(c_eff, 4),
                       round(date_logit(dates.outcome), 3), round(country_logit(country.outcome), 3))
