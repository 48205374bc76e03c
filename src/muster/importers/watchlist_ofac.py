"""The US Treasury's OFAC SDN list in its legacy CSV files: sdn.csv plus alt.csv -> watchlist entries.

sdn.csv has no header; its columns are ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign,
Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks, with ``-0-`` for empty. alt.csv holds the
a.k.a.s: ent_num, alt_num, alt_type, alt_name, alt_remarks. Individuals become persons and entities
(type ``-0-``) organisations; vessels and aircraft are skipped. Birth dates and nationalities are read
from the remarks (``DOB 12 Jan 1960``, ``DOB circa 1958``, ``nationality Russia``, ``citizen Iran``);
country names are matched against ICU's English country names. The trailing end-of-file byte
(0x1A) the Treasury appends is ignored.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from muster.domain.matching import WatchlistEntry
from muster.importers.base import ImportReport, RejectedRow, WatchlistImport, country_by_name, dedupe, read_text_lines

SDN_FIELDS = 12
ALT_FIELDS = 5
_NULL = "-0-"
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_DOB = re.compile(r"DOB (?:circa |c\. )?(?:(\d{1,2}) )?(?:([A-Za-z]{3}) )?(\d{4})")
_NATIONALITY = re.compile(r"(?:[Nn]ationality|[Cc]itizen(?:ship)?) ([A-Za-z][A-Za-z ,.'()-]*?)(?:;|\.?\s*$| \()")


def _clean(value: str) -> str:
    value = value.strip()
    return "" if value == _NULL else value


def _records(path: Path, width: int) -> list[tuple[int, list[str] | str]]:
    lines = read_text_lines(path)
    out: list[tuple[int, list[str] | str]] = []
    reader = csv.reader(lines)
    line = 0
    while True:
        start = line + 1
        try:
            fields = next(reader)
        except StopIteration:
            return out
        except csv.Error as exc:
            out.append((start, f"malformed CSV ({exc})"))
            line = reader.line_num
            continue
        line = reader.line_num
        if not fields or all(not f.strip() or f.strip() == "\x1a" for f in fields):
            continue
        if len(fields) != width:
            out.append((start, f"expected {width} fields, found {len(fields)}"))
            continue
        out.append((start, fields))


def _dates(remarks: str) -> list[str]:
    dates = []
    for day, month, year in _DOB.findall(remarks):
        m = _MONTHS.get(month.lower()) if month else None
        dates.append(f"{year}-{m:02d}-{int(day):02d}" if m and day else f"{year}")
    return dates


def _countries(remarks: str) -> list[str]:
    by_name = country_by_name()
    return [by_name[n.strip().lower()] for n in _NATIONALITY.findall(remarks) if n.strip().lower() in by_name]


def read_watchlist_ofac(sdn: Path, alt: Path | None = None) -> WatchlistImport:
    """Read sdn.csv (and alt.csv when given) into watchlist entries plus an import report."""
    report = ImportReport(source=str(sdn))
    base: dict[str, tuple[list[str], list[str], list[str], str]] = {}
    skipped_ids: set[str] = set()
    for line, rec in _records(sdn, SDN_FIELDS):
        report.rows_read += 1
        if isinstance(rec, str):
            report.rejected.append(RejectedRow(line, rec))
            continue
        ent, name, sdn_type, remarks = _clean(rec[0]), _clean(rec[1]), _clean(rec[2]).lower(), _clean(rec[11])
        if not ent.isdigit():
            report.rejected.append(RejectedRow(line, f"ent_num '{rec[0].strip()}' is not a number"))
            continue
        if not name:
            report.rejected.append(RejectedRow(line, f"entry {ent} has no name"))
            continue
        if sdn_type in ("vessel", "aircraft"):
            report.skipped += 1
            skipped_ids.add(ent)
            continue
        if ent in base:
            report.duplicates.append(RejectedRow(line, f"ent_num {ent} repeated; first kept"))
            continue
        base[ent] = ([name], _dates(remarks), _countries(remarks), "Person" if sdn_type == "individual" else "Organization")
    if alt is not None:
        for line, rec in _records(alt, ALT_FIELDS):
            report.rows_read += 1
            if isinstance(rec, str):
                report.rejected.append(RejectedRow(line, f"alt.csv: {rec}"))
                continue
            ent, alt_name = _clean(rec[0]), _clean(rec[3])
            if ent not in base:
                if ent not in skipped_ids:
                    report.rejected.append(RejectedRow(line, f"alt.csv: no sdn.csv entry {ent}"))
                continue
            if alt_name:
                base[ent][0].append(alt_name)
    entries = tuple(WatchlistEntry(ent, dedupe(names), dedupe(dates), dedupe(countries), schema)
                    for ent, (names, dates, countries, schema) in base.items())
    report.entries = len(entries)
    report.names = sum(len(e.names) for e in entries)
    return WatchlistImport(entries, report)
