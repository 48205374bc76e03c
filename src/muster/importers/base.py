"""What every importer returns: the records it read and a report of what it did with each row.

``ImportReport`` counts rows read, records produced, duplicates and rejected rows; every rejection
names its line (1-based, as an editor shows it) and the reason. A file that cannot be read at all
(not UTF-8, no header, wrong columns) raises ``ImportFailed`` instead: nothing was produced.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Protocol

from muster.domain.errors import ImportFailed
from muster.domain.matching import WatchlistEntry


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row left out: where and why."""

    line: int
    reason: str


@dataclass
class ImportReport:
    """Counts, duplicates and rejected rows of one import."""

    source: str
    rows_read: int = 0
    entries: int = 0
    names: int = 0
    skipped: int = 0
    duplicates: list[RejectedRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)

    def summary(self) -> str:
        """One line for a terminal."""
        return (f"{self.source}: {self.rows_read} rows, {self.entries} entries, {self.names} names, "
                f"{len(self.duplicates)} duplicates, {len(self.rejected)} rejected, {self.skipped} skipped")


@dataclass
class WatchlistImport:
    """The entries an import produced and its report."""

    entries: tuple[WatchlistEntry, ...]
    report: ImportReport


class Importer(Protocol):
    """An importer reads a source and yields watchlist entries, filling in the report as it goes."""

    def iter_records(self, source: Path, report: ImportReport) -> Iterator[WatchlistEntry]: ...


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def check_date(value: str, *, allow_month: bool = False) -> str | None:
    """The date if it is YYYY or YYYY-MM-DD (YYYY-MM too when ``allow_month``) and real, else None."""
    m = _DATE.match(value)
    if not m or (m.group(2) and not m.group(3) and not allow_month):
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day:
            date(year, int(month), int(day))
        elif month and not 1 <= int(month) <= 12:
            return None
    except ValueError:
        return None
    return value


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes as ICU knows them."""
    import icu

    return frozenset(icu.Locale.getISOCountries())


@cache
def country_by_name() -> dict[str, str]:
    """English country name (lower case) -> alpha-2 code, from ICU's display names."""
    import icu

    english = icu.Locale("en")
    names = {icu.Locale("", code).getDisplayCountry(english).lower(): code for code in country_codes()}
    names |= {"russian federation": "RU", "ussr": "RU", "soviet union": "RU", "iran, islamic republic of": "IR",
              "korea, north": "KP", "korea, south": "KR", "burma": "MM", "syrian arab republic": "SY",
              "united states": "US", "united kingdom": "GB", "belarus": "BY", "palestinian": "PS"}
    return names


def read_text_lines(path: Path) -> list[str]:
    """The file's lines decoded as UTF-8; a bad byte raises ImportFailed naming the line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFailed(f"{path}, line {line}: not valid UTF-8") from exc
    return text.splitlines(keepends=True)


def dedupe(values: list[str]) -> tuple[str, ...]:
    """Values in first-seen order, empty ones and repeats dropped."""
    return tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))
