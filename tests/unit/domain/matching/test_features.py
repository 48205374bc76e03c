"""Compare functions: token similarity, alignment, birth dates, countries."""

from __future__ import annotations

import numpy as np

from muster.domain.matching.features import (
    INITIAL_SIMILARITY, align, compare_birth_dates, compare_countries, patronymic_conflict, token_similarity,
)


class TestTokenSimilarity:
    def test_equal_skeletons_score_one_and_different_ones_less(self) -> None:
        sim = token_similarity(["petrov"], [None], ["petrov", "petrova", "smirnov"], [None, None, None])
        assert sim[0, 0] == 1.0
        assert 0.8 < sim[0, 1] < 1.0
        assert sim[0, 2] < 0.6

    def test_forms_of_the_same_given_name_score_one(self) -> None:
        sim = token_similarity(["sasha"], ["g:aleksandr"], ["aleksandr"], ["g:aleksandr"])
        assert sim[0, 0] == 1.0

    def test_an_initial_meets_a_word_with_the_same_first_letter(self) -> None:
        sim = token_similarity(["a", "b"], [None, None], ["aleksandr"], ["g:aleksandr"])
        assert sim[0, 0] == np.float32(INITIAL_SIMILARITY)
        assert sim[1, 0] == 0.0


class TestAlign:
    def test_each_candidate_word_is_used_once(self) -> None:
        # Two query words both closest to candidate slot 0; the second must take slot 1.
        block = np.array([[[0.9, 0.5], [0.8, 0.7]]], dtype=np.float32)
        al = align(block, np.ones(2, np.float32), np.ones((1, 2), np.float32), np.ones(2, bool), np.zeros((1, 2), np.float32))
        assert al.slot.tolist() == [[0, 1]]
        assert al.similarity.tolist() == [[np.float32(0.9), np.float32(0.7)]]
        assert al.weakest[0] == np.float32(0.7)

    def test_coverage_counts_missing_words_on_each_side(self) -> None:
        # Query of two words against a three-word name (padding slot -1 excluded by zero weight).
        block = np.array([[[1.0, 0.1, 0.1, -1.0], [0.1, 1.0, 0.1, -1.0]]], dtype=np.float32)
        cand_weight = np.array([[1.0, 1.0, 0.5, 0.0]], np.float32)
        al = align(block, np.ones(2, np.float32), cand_weight, np.ones(2, bool), np.full((1, 4), 0.5, np.float32))
        assert al.query_coverage[0] == 1.0
        assert abs(al.cand_coverage[0] - (2.0 / 2.5)) < 1e-6  # the patronymic slot is unmatched
        assert al.strong[0] == 2 and al.unmatched[0] == 0 and al.rarity[0] == 1.0

    def test_different_patronymics_are_a_conflict(self) -> None:
        block = np.array([[[1.0, 0.2]], [[1.0, 0.95]]], dtype=np.float32)
        conflict = patronymic_conflict(block, np.array([True]), np.array([[False, True], [False, True]]))
        assert conflict[0] > 0.7 and conflict[1] < 0.1


class TestBirthDates:
    def test_outcomes(self) -> None:
        assert compare_birth_dates("1970-05-17", ("1970-05-17",)).outcome == "exact"
        assert compare_birth_dates("1970", ("1970-05-17",)).outcome == "year"
        assert compare_birth_dates("1970-05-17", ("1970",)).outcome == "year"
        assert compare_birth_dates("1970-05-17", ("1971-05-17",)).outcome == "conflict"
        assert compare_birth_dates(None, ("1970",)).outcome == "unknown"
        assert compare_birth_dates("1970", ()).outcome == "unknown"

    def test_any_listed_date_may_agree(self) -> None:
        assert compare_birth_dates("1971-01-01", ("1970-05-17", "1971-01-01")).outcome == "exact"


class TestCountries:
    def test_outcomes(self) -> None:
        assert compare_countries("ru", ("RU", "BY")).outcome == "agree"
        assert compare_countries("UA", ("RU",)).outcome == "conflict"
        assert compare_countries(None, ("RU",)).outcome == "unknown"
