"""Reading and writing the `muster trust` batch files (EDGES.csv, SEEDS.csv, SCORES.csv) with Apache Arrow.

A million-node, ten-million-vouch file must go in and out in about a second, which the `csv` module cannot
do. Arrow's CSV reader parses on both cores (quoted fields, CRLF and UTF-8 checks included) from the
memory-mapped file. Ids that are canonical decimals of a dense range (database keys: no sign, no leading
zero) are numbered through a direct-address table: a file of nothing but such ids is parsed straight to
int32, one with other columns is streamed batch by batch as text and checked. Any other ids go through
Arrow's hash kernel. Ids are taken verbatim (no trimming); a UTF-8 byte-order mark,
gzip and trailing blank lines are allowed; a blank line in the middle is a malformed line.

Nodes are numbered in a fixed order, whichever way a file is read: the support estimate draws one hash
per node index, so the numbering decides the scores' last digits. Decimal ids go in numeric order; other
ids by their first eight bytes read as a little-endian number (the order of earlier releases, kept so that
scores do not move), then bytewise.

Arrow reports a bad line without its line number, so any file Arrow refuses is read again with the `csv`
module, which raises `InputError` naming the file and the line (or reads it, where Arrow was stricter).
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import mmap
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from muster.domain.errors import InputError

if TYPE_CHECKING:
    from muster.domain.trust import TrustReport

# Ids of a dense range (up to this slack beyond 8 per field) are numbered through a direct-address table.
_DIRECT_SLACK = 1 << 20
_PARALLEL_FROM = 1_000_000


@dataclass(frozen=True)
class Table:
    """A CSV file's id columns as codes into one shared list of distinct `ids`, and its number columns."""

    rows: int
    ids: list[str]
    codes: dict[str, np.ndarray]
    numbers: dict[str, np.ndarray]


class _Refused(Exception):
    """Arrow's reading is not the whole story (an empty id): read the file with the csv module."""


def _read_bytes(path: Path) -> bytes | mmap.mmap:
    """The file's bytes: memory-mapped (the page cache already holds them: no copy) unless gzipped."""
    try:
        with open(path, "rb") as fh:
            data: bytes | mmap.mmap = (mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
                                       if os.fstat(fh.fileno()).st_size else b"")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(f"{path}: not a readable gzip file ({exc})") from None
    return data


def _header(path: Path, data: bytes | mmap.mmap, start: int, required: tuple[str, ...],
            optional: tuple[str, ...]) -> tuple[list[str], int]:
    end = data.find(b"\n", start)
    line = (data[start:] if end < 0 else data[start:end]).rstrip(b"\r")
    try:
        names = [name.strip().strip('"') for name in line.decode("utf-8").split(",")]
    except UnicodeDecodeError:
        raise InputError(f"{path}:1: header is not UTF-8") from None
    missing = [name for name in required if name not in names]
    if missing:
        raise InputError(f"{path}:1: header must name the column(s) {', '.join(required)}"
                         f"{' (optional: ' + ', '.join(optional) + ')' if optional else ''}; found {line[:200]!r}")
    return names, (len(data) if end < 0 else end + 1)


def read_table(path: Path, ids: tuple[str, ...], numbers: tuple[str, ...] = ()) -> Table:
    """Read the id columns `ids` (required, one shared id space) and the optional number columns."""
    data = _read_bytes(path)
    start = 3 if data[:3] == b"\xef\xbb\xbf" else 0
    names, offset = _header(path, data, start, ids, numbers)
    present = [c for c in numbers if c in names]
    end = len(data)
    while end > offset and data[end - 1] in b"\r\n":
        end -= 1  # trailing blank lines are allowed
    if end <= offset:
        empty = np.zeros(0, dtype=np.int64)
        return Table(0, [], {c: empty for c in ids}, {c: np.zeros(0) for c in present})
    source = pa.py_buffer(data).slice(start, end - start)
    options = {
        "parse_options": pa_csv.ParseOptions(ignore_empty_lines=False, newlines_in_values=data.find(b'"') >= 0),
        "convert_options": pa_csv.ConvertOptions(
            column_types={**{c: pa.string() for c in ids}, **{c: pa.float64() for c in present}},
            include_columns=[*ids, *present], null_values=[], strings_can_be_null=False)}
    table = _read_keys(source, end - offset, options, ids) if sorted(names) == sorted(ids) else None
    try:
        table = table or _read_decimal_ids(source, options, ids, present) or _read_any_ids(source, options, ids, present)
    except (pa.ArrowInvalid, _Refused):
        return _read_slow(path, data[start:end], names, ids, present)
    return table


def _read_keys(source: pa.Buffer, body: int, options: dict[str, Any], ids: tuple[str, ...]) -> Table | None:
    """The commonest batch file, nothing but database keys: parsed straight to int32 on both cores, then
    checked to be canonical decimals by length. A field that parses to v holds at least the digits of v, so
    the `body` (the bytes after the header) is exactly as long as those digits and the separators only if no
    field has a sign, a leading zero, a quote or a blank, and no line a carriage return. None for any other
    file: the string path reads it."""
    convert = pa_csv.ConvertOptions(column_types={c: pa.int32() for c in ids}, include_columns=list(ids),
                                    null_values=[], strings_can_be_null=False)
    try:
        table = pa_csv.read_csv(pa.BufferReader(source), parse_options=options["parse_options"],
                                convert_options=convert)
    except pa.ArrowInvalid:  # a field that is no int32 (a name, a blank, a huge number): not this kind of file
        return None
    parts = [[chunk.to_numpy() for chunk in table.column(c).chunks] for c in ids]
    flat = [part for column in parts for part in column if len(part)]
    if not flat or min(int(part.min()) for part in flat) < 0:
        return None
    fields = table.num_rows * len(ids)
    if _digits(flat) + fields - 1 != body:  # a comma or a newline between fields
        return None
    return _numbered_keys(parts, table.num_rows, ids, {})


def _read_decimal_ids(source: pa.Buffer, options: dict[str, Any], ids: tuple[str, ...],
                      numbers: list[str]) -> Table | None:
    """Database keys beside other columns: streamed once, each batch's ids checked to be canonical decimals
    and kept only as int32 values, then numbered through a direct-address table. None for any other file."""
    parts: list[list[np.ndarray]] = [[] for _ in ids]
    nums: dict[str, list[np.ndarray]] = {c: [] for c in numbers}
    for batch in pa_csv.open_csv(pa.BufferReader(source), **options):
        for column, column_parts in zip(ids, parts):
            part = _decimals(batch.column(column), pa.int32())
            if part is None:
                return None
            column_parts.append(part)
        for column in numbers:
            nums[column].append(batch.column(column).to_numpy())
    rows = sum(len(part) for part in parts[0])
    return _numbered_keys(parts, rows, ids, {column: np.concatenate(values) for column, values in nums.items()})


def _numbered_keys(parts: list[list[np.ndarray]], rows: int, ids: tuple[str, ...],
                   numbers: dict[str, np.ndarray]) -> Table | None:
    """Non-negative keys (per id column, its int32 parts) numbered in numeric order through a direct-address
    table; None when they are too sparse for one."""
    top = max((int(part.max()) for column in parts for part in column if len(part)), default=-1)
    if top > 8 * len(ids) * rows + _DIRECT_SLACK:
        return None
    present = np.zeros(top + 1, dtype=bool)
    for part in itertools.chain.from_iterable(parts):
        present[part] = True
    node = np.cumsum(present, dtype=np.int32)
    node -= 1
    codes = np.empty(rows * len(ids), dtype=np.int32)
    at = 0
    for part in itertools.chain.from_iterable(parts):
        np.take(node, part, out=codes[at:at + len(part)])
        at += len(part)
    names = pc.cast(pa.array(np.flatnonzero(present)), pa.string()).to_pylist()
    return Table(rows, names, {c: codes[k * rows:(k + 1) * rows] for k, c in enumerate(ids)}, numbers)


def _digits(values: Sequence[np.ndarray]) -> int:
    """How many decimal digits the non-negative `values` have, all told."""
    total = sum(len(part) for part in values)
    top = max((int(part.max()) for part in values if len(part)), default=0)
    power = 10
    while power <= top:
        total += sum(int(np.count_nonzero(part >= power)) for part in values)
        power *= 10
    return total


def _read_any_ids(source: pa.Buffer, options: dict[str, Any], ids: tuple[str, ...], numbers: list[str]) -> Table:
    """Any ids: Arrow's hash kernel over all fields gives the distinct ids, numbered as the module says."""
    table = pa_csv.read_csv(pa.BufferReader(source), **options)
    rows = table.num_rows
    dictionary, codes = _dictionary_encode([chunk for c in ids for chunk in table.column(c).chunks], rows)
    if not pc.all(pc.greater(pc.binary_length(dictionary), 0)).as_py():
        raise _Refused  # an empty id: the csv module names its line
    values, codes = _numbered(dictionary, codes)
    return Table(rows, values, {c: codes[k * rows:(k + 1) * rows] for k, c in enumerate(ids)},
                 {c: table.column(c).to_numpy() for c in numbers})


def _code_type(count: int) -> type[np.signedinteger]:
    """int32 node codes while they fit: half the memory, and SciPy's sparse builds take them as they are."""
    return np.int32 if count < 2**31 else np.int64


def _decimals(ids: pa.Array, kind: pa.DataType = pa.int64()) -> np.ndarray | None:
    """The ids' values if every one is a canonical decimal (digits only, no leading zero) that fits `kind`."""
    if not pc.all(pc.ascii_is_decimal(ids)).as_py():  # false for an empty id as well
        return None
    try:
        values = pc.cast(ids, kind).to_numpy()
    except pa.ArrowInvalid:  # too many digits for `kind`
        return None
    # Without leading zeros the ids have, all told, exactly as many bytes as their values have digits.
    offsets = np.frombuffer(ids.buffers()[1], dtype=np.int32, count=len(ids) + 1, offset=4 * ids.offset)
    return values if _digits([values]) == int(offsets[-1] - offsets[0]) else None  # type: ignore[no-any-return]


def _dictionary_encode(chunks: list[pa.Array], rows: int) -> tuple[pa.Array, np.ndarray]:
    """Distinct ids (in no particular order) and each field's index among them: Arrow's hash kernel on
    each half of the fields in its own thread, the second half's distinct ids then looked up in the first's."""
    half = len(chunks) // 2 if rows >= _PARALLEL_FROM else 0
    halves = [pa.chunked_array(part, pa.string()) for part in (chunks[:half], chunks[half:]) if part]
    with ThreadPoolExecutor(len(halves)) as pool:
        encoded = list(pool.map(lambda part: part.dictionary_encode(), halves))
    dictionary = pa.array([], pa.string())
    codes = []
    for part in encoded:
        own = part.chunk(0).dictionary  # every chunk of the result shares one dictionary
        at = pc.index_in(own, value_set=dictionary).fill_null(-1).to_numpy(zero_copy_only=False, writable=True)
        new = at < 0
        at[new] = len(dictionary) + np.arange(np.count_nonzero(new))
        dictionary = pa.concat_arrays([dictionary, own.filter(pa.array(new))])
        codes.append(at[np.concatenate([chunk.indices.to_numpy() for chunk in part.chunks])])
    return dictionary, np.concatenate(codes)


def _numbered(dictionary: pa.Array, codes: np.ndarray) -> tuple[list[str], np.ndarray]:
    """`dictionary` in node order (see the module docstring) and `codes` renumbered to match."""
    values = _decimals(dictionary)
    if values is not None:
        order = np.argsort(values, kind="stable")
    else:
        word = _leading_word(dictionary)
        order = np.argsort(word, kind="stable")
        ordered = word[order]
        if np.any(ordered[1:] == ordered[:-1]):  # ids sharing their first eight bytes: bytewise
            bytewise = np.empty(len(dictionary), dtype=np.int64)
            bytewise[pc.sort_indices(dictionary).to_numpy()] = np.arange(len(dictionary))
            order = np.lexsort((bytewise, word))
    node = np.empty(len(order), dtype=_code_type(len(order)))
    node[order] = np.arange(len(order))
    return dictionary.take(pa.array(order)).to_pylist(), node[codes]


_KEEP = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)


def _leading_word(ids: pa.Array) -> np.ndarray:
    """Each id's first eight bytes (zero padded) as a little-endian uint64."""
    _, offsets_buffer, data_buffer = ids.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32, count=len(ids) + 1, offset=4 * ids.offset)
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    padded = np.concatenate([data, np.zeros(8, dtype=np.uint8)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, 8)
    word = np.ascontiguousarray(windows[offsets[:-1]]).view("<u8").ravel()
    word &= _KEEP[np.minimum(np.diff(offsets), 8)]
    return word


def _read_slow(path: Path, data: bytes, names: list[str], ids: tuple[str, ...], numbers: list[str]) -> Table:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8") from None
    reader = csv.reader(io.StringIO(text))
    next(reader)
    index: dict[str, int] = {}
    codes: dict[str, list[int]] = {c: [] for c in ids}
    nums: dict[str, list[float]] = {c: [] for c in numbers}
    rows = 0
    try:
        for row in reader:
            line = reader.line_num
            if len(row) != len(names):
                raise InputError(f"{path}:{line}: expected {len(names)} fields ({', '.join(names)}), found {len(row)}")
            rows += 1
            for c in ids:
                value = row[names.index(c)]
                if not value:
                    raise InputError(f"{path}:{line}: empty id ({c})")
                codes[c].append(index.setdefault(value, len(index)))
            for c in numbers:
                value = row[names.index(c)]
                try:
                    nums[c].append(float(value))
                except ValueError:
                    raise InputError(f"{path}:{line}: {c} {value[:40]!r} is not a number") from None
    except csv.Error as exc:
        raise InputError(f"{path}:{reader.line_num}: {exc}") from None
    values, node = _numbered(pa.array(list(index), pa.string()),
                             np.asarray([code for c in ids for code in codes[c]], dtype=np.int64))
    return Table(rows, values, {c: node[k * rows:(k + 1) * rows] for k, c in enumerate(ids)},
                 {c: np.asarray(v, dtype=np.float64) for c, v in nums.items()})


_WRITE_ROWS = 1 << 17


def write_scores(path: Path, report: TrustReport) -> None:
    """Write `id,score,flag,reason` for every node of the report, lines assembled by Arrow kernels a slice of
    rows at a time (the whole file at once would hold a few hundred megabytes for a million nodes), on two
    threads (the kernels release the GIL) while the file is written in order."""
    # A reason never holds a double quote: wrapping it is all the quoting it needs.
    texts, which = report.distinct_reasons()
    reasons = pc.binary_join_element_wise('"', pa.array(texts, pa.string()), '"\n', "")

    def lines(lo: int) -> pa.Array:
        rows = slice(lo, lo + _WRITE_ROWS)
        return _lines(report.graph.ids[rows], report.score[rows], report.flag[rows], reasons.take(which[rows]))

    try:
        with open(path, "wb") as fh, ThreadPoolExecutor(2) as pool:
            fh.write(b"id,score,flag,reason\n")
            for part in pool.map(lines, range(0, report.graph.n, _WRITE_ROWS)):
                _, offsets, text = part.buffers()
                start, stop = np.frombuffer(offsets, dtype=np.int32)[[part.offset, part.offset + len(part)]]
                fh.write(memoryview(text)[start:stop])
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None


def _lines(ids: Sequence[str], scores: np.ndarray, flags: np.ndarray, reason_text: pa.Array) -> pa.Array:
    """One CSV line per row, newline included; `reason_text` is each row's quoted reason and newline."""
    id_text = pa.array(ids, pa.string())
    special = pc.match_substring_regex(id_text, r'[,"\n\r]')
    if pc.any(special).as_py():
        quoted = pc.binary_join_element_wise('"', pc.replace_substring(id_text, '"', '""'), '"', "")
        id_text = pc.if_else(special, quoted, id_text)
    flag_text = pa.array(["false", "true"]).take(pa.array(flags.astype(np.int8)))
    return pc.binary_join_element_wise(id_text, _fixed(scores, 6), flag_text, reason_text, ",")


def _fixed(values: np.ndarray, places: int) -> pa.Array:
    """`'%.{places}f' % value` for every value, in bulk: the value in units of the last place, rounded,
    printed as an integer with the point put in. A product within rounding error of a half unit might
    round unlike '%f' (which rounds the exact binary value), so such values, and negative, huge or
    non-finite ones, are printed by Python instead."""
    scaled = values * 10.0**places
    with np.errstate(invalid="ignore"):
        exact = ~np.signbit(scaled) & (scaled < 2**32)
        exact &= np.abs(scaled - np.floor(scaled) - 0.5) > 1e-6
    units = np.where(exact, np.rint(scaled), 0).astype(np.int64)
    whole, part = np.divmod(units, 10**places)
    text = pc.binary_join_element_wise(pc.cast(pa.array(whole), pa.string()), pc.utf8_lpad(
        pc.cast(pa.array(part), pa.string()), places, "0"), ".")
    if not exact.all():
        text = pc.replace_with_mask(text, pa.array(~exact), pa.array(
            [f"{value:.{places}f}" for value in values[~exact].tolist()], pa.string()))
    return text
