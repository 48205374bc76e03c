"""The engine end to end on a small in-memory list: ranking, decisions and explanations."""

from __future__ import annotations

import numpy as np
import pytest

from muster.domain.matching import (
    DEFAULT_THRESHOLD, Index, MatchResult, ScreeningQuery, WatchlistEntry, build_index, candidates, screen, screen_many,
)
from muster.domain.matching.blocking import outline

ENTRIES = (
    WatchlistEntry("E1", ("Pisarevsky Evgeny Leonidovich",), ("1970-05-17",), ("RU",)),
    WatchlistEntry("E2", ("Школкина Надежда Васильевна", "Nadezhda Vasil'yevna Shkolkina"), ("1960",), ("RU",)),
    WatchlistEntry("E3", ("Александр Григорьевич Лукашенко",), ("1954-08-30",), ("BY",)),
    WatchlistEntry("E4", ("Petrova Svetlana Pavlovna",), ("1975-01-01",), ()),
    WatchlistEntry("E5", ("Ivanov Sergei Nikolaevich",), ("1980-02-02",), ("RU",)),
    WatchlistEntry("E6", ("Мельничук Олександр Сергійович",), (), ("UA",)),
    WatchlistEntry("E7", ("Khudyk Andrey Pavlovich",), ("1959-01-01",), ("BY",)),
    WatchlistEntry("E8", ("Kataev Andrey Mikhailovich",), ("1971-03-21",), ("RU",)),
)


@pytest.fixture(scope="module")
def index() -> Index:
    return build_index(ENTRIES)


def top(index: Index, name: str, birth: str | None = None, country: str | None = None) -> MatchResult:
    return screen(index, ScreeningQuery("q", name, birth, country), top=3)[0]


class TestFindingTheListedPerson:
    @pytest.mark.parametrize(("query", "entry"), [
        ("Писаревский Евгений Леонидович", "E1"),         # Cyrillic query, Latin list
        ("Shkolkina Nadezhda Vasilievna", "E2"),           # another transliteration of a listed alias
        ("Evgenii Pisarevskii", "E1"),                     # patronymic dropped, order swapped, ICAO spelling
        ("Leonidovich Pisarevsky Evgeny", "E1"),           # any order
        ("Aliaksandr Ryhoravich Lukashenka", "E3"),        # Belarusian form of a Russian-listed name
        ("Oleksandr Lukashenko", "E3"),                    # Ukrainian form of the given name
        ("Sasha Lukashenko", "E3"),                        # diminutive
        ("Melnychuk Oleksandr Serhiiovych", "E6"),         # Ukrainian national spelling
        ("Мельничук Александр Сергеевич", "E6"),           # Russian form of a Ukrainian-listed name
        ("Pisarevsky Еvgeny", "E1"),                       # Cyrillic Е hidden in a Latin word
    ])
    def test_the_listed_person_ranks_first_and_matches(self, index: Index, query: str, entry: str) -> None:
        result = top(index, query)
        assert result.entry_id == entry
        assert result.rank == 1
        assert result.match, result.explanation.render()

    def test_a_stranger_matches_nobody(self, index: Index) -> None:
        results = screen(index, ScreeningQuery("q", "Smirnov Oleg Viktorovich"), top=5)
        assert not any(r.match for r in results)

    def test_a_namesake_with_another_patronymic_and_birth_date_does_not_match(self, index: Index) -> None:
        result = top(index, "Ivanov Sergei Petrovich", "1991-07-07")
        assert not result.match

    def test_a_conflicting_birth_date_lowers_the_score(self, index: Index) -> None:
        same = top(index, "Kataev Andrey Mikhailovich", "1971-03-21").score
        other = top(index, "Kataev Andrey Mikhailovich", "1990-10-10").score
        assert same > other
        assert same >= DEFAULT_THRESHOLD


class TestResults:
    def test_results_are_ranked_by_score_and_limited_to_top(self, index: Index) -> None:
        results = screen(index, ScreeningQuery("q", "Andrey Pavlovich"), top=2)
        assert [r.rank for r in results] == [1, 2]
        assert results[0].score >= results[1].score
        assert all(0.0 <= r.score <= 1.0 for r in results)
        assert all(r.match == (r.score >= DEFAULT_THRESHOLD) for r in results)

    def test_screen_many_keeps_query_order_and_reports_progress(self, index: Index) -> None:
        seen: list[int] = []
        queries = [ScreeningQuery(f"q{i}", n) for i, n in enumerate(["Kataev Andrey", "Petrova Svetlana", "Nobody Atall"])]
        results = screen_many(index, queries, batch=2, progress=seen.append)
        assert [rs[0].query_id for rs in results if rs] == [q.id for q, rs in zip(queries, results) if rs]
        assert results[0][0].entry_id == "E8" and results[1][0].entry_id == "E4"
        assert seen == [2, 1]

    def test_an_unreadable_name_gives_no_results(self, index: Index) -> None:
        assert screen(index, ScreeningQuery("q", "!!! ???")) == []


class TestExplanation:
    def test_it_names_the_forms_and_schemes_that_met(self, index: Index) -> None:
        ex = top(index, "Писаревский Евгений Леонидович", "1970-05-17", "RU").explanation
        assert ex.query_scheme == "icao"
        assert ex.query_form == "pisarevskii evgenii leonidovich"
        assert ex.list_name == "Pisarevsky Evgeny Leonidovich"
        assert ex.list_scheme == "latin"

    def test_it_gives_the_similarity_and_role_of_each_part(self, index: Index) -> None:
        ex = top(index, "Писаревский Евгений Леонидович", "1970-05-17", "RU").explanation
        parts = {(p.query_word, p.list_word): p for p in ex.parts}
        assert set(parts) == {("pisarevskii", "pisarevsky"), ("evgenii", "evgeny"), ("leonidovich", "leonidovich")}
        assert parts[("pisarevskii", "pisarevsky")].similarity == 1.0
        assert parts[("pisarevskii", "pisarevsky")].how == "same skeleton 'pisarevski'"
        assert parts[("leonidovich", "leonidovich")].role == "patronymic"
        assert parts[("leonidovich", "leonidovich")].how == "same spelling"
        assert ex.unmatched_query == () and ex.unmatched_list == ()

    def test_it_says_what_dates_and_countries_added_or_took_away(self, index: Index) -> None:
        agree = top(index, "Pisarevsky Evgeny", "1970-05-17", "RU").explanation
        assert agree.birth_date.outcome == "exact" and agree.birth_date_effect > 0
        assert agree.country.outcome == "agree" and agree.country_effect >= 0
        differ = top(index, "Pisarevsky Evgeny", "1990", "FR").explanation
        assert differ.birth_date.outcome == "conflict" and differ.birth_date_effect < 0
        assert differ.country.outcome == "conflict" and differ.country_effect <= 0
        assert "birth date 1990 differs from the listed 1970-05-17" in differ.render()

    def test_it_shows_the_evidence_weight_even_when_the_score_is_saturated(self, index: Index) -> None:
        ex = top(index, "Pisarevsky Evgeny Leonidovich", "1970-05-17").explanation
        assert ex.name_score > 0.99 and ex.birth_date_weight > 0
        assert f"evidence {ex.birth_date_weight:+.1f} logit" in ex.render()

    def test_it_marks_equivalent_names_and_missing_parts(self, index: Index) -> None:
        ex = top(index, "Sasha Lukashenko").explanation
        how = {p.query_word: p.how for p in ex.parts}
        assert how["sasha"] == "same name as 'aleksandr' (given name table)"
        assert ex.unmatched_list == ("grigorevich",)

    def test_it_renders_as_one_line(self, index: Index) -> None:
        text = top(index, "Pisarevsky Evgeny Leonidovich").explanation.render()
        assert "\n" not in text
        assert text.startswith("query 'pisarevsky evgeny leonidovich' [as written (Latin)] met list name")


class TestBlocking:
    def test_candidates_hold_the_listed_person_for_a_cross_script_query(self, index: Index) -> None:
        cands = candidates(index, [ScreeningQuery("q", "Лукашенко Саша")])[0]
        assert index.entries[int(cands[0])].id == "E3"

    def test_a_single_common_key_is_ignored_but_pairs_still_find(self) -> None:
        crowd = [WatchlistEntry(f"C{i}", (f"Ivan Surname{i:04d}x",)) for i in range(50)]
        idx = build_index([*crowd, WatchlistEntry("T", ("Ivan Zakharov",))], max_df=10)
        found = candidates(idx, [ScreeningQuery("q", "Ivan Zakharov"), ScreeningQuery("r", "Ivan")])
        assert [idx.entries[int(i)].id for i in found[0]] == ["T"]
        assert len(found[1]) == 0

    def test_the_outline_keeps_consonants_and_uses_the_canonical_name(self) -> None:
        assert outline("pisarevski", None) == "psrvsk"
        assert outline("sasha", "g:aleksandr") == "g:aleksandr"

    def test_candidates_are_limited(self, index: Index) -> None:
        cands = candidates(index, [ScreeningQuery("q", "Andrey Pavlovich Kataev Khudyk")], limit=1)[0]
        assert len(cands) == 1 and cands.dtype == np.int64
