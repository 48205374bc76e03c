"""The trust batch-file reader and writer (cli/trust_csv.py) on small files: node numbering, the csv-module
fallback, and score formatting. The end-to-end contract lives in tests/e2e/cli/test_trust.py."""

from __future__ import annotations

import numpy as np
import pytest

from muster.cli import trust_csv
from muster.cli.trust_csv import _fixed, _read_keys, _read_slow, read_table
from muster.domain.errors import InputError
from muster.domain.trust import VouchGraph, score

PAIRS = ("voucher", "vouchee")


def read(tmp_path, text: str, numbers: tuple[str, ...] = ()):
    path = tmp_path / "edges.csv"
    path.write_bytes(text.encode())
    return read_table(path, PAIRS, numbers)


def read_both_ways(tmp_path, monkeypatch, text: str, reader: str):
    """`text` read twice, with a weight column allowed: first with trust_csv's `reader` watched, then with it
    declining the file (None), so the next path reads it. Returns both tables and what `reader` returned."""
    real, returned = getattr(trust_csv, reader), []
    monkeypatch.setattr(trust_csv, reader, lambda *a: returned.append(real(*a)) or returned[-1])
    first = read(tmp_path, text, ("weight",))
    monkeypatch.setattr(trust_csv, reader, lambda *a: None)
    return first, read(tmp_path, text, ("weight",)), returned


def pairs(table) -> list[tuple[str, str]]:
    return [(table.ids[s], table.ids[d]) for s, d in zip(table.codes["voucher"], table.codes["vouchee"])]


class TestNodeNumbering:
    def test_decimal_ids_are_numbered_in_numeric_order(self, tmp_path):
        table = read(tmp_path, "voucher,vouchee\n10,9\n100,10\n0,9\n")
        assert table.ids == ["0", "9", "10", "100"]
        assert pairs(table) == [("10", "9"), ("100", "10"), ("0", "9")]

    def test_sparse_decimal_ids_keep_numeric_order(self, tmp_path):
        table = read(tmp_path, "voucher,vouchee\n900000000000,7\n7,31000000000000\n")
        assert table.ids == ["7", "900000000000", "31000000000000"]

    def test_leading_zeros_signs_and_blanks_make_ids_strings(self, tmp_path):
        table = read(tmp_path, "voucher,vouchee\n007,7\n+7, 7\n")
        assert set(table.ids) == {"007", "7", "+7", " 7"}
        assert pairs(table) == [("007", "7"), ("+7", " 7")]

    def test_other_ids_go_by_their_first_eight_bytes_little_endian_then_bytewise(self, tmp_path):
        table = read(tmp_path, "voucher,vouchee\nab,ba\nabcdefghX,abcdefghA\n")
        # "ba" is 0x6162 and "ab" 0x6261 as little-endian words; the long pair shares its first 8 bytes.
        assert table.ids == ["ba", "ab", "abcdefghA", "abcdefghX"]

    def test_the_csv_fallback_numbers_nodes_the_same_way(self, tmp_path):
        text = "voucher,vouchee\nu3,u10\nu10,u2\nu2,x\n"
        fast = read(tmp_path, text)
        slow = _read_slow(tmp_path / "edges.csv", text.encode(), list(PAIRS), PAIRS, [])
        assert fast.ids == slow.ids
        assert all(np.array_equal(fast.codes[c], slow.codes[c]) for c in PAIRS)

    # Ids "n123" take Arrow's hash kernel on two threads (from `_PARALLEL_FROM` fields); bare keys are parsed
    # straight to int32 in many Arrow blocks. Either way every pair must come back.
    @pytest.mark.parametrize("kind", ["n", ""], ids=["hashed on two threads", "keys in many blocks"])
    def test_files_read_in_many_blocks_keep_every_pair(self, tmp_path, monkeypatch, kind):
        monkeypatch.setattr(trust_csv, "_PARALLEL_FROM", 1000)
        rng = np.random.default_rng(7)
        src, dst = rng.integers(1, 50_000, 300_000), rng.integers(1, 50_000, 300_000)
        text = "voucher,vouchee\n" + "".join(f"{kind}{s},{kind}{d}\n" for s, d in zip(src.tolist(), dst.tolist()))
        table = read(tmp_path, text)
        assert table.rows == 300_000
        codes = np.concatenate([table.codes["voucher"], table.codes["vouchee"]])
        names = np.asarray(table.ids)[codes]
        assert np.array_equal(names, np.char.add(kind, np.concatenate([src, dst]).astype(str)))

    def test_key_files_are_parsed_straight_to_integers_with_the_same_numbering(self, tmp_path, monkeypatch):
        rng = np.random.default_rng(3)
        src, dst = rng.integers(0, 5_000, 20_000), rng.integers(0, 5_000, 20_000)
        text = "vouchee,voucher\n" + "".join(f"{s},{d}\n" for s, d in zip(src.tolist(), dst.tolist()))
        fast, slow, taken = read_both_ways(tmp_path, monkeypatch, text, "_read_keys")
        assert taken[0] is fast
        assert fast.ids == slow.ids == sorted(set(fast.ids), key=int)
        assert all(np.array_equal(fast.codes[c], slow.codes[c]) for c in PAIRS)
        assert fast.numbers == {}

    def test_keys_beside_a_weight_column_are_streamed_and_numbered_as_the_hash_path_would(self, tmp_path, monkeypatch):
        rng = np.random.default_rng(5)
        src, dst, weight = rng.integers(0, 3_000, 5_000), rng.integers(0, 3_000, 5_000), rng.random(5_000).round(3)
        text = "voucher,vouchee,weight\n" + "".join(f"{s},{d},{w}\n" for s, d, w in zip(src, dst, weight))
        fast, hashed, streamed = read_both_ways(tmp_path, monkeypatch, text, "_read_decimal_ids")
        assert streamed[0] is fast
        assert fast.ids == hashed.ids == sorted(set(fast.ids), key=int)
        assert all(np.array_equal(fast.codes[c], hashed.codes[c]) for c in PAIRS)
        assert fast.numbers["weight"].tolist() == hashed.numbers["weight"].tolist() == weight.tolist()

    @pytest.mark.parametrize("text, expected", [
        ("voucher,vouchee\n1,2\n007,3\n", {"1", "2", "007", "3"}),
        ("voucher,vouchee\n1,2\n-3,3\n", {"1", "2", "-3", "3"}),
        ('voucher,vouchee\n1,2\n"3",4\n', {"1", "2", "3", "4"}),
        ("voucher,vouchee\r\n1,2\r\n10,3\r\n", {"1", "2", "10", "3"}),
        ("voucher,vouchee\n1,2\n3, 4\n", {"1", "2", "3", " 4"}),
        ("voucher,vouchee\n1,2\n3,4444444444\n", {"1", "2", "3", "4444444444"}),
    ])
    def test_a_key_file_with_any_field_not_written_canonically_keeps_its_ids_as_written(self, tmp_path, monkeypatch,
                                                                                         text, expected):
        taken = []
        monkeypatch.setattr(trust_csv, "_read_keys", lambda *a: taken.append(_read_keys(*a)) or taken[-1])
        table = read(tmp_path, text)
        assert taken == [None]
        assert set(table.ids) == expected
        assert pairs(table)[0] == ("1", "2")


class TestFileShapes:
    def test_bom_crlf_quotes_and_trailing_blank_lines_are_read(self, tmp_path):
        table = read(tmp_path, '\ufeffvoucher,vouchee,weight\r\n"a,1",b,0.5\r\nb,"c ""q""",1\r\n\r\n\r\n', ("weight",))
        assert pairs(table) == [("a,1", "b"), ("b", 'c "q"')]
        assert table.numbers["weight"].tolist() == [0.5, 1.0]

    def test_a_blank_line_in_a_one_column_file_names_its_line(self, tmp_path):
        path = tmp_path / "seeds.csv"
        path.write_text("id\na\n\nb\n")
        with pytest.raises(InputError, match=r"seeds\.csv:3: expected 1 fields"):
            read_table(path, ("id",))

    def test_a_line_with_too_many_fields_names_its_line(self, tmp_path):
        with pytest.raises(InputError, match=r"edges\.csv:3: expected 2 fields .* found 3"):
            read(tmp_path, "voucher,vouchee\na,b\nb,c,d\n")

    def test_an_id_that_is_not_utf8_is_an_error(self, tmp_path):
        path = tmp_path / "edges.csv"
        path.write_bytes(b"voucher,vouchee\na,\xff\n")
        with pytest.raises(InputError, match="not UTF-8"):
            read_table(path, PAIRS)

    def test_a_weight_python_reads_but_arrow_refuses_is_still_read(self, tmp_path):
        table = read(tmp_path, "voucher,vouchee,weight\na,b,0_5\nb,c,1\n", ("weight",))
        assert table.numbers["weight"].tolist() == [5.0, 1.0]  # out of range: the command refuses it later


class TestScoreFormatting:
    def test_scores_print_exactly_as_percent_f_does(self):
        rng = np.random.default_rng(3)
        tricky = [0.0, 1.0, 0.0078125, 0.5e-6, 1.5e-6, 2.5e-6, 0.9999995, 0.2675, 1 - 2**-53, 5e-324]
        values = np.concatenate([tricky, rng.random(20_000), np.round(rng.random(5_000), 7)])
        assert _fixed(values, 6).to_pylist() == [f"{v:.6f}" for v in values.tolist()]

    def test_negative_huge_and_non_finite_values_fall_back_to_python(self):
        values = np.array([-0.25, 1e20, np.inf, np.nan, -0.0])
        assert _fixed(values, 6).to_pylist() == [f"{v:.6f}" for v in values.tolist()]


class TestWriteScores:
    @pytest.mark.parametrize("rows_per_slice", [3, 1 << 17])
    def test_every_line_reads_as_id_score_flag_and_quoted_reason(self, tmp_path, monkeypatch, rows_per_slice):
        monkeypatch.setattr(trust_csv, "_WRITE_ROWS", rows_per_slice)
        community = [(f"h{i}", f"h{(i + d) % 12}") for i in range(12) for d in (1, 2)]
        graph = VouchGraph.from_edges([*community, ("h0", 'odd,"id"'), ('odd,"id"', "h3")])
        report = score(graph, ["h0"])
        out = tmp_path / "scores.csv"
        trust_csv.write_scores(out, report)
        quoted = ['"odd,""id"""' if node == 'odd,"id"' else node for node in graph.ids]
        expected = "".join(f'{node},{value:.6f},{"true" if flag else "false"},"{reason}"\n' for node, value, flag, reason
                           in zip(quoted, report.score.tolist(), report.flag.tolist(), report.reasons()))
        assert out.read_text() == "id,score,flag,reason\n" + expected
