"""`muster screen`: the file contract, through Typer's CliRunner."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from muster.cli import app, commands  # noqa: F401  (registers the command modules)

WATCHLIST = """id,name,aliases,birth_date,country
W1,Писаревский Евгений Леонидович,Pisarevsky Evgeny Leonidovich,1970-05-17,RU
W2,"SHKOLKINA, Nadezhda Vasilievna",Школкина Надежда Васильевна,1960,RU
W3,Kataev Andrey Mikhailovich,,1971-03-21,RU
W4,Khudyk Andrey Pavlovich,,1959-01-01,BY
"""
QUERIES = """id,name,birth_date,country
q1,Pisarevskii Evgenii,1970-05-17,
q2,Школкина Надежда,,RU
q3,Smirnov Oleg Viktorovich,1985-01-01,
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"w": tmp_path / "w.csv", "q": tmp_path / "q.csv", "out": tmp_path / "r.csv"}
    paths["w"].write_text(WATCHLIST, encoding="utf-8")
    paths["q"].write_text(QUERIES, encoding="utf-8")
    return paths


def run(files: dict[str, Path], *extra: str):  # noqa: ANN201
    args = ["screen", "--watchlist", str(files["w"]), "--queries", str(files["q"]), "--out", str(files["out"]), *extra]
    return CliRunner().invoke(app, args, catch_exceptions=False)  # an escaped error fails the test


class TestScreenCommand:
    def test_it_writes_the_result_contract(self, files: dict[str, Path]) -> None:
        result = run(files)
        assert result.exit_code == 0, result.output
        with files["out"].open(encoding="utf-8") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
        assert reader.fieldnames == ["query_id", "watchlist_id", "score", "rank", "match", "explanation"]
        by_query: dict[str, list[dict[str, str]]] = {}
        for row in rows:
            by_query.setdefault(row["query_id"], []).append(row)
        for ranked in by_query.values():
            assert [int(r["rank"]) for r in ranked] == list(range(1, len(ranked) + 1))
            assert all(r["match"] in ("true", "false") for r in ranked)
            assert all(0.0 <= float(r["score"]) <= 1.0 for r in ranked)
        assert (by_query["q1"][0]["watchlist_id"], by_query["q1"][0]["match"]) == ("W1", "true")
        assert (by_query["q2"][0]["watchlist_id"], by_query["q2"][0]["match"]) == ("W2", "true")
        assert all(r["match"] == "false" for r in by_query.get("q3", []))
        assert "birth date 1970-05-17 agrees" in by_query["q1"][0]["explanation"]

    def test_top_limits_the_rows_per_query(self, files: dict[str, Path]) -> None:
        assert run(files, "--top", "1").exit_code == 0
        with files["out"].open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert [r["rank"] for r in rows] == ["1"] * len({r["query_id"] for r in rows})

    def test_a_malformed_watchlist_stops_with_file_line_and_problem(self, files: dict[str, Path]) -> None:
        files["w"].write_text(WATCHLIST + "W5,Someone,,1970-1-1,RU\n", encoding="utf-8")
        result = run(files)
        assert result.exit_code == 2
        assert f"{files['w']}, line 6: birth_date '1970-1-1' is not YYYY or YYYY-MM-DD" in result.output
        assert not files["out"].exists()

    def test_a_malformed_query_file_stops_with_file_line_and_problem(self, files: dict[str, Path]) -> None:
        files["q"].write_text(QUERIES + "q4,,,\n", encoding="utf-8")
        result = run(files)
        assert result.exit_code == 2
        assert f"{files['q']}, line 5: empty name" in result.output
        assert not files["out"].exists()

    def test_a_missing_file_is_an_error_not_a_traceback(self, files: dict[str, Path]) -> None:
        files["w"].unlink()
        result = run(files)
        assert result.exit_code == 2
        assert "cannot read" in result.output
        assert isinstance(result.exception, SystemExit)

    def test_an_unwritable_output_is_an_error_not_a_traceback(self, files: dict[str, Path], tmp_path: Path) -> None:
        files["out"] = tmp_path / "no-such-dir" / "r.csv"
        result = run(files)
        assert result.exit_code == 2
        assert "cannot write" in result.output
        assert isinstance(result.exception, SystemExit)
