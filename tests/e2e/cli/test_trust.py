"""`muster trust score` end to end on small files: the output contract and every kind of bad input."""

from __future__ import annotations

import csv
import gzip
import itertools

import pytest
from typer.testing import CliRunner

import muster.cli.commands  # noqa: F401  (registers every command group, `trust` included)
from muster.cli import app


def community(size: int) -> list[tuple[str, str]]:
    return [(f"h{i}", f"h{(i + d) % size}") for i in range(size) for d in (1, 2, 3)]


def fakes(size: int) -> list[tuple[str, str]]:
    return [(f"f{i}", f"f{j}") for i, j in itertools.permutations(range(size), 2)]


@pytest.fixture
def files(tmp_path):
    def write(edges: str, seeds: str = "id\nh0\nh10\nh20\nh30\n") -> tuple:
        e, s = tmp_path / "edges.csv", tmp_path / "seeds.csv"
        e.write_text(edges)
        s.write_text(seeds)
        return e, s, tmp_path / "scores.csv"

    return write


def edges_csv(rows, weight: bool = False) -> str:
    head = "voucher,vouchee,weight\n" if weight else "voucher,vouchee\n"
    return head + "".join(",".join(map(str, r)) + "\n" for r in rows)


def run(edges, seeds, out):
    # An escaped error fails the test rather than becoming exit code 1.
    return CliRunner().invoke(app, ["trust", "score", "--edges", str(edges), "--seeds", str(seeds), "--out", str(out)],
                              catch_exceptions=False)


def read(out) -> dict[str, dict[str, str]]:
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["id", "score", "flag", "reason"]
    return {r["id"]: r for r in rows}


class TestScoreContract:
    def test_every_node_gets_a_score_a_flag_and_a_reason(self, files):
        e, s, out = files(edges_csv(community(40) + fakes(8) + [("h5", "f0")]))
        result = run(e, s, out)
        assert result.exit_code == 0, result.output
        rows = read(out)
        assert set(rows) == {f"h{i}" for i in range(40)} | {f"f{i}" for i in range(8)}
        assert all(0.0 <= float(r["score"]) <= 1.0 and r["reason"] for r in rows.values())
        assert {i for i, r in rows.items() if r["flag"] == "true"} == {f"f{i}" for i in range(8)}
        assert {r["flag"] for r in rows.values()} == {"true", "false"}
        assert rows["f2"]["reason"].startswith("suspected ring 1: 8 members")

    def test_an_honest_chain_is_not_flagged(self, files):
        e, s, out = files(edges_csv([("s", "a"), ("a", "b"), ("b", "c")]), "id\ns\n")
        assert run(e, s, out).exit_code == 0
        assert all(r["flag"] == "false" for r in read(out).values())

    def test_weights_are_read_and_string_ids_kept_verbatim(self, files):
        e, s, out = files(edges_csv([("seed-1", "Ann.B", 0.5), ("Ann.B", "x y", 1), ("x y", "seed-1", 0.25)],
                                    weight=True), "id\nseed-1\n")
        assert run(e, s, out).exit_code == 0
        assert set(read(out)) == {"seed-1", "Ann.B", "x y"}

    def test_quoted_fields_and_ids_with_commas_round_trip(self, files):
        e, s, out = files('voucher,vouchee\n"a,1",b\nb,"c ""q"""\n', 'id\n"a,1"\n')
        assert run(e, s, out).exit_code == 0
        assert set(read(out)) == {"a,1", "b", 'c "q"'}

    def test_gzip_input_and_windows_line_ends_are_accepted(self, files, tmp_path):
        e, s, out = files("voucher,vouchee\r\ns,a\r\na,b\r\n", "id\r\ns\r\n")
        gz = tmp_path / "edges.csv.gz"
        gz.write_bytes(gzip.compress(e.read_bytes()))
        assert run(gz, s, out).exit_code == 0
        assert set(read(out)) == {"s", "a", "b"}

    def test_integer_ids_take_the_fast_path_and_keep_their_spelling(self, files):
        e, s, out = files(edges_csv([(10, 200), (200, 3), (3, 10), (0, 3)]), "id\n10\n")
        assert run(e, s, out).exit_code == 0
        assert set(read(out)) == {"10", "200", "3", "0"}

    def test_leading_zeros_make_ids_strings(self, files):
        e, s, out = files(edges_csv([("007", "7"), ("7", "07")]), "id\n007\n")
        assert run(e, s, out).exit_code == 0
        assert set(read(out)) == {"007", "7", "07"}


class TestScoreBadInput:
    def run_fails(self, files, edges: str, seeds: str = "id\ns\n") -> str:
        e, s, out = files(edges, seeds)
        result = run(e, s, out)
        assert result.exit_code == 2, result.output
        return result.output

    def test_a_line_with_too_few_fields_names_the_file_and_line(self, files):
        output = self.run_fails(files, "voucher,vouchee\ns,a\nb\n")
        assert "edges.csv:3: expected 2 fields" in output

    def test_a_blank_line_in_the_middle_is_malformed(self, files):
        assert "edges.csv:3:" in self.run_fails(files, "voucher,vouchee\ns,a\n\na,b\n")

    def test_a_missing_column_is_named(self, files):
        assert "voucher, vouchee" in self.run_fails(files, "from,to\ns,a\n")

    def test_a_weight_out_of_range_names_the_line(self, files):
        output = self.run_fails(files, "voucher,vouchee,weight\ns,a,1\na,b,1.5\n")
        assert "edges.csv:3: weight 1.5 is outside [0, 1]" in output

    def test_a_weight_that_is_not_a_number_names_the_line(self, files):
        assert "edges.csv:2: weight 'high' is not a number" in self.run_fails(files, "voucher,vouchee,weight\ns,a,high\n")

    def test_an_empty_id_names_the_line(self, files):
        assert "edges.csv:3: empty id" in self.run_fails(files, "voucher,vouchee\ns,a\n,b\n")

    def test_no_known_seed_is_an_error(self, files):
        assert "no seed" in self.run_fails(files, "voucher,vouchee\ns,a\n", "id\nghost\n")

    def test_a_missing_file_is_an_error(self, files, tmp_path):
        e, s, out = files("voucher,vouchee\ns,a\n")
        result = run(tmp_path / "nope.csv", s, out)
        assert result.exit_code == 2 and "cannot read" in result.output

    def test_unknown_seeds_self_vouches_and_duplicates_are_warned_about_not_fatal(self, files):
        e, s, out = files("voucher,vouchee\ns,a\ns,a\na,a\na,b\n", "id\ns\nghost\n")
        result = run(e, s, out)
        assert result.exit_code == 0
        assert "1 seed id(s) appear in no vouch" in result.output
        assert "ignored 1 self-vouch" in result.output and "merged 1 repeated" in result.output
        assert set(read(out)) == {"s", "a", "b"}

    def test_an_empty_edges_file_writes_an_empty_score_file(self, files):
        e, s, out = files("voucher,vouchee\n")
        assert run(e, s, out).exit_code == 0
        assert out.read_text() == "id,score,flag,reason\n"


class TestScoreIdSpellings:
    def test_long_ids_use_the_multi_word_path_and_round_trip(self, files):
        long = [f"applicant-{i:04d}-0000-4000-8000-{i:012d}" for i in range(6)]
        rows = [(long[0], long[1]), (long[1], long[2]), (long[2], long[0]), (long[3], long[4]), (long[0], long[5])]
        e, s, out = files(edges_csv(rows), f"id\n{long[0]}\n")
        assert run(e, s, out).exit_code == 0
        assert set(read(out)) == set(long)

    def test_ids_of_eight_bytes_and_mixed_lengths_stay_distinct(self, files):
        ids = ["abcdefgh", "abcdefg", "abcdefghi", "a", "ab"]
        rows = list(zip(ids, ids[1:] + ids[:1]))
        e, s, out = files(edges_csv(rows), "id\na\n")
        assert run(e, s, out).exit_code == 0
        assert set(read(out)) == set(ids)

    def test_a_seeds_file_without_an_id_column_is_an_error(self, files):
        e, s, out = files(edges_csv([("s", "a")]), "name\ns\n")
        result = run(e, s, out)
        assert result.exit_code == 2 and "seeds.csv:1: header must name the column(s) id" in result.output

    def test_an_unwritable_output_is_an_error(self, files, tmp_path):
        e, s, _ = files(edges_csv([("s", "a")]), "id\ns\n")
        result = run(e, s, tmp_path / "missing-dir" / "out.csv")
        assert result.exit_code == 2 and "cannot write" in result.output

    def test_a_quoted_header_is_read(self, files):
        e, s, out = files('"voucher","vouchee"\n"s","a"\n', '"id"\n"s"\n')
        assert run(e, s, out).exit_code == 0
        assert set(read(out)) == {"s", "a"}
