"""The three watchlist importers on small fixtures with broken rows (tests/integration/importers/fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from muster.domain.errors import ImportFailed, InputError
from muster.importers.watchlist_csv import read_queries_csv, read_watchlist_csv
from muster.importers.watchlist_ftm import read_watchlist_ftm
from muster.importers.watchlist_ofac import read_watchlist_ofac

FIXTURES = Path(__file__).parent / "fixtures"


class TestWatchlistCsv:
    def test_good_rows_become_entries_with_all_names(self) -> None:
        result = read_watchlist_csv(FIXTURES / "watchlist.csv")
        by_id = {e.id: e for e in result.entries}
        assert sorted(by_id) == ["W1", "W2", "W3", "W8"]
        assert by_id["W2"].names == ("SHKOLKINA, Nadezhda Vasilievna", "Школкина Надежда Васильевна",
                                     "Nadezhda Vasil'yevna Shkolkina")
        assert by_id["W2"].birth_dates == ("1960",)
        assert by_id["W2"].countries == ("RU",)
        assert len(by_id["W8"].names) == 3

    def test_broken_rows_are_rejected_with_line_and_reason(self) -> None:
        report = read_watchlist_csv(FIXTURES / "watchlist.csv").report
        rejected = {r.line: r.reason for r in report.rejected}
        assert set(rejected) == {5, 6, 7, 9, 11}
        assert "birth_date '17.05.1970'" in rejected[5]
        assert "country 'Russia'" in rejected[6]
        assert rejected[7] == "empty name"
        assert rejected[9] == "expected 5 fields, found 6"
        assert "1970-02-30" in rejected[11]

    def test_a_repeated_id_is_reported_as_duplicate_and_the_first_row_kept(self) -> None:
        result = read_watchlist_csv(FIXTURES / "watchlist.csv")
        assert [(d.line, d.reason.split(";")[0]) for d in result.report.duplicates] == [(8, "id W1 already on an earlier line")]
        assert next(e for e in result.entries if e.id == "W1").names[0] == "Писаревский Евгений Леонидович"

    def test_the_report_counts_rows_entries_and_names(self) -> None:
        report = read_watchlist_csv(FIXTURES / "watchlist.csv").report
        assert (report.rows_read, report.entries, report.names) == (10, 4, 9)
        assert "4 entries" in report.summary()

    def test_a_file_that_is_not_utf8_fails_naming_the_line(self) -> None:
        with pytest.raises(ImportFailed, match=r"line 3: not valid UTF-8"):
            read_watchlist_csv(FIXTURES / "not_utf8.csv")

    def test_a_wrong_header_fails_naming_the_missing_columns(self) -> None:
        with pytest.raises(ImportFailed, match=r"line 1: header lacks id, name, aliases, birth_date, country"):
            read_watchlist_csv(FIXTURES / "wrong_header.csv")


class TestQueriesCsv:
    def test_queries_are_read_with_optional_date_and_country(self, tmp_path: Path) -> None:
        path = tmp_path / "q.csv"
        path.write_text("id,name,birth_date,country\nq1,Иван Петров,1970,by\nq2,Ivan Petrov,,\n", encoding="utf-8")
        queries = read_queries_csv(path)
        assert [(q.id, q.birth_date, q.country) for q in queries] == [("q1", "1970", "BY"), ("q2", None, None)]

    def test_the_first_bad_query_row_is_an_input_error_with_file_and_line(self, tmp_path: Path) -> None:
        path = tmp_path / "q.csv"
        path.write_text("id,name,birth_date,country\nq1,Ivan,,\nq2,Petr,1970-13-01,\n", encoding="utf-8")
        with pytest.raises(InputError, match=r"q\.csv, line 3: birth_date '1970-13-01'"):
            read_queries_csv(path)

    def test_a_repeated_query_id_is_an_input_error(self, tmp_path: Path) -> None:
        path = tmp_path / "q.csv"
        path.write_text("id,name,birth_date,country\nq1,Ivan,,\nq1,Petr,,\n", encoding="utf-8")
        with pytest.raises(InputError, match=r"line 3: id q1 repeats"):
            read_queries_csv(path)


class TestFollowTheMoney:
    def test_persons_and_organisations_are_read_with_all_names_dates_and_countries(self) -> None:
        result = read_watchlist_ftm(FIXTURES / "entities.ftm.jsonl")
        by_id = {e.id: e for e in result.entries}
        assert sorted(by_id) == ["ofac-1", "org-1", "p-2"]
        person = by_id["ofac-1"]
        assert "Віктор Федорович Янукович" in person.names and "Vitya" not in person.names
        assert person.birth_dates == ("1950-07-09", "1950")
        assert person.countries == ("UA", "RU")
        assert by_id["org-1"].schema == "Organization" and by_id["org-1"].countries == ("RU",)

    def test_a_person_without_name_gets_one_from_the_name_parts(self) -> None:
        entry = next(e for e in read_watchlist_ftm(FIXTURES / "entities.ftm.jsonl").entries if e.id == "p-2")
        assert entry.names == ("Ivan Ivanovich Petrov",)
        assert entry.birth_dates == ("1971-03",)

    def test_broken_lines_are_rejected_and_other_schemas_skipped(self) -> None:
        report = read_watchlist_ftm(FIXTURES / "entities.ftm.jsonl").report
        assert {r.line: r.reason.split(" (")[0] for r in report.rejected} == {
            5: "not valid JSON", 6: "no id", 7: "entity p-3 has no name", 8: "not a JSON object",
            10: "entity p-4 has no schema"}
        assert report.skipped == 1

    def test_a_repeated_id_is_merged_and_reported(self) -> None:
        result = read_watchlist_ftm(FIXTURES / "entities.ftm.jsonl")
        assert [(d.line, d.reason) for d in result.report.duplicates] == [(9, "id ofac-1 also on line 1; merged")]
        assert "Viktor Yanukovich" in next(e for e in result.entries if e.id == "ofac-1").names


class TestOfacSdn:
    def test_individuals_and_entities_are_read_with_their_akas(self) -> None:
        result = read_watchlist_ofac(FIXTURES / "sdn.csv", FIXTURES / "alt.csv")
        by_id = {e.id: e for e in result.entries}
        assert sorted(by_id) == ["173", "36", "7574", "9001"]
        assert by_id["7574"].names == ("KADYROV, Ramzan Akhmatovich", "KADYROV, Ramzan Akhmadovich", "КАДЫРОВ, Рамзан Ахматович")
        assert by_id["7574"].schema == "Person" and by_id["36"].schema == "Organization"

    def test_birth_dates_and_nationalities_come_from_the_remarks(self) -> None:
        by_id = {e.id: e for e in read_watchlist_ofac(FIXTURES / "sdn.csv", FIXTURES / "alt.csv").entries}
        assert by_id["7574"].birth_dates == ("1976-10-05",)
        assert by_id["7574"].countries == ("RU",)
        assert by_id["9001"].birth_dates == ("1967",)
        assert by_id["9001"].countries == ("RU",)

    def test_broken_rows_are_rejected_vessels_skipped_and_repeats_reported(self) -> None:
        report = read_watchlist_ofac(FIXTURES / "sdn.csv", FIXTURES / "alt.csv").report
        reasons = [r.reason for r in report.rejected]
        assert "expected 12 fields, found 3" in reasons
        assert "ent_num 'abc' is not a number" in reasons
        assert "entry 9004 has no name" in reasons
        assert "alt.csv: no sdn.csv entry 5555" in reasons
        assert "alt.csv: expected 5 fields, found 2" in reasons
        assert not any("9002" in r for r in reasons)  # the vessel's a.k.a. is not an error
        assert report.skipped == 1
        assert [d.reason for d in report.duplicates] == ["ent_num 7574 repeated; first kept"]
        assert [r.line for r in report.rejected][:3] == [6, 7, 8]
