"""FollowTheMoney JSON lines (the OpenSanctions export format) -> watchlist entries.

One JSON object per line: ``{"id": ..., "schema": "Person", "properties": {"name": [...], ...}}``.
Persons and organisations (Organization, Company, LegalEntity, PublicBody) are read with all their
names (``name``, ``alias``, ``previousName``; ``weakAlias`` is left out, as yente leaves it out of
matching), their birth dates (``birthDate``, cut to YYYY, YYYY-MM or YYYY-MM-DD) and their countries
(``nationality``, ``citizenship``, ``country``; two-letter codes only, so historical codes such as
``suhh`` are dropped). Other schemas (sanctions, addresses, ownership links) are counted as skipped.
A line that is not a JSON object, lacks an id or a schema, or names nobody is rejected with its line
number; a repeated id is merged into the first (FtM splits entities into fragments) and reported.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from muster.domain.matching import WatchlistEntry
from muster.importers.base import ImportReport, RejectedRow, WatchlistImport, check_date, country_codes, dedupe, read_text_lines

PERSON_SCHEMAS = frozenset({"Person"})
ORGANISATION_SCHEMAS = frozenset({"Organization", "Company", "LegalEntity", "PublicBody"})
NAME_PROPERTIES = ("name", "alias", "previousName")
COUNTRY_PROPERTIES = ("nationality", "citizenship", "country")


def _values(props: dict[str, Any], key: str) -> list[str]:
    raw = props.get(key) or []
    return [v for v in (raw if isinstance(raw, list) else [raw]) if isinstance(v, str)]


def _names(props: dict[str, Any]) -> list[str]:
    names = [n for key in NAME_PROPERTIES for n in _values(props, key)]
    if not names:
        parts = [" ".join(_values(props, k)) for k in ("firstName", "fatherName", "middleName", "lastName")]
        composed = " ".join(p for p in parts if p)
        names = [composed] if composed else []
    return names


def read_watchlist_ftm(path: Path) -> WatchlistImport:
    """Read FollowTheMoney JSON lines into watchlist entries plus an import report."""
    report = ImportReport(source=str(path))
    entries: dict[str, WatchlistEntry] = {}
    first_line: dict[str, int] = {}
    for line_no, line in enumerate(read_text_lines(path), start=1):
        if not line.strip():
            continue
        report.rows_read += 1
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            report.rejected.append(RejectedRow(line_no, f"not valid JSON ({exc.msg})"))
            continue
        if not isinstance(data, dict):
            report.rejected.append(RejectedRow(line_no, "not a JSON object"))
            continue
        entity_id, schema = data.get("id"), data.get("schema")
        if not isinstance(entity_id, str) or not entity_id:
            report.rejected.append(RejectedRow(line_no, "no id"))
            continue
        if not isinstance(schema, str) or not schema:
            report.rejected.append(RejectedRow(line_no, f"entity {entity_id} has no schema"))
            continue
        if schema not in PERSON_SCHEMAS | ORGANISATION_SCHEMAS:
            report.skipped += 1
            continue
        props = data.get("properties")
        props = props if isinstance(props, dict) else {}
        names = dedupe(_names(props))
        if not names:
            report.rejected.append(RejectedRow(line_no, f"entity {entity_id} has no name"))
            continue
        dates = [d for d in (check_date(v[:10], allow_month=True) or check_date(v[:7], allow_month=True)
                             or check_date(v[:4]) for v in _values(props, "birthDate")) if d]
        countries = [c.upper() for key in COUNTRY_PROPERTIES for c in _values(props, key)
                     if c.upper() in country_codes()]
        kind = "Person" if schema in PERSON_SCHEMAS else "Organization"
        if entity_id in entries:
            old = entries[entity_id]
            report.duplicates.append(RejectedRow(line_no, f"id {entity_id} also on line {first_line[entity_id]}; merged"))
            entries[entity_id] = WatchlistEntry(entity_id, dedupe([*old.names, *names]),
                                                dedupe([*old.birth_dates, *dates]), dedupe([*old.countries, *countries]), old.schema)
            continue
        first_line[entity_id] = line_no
        entries[entity_id] = WatchlistEntry(entity_id, names, dedupe(dates), dedupe(countries), kind)
    report.entries = len(entries)
    report.names = sum(len(e.names) for e in entries.values())
    return WatchlistImport(tuple(entries.values()), report)
