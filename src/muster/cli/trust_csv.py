"""Fast reading and writing of the `muster trust` batch files (EDGES.csv, SEEDS.csv, SCORES.csv).

A million-node, ten-million-vouch file must go in and out in a few seconds, which the `csv` module cannot
do, so plain files are parsed with NumPy on the raw bytes: find the newlines and commas (two threads),
check every line has the header's number of fields, and turn each id into a node index without a Python
loop. Ids that are canonical decimals (database keys: no sign, no leading zero, up to 8 digits) are parsed
eight bytes at a time (SWAR) and mapped through a direct-address table; any other id is packed into
uint64 words (hashed when longer than 8 bytes, with a collision check) and mapped through a sort and a
vectorised hash table. A file containing a double quote is read with the `csv` module instead (correct
for quoted fields, just slower). Ids are taken verbatim (no trimming); a UTF-8 byte-order mark, gzip, CRLF
line ends and trailing blank lines are allowed; a blank line in the middle is a malformed line.

Every problem raises `InputError` naming the file and the line.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from muster.domain.errors import InputError

if TYPE_CHECKING:
    from muster.domain.trust import TrustReport

_NL, _COMMA = 10, 44
_THREADS = max(1, min(2, os.cpu_count() or 1))


def _halves(fn: Callable[..., np.ndarray], *arrays: np.ndarray) -> np.ndarray:
    """fn over the two halves of `arrays` in two threads (NumPy releases the GIL on big arrays), joined."""
    n = len(arrays[0])
    if _THREADS < 2 or n < 1_000_000:
        return fn(*arrays)
    mid = n // 2
    with ThreadPoolExecutor(2) as pool:
        parts = list(pool.map(lambda sl: fn(*(a[sl] for a in arrays)), (slice(0, mid), slice(mid, n))))
    if any(p is None for p in parts):
        return None  # type: ignore[return-value]
    return np.concatenate(parts)


_SEPARATOR = bytes(1 if b in (_NL, _COMMA) else 0 for b in range(256))


def _separators(body: bytes) -> np.ndarray:
    """Positions of every comma and newline in `body` (bytes.translate marks them at C speed)."""
    return np.flatnonzero(np.frombuffer(body.translate(_SEPARATOR), dtype=np.bool_))


@dataclass(frozen=True)
class Table:
    """A CSV file's id columns as codes into one shared list of distinct `ids`, and its number columns."""

    rows: int
    ids: list[str]
    codes: dict[str, np.ndarray]
    numbers: dict[str, np.ndarray]


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(f"{path}: not a readable gzip file ({exc})") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.replace(b"\r\n", b"\n") if b"\r" in data else data


def _header(path: Path, data: bytes, required: tuple[str, ...], optional: tuple[str, ...]) -> tuple[list[str], int]:
    end = data.find(b"\n")
    line = data if end < 0 else data[:end]
    try:
        names = [name.strip().strip('"') for name in line.decode("utf-8").split(",")]
    except UnicodeDecodeError:
        raise InputError(f"{path}:1: header is not UTF-8") from None
    missing = [name for name in required if name not in names]
    if missing:
        raise InputError(f"{path}:1: header must name the column(s) {', '.join(required)}"
                         f"{' (optional: ' + ', '.join(optional) + ')' if optional else ''}; found {line[:200]!r}")
    return names, (len(data) if end < 0 else end + 1)


_ONES = np.uint64(0x0101010101010101)
_ZEROS = np.uint64(0x3030303030303030)  # eight ASCII '0'
_HIGH = np.uint64(0x8080808080808080)
# Keep the low `len` bytes of a word; eight ASCII '0' shifted in from the bottom for a shorter field.
_KEEP = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)
_PAD = np.array([0x3030303030303030 >> (8 * k) if k < 8 else 0 for k in range(9)], dtype=np.uint64)


def _words(padded: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The 8 bytes at each start as one little-endian uint64 (one gather, no per-byte loop)."""
    windows = np.lib.stride_tricks.as_strided(padded, shape=(len(padded) - 8, 8), strides=(1, 1))
    return np.ascontiguousarray(windows[starts]).view(np.uint64).ravel()


def _pack(padded: np.ndarray, starts: np.ndarray, lengths: np.ndarray, width: int) -> list[np.ndarray]:
    """Each field's bytes as `ceil(width / 8)` little-endian uint64 words, zero padded."""
    words = []
    for w in range(0, width, 8):
        word = _words(padded, starts + w if w else starts)
        word &= _KEEP[np.clip(lengths - w, 0, 8)]
        words.append(word)
    return words


def _as_integers(word: np.ndarray, lengths: np.ndarray) -> np.ndarray | None:
    """Fields of up to 8 bytes as integers when all are canonical decimals (no sign, no leading zero).

    `word` holds each field's first 8 bytes and whatever follows it. SWAR parsing: shift the field to the
    top of the word (pushing out what follows), fill the bottom with '0', subtract '0' from every byte at
    once, check every byte is 0..9, then combine digit pairs, quads and octets with three multiplications.
    """
    if np.any(((word & np.uint64(0xFF)) == 48) & (lengths > 1)):
        return None
    shift = (8 - lengths).view(np.uint64)
    shift <<= np.uint64(3)
    digits = np.left_shift(word, shift)
    del shift
    digits |= _PAD[lengths]
    digits -= _ZEROS
    check = digits + np.uint64(0x7676767676767676)
    check |= digits
    check &= _HIGH
    if check.any():
        return None
    del check
    upper = digits >> np.uint64(8)
    digits *= np.uint64(10)
    digits += upper
    del upper
    return _combine(digits)


def _combine(digits: np.ndarray) -> np.ndarray:
    """Eight digit bytes (after the pair step) to their integer value."""
    low = digits & np.uint64(0x000000FF000000FF)
    low *= np.uint64(100 + (1000000 << 32))
    digits >>= np.uint64(16)
    digits &= np.uint64(0x000000FF000000FF)
    digits *= np.uint64(1 + (10000 << 32))
    digits += low
    digits >>= np.uint64(32)
    return digits.view(np.int64)


def _encode(path: Path, arr: np.ndarray, starts: np.ndarray, lengths: np.ndarray,
            rows: int) -> tuple[np.ndarray, list[str]]:
    """Codes (field -> distinct value index) and the distinct values of the fields given."""
    if not lengths.all():
        raise InputError(f"{path}:{int(np.argmin(lengths)) % rows + 2}: empty id")
    padded = np.concatenate([arr, np.zeros(24, dtype=np.uint8)])
    width = int(lengths.max())
    if width <= 8:
        numbers = _halves(lambda st, ln: _as_integers(_words(padded, st), ln), starts, lengths)
        if numbers is not None and numbers.max() <= 8 * len(numbers) + (1 << 20):
            # Integer ids (the common case for database keys): a direct-address table, no sort at all.
            present = np.zeros(int(numbers.max()) + 1, dtype=bool)
            present[numbers] = True
            remap = np.cumsum(present, dtype=np.int64)
            remap -= 1
            return remap[numbers], np.flatnonzero(present).astype(str).tolist()
    words = _pack(padded, starts, lengths, width)
    if len(words) == 1:
        key = words[0]
    else:
        key = np.zeros(len(starts), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for word in words:
                key = (key ^ word) * np.uint64(0x100000001B3) + np.uint64(0x9E3779B97F4A7C15)
                key ^= key >> np.uint64(29)
    uniq, codes = _intern(key)
    first = np.empty(len(uniq), dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    if len(words) > 1 and not all(np.array_equal(word, word[first][codes]) for word in words):
        raise _Collision
    view = memoryview(arr)
    try:
        values = [bytes(view[s:s + n]).decode("utf-8")
                  for s, n in zip(starts[first].tolist(), lengths[first].tolist())]
    except UnicodeDecodeError:
        raise InputError(f"{path}: an id is not UTF-8") from None
    return codes.astype(np.int64), values


def _intern(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct keys and each key's index among them, like np.unique(return_inverse=True) but faster.

    The distinct keys come from one plain sort; the 20 M look-ups go through an open-addressing hash table
    of the distinct keys (load <= 1/4), probed for all keys at once.
    """
    ordered = np.sort(keys)  # np.unique is several times slower than sort + neighbour test on NumPy 2.4
    first = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    uniq = ordered[first]
    del ordered, first
    bits = max(4, int(len(uniq)).bit_length() + 2)
    mask = np.uint64((1 << bits) - 1)
    shift = np.uint64(64 - bits)
    table = np.zeros(1 << bits, dtype=np.uint64)
    owner = np.full(1 << bits, -1, dtype=np.int64)

    def home(k: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return ((k * np.uint64(0x9E3779B97F4A7C15)) >> shift).astype(np.int64)

    pending = np.arange(len(uniq))
    slots = home(uniq)
    while len(pending):
        s = slots[pending]
        free = owner[s] < 0
        bidders, at = pending[free], s[free]
        owner[at] = bidders  # several may bid for one slot: the last write wins, the others probe on
        won = owner[at] == bidders
        table[at[won]] = uniq[bidders[won]]
        pending = np.concatenate([pending[~free], bidders[~won]])
        slots[pending] = (slots[pending] + 1) & int(mask)
    slots = home(keys)
    codes = owner[slots]  # right for every key sitting in its home slot: most of them at this load
    pending = np.flatnonzero((table[slots] != keys) | (codes < 0))
    while len(pending):
        slots[pending] = (slots[pending] + 1) & int(mask)
        s = slots[pending]
        hit = (table[s] == keys[pending]) & (owner[s] >= 0)
        codes[pending[hit]] = owner[s[hit]]
        pending = pending[~hit]
    return uniq, codes


class _Collision(Exception):
    """Two different long ids hashed alike: read the file the slow way."""


def read_table(path: Path, ids: tuple[str, ...], numbers: tuple[str, ...] = ()) -> Table:
    """Read the id columns `ids` (required, one shared id space) and the optional number columns."""
    data = _read_bytes(path)
    names, offset = _header(path, data, ids, numbers)
    present = [c for c in numbers if c in names]
    if b'"' in data:
        return _read_slow(path, data, names, ids, present)
    if not data.endswith(b"\n") or data.endswith(b"\n\n"):
        data = data.rstrip(b"\n") + b"\n"  # trailing blank lines are allowed
    arr = np.frombuffer(data, dtype=np.uint8)
    if len(arr) <= offset:
        empty = np.zeros(0, dtype=np.int64)
        return Table(0, [], {c: empty for c in ids}, {c: np.zeros(0) for c in present})
    body = arr[offset:]
    seps = _separators(data[offset:])
    ncols = len(names)
    rows = len(seps) // ncols
    ends = seps[: rows * ncols].reshape(rows, ncols)
    is_nl = body[ends] == _NL
    if len(seps) % ncols or not is_nl[:, -1].all() or is_nl[:, :-1].any():
        _bad_line(path, body, seps, names)
    line_starts = np.empty(rows, dtype=np.int64)
    line_starts[0] = 0
    line_starts[1:] = ends[:-1, -1] + 1
    field_start = [line_starts] + [ends[:, j - 1] + 1 for j in range(1, ncols)]
    cols = [names.index(c) for c in ids]
    s = np.concatenate([field_start[j] for j in cols])
    n = np.concatenate([ends[:, j] for j in cols])
    n -= s
    s += offset
    try:
        codes, values = _encode(path, arr, s, n, rows)  # one id space for all id columns
    except _Collision:
        return _read_slow(path, data, names, ids, present)
    split = {c: codes[k * rows:(k + 1) * rows] for k, c in enumerate(ids)}
    nums = {c: _floats(path, arr, field_start[names.index(c)] + offset,
                       ends[:, names.index(c)] - field_start[names.index(c)], c) for c in present}
    return Table(rows, values, split, nums)


def _bad_line(path: Path, body: np.ndarray, seps: np.ndarray, names: list[str]) -> None:
    """Raise InputError for the first line whose number of fields differs from the header's."""
    is_nl = body[seps] == _NL
    nl_pos = np.flatnonzero(is_nl)
    per_line = np.diff(np.concatenate([[-1], nl_pos])) - 1
    line = int(np.flatnonzero(per_line != len(names) - 1)[0])
    raise InputError(f"{path}:{line + 2}: expected {len(names)} fields ({', '.join(names)}), "
                     f"found {int(per_line[line]) + 1}")


def _floats(path: Path, arr: np.ndarray, starts: np.ndarray, lengths: np.ndarray, column: str) -> np.ndarray:
    width = max(int(lengths.max()), 1)
    try:
        if width <= 8:
            padded = np.concatenate([arr, np.zeros(24, dtype=np.uint8)])
            text = _pack(padded, starts, lengths, width)[0].view("S8")
            out = text.astype(np.float64)
        else:
            raise ValueError
    except ValueError:
        view = memoryview(arr)
        out = np.empty(len(starts))
        for k, (s, n) in enumerate(zip(starts.tolist(), lengths.tolist())):
            try:
                out[k] = float(bytes(view[s:s + n]))
            except ValueError:
                text = bytes(view[s:s + n])[:40].decode("utf-8", errors="replace")
                raise InputError(f"{path}:{k + 2}: {column} {text!r} is not a number") from None
    return out


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
                    raise InputError(f"{path}:{line}: empty {c}")
                codes[c].append(index.setdefault(value, len(index)))
            for c in numbers:
                value = row[names.index(c)]
                try:
                    nums[c].append(float(value))
                except ValueError:
                    raise InputError(f"{path}:{line}: {c} {value[:40]!r} is not a number") from None
    except csv.Error as exc:
        raise InputError(f"{path}:{reader.line_num}: {exc}") from None
    return Table(rows, list(index), {c: np.asarray(v, dtype=np.int64) for c, v in codes.items()},
                 {c: np.asarray(v, dtype=np.float64) for c, v in nums.items()})


def _quoted(value: str) -> str:
    if any(ch in value for ch in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_scores(path: Path, report: TrustReport) -> None:
    """Write `id,score,flag,reason` for every node of the report."""
    ids = report.graph.ids
    joined = "".join(ids)
    if any(ch in joined for ch in ',"\n\r'):
        ids = [_quoted(v) for v in ids]
    flags = np.where(report.flag, "true", "false").tolist()
    reasons = report.reasons()  # reasons never hold a double quote, so quoting is just wrapping
    rows = zip(ids, report.score.tolist(), flags, reasons)
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write("id,score,flag,reason\n")
            fh.write("".join(map('%s,%.6f,%s,"%s"\n'.__mod__, rows)))
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None
