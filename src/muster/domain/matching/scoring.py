"""From compared features to a calibrated score, a match decision and the explanation of both.

The score is a logistic model over a short, documented feature list (``WEIGHTS``):

    z = bias + sum(weight[f] * value[f] for f in FEATURES)
    score = 1 / (1 + exp(-z))

Name features (computed for every query form x list form, the best pair per entry kept):
``query_coverage`` the weighted share of the query's words met by the list name (similarity of each
aligned pair, patronymics weighing half), ``list_coverage`` the same from the list name's side,
``weakest_part`` the lowest similarity among the query's given and family names, ``strong_parts``
how many words met at >= 0.85, ``unmatched_parts`` how many given/family words of the query found
nothing >= 0.6, ``rare_parts`` the summed rarity of the strongly met list words (a rare surname
agreeing says more than Ivan agreeing), ``patronymic_conflict`` 1 - similarity of the two
patronymics when both sides have one (a patronymic only one side gives weighs nothing in either
coverage: missing is not disagreement). Context features are 0/1 indicators; missing dates or
countries add nothing. The weights were fitted by logistic regression on the tuning half of the
development data (bench/screening, queries whose id hashes to the tuning half); the held-out half
measures them. A score is therefore an estimate of the probability that the pair is the same person
on data like the development set, and ``DEFAULT_THRESHOLD`` = 0.5 is the decision point: a hit is
raised when it is likelier than not. On the tuning half, thresholds from 0.2 to 0.7 were compared:
0.4 and 0.5 tied for the best F1 (0.985); lowering it trades false alarms on namesakes for recall.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from muster.domain.matching.features import FeatureScore
from muster.domain.matching.transliteration import SCHEME_LABELS

# The features, in the order of the model's vector; each is documented in features.py.
NAME_FEATURES = ("query_coverage", "list_coverage", "weakest_part", "strong_parts", "unmatched_parts",
                 "rare_parts", "patronymic_conflict")
CONTEXT_FEATURES = ("birth_date_exact", "birth_date_year", "birth_date_conflict", "country_agree", "country_conflict")
FEATURES = NAME_FEATURES + CONTEXT_FEATURES

WEIGHTS: dict[str, float] = {
    "bias": -20.646,
    "query_coverage": 2.127,
    "list_coverage": 6.939,
    "weakest_part": 2.657,
    "strong_parts": 0.410,
    "unmatched_parts": -0.277,
    "rare_parts": 6.676,
    "patronymic_conflict": -4.392,
    "birth_date_exact": 7.614,
    "birth_date_year": 0.000,
    "birth_date_conflict": -5.014,
    "country_agree": 0.000,
    "country_conflict": -1.597,
}
DEFAULT_THRESHOLD = 0.5


def name_weights() -> tuple[float, list[float]]:
    """Bias and weights of the name features, in NAME_FEATURES order."""
    return WEIGHTS["bias"], [WEIGHTS[f] for f in NAME_FEATURES]


def date_logit(outcome: str) -> float:
    """What a birth-date outcome adds in logit units (0 when unknown)."""
    return WEIGHTS.get(f"birth_date_{outcome}", 0.0)


def country_logit(outcome: str) -> float:
    """What a country outcome adds in logit units (0 when unknown)."""
    return WEIGHTS.get(f"country_{outcome}", 0.0)


def sigmoid(z: float) -> float:
    """Logistic function, safe for large |z|."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True, slots=True)
class PartMatch:
    """One query word aligned with one list word."""

    query_word: str
    list_word: str
    role: str
    similarity: float
    how: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a candidate scored what it did; every number a reviewer needs to check the decision."""

    query_form: str
    query_scheme: str
    list_name: str
    list_form: str
    list_scheme: str
    parts: tuple[PartMatch, ...]
    unmatched_query: tuple[str, ...]
    unmatched_list: tuple[str, ...]
    name_score: float
    birth_date: FeatureScore
    birth_date_effect: float
    country: FeatureScore
    country_effect: float
    birth_date_weight: float = 0.0  # the date's evidence in logit units, visible even when the score is saturated
    country_weight: float = 0.0

    def render(self) -> str:
        """One line of plain text, as written into result files."""

        def label(scheme: str) -> str:
            base, joined = scheme.removesuffix("+joined"), scheme.endswith("+joined")
            return SCHEME_LABELS.get(base, base) + (", two words joined" if joined else "")

        parts = "; ".join(f"{p.query_word}~{p.list_word} {p.role} {p.similarity:.2f} ({p.how})" for p in self.parts)
        text = (f"query '{self.query_form}' [{label(self.query_scheme)}] met "
                f"list name '{self.list_name}' as '{self.list_form}' [{label(self.list_scheme)}]: {parts}")
        if self.unmatched_query:
            text += f"; query words unmatched: {' '.join(self.unmatched_query)}"
        if self.unmatched_list:
            text += f"; list words unmatched: {' '.join(self.unmatched_list)}"
        text += f"; name alone {self.name_score:.2f}"
        text += f"; {self.birth_date.detail} ({self.birth_date_effect:+.2f}{_evidence(self.birth_date_weight)})"
        text += f"; {self.country.detail} ({self.country_effect:+.2f}{_evidence(self.country_weight)})"
        return text


def _evidence(weight: float) -> str:
    return f", evidence {weight:+.1f} logit" if weight else ""


@dataclass(frozen=True, slots=True)
class MatchResult:
    """A scored candidate entry for one query; ``match`` is ``score >= threshold``."""

    query_id: str
    entry_id: str
    score: float
    rank: int
    match: bool
    explanation: Explanation


def combine(name_z: float, birth_date: FeatureScore, country: FeatureScore) -> tuple[float, float, float, float]:
    """Score plus the name-only score and how much date and country moved it (in score units)."""
    dz, cz = date_logit(birth_date.outcome), country_logit(country.outcome)
    score = sigmoid(name_z + dz + cz)
    name_only = sigmoid(name_z)
    date_effect = sigmoid(name_z + dz) - name_only
    country_effect = score - sigmoid(name_z + dz)
    return score, name_only, date_effect, country_effect
