"""Fit the logistic weights of scoring.WEIGHTS on the tuning half of the development data.

    .venv/bin/python bench/screening/fit.py

Prints the weights to paste into src/muster/domain/matching/scoring.py. Uses only queries whose id
hashes to the tuning half (data.is_tuning); every candidate the blocking returns is one example,
labelled by truth.csv. L2-regularised maximum likelihood, SciPy's L-BFGS-B, with each weight's sign
fixed by what its feature means (SIGNS).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).parent))
from data import is_tuning, load  # noqa: E402

from muster.domain.matching import build_index, candidates  # noqa: E402
from muster.domain.matching.engine import evaluate  # noqa: E402
from muster.domain.matching.scoring import FEATURES  # noqa: E402


def examples(limit: int = 50) -> tuple[np.ndarray, np.ndarray]:
    dev = load()
    index = build_index(dev.entries)
    tuning = [q for q in dev.queries if is_tuning(q.id)]
    xs, ys = [], []
    for query, cands in zip(tuning, candidates(index, tuning, limit=limit), strict=True):
        ev = evaluate(index, query, cands)
        if ev is None:
            continue
        truth = dev.truth.get(query.id, set())
        xs.append(ev.features)
        ys.append(np.array([index.entries[c].id in truth for c in cands], dtype=np.float64))
    return np.concatenate(xs).astype(np.float64), np.concatenate(ys)


# Monotone by construction: agreement may only add, disagreement only take away, so an explanation
# never says "the country agrees (-0.01)" because of noise in a sparse feature.
_UP, _DOWN = (0.0, None), (None, 0.0)
SIGNS = {"query_coverage": _UP, "list_coverage": _UP, "weakest_part": _UP, "strong_parts": _UP,
         "unmatched_parts": _DOWN, "rare_parts": _UP, "patronymic_conflict": _DOWN, "birth_date_exact": _UP,
         "birth_date_year": _UP, "birth_date_conflict": _DOWN, "country_agree": _UP, "country_conflict": _DOWN}


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.1) -> np.ndarray:
    design = np.hstack([np.ones((len(x), 1)), x])

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = design @ w
        p = 1.0 / (1.0 + np.exp(-z))
        nll = np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * np.sum(w[1:] ** 2)
        grad = design.T @ (p - y) + l2 * np.concatenate([[0.0], w[1:]])
        return nll, grad

    bounds = [(None, None)] + [SIGNS[name] for name in FEATURES]
    return minimize(loss, np.zeros(design.shape[1]), jac=True, method="L-BFGS-B", bounds=bounds).x


def main() -> None:
    x, y = examples()
    w = fit(x, y)
    print(f"# {len(y)} examples, {int(y.sum())} positive")
    print(f'    "bias": {w[0]:.3f},')
    for name, value in zip(FEATURES, w[1:], strict=True):
        print(f'    "{name}": {value:.3f},')


if __name__ == "__main__":
    main()
