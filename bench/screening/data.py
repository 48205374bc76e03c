"""Loading the development data of ../shared/data/screening and splitting it into tuning and held-out halves.

The split is by a hash of the query id (CRC-32, even = tuning), so it is fixed, reproducible and
blind to the content of the query.
"""

from __future__ import annotations

import csv
import zlib
from dataclasses import dataclass
from pathlib import Path

from muster.domain.matching import ScreeningQuery, WatchlistEntry

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "screening"


@dataclass
class DevData:
    entries: list[WatchlistEntry]
    queries: list[ScreeningQuery]
    truth: dict[str, set[str]]
    kind: dict[str, str]


def is_tuning(query_id: str) -> bool:
    return zlib.crc32(query_id.encode()) % 2 == 0


def load(data: Path = DATA) -> DevData:
    from muster.importers.watchlist_csv import read_watchlist_csv, read_queries_csv

    entries = list(read_watchlist_csv(data / "watchlist.csv").entries)
    queries = list(read_queries_csv(data / "queries.csv"))
    truth: dict[str, set[str]] = {}
    with open(data / "truth.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            truth.setdefault(row["query_id"], set()).add(row["watchlist_id"])
    with open(data / "query_kinds.csv", encoding="utf-8") as f:
        kind = {row["query_id"]: row["kind"] for row in csv.DictReader(f)}
    return DevData(entries, queries, truth, kind)
