"""Muster's own CSV contract for watchlists and the query file of ``muster screen``.

Watchlist: UTF-8, header row ``id,name,aliases,birth_date,country``; aliases separated by ``;``;
birth_date ``YYYY`` or ``YYYY-MM-DD`` or empty; country ISO 3166 alpha-2 or empty. A row breaking a
rule is rejected with its line; a repeated id is reported as a duplicate and the first row kept.

Queries: header ``id,name,birth_date,country`` with the same rules; any bad row is an error
(``InputError`` naming the file, line and problem), because a skipped applicant is never screened.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from muster.domain.errors import ImportFailed, InputError
from muster.domain.matching import ScreeningQuery, WatchlistEntry
from muster.importers.base import ImportReport, RejectedRow, WatchlistImport, check_date, country_codes, dedupe, read_text_lines

WATCHLIST_COLUMNS = ("id", "name", "aliases", "birth_date", "country")
QUERY_COLUMNS = ("id", "name", "birth_date", "country")


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str] | str]]:
    """(line, row) for each record, or (line, problem) when the record has the wrong number of fields."""
    lines = read_text_lines(path)
    if not lines:
        raise ImportFailed(f"{path}, line 1: empty file, expected the header {','.join(columns)}")
    reader = csv.reader(lines)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise ImportFailed(f"{path}, line 1: unreadable header ({exc})") from exc
    missing = [c for c in columns if c not in header]
    if missing:
        raise ImportFailed(f"{path}, line 1: header lacks {', '.join(missing)}; expected {','.join(columns)}")
    line = reader.line_num
    while True:
        start = line + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, f"malformed CSV ({exc})"
            line = reader.line_num
            continue
        line = reader.line_num
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            yield start, f"expected {len(header)} fields, found {len(fields)}"
            continue
        yield start, dict(zip(header, fields, strict=True))


def _check_common(row: dict[str, str]) -> str | None:
    if not row["id"].strip():
        return "empty id"
    if not row["name"].strip():
        return "empty name"
    birth = row["birth_date"].strip()
    if birth and check_date(birth) is None:
        return f"birth_date '{birth}' is not YYYY or YYYY-MM-DD"
    country = row["country"].strip().upper()
    if country and country not in country_codes():
        return f"country '{row['country'].strip()}' is not an ISO 3166 alpha-2 code"
    return None


def read_watchlist_csv(path: Path) -> WatchlistImport:
    """Read a watchlist CSV into entries plus an import report (bad rows rejected, not fatal)."""
    report = ImportReport(source=str(path))
    entries: dict[str, WatchlistEntry] = {}
    for line, row in _rows(path, WATCHLIST_COLUMNS):
        report.rows_read += 1
        if isinstance(row, str):
            report.rejected.append(RejectedRow(line, row))
            continue
        problem = _check_common(row)
        if problem:
            report.rejected.append(RejectedRow(line, problem))
            continue
        entry_id = row["id"].strip()
        if entry_id in entries:
            report.duplicates.append(RejectedRow(line, f"id {entry_id} already on an earlier line; first kept"))
            continue
        names = dedupe([row["name"], *row["aliases"].split(";")])
        birth, country = row["birth_date"].strip(), row["country"].strip().upper()
        entries[entry_id] = WatchlistEntry(entry_id, names, (birth,) if birth else (), (country,) if country else ())
        report.names += len(names)
    report.entries = len(entries)
    return WatchlistImport(tuple(entries.values()), report)


def read_queries_csv(path: Path) -> list[ScreeningQuery]:
    """Read the queries of ``muster screen``; the first bad row raises InputError with file and line."""
    try:
        rows = list(_rows(path, QUERY_COLUMNS))
    except ImportFailed as exc:
        raise InputError(str(exc)) from exc
    queries: list[ScreeningQuery] = []
    seen: set[str] = set()
    for line, row in rows:
        problem = row if isinstance(row, str) else _check_common(row)
        if problem is None and isinstance(row, dict) and row["id"].strip() in seen:
            problem = f"id {row['id'].strip()} repeats an earlier query"
        if problem is not None:
            raise InputError(f"{path}, line {line}: {problem}")
        assert isinstance(row, dict)
        seen.add(row["id"].strip())
        queries.append(ScreeningQuery(row["id"].strip(), row["name"].strip(), row["birth_date"].strip() or None,
                                      row["country"].strip().upper() or None))
    return queries
